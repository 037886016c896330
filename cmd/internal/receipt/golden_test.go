package receipt

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmttypes "github.com/cometbft/cometbft/types"
)

// The golden files are synthetic and deterministic (keys from seeds, fixed
// times): `go test ./cmd/internal/receipt -run TestGolden -update` rewrites
// them; a diff in review is a change of the format.
//
//	genesis.json           the genesis of the synthetic chain (four validators)
//	receipt.json           a member import at height 6, proven from that genesis
//	receipt-failed.json    a tx that failed at height 6 (code 5, codespace member)
//	receipt-valsets.json   a tx at height 9 after two validator-set changes
//	credential.json        member 42's credential: receipt.json as its history
//	receipt-v1.json        receipt.json in format 1 (bytes in base64), as
//	credential-v1.json     credential.json, files clerks made before format 2
//
// The /1 files are the bytes format 1 always wrote; a diff in them is a
// break of files clerks hold.
func goldenFiles(t *testing.T) map[string][]byte {
	t.Helper()
	good := goodChain(t).receipt
	failed := makeChain(t, chainSpec{height: 6, sets: []testVals{fourVals}, failed: true}).receipt
	valsets := makeChain(t, chainSpec{height: 9, sets: []testVals{fourVals, makeVals("second", 10, 10, 10, 20), makeVals("third", 7, 7, 7)},
		changes: map[int64]int{2: 1, 5: 2}}).receipt
	cred := &Credential{Format: CredentialFormat, ChainID: testChainID, MemberID: 42, Receipts: []Receipt{*good}}
	goodV1 := *good
	goodV1.Format = FormatV1
	credV1 := &Credential{Format: CredentialFormatV1, ChainID: testChainID, MemberID: 42, Receipts: []Receipt{goodV1}}
	return map[string][]byte{
		"receipt-v1.json":      encode(t, &goodV1),
		"credential-v1.json":   encode(t, credV1),
		"genesis.json":         genesisFile(t, fourVals),
		"receipt.json":         encode(t, good),
		"receipt-failed.json":  encode(t, failed),
		"receipt-valsets.json": encode(t, valsets),
		"credential.json":      encode(t, cred),
	}
}

// genesisFile is a CometBFT genesis file naming set, indented as the node
// writes one.
func genesisFile(t testing.TB, set testVals) []byte {
	t.Helper()
	doc := cmttypes.GenesisDoc{ChainID: testChainID, GenesisTime: chainStart, InitialHeight: 1,
		AppState: json.RawMessage(`{"org":{"params":{"calendar_utc_offset_minutes":480}}}`)}
	for _, v := range set.set.Validators {
		doc.Validators = append(doc.Validators, cmttypes.GenesisValidator{Address: v.Address, PubKey: v.PubKey, Power: v.VotingPower})
	}
	b, err := cmtjson.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

func TestGolden(t *testing.T) {
	files := goldenFiles(t)
	for name, want := range files {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to write it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the synthetic chain now makes other bytes; if the format change is meant, run with -update", path)
		}
	}
}

// The golden files still verify with the golden genesis alone, as a third
// party would check them.
func TestGoldenVerifies(t *testing.T) {
	gen, err := os.ReadFile(filepath.Join("testdata", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := TrustFromGenesis(gen)
	if err != nil {
		t.Fatal(err)
	}
	if tr.ChainID != testChainID || tr.CalendarOffsetMinutes != 480 {
		t.Fatalf("trust %+v", tr)
	}
	for _, name := range goldenNames {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		r, c, err := Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c != nil {
			if _, err := VerifyCredential(c, tr); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			continue
		}
		v, err := Verify(r, tr)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if failed := strings.Contains(name, "failed"); v.Failed != failed {
			t.Fatalf("%s: failed %v", name, v.Failed)
		}
	}
}

// BenchmarkVerify is the time to parse and verify one receipt with the
// genesis alone (docs/performance.md; goal under 50 ms): the golden receipt
// after two validator-set changes (four trust light blocks, 4 and 3
// validators).
func BenchmarkVerify(b *testing.B) {
	gen, err := os.ReadFile(filepath.Join("testdata", "genesis.json"))
	if err != nil {
		b.Fatal(err)
	}
	file, err := os.ReadFile(filepath.Join("testdata", "receipt-valsets.json"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		tr, err := TrustFromGenesis(gen)
		if err != nil {
			b.Fatal(err)
		}
		r, _, err := Parse(file)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Verify(r, tr); err != nil {
			b.Fatal(err)
		}
	}
}

// goldenNames are the golden receipt and credential files, both formats.
var goldenNames = []string{"receipt.json", "receipt-failed.json", "receipt-valsets.json", "credential.json",
	"receipt-v1.json", "credential-v1.json"}
