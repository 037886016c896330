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
// whichever the file's format names. A file of format 1 (FormatV1,
// CredentialFormatV1: bytes in base64) reads into the same in-memory form
// as one of format 2, its Format telling which it was, and must be in the
// canonical form of format 1. Parse checks the form only, Verify and
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
		var w receiptV2
		var r Receipt
		if err := decodeCanonical(b, &w, func() any {
			r = receiptFromV2(&w)
			utcReceipt(&r)
			return &r
		}); err != nil {
			return nil, nil, err
		}
		return &r, nil, nil
	case FormatV1:
		var r Receipt
		if err := decodeCanonical(b, &r, func() any { utcReceipt(&r); return &r }); err != nil {
			return nil, nil, err
		}
		return &r, nil, nil
	case CredentialFormat:
		var w credentialV2
		var c Credential
		if err := decodeCanonical(b, &w, func() any {
			c = credentialFromV2(&w)
			utcCredential(&c)
			return &c
		}); err != nil {
			return nil, nil, err
		}
		return nil, &c, nil
	case CredentialFormatV1:
		var c Credential
		if err := decodeCanonical(b, &c, func() any { utcCredential(&c); return &c }); err != nil {
			return nil, nil, err
		}
		return nil, &c, nil
	default:
		return nil, nil, fmt.Errorf("file: format %q, want %q or %q (or format 1: %q or %q)",
			head.Format, Format, CredentialFormat, FormatV1, CredentialFormatV1)
	}
}

// decodeCanonical decodes b into v strictly; read converts what it holds
// to the in-memory Receipt or Credential with its times in UTC, and
// decodeCanonical insists that Encode of that is b.
func decodeCanonical(b []byte, v any, read func() any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("file: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("file: data after the JSON value")
	}
	again, err := Encode(read())
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

// utcCredential puts every time of c's receipts in UTC.
func utcCredential(c *Credential) {
	for i := range c.Receipts {
		utcReceipt(&c.Receipts[i])
	}
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
