package card

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/partychain/partychain/contracts/identity"
)

// A disclosure is what a member hands over instead of the card: the chosen
// fields only, each with its value, its salt and its Merkle path to the
// commitment. The other fields stay hidden behind their salts; nothing else
// of the card (branch, birth year, the other salts) is in it. The file is
// JSON in one canonical form (DecodeDisclosure refuses any other):
//
//	{
//	  "format": "partychain-disclosure/1",
//	  "chain_id": "partychain-dev",
//	  "member_id": 12,
//	  "commitment": "5d12…",           // hex, 32 bytes
//	  "fields": [                      // name order, each name once
//	    {
//	      "name": "birth_date",
//	      "value": "1990-05-17",
//	      "salt": "01…",               // hex, 32 bytes
//	      "index": 0,                  // the field's place in name order
//	      "total": 3,                  // the number of fields committed
//	      "aunts": ["9f…", "…"]        // hex, 32 bytes each, leaf up
//	    }
//	  ]
//	}
//
// The commitment it names proves nothing by itself: a verifier checks it
// against the commitment proven in the member's registration receipt
// (CheckIdentityWrites), then each field against it (Verify).

const (
	// DisclosureFormat names a disclosure file's format and version.
	DisclosureFormat = "partychain-disclosure/1"
	// MaxDisclosureBytes bounds a disclosure file read from outside: 32
	// fields of 1 KiB values with their salts and paths fit many times.
	MaxDisclosureBytes = 1 << 20
)

// Disclosure is a disclosure in memory. Fields are in name order, which is
// also their order in the commitment.
type Disclosure struct {
	ChainID    string
	MemberID   uint64
	Commitment []byte
	Fields     []identity.FieldProof
}

// Disclose builds the disclosure of the named fields of a registered card
// (one whose member id is known). Names may come in any order but each at
// most once.
func (c *Card) Disclose(names []string) (*Disclosure, error) {
	if c.MemberID == 0 {
		return nil, errors.New("the card has no member id: the registration did not complete, there is nothing to prove against")
	}
	if len(names) == 0 {
		return nil, errors.New("name at least one field to disclose")
	}
	d := &Disclosure{ChainID: c.ChainID, MemberID: c.MemberID, Commitment: bytes.Clone(c.commitment)}
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	for i, name := range sorted {
		if i > 0 && sorted[i-1] == name {
			return nil, fmt.Errorf("field %q named twice", name)
		}
		p, err := c.Prove(name)
		if err != nil {
			return nil, fmt.Errorf("%w (the card holds: %s)", err, strings.Join(c.fieldNames(), ", "))
		}
		d.Fields = append(d.Fields, *p)
	}
	return d, nil
}

func (c *Card) fieldNames() []string {
	names := make([]string, len(c.Fields))
	for i, f := range c.Fields {
		names[i] = f.Name
	}
	slices.Sort(names)
	return names
}

// disclosureFile and disclosedField are the JSON form of a disclosure.
type disclosureFile struct {
	Format     string           `json:"format"`
	ChainID    string           `json:"chain_id"`
	MemberID   uint64           `json:"member_id"`
	Commitment string           `json:"commitment"`
	Fields     []disclosedField `json:"fields"`
}

type disclosedField struct {
	Name  string   `json:"name"`
	Value string   `json:"value"`
	Salt  string   `json:"salt"`
	Index int64    `json:"index"`
	Total int64    `json:"total"`
	Aunts []string `json:"aunts"`
}

