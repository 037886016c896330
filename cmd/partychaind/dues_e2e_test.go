//go:build unix

package main

// A real-process test of the dues CLI against a node on 127.0.0.1
// (helpers in procs_test.go and e2e_test.go): an assessment computed from
// an income that never leaves the CLI, a payment, the disclosure at the
// branch and at the root, a remittance, a dual-signed spend, a refused
// double payment and a payment signed with the member's own key.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

type disclosureJSON struct {
	Month struct {
		OrgID     u64    `json:"org_id"`
		Month     uint32 `json:"month"`
		Collected u64    `json:"collected"`
		Remitted  u64    `json:"remitted"`
		Spent     u64    `json:"spent"`
		Payments  u64    `json:"payments"`
	} `json:"month"`
	Account struct {
		OrgID          u64 `json:"org_id"`
		Collected      u64 `json:"collected"`
		Received       u64 `json:"received"`
		Remitted       u64 `json:"remitted"`
		Spent          u64 `json:"spent"`
		Balance        u64 `json:"balance"`
		SubtreeBalance u64 `json:"subtree_balance"`
	} `json:"account"`
}

func TestDuesCLIEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test")
	}
	t.Parallel()
	n := newNode(t)
	n.start()
	n.waitHeight(1)
	hash := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }

	// Branch 3 under the root committee (2 is the office branch); its dues
	// clerk and its secretary (the second officer for spends); an
	// organization officer of the root who imports the branch's first full
	// member, with the member's own key. The officers are members 2 to 4
	// (roles go to members), the branch's member is 5.
	n.mustTx("tx", "org", "create", "--parent", "1", "--kind", "branch", "--name", "First Branch", "--from", "secretary")
	for _, k := range []string{"clerk", "branchsec", "registrar", "zhang"} {
		n.mustRun("keys", "add", k, "-o", "json")
	}
	n.mustTx("tx", "org", "grant-role", "3", "dues-clerk", n.member("clerk"), "--from", "secretary")
	n.mustTx("tx", "org", "grant-role", "3", "secretary", n.member("branchsec"), "--from", "secretary")
	n.mustTx("tx", "org", "grant-role", "1", "organization-officer", n.member("registrar"), "--from", "secretary")
	var imp registerJSON
	n.mustClient(&imp, "tx", "member", "import", "--branch", "3", "--stage", "full", "--admission-date", "1998-07-01",
		"--full-date", "1999-07-01", "--birth-year", "1972", "--field", "name=张三", "--legacy-doc", hash("legacy"),
		"--member-key", "zhang", "--card-out", filepath.Join(t.TempDir(), "zhang.card.json"), "--from", "registrar")
	if imp.MemberID != 5 || imp.Code != 0 {
		t.Fatalf("import: %+v", imp)
	}
	member := "5"

	// The chain's year and month (its calendar, from the last block).
	var clock queryJSON[struct {
		Today uint32 `json:"today"`
	}]
	n.mustClient(&clock, "query", "raw", "/chain/clock")
	year, month := clock.Result.Today/10000, clock.Result.Today/100
	if year < 2000 {
		t.Fatalf("clock: %+v", clock)
	}
	ym := func(m int) string { return fmt.Sprintf("%04d-%02d", year, m) }

	// Assessment: the income is turned into bracket 2 (from 1, as DOMAIN's
	// table counts; index 1 on chain) and 40.00 yuan here,
	// and only those are sent.
	out, errOut, code := n.client("tx", "dues", "assess", member, "--year", fmt.Sprint(year), "--category", "employed",
		"--income", "4000.00", "--from", "clerk")
	if code != 0 || !strings.HasPrefix(out, "income stays on this machine; bracket 2, due 40.00 yuan\n") || !strings.Contains(out, "result:     ok") {
		t.Fatalf("assess: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	var a queryJSON[struct {
		Category      string `json:"category"`
		Bracket       uint32 `json:"bracket"`
		MonthlyDueFen u64    `json:"monthly_due_fen"`
	}]
	n.mustClient(&a, "query", "dues", "assessment", member, fmt.Sprint(year))
	if r := a.Result; r.Category != "CATEGORY_EMPLOYED" || r.Bracket != 1 || r.MonthlyDueFen != 4000 {
		t.Errorf("assessment: %+v", r)
	}
	// In text, brackets count from 1 as the rate table does.
	if out, _, code := n.client("query", "dues", "assessment", member, fmt.Sprint(year)); code != 0 ||
		!regexp.MustCompile(`(?m)^bracket\s+2 \(from 1`).MatchString(out) {
		t.Errorf("query dues assessment (text): exit %d\n%s", code, out)
	}
	if out, _, code := n.client("query", "dues", "params"); code != 0 ||
		!regexp.MustCompile(`(?m)^\s+1\s+0\.00 to 3000\.00\s+0\.5`).MatchString(out) ||
		regexp.MustCompile(`(?m)^\s+0\s+0\.00`).MatchString(out) {
		t.Errorf("query dues params (text): exit %d\n%s", code, out)
	}
	for _, l := range n.logs {
		if strings.Contains(tail(l, 100_000), "4000.00") {
			t.Errorf("the income appears in the node's log %s", l)
		}
	}

	// Three months, January to March, by the clerk.
	n.mustTx("tx", "dues", "pay", member, "--from-month", ym(1), "--months", "3", "--amount", "120.00", "--from", "clerk")
	disclose := func(org string) disclosureJSON {
		t.Helper()
		var d queryJSON[disclosureJSON]
		n.mustClient(&d, "query", "org", "dues", org, "--month", fmt.Sprintf("%04d-%02d", month/100, month%100))
		return d.Result
	}
	for _, org := range []string{"3", "1"} {
		if d := disclose(org); d.Month.Collected != 12000 || d.Month.Payments != 1 || d.Month.Month != month || d.Account.SubtreeBalance != 12000 {
			t.Errorf("disclosure of %s after the payment: %+v", org, d)
		}
	}
	text, _, code := n.client("query", "org", "dues", "1")
	if code != 0 || !regexp.MustCompile(`(?m)^\s+collected\s+120\.00\s+\(1 payment\)$`).MatchString(text) {
		t.Errorf("query org dues 1 (text): exit %d\n%s", code, text)
	}

	// Remit 50.00 upward; spend 20.00, proposed by the clerk and approved by
	// the branch's secretary (not by the proposer).
	n.mustTx("tx", "dues", "remit", "3", "--amount", "50.00", "--from", "clerk")
	var prop struct {
		txJSON
		SpendID u64 `json:"spend_id"`
	}
	n.mustClient(&prop, "tx", "dues", "propose-spend", "3", "--amount", "20.00", "--purpose", "1", "--doc-hash", hash("invoice"), "--from", "clerk")
	if prop.SpendID != 1 || prop.Code != 0 {
		t.Fatalf("propose-spend: %+v", prop)
	}
	if res, code := n.tx("tx", "dues", "approve-spend", "1", "--from", "clerk"); code == 0 || res.Codespace != "dues" || res.Code != 11 {
		t.Errorf("approval by the proposer: exit %d, %+v", code, res)
	}
	n.mustTx("tx", "dues", "approve-spend", "1", "--from", "branchsec")
	var spend queryJSON[struct {
		Status    string `json:"status"`
		AmountFen u64    `json:"amount_fen"`
	}]
	n.mustClient(&spend, "query", "dues", "spend", "1")
	if spend.Result.Status != "SPEND_STATUS_DONE" || spend.Result.AmountFen != 2000 {
		t.Errorf("spend 1: %+v", spend.Result)
	}

	branch, root := disclose("3"), disclose("1")
	if b := branch.Account; b.Collected != 12000 || b.Remitted != 5000 || b.Spent != 2000 || b.Balance != 5000 ||
		branch.Month.Remitted != 5000 || branch.Month.Spent != 2000 {
		t.Errorf("branch after remit and spend: %+v", branch)
	}
	if r := root.Account; r.Received != 5000 || r.Balance != 5000 || r.SubtreeBalance != 10000 || root.Month.Collected != 12000 || root.Month.Spent != 2000 {
		t.Errorf("root after remit and spend: %+v", root)
	}
	text, _, code = n.client("query", "org", "dues", "3")
	if code != 0 || !regexp.MustCompile(`(?m)^\s+balance\s+50\.00$`).MatchString(text) {
		t.Errorf("query org dues 3 (text): exit %d\n%s", code, text)
	}

	// February again: refused with dues/4, exit non-zero.
	res, code := n.tx("tx", "dues", "pay", member, "--from-month", ym(2), "--amount", "40.00", "--from", "clerk")
	if code == 0 || res.Codespace != "dues" || res.Code != 4 {
		t.Errorf("second payment of %s: exit %d, %+v", ym(2), code, res)
	}

	// April, with the member's own key, 5.00 yuan of it voluntary.
	n.mustTx("tx", "dues", "pay", member, "--from-month", ym(4), "--amount", "45", "--from", "zhang")
	var pays queryJSON[struct {
		Payments []struct {
			Month        uint32 `json:"month"`
			PaidFen      u64    `json:"paid_fen"`
			VoluntaryFen u64    `json:"voluntary_fen"`
		} `json:"payments"`
	}]
	n.mustClient(&pays, "query", "dues", "payments", member)
	if p := pays.Result.Payments; len(p) != 4 || p[0].Month != year*100+1 || p[3].Month != year*100+4 || p[3].PaidFen != 4500 || p[3].VoluntaryFen != 500 {
		t.Errorf("payments: %+v", p)
	}
	var st queryJSON[struct {
		LastPaidMonth uint32 `json:"last_paid_month"`
		Flagged       bool   `json:"flagged"`
	}]
	n.mustClient(&st, "query", "dues", "standing", member)
	if st.Result.LastPaidMonth != year*100+4 || st.Result.Flagged {
		t.Errorf("standing: %+v", st.Result)
	}
	if text, _, code := n.client("query", "dues", "payments", member); code != 0 || !strings.Contains(text, ym(4)) || !strings.Contains(text, "45.00") {
		t.Errorf("query dues payments (text): exit %d\n%s", code, text)
	}
	n.stop()
}
