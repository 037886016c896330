package app

import (
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// TestFreeTextRefusesPersonalData: every free-text field (the memo, an
// organization's name when created or renamed, a meeting's topic, a
// proposal's title) refuses an ID-card number with a valid check digit
// and a mobile number with privacy/2 in CheckTx, and the log does not
// repeat the number; the same ID with a wrong check digit, and a 12-digit
// run holding a mobile-like one, pass the stateless checks.
func TestFreeTextRefusesPersonalData(t *testing.T) {
	ta := newTestApp(t)
	ta.mustDeliver()
	fields := map[string]func(text string) []byte{
		"memo": func(text string) []byte {
			b := body(rootSecretary, 0, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "B"))
			b.Memo = text
			return sign(t, rootSecretary, b)
		},
		"name": func(text string) []byte {
			return signedTx(t, rootSecretary, 0, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "支部 "+text))
		},
		"rename": func(text string) []byte {
			return signedTx(t, rootSecretary, 0, &orgv1.MsgRenameOrg{OrgId: 1, Name: "党委 " + text})
		},
		"topic": func(text string) []byte {
			m := hostileMeeting(0, 1, 0)
			m.Topic = "会议 " + text
			return signedTx(t, rootSecretary, 0, m)
		},
		"title": func(text string) []byte {
			return signedTx(t, rootSecretary, 0, &governancev1.MsgSubmitProposal{Proposal: &governancev1.Proposal{
				Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE, NodeId: strings.Repeat("ab", 20), OrgId: 1, Title: "接入 " + text}})
		},
	}
	refused := []string{"11010519491231002X", "440304199003075812", "13812345678", "138-1234-5678"}
	accepted := []string{"11010519491231002Y", "440304199003075813", "138123456789"}
	for name, build := range fields {
		for _, text := range refused {
			r := ta.checkTx(build(text))
			if r.Codespace != contracts.ErrPersonalData.Codespace || r.Code != contracts.ErrPersonalData.Code {
				t.Errorf("%s %q: %s/%d %q, want privacy/2", name, text, r.Codespace, r.Code, r.Log)
			}
			if strings.Contains(r.Log, text) || strings.Contains(r.Log, text[:8]) {
				t.Errorf("%s: the log repeats the number: %q", name, r.Log)
			}
		}
		for _, text := range accepted {
			if _, err := ta.decode(build(text)); err != nil {
				t.Errorf("%s %q refused: %v", name, text, err)
			}
		}
	}
}

// TestCheckBodyRefusesBeforeSigning: CheckBody, what the CLI runs before it
// signs, refuses what CheckTx would refuse without state, with the same
// code, and passes a good body.
func TestCheckBodyRefusesBeforeSigning(t *testing.T) {
	b := body(rootSecretary, 0, createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "B"))
	if err := CheckBody(b); err != nil {
		t.Fatalf("good body: %v", err)
	}
	b.Memo = "请联系 13812345678"
	if e, ok := contracts.AsError(CheckBody(b)); !ok || e != contracts.ErrPersonalData {
		t.Fatalf("memo with a mobile number: %v", CheckBody(b))
	}
	b.Memo = ""
	b.Messages = nil
	if e, ok := contracts.AsError(CheckBody(b)); !ok || e != ErrNoMessages {
		t.Fatalf("no messages: %v", CheckBody(b))
	}
}
