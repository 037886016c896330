package txsession

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/cmd/internal/keyring"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// TestSignRefusesPersonalData: the CLI runs the nodes' stateless checks
// before it signs, so a memo or an organization name holding a mobile or
// an ID-card number is refused before anything is sent (the session has no
// keyring and no node: reaching either would panic), with the code the
// nodes would answer and without repeating the number.
func TestSignRefusesPersonalData(t *testing.T) {
	pub := ed25519.GenPrivKeyFromSecret([]byte("cli")).PubKey().(ed25519.PubKey)
	for _, c := range []struct {
		memo, name, number string
	}{
		{"请联系 13812345678", "支部", "13812345678"},
		{"", "支部 11010519491231002X", "11010519491231002X"},
	} {
		s := &Session{ChainID: "partychain-test", Signer: keyring.Info{PubKey: pub}, Memo: c.memo}
		_, err := s.Sign(&orgv1.MsgCreateOrg{ParentId: 1, Kind: orgv1.OrgKind_ORG_KIND_BRANCH, Name: c.name})
		if err == nil || !strings.Contains(err.Error(), "not sent") || !strings.Contains(err.Error(), "privacy/2") {
			t.Fatalf("memo %q, name %q: %v, want not sent with privacy/2", c.memo, c.name, err)
		}
		if strings.Contains(err.Error(), c.number) {
			t.Errorf("the error repeats the number: %v", err)
		}
	}
}

// TestSignWithGivenChainAndSequence: a session given the chain id and the
// sequence asks no node (the client is nil) and signs with the key of
// --from a tx the app decodes for that chain, with that sequence, memo and
// signer, and a good signature; its receipts go to the hook it was given.
func TestSignWithGivenChainAndSequence(t *testing.T) {
	kr, err := keyring.Open(t.TempDir(), keyring.BackendTest, nil)
	if err != nil {
		t.Fatal(err)
	}
	info, err := kr.Add("clerk")
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	keep := func(_ context.Context, _ *client.Client, dir string, _ time.Duration, res *client.TxResult) {
		kept = append(kept, dir+" "+res.Hash)
	}
	s, err := Open(context.Background(), kr, nil, Options{From: "clerk", ChainID: "partychain-test", Sequence: 7,
		Memo: "roster 2026", Timeout: time.Second, ReceiptDir: "receipts", KeepReceipt: keep})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := s.Sign(&orgv1.MsgCreateOrg{ParentId: 1, Kind: orgv1.OrgKind_ORG_KIND_BRANCH, Name: "第一支部"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := app.DecodeTx(tx, "partychain-test")
	if err != nil {
		t.Fatal(err)
	}
	if d.Sequence != 7 || d.Memo != "roster 2026" || !d.SignatureOK || string(d.Signer) != string(info.PubKey) || len(d.Messages) != 1 {
		t.Errorf("decoded: sequence %d, memo %q, signature ok %v, signer %x (want %x), %d messages",
			d.Sequence, d.Memo, d.SignatureOK, d.Signer, info.PubKey, len(d.Messages))
	}
	if _, err := app.DecodeTx(tx, "other-chain"); err == nil {
		t.Error("the tx decodes for another chain")
	}
	s.KeepReceipt(context.Background(), &client.TxResult{Hash: "AB"})
	if len(kept) != 1 || kept[0] != "receipts AB" {
		t.Errorf("receipts kept: %q, want the one of AB in receipts", kept)
	}
	if _, err := Open(context.Background(), kr, nil, Options{From: "nobody", ChainID: "partychain-test", Sequence: 0}); err == nil {
		t.Error("a session opened for a key that is not in the keyring")
	}
}
