package receipt

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every number of a receipt set to an extreme, and every byte string
// emptied or cut to one byte, is refused by Parse or by Verify with a
// named link, never by a panic (Verify recovers from CometBFT's panics as
// "receipt: malformed", which here counts as a failure).
func TestVerifyExtremes(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "receipt-valsets.json"))
	if err != nil {
		t.Fatal(err)
	}
	tr := genesisTrust(t, fourVals)
	verified := 0
	try := func(what string, b []byte) {
		r, _, err := Parse(b)
		if err != nil {
			return
		}
		verified++
		v, err := Verify(r, tr)
		switch {
		case err == nil:
			t.Fatalf("%s: accepted (%+v)", what, v)
		case strings.Contains(err.Error(), "receipt: malformed"):
			t.Fatalf("%s: %v", what, err)
		}
	}
	numbers := regexp.MustCompile(`: -?[0-9]+`)
	for _, l := range numbers.FindAllIndex(good, -1) {
		for _, n := range []string{"0", "-1", "1", "2", "4294967295", "2147483648", "9223372036854775807", "-9223372036854775808"} {
			if string(good[l[0]+2:l[1]]) == n {
				continue
			}
			b := append(append(append([]byte{}, good[:l[0]+2]...), n...), good[l[1]:]...)
			try("number at "+string(good[max(0, l[0]-20):l[0]]), b)
		}
	}
	strs := regexp.MustCompile(`"[A-Za-z0-9+/=]{4,}"`)
	for _, l := range strs.FindAllIndex(good, -1) {
		for _, s := range []string{`""`, `"AA=="`, `null`, `"` + strings.Repeat("A", 43) + `="`} {
			if string(good[l[0]:l[1]]) == s {
				continue
			}
			b := append(append(append([]byte{}, good[:l[0]]...), s...), good[l[1]:]...)
			try("string at "+string(good[max(0, l[0]-20):l[0]]), b)
		}
	}
	if verified < 500 {
		t.Fatalf("only %d variants parsed: the test no longer reaches Verify", verified)
	}
	t.Logf("%d variants parsed, all refused by Verify", verified)
}