// Encode returns the canonical file bytes of d: JSON indented by two
// spaces, fields in declaration order, bytes in lower-case hex, a trailing
// newline.
func (d *Disclosure) Encode() ([]byte, error) {
	f := disclosureFile{
		Format: DisclosureFormat, ChainID: d.ChainID, MemberID: d.MemberID,
		Commitment: hex.EncodeToString(d.Commitment), Fields: make([]disclosedField, len(d.Fields)),
	}
	for i, p := range d.Fields {
		aunts := make([]string, len(p.Aunts))
		for j, a := range p.Aunts {
			aunts[j] = hex.EncodeToString(a)
		}
		f.Fields[i] = disclosedField{
			Name: p.Name, Value: p.Value, Salt: hex.EncodeToString(p.Salt),
			Index: p.Index, Total: p.Total, Aunts: aunts,
		}
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// DecodeDisclosure parses a disclosure file and checks its form: the size
// bound, strict JSON (unknown fields and trailing data refused), the format,
// hex of the right lengths, at least one field, names in strictly ascending
// order, and the canonical encoding byte for byte. It checks no proof:
// Verify and CheckIdentityWrites do.
func DecodeDisclosure(data []byte) (*Disclosure, error) {
	if len(data) > MaxDisclosureBytes {
		return nil, fmt.Errorf("not a disclosure: %d bytes, at most %d", len(data), MaxDisclosureBytes)
	}
	var f disclosureFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("not a disclosure: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("not a disclosure: data after the JSON object")
	}
	if f.Format != DisclosureFormat {
		return nil, fmt.Errorf("disclosure format %q: this partychaind reads %q", f.Format, DisclosureFormat)
	}
	if f.ChainID == "" || f.MemberID == 0 {
		return nil, errors.New("disclosure without a chain id or a member id")
	}
	d := &Disclosure{ChainID: f.ChainID, MemberID: f.MemberID}
	var err error
	if d.Commitment, err = decodeHash("commitment", f.Commitment); err != nil {
		return nil, err
	}
	if len(f.Fields) == 0 || len(f.Fields) > identity.MaxFields {
		return nil, fmt.Errorf("disclosure of %d fields, want 1 to %d", len(f.Fields), identity.MaxFields)
	}
	for i, fl := range f.Fields {
		if i > 0 && f.Fields[i-1].Name >= fl.Name {
			return nil, fmt.Errorf("disclosure fields out of order or repeated: %q after %q", fl.Name, f.Fields[i-1].Name)
		}
		p := identity.FieldProof{Name: fl.Name, Value: fl.Value, Index: fl.Index, Total: fl.Total}
		if p.Salt, err = hex.DecodeString(fl.Salt); err != nil || len(p.Salt) != identity.SaltLen {
			return nil, fmt.Errorf("field %q: salt is not %d bytes of hex", fl.Name, identity.SaltLen)
		}
		if len(fl.Aunts) > 0 {
			p.Aunts = make([][]byte, len(fl.Aunts))
		}
		for j, a := range fl.Aunts {
			if p.Aunts[j], err = decodeHash(fmt.Sprintf("field %q: aunt %d", fl.Name, j), a); err != nil {
				return nil, err
			}
		}
		d.Fields = append(d.Fields, p)
	}
	canon, err := d.Encode()
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(canon, data) {
		return nil, fmt.Errorf("disclosure not in its canonical form (first difference at byte %d): write it only with partychaind card disclose", firstDiff(canon, data))
	}
	return d, nil
}

func decodeHash(what, s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != identity.CommitmentLen {
		return nil, fmt.Errorf("%s %q is not %d bytes of hex", what, s, identity.CommitmentLen)
	}
	return b, nil
}

func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// Verify checks every disclosed field against the disclosure's own
// commitment; the first that fails is named in the error, which wraps
// identity.ErrFieldMismatch when a well-formed proof does not lead to it.
// On its own this proves nothing about the member: the commitment must be
// the one the chain holds (CheckIdentityWrites).
func (d *Disclosure) Verify() error {
	for i := range d.Fields {
		p := &d.Fields[i]
		if err := identity.VerifyField(d.Commitment, p); err != nil {
			return fmt.Errorf("disclosure of member %d: %w", d.MemberID, err)
		}
	}
	return nil
}

// Field returns the disclosed field called name, or an error saying it is
// not disclosed and which fields are.
func (d *Disclosure) Field(name string) (*identity.FieldProof, error) {
	for i := range d.Fields {
		if d.Fields[i].Name == name {
			return &d.Fields[i], nil
		}
	}
	return nil, fmt.Errorf("field %q is not disclosed: the disclosure holds only %s", name, strings.Join(d.names(), ", "))
}

func (d *Disclosure) names() []string {
	names := make([]string, len(d.Fields))
	for i, p := range d.Fields {
		names[i] = p.Name
	}
	return names
}
