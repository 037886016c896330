// Package card is the member card: the local file that holds a member's
// personal fields and their secret salts, from which the commitment on chain
// was computed. Whoever holds the card can prove any one field against the
// chain (partychaind verify-field); whoever loses it can no longer prove
// anything, and nobody else can; destroying it makes the commitment
// unlinkable to the person.
//
// The file is JSON, versioned, written with mode 0600 and never overwritten
// by a new card:
//
//	{
//	  "version": 1,
//	  "chain_id": "partychain-dev",
//	  "member_id": 12,              // 0 until the registration is in a block
//	  "branch_id": 4,
//	  "birth_year": 1990,
//	  "commitment": "5d12…",        // hex, 32 bytes
//	  "fields": [{"name": "birth_date", "value": "1990-05-17", "salt": "01…"}],
//	  "tx_hash": "…",               // the registration tx, once known
//	  "height": 40                  // its block, once known
//	}
//
// It never leaves the machine through this package: nothing here talks to a
// node.
package card

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/partychain/partychain/contracts/identity"
)

// Version is the card file format this package writes and reads.
const Version = 1

// BirthDateField is the conventional name of the birth date field. If a card
// holds it, its value must be YYYY-MM-DD and its year the card's birth year,
// so the year in the clear and the committed date agree.
const BirthDateField = "birth_date"

// Card is a member card in memory. Fields are kept in the order given to New.
type Card struct {
	ChainID   string
	MemberID  uint64 // 0 until known
	BranchID  uint64
	BirthYear uint32
	Fields    []identity.Field
	TxHash    string // hex, as CometBFT prints it; "" until known
	Height    int64  // 0 until known

	commitment []byte
}

// New makes a card for fields (name, value pairs), drawing a fresh 32-byte
// salt for each from rand (crypto/rand.Reader if nil), and computes the
// commitment.
func New(chainID string, branchID uint64, birthYear uint32, fields [][2]string, random io.Reader) (*Card, error) {
	if random == nil {
		random = rand.Reader
	}
	if chainID == "" {
		return nil, errors.New("a card needs the chain id")
	}
	c := &Card{ChainID: chainID, BranchID: branchID, BirthYear: birthYear}
	for _, nv := range fields {
		salt, err := identity.NewSalt(random)
		if err != nil {
			return nil, err
		}
		c.Fields = append(c.Fields, identity.Field{Name: nv[0], Value: nv[1], Salt: salt})
	}
	if err := c.checkBirthDate(); err != nil {
		return nil, err
	}
	commitment, err := identity.Commit(c.Fields)
	if err != nil {
		return nil, err
	}
	c.commitment = commitment
	return c, nil
}

func (c *Card) checkBirthDate() error {
	for _, f := range c.Fields {
		if f.Name != BirthDateField {
			continue
		}
		d, err := time.Parse(time.DateOnly, f.Value)
		if err != nil {
			return fmt.Errorf("field %s %q must be YYYY-MM-DD", BirthDateField, f.Value)
		}
		if uint32(d.Year()) != c.BirthYear {
			return fmt.Errorf("field %s %q is not in the birth year %d", BirthDateField, f.Value, c.BirthYear)
		}
	}
	return nil
}

// Commitment returns the 32-byte commitment the card's fields and salts
// give. The caller must not modify it.
func (c *Card) Commitment() []byte { return c.commitment }

// Prove builds the proof of one field, to check against the chain.
func (c *Card) Prove(name string) (*identity.FieldProof, error) {
	return identity.Prove(c.Fields, name)
}

// file is the JSON form of a card.
type file struct {
	Version    int         `json:"version"`
	ChainID    string      `json:"chain_id"`
	MemberID   uint64      `json:"member_id"`
	BranchID   uint64      `json:"branch_id"`
	BirthYear  uint32      `json:"birth_year"`
	Commitment string      `json:"commitment"`
	Fields     []fileField `json:"fields"`
	TxHash     string      `json:"tx_hash"`
	Height     int64       `json:"height"`
}

