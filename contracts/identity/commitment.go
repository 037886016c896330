package identity

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cometbft/cometbft/crypto/merkle"
)

// The commitment scheme (docs/identity.md states it byte for byte). A
// member's personal fields are name/value pairs; each gets a secret 32-byte
// salt. The commitment is the RFC 6962 Merkle root (CometBFT's crypto/merkle)
// of one leaf per field, leaves ordered by field name:
//
//	leaf = "partychain/identity/v1"          22 bytes of ASCII, the domain tag
//	    || uvarint(len(name))  || name
//	    || salt                              exactly 32 bytes
//	    || uvarint(len(value)) || value      UTF-8, compared byte for byte
//
// One field is disclosed by giving its name, value, salt, index, the number
// of fields and the Merkle path (aunts); the others stay hidden behind their
// salts. These are pure functions for clients: state transitions never call
// them, the chain only stores the root.

// Domain is the tag at the start of every leaf.
const Domain = "partychain/identity/v1"

// Limits of the scheme.
const (
	SaltLen     = 32
	MaxFields   = 32
	MaxValueLen = 1024
	maxAunts    = 5 // a tree of at most 32 leaves is at most 5 levels deep
)

var fieldName = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// FieldNameRule says in words which field names are allowed (fieldName).
const FieldNameRule = "a field name is 1 to 32 characters, lower-case letters a-z, digits 0-9 and _, " +
	"starting with a letter, such as name, birth_date or id_number"

