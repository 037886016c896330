package identity

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// TestKeyLayout pins the key bytes documented in keys.go and docs.
func TestKeyLayout(t *testing.T) {
	c := bytes.Repeat([]byte{0xcc}, CommitmentLen)
	a := bytes.Repeat([]byte{0xaa}, AddressLen)
	cases := []struct {
		got  []byte
		want string
	}{
		{identityKey(0x0102), "0301" + "0000000000000102"},
		{IdentityKey(0x0102), "0301" + "0000000000000102"},
		{commitmentKey(c), "0302" + hex.EncodeToString(c)},
		{keyIndexKey(a), "0303" + hex.EncodeToString(a)},
	}
	for _, tc := range cases {
		if got := hex.EncodeToString(tc.got); got != tc.want {
			t.Errorf("key %s, want %s", got, tc.want)
		}
	}
}
