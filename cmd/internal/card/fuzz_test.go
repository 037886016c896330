package card_test

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/partychain/partychain/cmd/internal/card"
)

// FuzzDecode: any bytes either are refused with an error, or are a card
// whose fields and salts give its commitment and that writes and reads back
// the same.
func FuzzDecode(f *testing.F) {
	c, err := card.New("partychain-test", 4, 1990, [][2]string{{"name", "张三"}, {"id_number", "000000199005170000"}, {"birth_date", "1990-05-17"}}, rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	c.MemberID, c.TxHash, c.Height = 12, "AB", 40
	path := filepath.Join(f.TempDir(), "seed.card.json")
	if err := c.Write(path); err != nil {
		f.Fatal(err)
	}
	seed, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add(bytes.Replace(seed, []byte(`"version": 1`), []byte(`"version": 2`), 1))
	f.Add([]byte(`{"version":1,"chain_id":"c","commitment":"00","fields":[]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := card.Decode(data)
		if err != nil {
			return
		}
		if len(c.Commitment()) != 32 {
			t.Fatalf("a decoded card with a %d-byte commitment", len(c.Commitment()))
		}
		path := filepath.Join(t.TempDir(), "card.json")
		if err := c.Write(path); err != nil {
			t.Fatalf("a card that decodes does not write: %v", err)
		}
		again, err := card.Read(path)
		if err != nil {
			t.Fatalf("a card written does not read back: %v", err)
		}
		if !bytes.Equal(again.Commitment(), c.Commitment()) || again.ChainID != c.ChainID || again.MemberID != c.MemberID ||
			again.BirthYear != c.BirthYear || len(again.Fields) != len(c.Fields) {
			t.Fatal("a card read back differs from the one written")
		}
	})
}

// FuzzDecodeDisclosure: any bytes either are refused with an error, or are
// a disclosure that encodes back to exactly those bytes, whose hashes are 32
// bytes, and whose fields check against its commitment without a panic.
func FuzzDecodeDisclosure(f *testing.F) {
	good := disclose(f, registeredCard(f, 1), "birth_date", "name")
	f.Add(good)
	f.Add(disclose(f, registeredCard(f, 2), "id_number"))
	f.Add(bytes.Replace(good, []byte("1990-05-17"), []byte("1990-05-18"), 1))
	f.Add([]byte(`{"format":"partychain-disclosure/1","chain_id":"c","member_id":1,"commitment":"00","fields":[]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := card.DecodeDisclosure(data)
		if err != nil {
			return
		}
		again, err := d.Encode()
		if err != nil || !bytes.Equal(again, data) {
			t.Fatalf("accepted bytes do not encode back: %v\n%s\n%s", err, data, again)
		}
		if len(d.Commitment) != 32 || len(d.Fields) == 0 {
			t.Fatalf("accepted a disclosure with a %d-byte commitment and %d fields", len(d.Commitment), len(d.Fields))
		}
		_ = d.Verify()
	})
}
