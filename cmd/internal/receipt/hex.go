package receipt

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// Hex is how a format-2 file writes bytes: a JSON string of upper-case hex
// digits, as CometBFT writes the hashes and addresses of the headers in the
// same file (libs/bytes.HexBytes), except that empty bytes are null, never
// "": one form for every value. It reads any hex; Parse's canonical check
// then refuses what is not upper case.
type Hex []byte

// MarshalJSON writes h as upper-case hex, or null if h is empty.
func (h Hex) MarshalJSON() ([]byte, error) {
	if len(h) == 0 {
		return []byte("null"), nil
	}
	return json.Marshal(strings.ToUpper(hex.EncodeToString(h)))
}

// UnmarshalJSON reads null or a string of hex digits.
func (h *Hex) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*h = nil
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("bytes: want a hex string or null: %w", err)
	}
	d, err := hex.DecodeString(s)
	if err != nil {
		return fmt.Errorf("bytes: want hex: %w", err)
	}
	*h = d
	return nil
}
