package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cosmos/gogoproto/jsonpb"
	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"

	"github.com/partychain/partychain/app"
	"github.com/partychain/partychain/cmd/internal/client"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
)

func TestParseConsensusPubKey(t *testing.T) {
	pub := ed25519.GenPrivKeyFromSecret([]byte("val")).PubKey().Bytes()
	for _, in := range []string{hex.EncodeToString(pub), strings.ToUpper(hex.EncodeToString(pub)), base64.StdEncoding.EncodeToString(pub), " " + hex.EncodeToString(pub) + "\n"} {
		if got, err := parseConsensusPubKey(in); err != nil || !bytes.Equal(got, pub) {
			t.Errorf("parseConsensusPubKey(%q) = %X, %v", in, got, err)
		}
	}
	for _, in := range []string{"", hex.EncodeToString(pub)[:63], hex.EncodeToString(pub) + "00", base64.StdEncoding.EncodeToString(pub[:31]), "secretary"} {
		if _, err := parseConsensusPubKey(in); err == nil || !strings.Contains(err.Error(), "--pubkey") {
			t.Errorf("parseConsensusPubKey(%q): %v", in, err)
		}
	}
}

// TestKeyFiles: the consensus key and the node id are read from the files
// CometBFT writes, as CometBFT reads them.
func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	pvKey, pvState := filepath.Join(dir, "priv_validator_key.json"), filepath.Join(dir, "priv_validator_state.json")
	pv := privval.GenFilePV(pvKey, pvState)
	pv.Save()
	got, err := readValidatorPubKey(pvKey)
	if err != nil || !bytes.Equal(got, pv.Key.PubKey.Bytes()) {
		t.Fatalf("readValidatorPubKey(priv_validator_key.json) = %X, %v; want %X", got, err, pv.Key.PubKey.Bytes())
	}
	// The public key alone, as show-validator prints it.
	alone := filepath.Join(dir, "pub.json")
	writeFile(t, alone, `{"type":"tendermint/PubKeyEd25519","value":"`+base64.StdEncoding.EncodeToString(pv.Key.PubKey.Bytes())+`"}`)
	if got, err := readValidatorPubKey(alone); err != nil || !bytes.Equal(got, pv.Key.PubKey.Bytes()) {
		t.Fatalf("readValidatorPubKey(pub.json) = %X, %v", got, err)
	}

	nk, err := p2p.LoadOrGenNodeKey(filepath.Join(dir, "node_key.json"))
	if err != nil {
		t.Fatal(err)
	}
	if id, err := readNodeID(filepath.Join(dir, "node_key.json")); err != nil || id != string(nk.ID()) {
		t.Fatalf("readNodeID = %q, %v; want %q", id, err, nk.ID())
	}

	for name, body := range map[string]string{
		"not-json.json":  "not json",
		"secp256k1.json": `{"pub_key":{"type":"tendermint/PubKeySecp256k1","value":"` + base64.StdEncoding.EncodeToString(make([]byte, 33)) + `"}}`,
		"short.json":     `{"pub_key":{"type":"tendermint/PubKeyEd25519","value":"` + base64.StdEncoding.EncodeToString(make([]byte, 31)) + `"}}`,
		"empty.json":     `{}`,
	} {
		path := filepath.Join(dir, name)
		writeFile(t, path, body)
		if _, err := readValidatorPubKey(path); err == nil || !strings.Contains(err.Error(), "--pubkey-file") {
			t.Errorf("readValidatorPubKey(%s): %v", name, err)
		}
		if _, err := readNodeID(path); err == nil || !strings.Contains(err.Error(), "--node-key-file") {
			t.Errorf("readNodeID(%s): %v", name, err)
		}
	}
	if _, err := readValidatorPubKey(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("readValidatorPubKey of a missing file")
	}
	// The validator key file is no node key file.
	if _, err := readNodeID(pvKey); err == nil || !strings.Contains(err.Error(), "is a validator key file") {
		t.Errorf("readNodeID(priv_validator_key.json): %v", err)
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestParseNodeIDFlag(t *testing.T) {
	id := strings.Repeat("ab", 20)
	for in, want := range map[string]string{id: id, strings.ToUpper(id): id, " " + id + " ": id} {
		if got, err := parseNodeIDFlag(in); err != nil || got != want {
			t.Errorf("parseNodeIDFlag(%q) = %q, %v", in, got, err)
		}
	}
	for in, msg := range map[string]string{
		id + "@127.0.0.1:26656": "without @host:port",
		id[:39]:                 "40 hex digits",
		id + "ab":               "40 hex digits",
		"zz" + id[2:]:           "40 hex digits",
		"":                      "40 hex digits",
	} {
		if _, err := parseNodeIDFlag(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("parseNodeIDFlag(%q): %v, want %q", in, err, msg)
		}
	}
}

func TestParseVoteChoice(t *testing.T) {
	for in, want := range map[string]bool{"yes": true, "YES": true, "y": true, "no": false, " No ": false, "n": false} {
		if got, err := parseVoteChoice(in); err != nil || got != want {
			t.Errorf("parseVoteChoice(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "maybe", "1", "true", "abstain"} {
		if _, err := parseVoteChoice(in); err == nil {
			t.Errorf("parseVoteChoice(%q) accepted", in)
		}
	}
}

// TestParseGovParams: each ledger's Params, as proto3 JSON, become the
// proto bytes the ledger's setter decodes.
func TestParseGovParams(t *testing.T) {
	g := app.DefaultGenesis("Root", nil)
	for ledger, p := range map[string]proto.Message{
		"org": &g.Org.Params, "member": &g.Member.Params, "activity": &g.Activity.Params, "dues": &g.Dues.Params, "governance": &g.Governance.Params,
	} {
		var js bytes.Buffer
		if err := (&jsonpb.Marshaler{OrigName: true, EmitDefaults: true}).Marshal(&js, p); err != nil {
			t.Fatal(err)
		}
		want, err := proto.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := parseGovParams(ledger, js.Bytes())
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %x, %v; want %x", ledger, got, err, want)
		}
		// The whole answer of query raw -o json.
		wrapped := []byte(`{"height": 12, "result": ` + js.String() + `}`)
		if got, err := parseGovParams(ledger, wrapped); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s, wrapped: %x, %v", ledger, got, err)
		}
	}
	for _, tc := range []struct {
		ledger, in, msg string
	}{
		{"identity", `{"voting_period_seconds": "60"}`, "want one of activity, dues, governance, member, org"},
		{"governance", `{"voting_period_seconds": "60", "colour": "red"}`, "not the governance ledger's params"},
		{"governance", `{"voting_period_seconds": "sixty"}`, "not the governance ledger's params"},
		{"governance", `[1, 2]`, "not a JSON object"},
		{"governance", `not json`, "not a JSON object"},
		{"governance", `{}`, "every governance param is zero"},
		{"dues", `{"height": 3, "result": {"flat_fen": "20", "x": 1}}`, "not the dues ledger's params"},
	} {
		if _, err := parseGovParams(tc.ledger, []byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("parseGovParams(%s, %s): %v, want %q", tc.ledger, tc.in, err, tc.msg)
		}
	}
}

func TestGovFormatting(t *testing.T) {
	for n, want := range map[uint32]uint32{1: 1, 2: 2, 3: 3, 4: 3, 5: 4, 6: 5, 7: 5, 100: 67} {
		if got := govNeeded(n); got != want || 3*got <= 2*n || (got > 1 && 3*(got-1) > 2*n) {
			t.Errorf("govNeeded(%d) = %d, want %d", n, got, want)
		}
	}
	for sec, want := range map[int64]string{604800: "7 days", 86400: "1 day", 90061: "1 day 1h1m1s", 60: "1m0s", 0: "0s"} {
		if got := formatDuration(sec); got != want {
			t.Errorf("formatDuration(%d) = %q, want %q", sec, got, want)
		}
	}
	if got := govText("ok\x1b[31mred\nline\u202etxt"); got != "ok\uFFFD[31mred\uFFFDline\uFFFDtxt" {
		t.Errorf("govText = %q", got)
	}
	var w bytes.Buffer
	printGovProposal(&w, &governancev1.Proposal{Id: 3, Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE, NodeId: strings.Repeat("ab", 20),
		OrgId: 2, Title: "admit\nstatus\tpassed", Status: governancev1.ProposalStatus_PROPOSAL_STATUS_VOTING, Yes: 1, DeadlineUnix: 1_767_225_600})
	out := w.String()
	for _, want := range []string{"proposal 3\tadmit-node\n", "title\tadmit\uFFFDstatus\uFFFDpassed\n", "status\tvoting\n", "votes\t1 yes, 0 no\n", "deadline\t2026-01-01T00:00:00Z\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("printGovProposal: no %q in\n%s", want, out)
		}
	}
	if strings.Count(out, "status") != 2 { // the status line and the title's text
		t.Errorf("the title made a line of its own:\n%s", out)
	}
}

