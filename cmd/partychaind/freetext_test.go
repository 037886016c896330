package main

import (
	"strings"
	"testing"

	"github.com/cometbft/cometbft/crypto/ed25519"

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
		s := &txSession{chainID: "partychain-test", signer: keyring.Info{PubKey: pub}, memo: c.memo}
		_, err := s.sign(&orgv1.MsgCreateOrg{ParentId: 1, Kind: orgv1.OrgKind_ORG_KIND_BRANCH, Name: c.name})
		if err == nil || !strings.Contains(err.Error(), "not sent") || !strings.Contains(err.Error(), "privacy/2") {
			t.Fatalf("memo %q, name %q: %v, want not sent with privacy/2", c.memo, c.name, err)
		}
		if strings.Contains(err.Error(), c.number) {
			t.Errorf("the error repeats the number: %v", err)
		}
	}
}
