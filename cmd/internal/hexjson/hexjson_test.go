package hexjson

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
)

func seq(n int, start byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i)
	}
	return b
}

// decodeMap decodes out and fails on anything but a JSON object.
func decodeMap(t *testing.T, out []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return m
}

func TestProtoBytesInHex(t *testing.T) {
	addr, pub := seq(20, 0xA0), seq(32, 1)
	info := &orgv1.AccountInfo{
		Account: &orgv1.Account{Address: addr, PubKey: pub, Sequence: 7},
		Roles:   []orgv1.Officer{{OrgId: 3, GrantedBy: addr}, {OrgId: 4}},
	}
	out, err := Proto(info)
	if err != nil {
		t.Fatal(err)
	}
	m := decodeMap(t, out)
	acct := m["account"].(map[string]any)
	if got, want := acct["address"], "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3"; got != want {
		t.Errorf("address = %v, want %s (upper-case hex)", got, want)
	}
	if got, want := acct["pub_key"], "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"; got != want {
		t.Errorf("pub_key = %v, want %s (lower-case hex)", got, want)
	}
	if got := acct["sequence"]; got != "7" {
		t.Errorf("sequence = %v, want the proto3 JSON string \"7\" kept", got)
	}
	roles := m["roles"].([]any)
	if got := roles[0].(map[string]any)["granted_by"]; got != strings.ToUpper("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3") {
		t.Errorf("roles[0].granted_by = %v", got)
	}
	if got := roles[1].(map[string]any)["granted_by"]; got != nil && got != "" {
		t.Errorf("empty bytes = %v, want null or \"\" as proto3 JSON writes them", got)
	}
}

func TestProtoOneofAndTxHash(t *testing.T) {
	commitment := seq(32, 0x10)
	msg := &txv1.Msg{Sum: &txv1.Msg_RegisterApplicant{RegisterApplicant: &memberv1.MsgRegisterApplicant{BranchId: 3, Commitment: commitment}}}
	out, err := Proto(msg)
	if err != nil {
		t.Fatal(err)
	}
	reg := decodeMap(t, out)["register_applicant"].(map[string]any)
	if got, want := reg["commitment"], "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f"; got != want {
		t.Errorf("commitment inside a oneof = %v, want %s", got, want)
	}

	ev := &memberv1.HistoryEntry{TxHash: seq(32, 0xC0), DocHash: seq(32, 0xC0)}
	out, err = Proto(ev)
	if err != nil {
		t.Fatal(err)
	}
	h := decodeMap(t, out)
	if got := h["tx_hash"].(string); got != strings.ToUpper(got) || got == strings.ToLower(got) {
		t.Errorf("tx_hash = %s, want upper-case hex as CometBFT prints it", got)
	}
	if got := h["doc_hash"].(string); got != strings.ToLower(got) {
		t.Errorf("doc_hash = %s, want lower-case hex", got)
	}
}

func TestRewriteRefusesMismatch(t *testing.T) {
	acct := &orgv1.Account{Address: seq(20, 1)}
	if _, err := Rewrite([]byte(`{"address":"not base64!"}`), acct); err == nil {
		t.Fatal("Rewrite of JSON whose bytes field does not match the message: no error")
	}
}

func TestBytesMarshalJSON(t *testing.T) {
	out, err := json.Marshal(struct {
		K Bytes `json:"k"`
	}{Bytes{0xAB, 0x01}})
	if err != nil || !bytes.Equal(out, []byte(`{"k":"ab01"}`)) {
		t.Fatalf("Bytes = %s, %v; want {\"k\":\"ab01\"}", out, err)
	}
}

func TestRewriteKeepsFieldOrder(t *testing.T) {
	acct := &orgv1.Account{Address: seq(20, 1), PubKey: seq(32, 2), Sequence: 3}
	out, err := Proto(acct)
	if err != nil {
		t.Fatal(err)
	}
	a, p, s := bytes.Index(out, []byte(`"address"`)), bytes.Index(out, []byte(`"pub_key"`)), bytes.Index(out, []byte(`"sequence"`))
	if a < 0 || !(a < p && p < s) {
		t.Fatalf("fields out of the .proto order: %s", out)
	}
	if _, err := Rewrite([]byte(`{"address":null} {}`), acct); err == nil {
		t.Fatal("Rewrite of two JSON values: no error")
	}
}