// govCLI runs partychaind in process with the node replaced: each tx is
// captured and answered with res (or a committed ok result).
type govCLI struct {
	t        *testing.T
	sent     []any
	res      *client.TxResult
	out, err bytes.Buffer
}

func (c *govCLI) run(args ...string) error {
	c.t.Helper()
	c.out.Reset()
	c.err.Reset()
	saved := govSend
	defer func() { govSend = saved }()
	govSend = func(_ *cobra.Command, msg any) (*client.TxResult, error) {
		c.sent = append(c.sent, msg)
		if c.res != nil {
			return c.res, nil
		}
		return okResult("1", false), nil
	}
	root := newRootCmd()
	root.SetOut(&c.out)
	root.SetErr(&c.err)
	root.SetArgs(append([]string{"--home", c.t.TempDir()}, args...))
	return root.Execute()
}

// okResult is a committed tx with the events of a proposal (id) and, if
// passed, its passing.
func okResult(id string, passed bool) *client.TxResult {
	attr := func(k, v string) abci.EventAttribute { return abci.EventAttribute{Key: k, Value: v, Index: true} }
	res := &client.TxResult{Hash: strings.Repeat("CD", 32), Height: 9, Time: time.Unix(1_700_000_000, 0),
		Events: []abci.Event{{Type: "proposal_submitted", Attributes: []abci.EventAttribute{attr("proposal_id", id)}}}}
	if passed {
		res.Events = append(res.Events, abci.Event{Type: "proposal_passed", Attributes: []abci.EventAttribute{attr("proposal_id", id)}})
	}
	return res
}

