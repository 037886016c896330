//go:build unix

package main

// Real-process tests of the clerk's safety nets (issue 13, items 1 and 2):
// a person already in the card folder is not registered again, and a
// registration with no answer is sent again from its card and lands once.

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partychain/partychain/cmd/internal/clierr"
)

// clerkBranch makes branch 3 under the root committee and a clerk who keeps
// its records (member 2), and returns an application date inside the
// backdating window.
func clerkBranch(t *testing.T, n *testNode) string {
	t.Helper()
	n.mustTx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "First Branch", "--from", "secretary")
	n.mustRun("keys", "add", "clerk", "-o", "json")
	n.mustTx("tx", "org", "grant-role", "3", "organization-officer", n.member("clerk"), "--from", "secretary")
	return time.Now().UTC().Add(8*time.Hour).AddDate(0, 0, -5).Format(time.DateOnly)
}

func applicantsOf(t *testing.T, n *testNode, org string) u64 {
	t.Helper()
	var stats queryJSON[statsJSON]
	n.mustClient(&stats, "query", "org", "stats", org)
	return stats.Result.Applicants
}

// TestDuplicatePersonRefused: a second registration of an ID number that a
// card of the card folder holds (written differently) is refused with that
// card's path and member id and sends nothing, by register and by
// import-roster; --allow-duplicate with a reason sends it.
func TestDuplicatePersonRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(1)
	appDate := clerkBranch(t, n)
	cards := filepath.Join(t.TempDir(), "cards")
	if err := os.Mkdir(cards, 0o700); err != nil {
		t.Fatal(err)
	}
	register := func(cardName, name, id string, extra ...string) (registerJSON, string, int) {
		t.Helper()
		args := append([]string{"tx", "member", "register", "--branch", "3", "--application-date", appDate, "--birth-year", "1990",
			"--field", "name=" + name, "--field", "id_number=" + id, "--card-out", filepath.Join(cards, cardName), "--from", "clerk", "-o", "json"}, extra...)
		out, errOut, code := n.client(args...)
		var r registerJSON
		if strings.TrimSpace(out) != "" {
			decode(t, out, &r)
		}
		return r, errOut, code
	}

	first, errOut, code := register("zhang.card.json", "张三", "11010119900517001X")
	if code != 0 || first.MemberID != 3 {
		t.Fatalf("first registration: exit %d, %+v\nstderr: %s", code, first, errOut)
	}
	zhang := filepath.Join(cards, "zhang.card.json")

	// The same ID number, in another form and under another name.
	_, errOut, code = register("zhang2.card.json", "张 三", "110101 19900517001x")
	if code != 1 || !strings.Contains(errOut, zhang+": member 3") || !strings.Contains(errOut, "nothing was sent") ||
		!strings.Contains(errOut, "--allow-duplicate") {
		t.Fatalf("second registration of the same ID number: exit %d\nstderr: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(cards, "zhang2.card.json")); !os.IsNotExist(err) {
		t.Errorf("a refused duplicate left a card: %v", err)
	}
	if got := applicantsOf(t, n, "3"); got != 1 {
		t.Fatalf("applicants after a refused duplicate: %d, want 1", got)
	}

	// A roster into the same folder: the duplicate row is listed, nothing sent.
	csvPath := filepath.Join(t.TempDir(), "roster.csv")
	csv := "name,id_number,application_date,birth_year\n" +
		"李四,110101199101010022," + appDate + ",1991\n" +
		"Zhang San,11010119900517001X," + appDate + ",1990\n"
	if err := os.WriteFile(csvPath, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := n.client("tx", "member", "import-roster", "--branch", "3", "--csv", csvPath, "--cards-dir", cards, "--from", "clerk")
	if code != 1 || !strings.Contains(errOut, "row 2 (line 3)") || !strings.Contains(errOut, zhang+" (member 3)") ||
		!strings.Contains(errOut, "nothing was sent") {
		t.Fatalf("roster with a registered person: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if got := applicantsOf(t, n, "3"); got != 1 {
		t.Fatalf("applicants after a refused roster: %d, want 1", got)
	}

	// Allowed with a reason: sent, and the reason is kept in the folder's
	// index only.
	second, errOut, code := register("zhang2.card.json", "张三", "11010119900517001X", "--allow-duplicate", "re-admission after exit")
	if code != 0 || second.MemberID != 4 || !strings.Contains(errOut, "allowed: re-admission after exit") {
		t.Fatalf("allowed duplicate: exit %d, %+v\nstderr: %s", code, second, errOut)
	}
	index, err := os.ReadFile(filepath.Join(cards, ".card-index.json"))
	if err != nil || !bytes.Contains(index, []byte("re-admission after exit")) || bytes.Contains(index, []byte("19900517")) {
		t.Errorf("card index (%v):\n%s", err, index)
	}
	n.stop()
}

// rpcProxy stands between the CLI and a real node and can lose what the
// CLI sends, the way a node that stops can: in mode "lose-broadcast" it
// answers broadcast_tx_sync as accepted without passing the tx on; in mode
// "lose-answers" it passes the tx on but answers every later "tx" lookup
// with an error. Mode "pass" passes everything.
type rpcProxy struct {
	mode atomic.Value // string
	srv  *httptest.Server
}

func newRPCProxy(t *testing.T, node int) *rpcProxy {
	p := &rpcProxy{}
	p.mode.Store("pass")
	target, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", node))
	forward := httputil.NewSingleHostReverseProxy(target)
	forward.Transport = &http.Transport{DisableKeepAlives: true}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Params struct {
				Tx string `json:"tx"`
			} `json:"params"`
		}
		_ = json.Unmarshal(body, &req)
		reply := func(result string) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,%s}`, req.ID, result)
		}
		switch mode := p.mode.Load().(string); {
		case mode == "lose-broadcast" && req.Method == "broadcast_tx_sync":
			tx, _ := base64.StdEncoding.DecodeString(req.Params.Tx)
			reply(fmt.Sprintf(`"result":{"code":0,"data":"","log":"","codespace":"","hash":"%X"}`, sha256.Sum256(tx)))
		case mode == "lose-answers" && req.Method == "tx":
			reply(`"error":{"code":-32603,"message":"Internal error","data":"proxy: the node stopped answering"}`)
		default:
			forward.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// nextCommand returns the command the CLI printed after "next, ...:" as
// arguments (words split at spaces, '...' quoted), without "partychaind".
func nextCommand(t *testing.T, stderr string) []string {
	t.Helper()
	_, after, ok := strings.Cut(stderr, "\nnext, ")
	if ok {
		_, after, ok = strings.Cut(after, ":\n  ")
	}
	if !ok {
		t.Fatalf("no next command in:\n%s", stderr)
	}
	line, _, _ := strings.Cut(after, "\n")
	var args []string
	var cur strings.Builder
	quoted, started := false, false
	for _, r := range line {
		switch {
		case r == '\'':
			quoted, started = !quoted, true
		case r == ' ' && !quoted:
			if started {
				args = append(args, cur.String())
			}
			cur.Reset()
			started = false
		default:
			cur.WriteRune(r)
			started = true
		}
	}
	if started {
		args = append(args, cur.String())
	}
	if len(args) < 2 || args[0] != "partychaind" {
		t.Fatalf("next command %q does not start with partychaind", line)
	}
	return args[1:]
}

// TestResendAfterUnknownOutcome: a registration with no answer exits 3
// with the command to run next and keeps its card; that command, run as
// printed, registers the person exactly once, whether the first send was
// lost with a stopped node or had landed unseen.
func TestResendAfterUnknownOutcome(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(1)
	appDate := clerkBranch(t, n)
	proxy := newRPCProxy(t, n.rpcPort)
	cards := t.TempDir()

	runPrintedInto := func(v any, args []string) (string, int) {
		t.Helper()
		cmd := exec.Command(n.bin, append(args, "-o", "json")...)
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if out.Len() > 0 {
			decode(t, out.String(), v)
		}
		return errOut.String(), code
	}
	runPrinted := func(args []string) (registerJSON, string, int) {
		t.Helper()
		var r registerJSON
		errOut, code := runPrintedInto(&r, args)
		return r, errOut, code
	}
	sendLost := func(mode, cardName, id string, extra ...string) (cardPath string, next []string) {
		t.Helper()
		proxy.mode.Store(mode)
		defer proxy.mode.Store("pass")
		cardPath = filepath.Join(cards, cardName)
		out, errOut, code := n.run(append([]string{"tx", "member", "register", "--branch", "3", "--application-date", appDate, "--birth-year", "1990",
			"--field", "name=王五", "--field", "id_number=" + id, "--card-out", cardPath, "--from", "clerk",
			"--node", proxy.srv.URL, "--timeout", "3s"}, extra...)...)
		if code != exitOutcomeUnknown || !strings.Contains(errOut, "outcome is unknown") || !strings.Contains(errOut, "--card "+cardPath) {
			t.Fatalf("register with the answer lost (%s): exit %d, want %d\nstderr: %s", mode, code, exitOutcomeUnknown, errOut)
		}
		if jsonAsked(extra) { // a script reads the same on stdout, with a code to branch on
			var e errorJSON
			decode(t, out, &e)
			if e.Error.Code != clierr.OutcomeUnknown || e.Error.Exit != exitOutcomeUnknown || !strings.Contains(e.Error.Message, "--card "+cardPath) {
				t.Errorf("register with the answer lost (%s) -o json: %+v", mode, e.Error)
			}
		}
		if c := readCard(t, cardPath); c.MemberID != 0 {
			t.Fatalf("card after an unknown outcome holds member %d", c.MemberID)
		}
		return cardPath, nextCommand(t, errOut)
	}

	// 1. The tx is lost, and the node stops and starts again: the printed
	// command sends the same commitment, which lands once.
	lost, next := sendLost("lose-broadcast", "lost.card.json", "110101199005170011")
	n.stop()
	n.start()
	before := applicantsOf(t, n, "3")
	r, errOut, code := runPrinted(next)
	if code != 0 || r.MemberID == 0 || !r.Resent || r.AlreadyRegistered || r.Code != 0 {
		t.Fatalf("resend of a lost registration: exit %d, %+v\nstderr: %s", code, r, errOut)
	}
	if c := readCard(t, lost); c.MemberID != uint64(r.MemberID) || c.TxHash != r.TxHash {
		t.Errorf("card after the resend: member %d tx %s; want member %d tx %s", c.MemberID, c.TxHash, r.MemberID, r.TxHash)
	}
	if got := applicantsOf(t, n, "3"); got != before+1 {
		t.Errorf("applicants after the resend: %d, want %d", got, before+1)
	}
	// Sending a completed card again is refused before anything is sent.
	var refused errorJSON
	if errOut, code := runPrintedInto(&refused, next); code != 1 || !strings.Contains(errOut, "already registered as member") ||
		refused.Error.Code != clierr.Failed || !strings.Contains(refused.Error.Message, "already registered as member") {
		t.Errorf("resend of a completed card: exit %d, %+v\nstderr: %s", code, refused.Error, errOut)
	}

	// 2. The tx lands but its answer is lost: the printed command finds the
	// commitment on chain and completes the card; nobody is added.
	landed, next := sendLost("lose-answers", "landed.card.json", "110101199005170022", "-o", "json")
	n.waitFor("the unseen registration to land", func() bool { return applicantsOf(t, n, "3") == before+2 })
	r, errOut, code = runPrinted(next)
	if code != 0 || !r.AlreadyRegistered || r.MemberID == 0 || !strings.HasPrefix(r.Codespace, "identity") {
		t.Fatalf("resend of a registration that had landed: exit %d, %+v\nstderr: %s", code, r, errOut)
	}
	if c := readCard(t, landed); c.MemberID != uint64(r.MemberID) || c.Height == 0 {
		t.Errorf("card after the resend: member %d at height %d; want member %d", c.MemberID, c.Height, r.MemberID)
	}
	if got := applicantsOf(t, n, "3"); got != before+2 {
		t.Errorf("applicants after resending a landed registration: %d, want %d", got, before+2)
	}

	// 3. A roster whose first tx is lost: exit 3, its card kept, the later
	// tx not sent; the printed command (the same import) sends the lost
	// row's own commitment again and the other row once.
	csvPath := filepath.Join(t.TempDir(), "roster.csv")
	if err := os.WriteFile(csvPath, []byte("name,id_number,application_date,birth_year\n"+
		"陈七,110101199005170033,"+appDate+",1990\n"+"吴九,110101199005170044,"+appDate+",1990\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rosterDir := filepath.Join(cards, "roster")
	proxy.mode.Store("lose-broadcast")
	out, errOut, code := n.run("tx", "member", "import-roster", "--branch", "3", "--csv", csvPath, "--cards-dir", rosterDir,
		"--batch", "1", "--from", "clerk", "--node", proxy.srv.URL, "--timeout", "3s")
	proxy.mode.Store("pass")
	if code != exitOutcomeUnknown || !strings.Contains(out, "1 without an answer") {
		t.Fatalf("roster with its first tx lost: exit %d, want %d\nstdout: %s\nstderr: %s", code, exitOutcomeUnknown, out, errOut)
	}
	lostRow := filepath.Join(rosterDir, "roster.row-00001.card.json")
	kept := readCard(t, lostRow)
	if kept.MemberID != 0 {
		t.Fatalf("the lost row's card holds member %d", kept.MemberID)
	}
	var again rosterJSON
	if errOut, code := runPrintedInto(&again, nextCommand(t, errOut)); code != 0 || again.Registered != 2 || len(again.Txs) != 2 {
		t.Fatalf("the same import again: exit %d, %+v\nstderr: %s", code, again, errOut)
	}
	if len(again.Results) != 2 || !again.Results[0].Resent || again.Results[1].Resent {
		t.Errorf("rows of the rerun: %+v; want row 1 sent again from its card, row 2 new", again.Results)
	}
	if c := readCard(t, lostRow); c.MemberID == 0 || !bytes.Equal(c.Commitment(), kept.Commitment()) {
		t.Errorf("the lost row's card after the rerun: member %d, commitment %x; want a member id and the kept commitment %x",
			c.MemberID, c.Commitment(), kept.Commitment())
	}
	if got := applicantsOf(t, n, "3"); got != before+4 {
		t.Errorf("applicants after the roster: %d, want %d", got, before+4)
	}
	n.stop()
}
