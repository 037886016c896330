package receipt

import (
	"encoding/json"
)

// Encode is the canonical encoding of a Receipt or a Credential: JSON
// indented by two spaces, fields in declaration order, byte slices in
// base64 as encoding/json writes them (hashes in headers as CometBFT's
// upper-case hex), ending with a newline. Parse accepts only this form.
func Encode(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