func TestGovProposeCLI(t *testing.T) {
	dir := t.TempDir()
	pv := privval.GenFilePV(filepath.Join(dir, "pvk.json"), filepath.Join(dir, "pvs.json"))
	pv.Save()
	nk, err := p2p.LoadOrGenNodeKey(filepath.Join(dir, "node_key.json"))
	if err != nil {
		t.Fatal(err)
	}
	node := strings.Repeat("ab", 20)
	gp := governancev1.Params{VotingPeriodSeconds: 3600, MaxPower: 10, MaxValidators: 5, MaxNodes: 9}
	gpBytes, _ := gp.Marshal()
	paramsFile := filepath.Join(dir, "gov.json")
	writeFile(t, paramsFile, `{"voting_period_seconds": "3600", "max_power": "10", "max_validators": 5, "max_nodes": 9}`)
	pub := pv.Key.PubKey.Bytes()

	for _, tc := range []struct {
		args []string
		want governancev1.Proposal
	}{
		{[]string{"add-validator", "--org", "5", "--pubkey", hex.EncodeToString(pub), "--power", "7"},
			governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADD_VALIDATOR, OrgId: 5, PubKey: pub, Power: 7}},
		{[]string{"add-validator", "--org", "5", "--pubkey-file", filepath.Join(dir, "pvk.json"), "--power", "1"},
			governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADD_VALIDATOR, OrgId: 5, PubKey: pub, Power: 1}},
		{[]string{"remove-validator", "--org", "3"},
			governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_REMOVE_VALIDATOR, OrgId: 3}},
		{[]string{"admit-node", "--node-id", strings.ToUpper(node), "--org", "2"},
			governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE, NodeId: node, OrgId: 2}},
		{[]string{"admit-node", "--node-key-file", filepath.Join(dir, "node_key.json"), "--org", "2"},
			governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE, NodeId: string(nk.ID()), OrgId: 2}},
		{[]string{"revoke-node", "--node-id", node},
			governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_REVOKE_NODE, NodeId: node}},
		{[]string{"set-params", "--ledger", "governance", "--params-file", paramsFile},
			governancev1.Proposal{Kind: governancev1.ProposalKind_PROPOSAL_KIND_SET_PARAMS, Ledger: "governance", Params: gpBytes}},
	} {
		c := &govCLI{t: t}
		args := append([]string{"tx", "governance", "propose"}, tc.args...)
		if err := c.run(append(args, "--title", "T", "--from", "secretary")...); err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		tc.want.Title = "T"
		want := &governancev1.MsgSubmitProposal{Proposal: &tc.want}
		if len(c.sent) != 1 || !reflect.DeepEqual(c.sent[0], want) {
			t.Errorf("%v sent %+v, want %+v", tc.args, c.sent, want)
		}
	}

	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"remove-validator", "--org", "3"}, "--title is required"},
		{[]string{"remove-validator", "--org", "3", "--title", "  "}, "--title is required"},
		{[]string{"remove-validator", "--org", "3", "--title", strings.Repeat("x", 257)}, "at most 256 (about 85 Chinese characters, 3 bytes each in UTF-8)"},
		{[]string{"remove-validator", "--title", "T"}, "--org is required"},
		{[]string{"remove-validator", "--org", "0", "--title", "T"}, "--org"},
		{[]string{"remove-validator", "--org", "x", "--title", "T"}, "--org"},
		{[]string{"add-validator", "--org", "5", "--power", "7", "--title", "T"}, "--pubkey"},
		{[]string{"add-validator", "--org", "5", "--pubkey", hex.EncodeToString(pub), "--title", "T"}, "--power is required"},
		{[]string{"add-validator", "--org", "5", "--pubkey", hex.EncodeToString(pub), "--power", "-1", "--title", "T"}, "--power"},
		{[]string{"add-validator", "--org", "5", "--pubkey", "abc", "--power", "1", "--title", "T"}, "--pubkey \"abc\""},
		{[]string{"add-validator", "--org", "5", "--pubkey", hex.EncodeToString(pub), "--pubkey-file", "x", "--power", "1", "--title", "T"}, "not both"},
		{[]string{"admit-node", "--org", "2", "--title", "T"}, "--node-id"},
		{[]string{"admit-node", "--node-id", node, "--title", "T"}, "--org is required"},
		{[]string{"admit-node", "--node-id", node, "--node-key-file", "x", "--org", "2", "--title", "T"}, "not both"},
		{[]string{"admit-node", "--node-id", node + "@1.2.3.4:26656", "--org", "2", "--title", "T"}, "without @host:port"},
		{[]string{"revoke-node", "--node-id", "abc", "--title", "T"}, "40 hex digits"},
		{[]string{"revoke-node", "--node-id", node, "--org", "2", "--title", "T"}, "unknown flag: --org"},
		{[]string{"set-params", "--params-file", paramsFile, "--title", "T"}, "--ledger is required"},
		{[]string{"set-params", "--ledger", "governance", "--title", "T"}, "--params-file is required"},
		{[]string{"set-params", "--ledger", "identity", "--params-file", paramsFile, "--title", "T"}, "want one of"},
		{[]string{"set-params", "--ledger", "dues", "--params-file", paramsFile, "--title", "T"}, "not the dues ledger's params"},
		{[]string{"set-params", "--ledger", "dues", "--params-file", filepath.Join(dir, "missing.json"), "--title", "T"}, "--params-file"},
	} {
		c := &govCLI{t: t}
		err := c.run(append(append([]string{"tx", "governance", "propose"}, tc.args...), "--from", "secretary")...)
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.msg)
		}
		if len(c.sent) != 0 {
			t.Errorf("%v sent %v", tc.args, c.sent)
		}
	}
}

