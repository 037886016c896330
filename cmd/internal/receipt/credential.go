package receipt

import (
	"errors"
	"fmt"
)

// VerifyCredential verifies each receipt of c (Verify) and checks that the
// receipts ascend in height, are of c's chain, and each concerns
// c.MemberID: one of its writes is that member's record, or its tx created
// that member.
func VerifyCredential(c *Credential, t Trust) ([]*Verified, error) {
	if c == nil {
		return nil, errors.New("credential: none")
	}
	// A credential of format 1 holds receipts of format 1; of format 2,
	// receipts of format 2.
	want := Format
	switch c.Format {
	case CredentialFormat:
	case CredentialFormatV1:
		want = FormatV1
	default:
		return nil, fmt.Errorf("credential: format %q, want %q", c.Format, CredentialFormat)
	}
	if t.ChainID != "" && c.ChainID != t.ChainID {
		return nil, fmt.Errorf("chain id: the credential is for %q, the trusted chain is %q", c.ChainID, t.ChainID)
	}
	if len(c.Receipts) == 0 {
		return nil, errors.New("credential: no receipts")
	}
	out := make([]*Verified, 0, len(c.Receipts))
	for i := range c.Receipts {
		r := &c.Receipts[i]
		if r.ChainID != c.ChainID {
			return nil, fmt.Errorf("receipt %d: chain id %q, the credential's is %q", i, r.ChainID, c.ChainID)
		}
		if prev := &c.Receipts[max(i-1, 0)]; i > 0 && (r.Height < prev.Height || r.Height == prev.Height && r.Index <= prev.Index) {
			return nil, fmt.Errorf("receipt %d: tx %d of height %d after tx %d of height %d: receipts must ascend by height, then index",
				i, r.Index, r.Height, prev.Index, prev.Height)
		}
		if r.Format != want {
			return nil, fmt.Errorf("receipt %d (height %d): receipt: format %q, want %q", i, r.Height, r.Format, want)
		}
		v, err := Verify(r, t)
		if err != nil {
			return nil, fmt.Errorf("receipt %d (height %d): %w", i, r.Height, err)
		}
		if !v.Concerns(c.MemberID) {
			return nil, fmt.Errorf("receipt %d (height %d): it does not concern member %d", i, r.Height, c.MemberID)
		}
		out = append(out, v)
	}
	return out, nil
}

// Concerns reports whether v proves something about member id: it wrote the
// member's record, or its tx created the member.
func (v *Verified) Concerns(id uint64) bool {
	want := fmt.Sprintf("member %d", id)
	for _, w := range v.Writes {
		if w.Record == want {
			return true
		}
	}
	for _, c := range v.Created {
		if c.Kind == "member" && c.ID == id {
			return true
		}
	}
	return false
}