type fileField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Salt  string `json:"salt"`
}

// encode checks that the fields still give the commitment (a card is never
// written damaged) and returns the file bytes.
func (c *Card) encode() ([]byte, error) {
	got, err := identity.Commit(c.Fields)
	if err != nil {
		return nil, fmt.Errorf("card not written: %w", err)
	}
	if !bytes.Equal(got, c.commitment) {
		return nil, errors.New("card not written: its fields or salts were changed after it was made")
	}
	if err := c.checkBirthDate(); err != nil {
		return nil, fmt.Errorf("card not written: %w", err)
	}
	f := file{
		Version: Version, ChainID: c.ChainID, MemberID: c.MemberID, BranchID: c.BranchID,
		BirthYear: c.BirthYear, Commitment: hex.EncodeToString(c.commitment),
		TxHash: c.TxHash, Height: c.Height, Fields: make([]fileField, len(c.Fields)),
	}
	for i, fl := range c.Fields {
		f.Fields[i] = fileField{Name: fl.Name, Value: fl.Value, Salt: hex.EncodeToString(fl.Salt)}
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// Decode parses a card file and checks it: the format version, and that the
// fields and salts give the stored commitment (else "card is damaged").
func Decode(data []byte) (*Card, error) {
	var f file
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("not a member card: %w", err)
	}
	if f.Version != Version {
		return nil, fmt.Errorf("card version %d: this partychaind reads version %d", f.Version, Version)
	}
	c := &Card{
		ChainID: f.ChainID, MemberID: f.MemberID, BranchID: f.BranchID, BirthYear: f.BirthYear,
		TxHash: f.TxHash, Height: f.Height, Fields: make([]identity.Field, len(f.Fields)),
	}
	stored, err := hex.DecodeString(f.Commitment)
	if err != nil || len(stored) != identity.CommitmentLen {
		return nil, fmt.Errorf("card is damaged: commitment %q is not %d bytes of hex", f.Commitment, identity.CommitmentLen)
	}
	for i, fl := range f.Fields {
		salt, err := hex.DecodeString(fl.Salt)
		if err != nil {
			return nil, fmt.Errorf("card is damaged: salt of field %q is not hex", fl.Name)
		}
		c.Fields[i] = identity.Field{Name: fl.Name, Value: fl.Value, Salt: salt}
	}
	got, err := identity.Commit(c.Fields)
	if err != nil {
		return nil, fmt.Errorf("card is damaged: %w", err)
	}
	if !bytes.Equal(got, stored) {
		return nil, fmt.Errorf("card is damaged: its fields and salts give commitment %x, not the %x it records", got, stored)
	}
	if err := c.checkBirthDate(); err != nil {
		return nil, fmt.Errorf("card is damaged: %w", err)
	}
	c.commitment = stored
	return c, nil
}

// Read reads and checks a card file (see Decode).
func Read(path string) (*Card, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	c, err := Decode(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Write creates the card file at path with mode 0600 and syncs it to disk.
// It never overwrites: an existing file is an error, because it may hold the
// only copy of someone's salts.
func (c *Card) Write(path string) error {
	data, err := c.encode()
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s already exists: a card is never overwritten; choose another file", path)
		}
		return err
	}
	if err := writeSync(f, data); err != nil {
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// Rewrite replaces the card file at path atomically (a synced temporary file
// renamed over it), keeping mode 0600: it fills in member_id, tx_hash and
// height once the registration is in a block. The file must exist and hold
// a card with the same commitment, so a rewrite can never lose salts.
func (c *Card) Rewrite(path string) error {
	old, err := Read(path)
	if err != nil {
		return fmt.Errorf("rewrite: %w", err)
	}
	if !bytes.Equal(old.commitment, c.commitment) {
		return fmt.Errorf("rewrite %s: it holds another card (commitment %x, not %x)", path, old.commitment, c.commitment)
	}
	data, err := c.encode()
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := writeSync(tmp, data); err != nil {
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// writeSync writes data, syncs and closes f.
func writeSync(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes a new or renamed directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