// suggestName proposes the allowed name closest to a refused one (lower
// case, - and spaces as _), or nothing if that is not allowed either.
func suggestName(name string) string {
	s := strings.ToLower(strings.TrimSpace(name))
	s = strings.NewReplacer("-", "_", " ", "_").Replace(s)
	if s != name && fieldName.MatchString(s) {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// ErrFieldMismatch is returned by VerifyField when a well-formed proof does
// not lead to the commitment: a wrong value, salt, name, index or path.
var ErrFieldMismatch = errors.New("the field does not match the commitment")

// Field is one personal field with its salt.
type Field struct {
	Name, Value string
	Salt        []byte
}

// NewSalt reads a fresh salt from rand (crypto/rand.Reader in real use).
func NewSalt(rand io.Reader) ([]byte, error) {
	salt := make([]byte, SaltLen)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return nil, fmt.Errorf("read a salt: %w", err)
	}
	return salt, nil
}

// CheckField checks one field: its name, its value and its salt.
func CheckField(f Field) error {
	if !fieldName.MatchString(f.Name) {
		return fmt.Errorf("field name %q is not allowed: %s%s", f.Name, FieldNameRule, suggestName(f.Name))
	}
	if len(f.Value) == 0 || len(f.Value) > MaxValueLen {
		return fmt.Errorf("field %q: value of %d bytes, want 1 to %d bytes (about %d Chinese characters, 3 bytes each in UTF-8)",
			f.Name, len(f.Value), MaxValueLen, MaxValueLen/3)
	}
	if !utf8.ValidString(f.Value) {
		return fmt.Errorf("field %q: value is not valid UTF-8", f.Name)
	}
	if len(f.Salt) != SaltLen {
		return fmt.Errorf("field %q: salt of %d bytes, want %d", f.Name, len(f.Salt), SaltLen)
	}
	return nil
}

// Leaf returns the leaf bytes of a field (not its hash); f must be valid.
func Leaf(f Field) []byte {
	leaf := make([]byte, 0, len(Domain)+2*binary.MaxVarintLen64+len(f.Name)+SaltLen+len(f.Value))
	leaf = append(leaf, Domain...)
	leaf = binary.AppendUvarint(leaf, uint64(len(f.Name)))
	leaf = append(leaf, f.Name...)
	leaf = append(leaf, f.Salt...)
	leaf = binary.AppendUvarint(leaf, uint64(len(f.Value)))
	return append(leaf, f.Value...)
}

// sortedLeaves checks fields and returns them ordered by name with their
// leaves. The caller's slice is not reordered.
func sortedLeaves(fields []Field) ([]Field, [][]byte, error) {
	if len(fields) == 0 || len(fields) > MaxFields {
		return nil, nil, fmt.Errorf("%d fields, want 1 to %d", len(fields), MaxFields)
	}
	sorted := slices.Clone(fields)
	slices.SortFunc(sorted, func(a, b Field) int { return strings.Compare(a.Name, b.Name) })
	leaves := make([][]byte, len(sorted))
	for i, f := range sorted {
		if err := CheckField(f); err != nil {
			return nil, nil, err
		}
		if i > 0 && sorted[i-1].Name == f.Name {
			return nil, nil, fmt.Errorf("field %q appears twice", f.Name)
		}
		leaves[i] = Leaf(f)
	}
	return sorted, leaves, nil
}

// Commit returns the 32-byte commitment to fields, in any order.
func Commit(fields []Field) ([]byte, error) {
	_, leaves, err := sortedLeaves(fields)
	if err != nil {
		return nil, err
	}
	return merkle.HashFromByteSlices(leaves), nil
}

// FieldProof discloses one field and proves it against a commitment.
type FieldProof struct {
	Name  string   `json:"name"`
	Value string   `json:"value"`
	Salt  []byte   `json:"salt"`
	Index int64    `json:"index"` // the field's position in name order, from 0
	Total int64    `json:"total"` // the number of fields committed
	Aunts [][]byte `json:"aunts"` // sibling hashes from the leaf up to the root
}

// Prove builds the proof of the field called name.
func Prove(fields []Field, name string) (*FieldProof, error) {
	sorted, leaves, err := sortedLeaves(fields)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(sorted, func(f Field) bool { return f.Name == name })
	if i < 0 {
		return nil, fmt.Errorf("no field %q", name)
	}
	_, proofs := merkle.ProofsFromByteSlices(leaves)
	f := sorted[i]
	return &FieldProof{
		Name: f.Name, Value: f.Value, Salt: bytes.Clone(f.Salt),
		Index: proofs[i].Index, Total: proofs[i].Total, Aunts: proofs[i].Aunts,
	}, nil
}

// VerifyField checks that p's field is committed to by commitment. A
// malformed proof returns a descriptive error; a well-formed proof that does
// not lead to the commitment returns an error wrapping ErrFieldMismatch.
func VerifyField(commitment []byte, p *FieldProof) error {
	if len(commitment) != CommitmentLen {
		return fmt.Errorf("commitment of %d bytes, want %d", len(commitment), CommitmentLen)
	}
	f := Field{Name: p.Name, Value: p.Value, Salt: p.Salt}
	if err := CheckField(f); err != nil {
		return err
	}
	if p.Total < 1 || p.Total > MaxFields || p.Index < 0 || p.Index >= p.Total {
		return fmt.Errorf("index %d of %d fields: want 0 <= index < total <= %d", p.Index, p.Total, MaxFields)
	}
	if len(p.Aunts) > maxAunts {
		return fmt.Errorf("%d aunts, at most %d", len(p.Aunts), maxAunts)
	}
	for i, a := range p.Aunts {
		if len(a) != CommitmentLen {
			return fmt.Errorf("aunt %d of %d bytes, want %d", i, len(a), CommitmentLen)
		}
	}
	leaf := Leaf(f)
	proof := merkle.Proof{
		Total: p.Total, Index: p.Index, Aunts: p.Aunts,
		LeafHash: merkle.HashFromByteSlices([][]byte{leaf}), // RFC 6962: SHA-256(0x00 || leaf)
	}
	if err := proof.Verify(commitment, leaf); err != nil {
		return fmt.Errorf("field %q: %w (%v)", p.Name, ErrFieldMismatch, err)
	}
	return nil
}
