package receipt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Parse reads a receipt or a credential file from outside: at most
// MaxFileBytes, strict JSON (an unknown field is refused), and only in the
// canonical form (Encode of what it decodes must give the file back byte for
// byte, with every time in UTC). It returns the receipt or the credential,
// whichever the file's format names; Parse checks the form only, Verify and
// VerifyCredential check the proofs.
func Parse(b []byte) (*Receipt, *Credential, error) {
	if len(b) > MaxFileBytes {
		return nil, nil, fmt.Errorf("file: %d bytes, at most %d", len(b), MaxFileBytes)
	}
	var head struct {
		Format string `json:"format"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, nil, fmt.Errorf("file: not a receipt: %w", err)
	}
	switch head.Format {
	case Format:
		var r Receipt
		if err := decodeCanonical(b, &r, func() { utcReceipt(&r) }); err != nil {
			return nil, nil, err
		}
		return &r, nil, nil
	case CredentialFormat:
		var c Credential
		if err := decodeCanonical(b, &c, func() {
			for i := range c.Receipts {
				utcReceipt(&c.Receipts[i])
			}
		}); err != nil {
			return nil, nil, err
		}
		return nil, &c, nil
	default:
		return nil, nil, fmt.Errorf("file: format %q, want %q or %q", head.Format, Format, CredentialFormat)
	}
}

// decodeCanonical decodes b into v strictly, puts its times in UTC (utc),
// and insists that Encode(v) is b.
func decodeCanonical(b []byte, v any, utc func()) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("file: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("file: data after the JSON value")
	}
	utc()
	again, err := Encode(v)
	if err != nil {
		return fmt.Errorf("file: %w", err)
	}
	if !bytes.Equal(again, b) {
		return fmt.Errorf("file: not in the canonical form (%s)", firstDiff(b, again))
	}
	return nil
}

// firstDiff locates where b departs from the canonical form.
func firstDiff(b, canon []byte) string {
	n := min(len(b), len(canon))
	for i := 0; i < n; i++ {
		if b[i] != canon[i] {
			line := bytes.Count(b[:i], []byte{'\n'}) + 1
			return fmt.Sprintf("line %d, byte %d", line, i)
		}
	}
	return fmt.Sprintf("length %d, canonical %d", len(b), len(canon))
}

// utcReceipt puts every time of r in UTC, so a time written with another
// offset (the same instant, other bytes) is not canonical.
func utcReceipt(r *Receipt) {
	lbs := make([]*LightBlock, 0, 2+len(r.Trust))
	lbs = append(lbs, &r.Block, &r.Next)
	for i := range r.Trust {
		lbs = append(lbs, &r.Trust[i])
	}
	for _, lb := range lbs {
		lb.Header.Time = utc(lb.Header.Time)
		for i := range lb.Commit.Signatures {
			s := &lb.Commit.Signatures[i]
			s.Timestamp = utc(s.Timestamp)
		}
	}
}

func utc(t time.Time) time.Time {
	if t.Location() == time.UTC {
		return t
	}
	return t.UTC()
}