func TestGovOutputCLI(t *testing.T) {
	args := []string{"tx", "governance", "propose", "revoke-node", "--node-id", strings.Repeat("ab", 20), "--title", "T", "--from", "secretary"}

	// Text: the proposal id first, then the result and whether it passed.
	c := &govCLI{t: t, res: okResult("4", true)}
	if err := c.run(args...); err != nil {
		t.Fatal(err)
	}
	if out := c.out.String(); !strings.HasPrefix(out, "proposal:   4\n") || !strings.Contains(out, "result:     ok") || !strings.Contains(out, "passed:     yes") {
		t.Errorf("text output:\n%s", out)
	}
	c = &govCLI{t: t, res: okResult("5", false)}
	if err := c.run(args...); err != nil {
		t.Fatal(err)
	}
	if out := c.out.String(); !strings.Contains(out, "passed:     not yet (query governance proposal 5)") {
		t.Errorf("text output:\n%s", out)
	}

	// JSON.
	c = &govCLI{t: t, res: okResult("4", true)}
	if err := c.run(append(args, "-o", "json")...); err != nil {
		t.Fatal(err)
	}
	var got struct {
		TxHash     string `json:"tx_hash"`
		Height     int64  `json:"height"`
		Code       uint32 `json:"code"`
		ProposalID uint64 `json:"proposal_id"`
		Passed     bool   `json:"passed"`
	}
	if err := json.Unmarshal(c.out.Bytes(), &got); err != nil || got.ProposalID != 4 || !got.Passed || got.Height != 9 {
		t.Fatalf("-o json: %+v, %v\n%s", got, err, c.out.String())
	}

	// A rejected tx: printed, and an error (exit non-zero).
	c = &govCLI{t: t, res: &client.TxResult{Hash: strings.Repeat("EF", 32), Height: 9, Codespace: "governance", Code: 11, Log: "at least one validator must remain"}}
	err := c.run(args...)
	var rejected *rejectedError
	if !errors.As(err, &rejected) || !strings.Contains(c.out.String(), "rejected, code governance/11") || strings.Contains(c.out.String(), "passed:") {
		t.Fatalf("rejected: %v\n%s", err, c.out.String())
	}
	// A committed proposal without its event is an error, not a silent
	// success.
	c = &govCLI{t: t, res: &client.TxResult{Hash: strings.Repeat("AB", 32), Height: 9}}
	if err := c.run(args...); err == nil || !strings.Contains(err.Error(), "no proposal_submitted event") {
		t.Fatalf("no event: %v", err)
	}

	// Votes.
	c = &govCLI{t: t, res: &client.TxResult{Hash: strings.Repeat("AB", 32), Height: 9}}
	if err := c.run("tx", "governance", "vote", "12", "no", "--from", "secretary", "-o", "json"); err != nil {
		t.Fatal(err)
	}
	if want := (&governancev1.MsgVote{ProposalId: 12}); len(c.sent) != 1 || !reflect.DeepEqual(c.sent[0], want) {
		t.Errorf("vote sent %v", c.sent)
	}
	if err := json.Unmarshal(c.out.Bytes(), &got); err != nil || got.ProposalID != 12 || got.Passed {
		t.Errorf("vote -o json: %+v, %v", got, err)
	}
	for _, bad := range [][]string{{"0", "yes"}, {"x", "yes"}, {"3", "maybe"}, {"3"}} {
		c = &govCLI{t: t}
		if err := c.run(append(append([]string{"tx", "gov", "vote"}, bad...), "--from", "secretary")...); err == nil || len(c.sent) != 0 {
			t.Errorf("vote %v: %v, sent %v", bad, err, c.sent)
		}
	}
}
