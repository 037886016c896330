package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/contracts/dues"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
)

func TestYuanToFen(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		err  string
	}{
		{"0.2", 20, ""},
		{"12", 1200, ""},
		{"12.5", 1250, ""},
		{"12.50", 1250, ""},
		{"3000.00", 300_000, ""},
		{"3000.01", 300_001, ""},
		{" 0.01 ", 1, ""},
		{"007.05", 705, ""},
		{"0", 0, ""},
		{"999999999999.99", 99_999_999_999_999, ""},
		{"-1", 0, "negative"},
		{"-0.50", 0, "negative"},
		{"1.234", 0, "more than two decimals"},
		{"1e3", 0, "at most two decimals and no sign, exponent"},
		{"12.5.0", 0, "at most two decimals"},
		{"", 0, "empty"},
		{"   ", 0, "empty"},
		{"1000000000000", 0, "too large"},
		{"99999999999999999999999", 0, "too large"},
		{"12.", 0, "at most two decimals"},
		{".5", 0, "at most two decimals"},
		{"+5", 0, "no sign"},
		{"1,000.00", 0, "separators"},
		{"1 000", 0, "separators"},
		{"12.5a", 0, "at most two decimals"},
		{"0x10", 0, "at most two decimals"},
		{"１２", 0, "at most two decimals"}, // full-width digits
		{"NaN", 0, "at most two decimals"},
	} {
		got, err := yuanToFen(tc.in)
		if wantErr(t, fmt.Sprintf("yuanToFen(%q)", tc.in), err, tc.err) && got != tc.want {
			t.Errorf("yuanToFen(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
	// parseYuan names the flag and refuses zero; parseIncome never repeats
	// the income.
	if _, err := parseYuan("--amount", "0.00"); err == nil || !strings.Contains(err.Error(), "--amount") {
		t.Errorf("parseYuan(0.00): %v", err)
	}
	if fen, err := parseYuan("--amount", "12.50"); err != nil || fen != 1250 {
		t.Errorf("parseYuan(12.50) = %d, %v", fen, err)
	}
	for _, in := range []string{"4321.987", "-4321", "4321x", "0.00"} {
		_, err := parseIncome("--income", in)
		if err == nil || strings.Contains(err.Error(), "4321") || !strings.Contains(err.Error(), "--income") {
			t.Errorf("parseIncome(%q): %v (want an error naming --income, not the income)", in, err)
		}
	}
}

func TestFormatFen(t *testing.T) {
	for fen, want := range map[int64]string{0: "0.00", 1: "0.01", 20: "0.20", 1250: "12.50", 300_000: "3000.00",
		-5: "-0.05", -1250: "-12.50", -9223372036854775808: "-92233720368547758.08"} {
		if got := formatFen(fen); got != want {
			t.Errorf("formatFen(%d) = %q, want %q", fen, got, want)
		}
	}
	// Every amount the parser takes formats back to itself (two decimals).
	for _, s := range []string{"0.01", "0.20", "12.50", "3000.00", "999999999999.99"} {
		fen, err := yuanToFen(s)
		if err != nil || formatFen(fen) != s {
			t.Errorf("round trip of %s: %d %v → %s", s, fen, err, formatFen(fen))
		}
	}
	if got := formatBp(150); got != "1.50%" {
		t.Errorf("formatBp(150) = %q", got)
	}
}

func TestParseMonth(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint32
		err  string
	}{
		{"2026-03", 202603, ""},
		{" 2026-12 ", 202612, ""},
		{"1900-01", 190001, ""},
		{"2999-12", 299912, ""},
		{"2026-3", 0, "not a month"},
		{"2026-13", 0, "01 to 12"},
		{"2026-00", 0, "01 to 12"},
		{"202603", 0, "not a month"},
		{"2026/03", 0, "not a month"},
		{"2026-03-01", 0, "not a month"},
		{"26-03", 0, "not a month"},
		{"", 0, "not a month"},
		{"1899-12", 0, "1900 to 2999"},
		{"3000-01", 0, "1900 to 2999"},
		{"-026-03", 0, "not a month"},
	} {
		got, err := parseMonth("--from-month", tc.in)
		if wantErr(t, tc.in, err, tc.err) && got != tc.want {
			t.Errorf("parseMonth(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
	if formatMonth(202603) != "2026-03" || formatMonth(0) != "-" {
		t.Errorf("formatMonth: %q %q", formatMonth(202603), formatMonth(0))
	}
}

func TestComputeAssessment(t *testing.T) {
	p := dues.DefaultParams()
	employed, retired := duesv1.Category_CATEGORY_EMPLOYED, duesv1.Category_CATEGORY_RETIRED
	for _, tc := range []struct {
		cat     duesv1.Category
		income  string // yuan
		bracket uint32
		due     string // yuan
	}{
		{employed, "0.01", 0, "0.00"}, // refused below: a due of 0
		{employed, "1.00", 0, "0.01"}, // 0.005 rounds half up
		{employed, "0.99", 0, "0.00"}, // 0.00495 rounds down
		{employed, "1234.56", 0, "6.17"},
		{employed, "3000.00", 0, "15.00"},
		{employed, "3000.01", 1, "30.00"},
		{employed, "4000.00", 1, "40.00"},
		{employed, "5000.00", 1, "50.00"},
		{employed, "5000.01", 2, "75.00"},
		{employed, "10000.00", 2, "150.00"},
		{employed, "10000.01", 3, "200.00"},
		{employed, "25000.00", 3, "500.00"},
		{retired, "3000.00", 0, "15.00"},
		{retired, "5000.00", 0, "25.00"},
		{retired, "5000.01", 1, "50.00"},
	} {
		income, err := yuanToFen(tc.income)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("%s %s", categoryName(tc.cat), tc.income)
		b, due, err := computeAssessment(p, assessFlags{category: tc.cat, incomeFen: income})
		if tc.due == "0.00" {
			if err == nil || !strings.Contains(err.Error(), "--category flat") || strings.Contains(err.Error(), tc.income) {
				t.Errorf("%s: %v, want a refused zero due that does not repeat the income", name, err)
			}
			continue
		}
		if err != nil || b != tc.bracket || formatFen(due) != tc.due {
			t.Errorf("%s: bracket %d, due %s, %v; want bracket %d, due %s", name, b, formatFen(due), err, tc.bracket, tc.due)
			continue
		}
		// The due lies in the bracket's range: the chain's own check.
		table := p.Employed
		if tc.cat == retired {
			table = p.Retired
		}
		if lo, hi := dues.DueRange(table, int(b), p.MaxPaymentFen); due < lo || due > hi {
			t.Errorf("%s: due %d outside bracket %d's range %d..%d", name, due, b, lo, hi)
		}
	}
	// A due above the bound on one payment is refused here.
	if _, _, err := computeAssessment(p, assessFlags{category: employed, incomeFen: 99_999_999_999_999}); err == nil ||
		!strings.Contains(err.Error(), "bound on one payment") {
		t.Errorf("huge income: %v", err)
	}
	// Farmers: the range from the params; flat: the flat due.
	for _, tc := range []struct {
		fen int64
		err string
	}{{20, ""}, {55, ""}, {100, ""}, {19, "0.20 to 1.00"}, {101, "0.20 to 1.00"}} {
		b, due, err := computeAssessment(p, assessFlags{category: duesv1.Category_CATEGORY_FARMER, amountFen: tc.fen})
		if wantErr(t, fmt.Sprintf("farmer %d", tc.fen), err, tc.err) && (b != 0 || due != tc.fen) {
			t.Errorf("farmer %d: bracket %d, due %d", tc.fen, b, due)
		}
	}
	if b, due, err := computeAssessment(p, assessFlags{category: duesv1.Category_CATEGORY_FLAT}); err != nil || b != 0 || due != 20 {
		t.Errorf("flat: bracket %d, due %d, %v", b, due, err)
	}
}

// duesCLI runs partychaind in process with the node replaced: params are
// the default policy, and each tx is captured and answered with res (or a
// committed ok result).
type duesCLI struct {
	t        *testing.T
	sent     []any
	res      *client.TxResult
	asked    int // params queries
	stdin    io.Reader
	out, err bytes.Buffer
}

func (c *duesCLI) run(args ...string) error {
	c.t.Helper()
	c.out.Reset()
	c.err.Reset()
	savedSend, savedParams := duesSend, duesParamsOf
	defer func() { duesSend, duesParamsOf = savedSend, savedParams }()
	duesSend = func(_ *cobra.Command, msg any) (*client.TxResult, error) {
		c.sent = append(c.sent, msg)
		if c.res != nil {
			return c.res, nil
		}
		return &client.TxResult{Hash: strings.Repeat("AB", 32), Height: 7, Time: time.Unix(1_700_000_000, 0)}, nil
	}
	duesParamsOf = func(*cobra.Command) (duesv1.Params, error) {
		c.asked++
		return dues.DefaultParams(), nil
	}
	root := newRootCmd()
	root.SetOut(&c.out)
	root.SetErr(&c.err)
	if c.stdin != nil {
		root.SetIn(c.stdin)
	}
	root.SetArgs(append([]string{"--home", c.t.TempDir()}, args...))
	return root.Execute()
}

func TestDuesAssessCLI(t *testing.T) {
	for _, tc := range []struct {
		income  string
		bracket uint32
		due     int64
		note    string
	}{
		{"3000.00", 0, 1500, "income stays on this machine; bracket 1, due 15.00 yuan"},
		{"3000.01", 1, 3000, "income stays on this machine; bracket 2, due 30.00 yuan"},
		{"4000", 1, 4000, "income stays on this machine; bracket 2, due 40.00 yuan"},
	} {
		c := &duesCLI{t: t}
		if err := c.run("tx", "dues", "assess", "7", "--year", "2026", "--category", "employed", "--income", tc.income, "--from", "clerk"); err != nil {
			t.Fatalf("assess %s: %v", tc.income, err)
		}
		want := &duesv1.MsgAssess{MemberId: 7, Year: 2026, Category: duesv1.Category_CATEGORY_EMPLOYED, Bracket: tc.bracket, MonthlyDueFen: tc.due}
		if len(c.sent) != 1 || !reflect.DeepEqual(c.sent[0], want) {
			t.Errorf("assess %s sent %+v, want %+v", tc.income, c.sent, want)
		}
		out := c.out.String()
		if !strings.HasPrefix(out, tc.note+"\n") || !strings.Contains(out, "result:     ok") {
			t.Errorf("assess %s printed:\n%s", tc.income, out)
		}
		if strings.Contains(out+c.err.String(), tc.income) {
			t.Errorf("assess %s: the income appears in the output:\n%s%s", tc.income, out, c.err.String())
		}
	}

	// -o json: the JSON is the result with what was sent; the note goes to
	// stderr.
	c := &duesCLI{t: t}
	if err := c.run("tx", "dues", "assess", "7", "--year", "2026", "--category", "retired", "--income", "5000.01", "--from", "clerk", "-o", "json"); err != nil {
		t.Fatal(err)
	}
	var got struct {
		TxHash     string `json:"tx_hash"`
		Height     int64  `json:"height"`
		Assessment struct {
			Category      string `json:"category"`
			Bracket       uint32 `json:"bracket"`
			BracketNumber uint32 `json:"bracket_number"`
			MonthlyDueFen int64  `json:"monthly_due_fen"`
			MonthlyDue    string `json:"monthly_due"`
		} `json:"assessment"`
	}
	if err := json.Unmarshal(c.out.Bytes(), &got); err != nil {
		t.Fatalf("assess -o json: %v\n%s", err, c.out.String())
	}
	if a := got.Assessment; got.Height != 7 || a.Category != "retired" || a.Bracket != 1 || a.BracketNumber != 2 || a.MonthlyDueFen != 5000 || a.MonthlyDue != "50.00" {
		t.Errorf("assess -o json: %+v", got)
	}
	if !strings.Contains(c.err.String(), "income stays on this machine; bracket 2, due 50.00 yuan") || strings.Contains(c.out.String(), "5000.01") {
		t.Errorf("assess -o json: stdout %s\nstderr %s", c.out.String(), c.err.String())
	}

	// --income - reads it from stdin (not a terminal here).
	c = &duesCLI{t: t, stdin: strings.NewReader("4000.00\n")}
	if err := c.run("tx", "dues", "assess", "9", "--year", "2026", "--category", "employed", "--income", "-", "--from", "clerk"); err != nil {
		t.Fatal(err)
	}
	if m, ok := c.sent[0].(*duesv1.MsgAssess); !ok || m.Bracket != 1 || m.MonthlyDueFen != 4000 {
		t.Errorf("--income -: sent %+v", c.sent)
	}

	// Farmer and flat.
	c = &duesCLI{t: t}
	if err := c.run("tx", "dues", "assess", "7", "--year", "2026", "--category", "farmer", "--amount", "0.5", "--from", "clerk"); err != nil {
		t.Fatal(err)
	}
	if err := c.run("tx", "dues", "assess", "8", "--year", "2026", "--category", "Flat", "--from", "clerk"); err != nil {
		t.Fatal(err)
	}
	want := []any{
		&duesv1.MsgAssess{MemberId: 7, Year: 2026, Category: duesv1.Category_CATEGORY_FARMER, MonthlyDueFen: 50},
		&duesv1.MsgAssess{MemberId: 8, Year: 2026, Category: duesv1.Category_CATEGORY_FLAT, MonthlyDueFen: 20},
	}
	if !reflect.DeepEqual(c.sent, want) || !strings.HasPrefix(c.out.String(), "category flat; due 0.20 yuan a month\n") {
		t.Errorf("farmer and flat: sent %+v\n%s", c.sent, c.out.String())
	}
}

func TestDuesTxMessages(t *testing.T) {
	h := strings.Repeat("cd", 32)
	for _, tc := range []struct {
		args []string
		want any
	}{
		{[]string{"pay", "7", "--from-month", "2026-01", "--amount", "40"},
			&duesv1.MsgPay{MemberId: 7, FirstMonth: 202601, Months: 1, PaidFen: 4000}},
		{[]string{"pay", "7", "--from-month", "2026-11", "--months", "3", "--amount", "120.5"},
			&duesv1.MsgPay{MemberId: 7, FirstMonth: 202611, Months: 3, PaidFen: 12050}},
		{[]string{"remit", "2", "--amount", "50.00"}, &duesv1.MsgRemit{OrgId: 2, AmountFen: 5000}},
		{[]string{"propose-spend", "2", "--amount", "20", "--purpose", "3", "--doc-hash", h},
			&duesv1.MsgProposeSpend{OrgId: 2, AmountFen: 2000, Purpose: 3, DocHash: mustHex(h)}},
		{[]string{"approve-spend", "4"}, &duesv1.MsgApproveSpend{SpendId: 4}},
		{[]string{"reject-spend", "4"}, &duesv1.MsgRejectSpend{SpendId: 4}},
		{[]string{"clear-arrears", "7"}, &duesv1.MsgClearArrears{MemberId: 7}},
		{[]string{"clear-arrears", "7", "--reason", "12"}, &duesv1.MsgClearArrears{MemberId: 7, ReasonCode: 12}},
	} {
		c := &duesCLI{t: t}
		if tc.args[0] == "propose-spend" {
			c.res = &client.TxResult{Hash: "AB", Height: 7, Events: []abci.Event{
				{Type: "message", Attributes: []abci.EventAttribute{{Key: "index", Value: "0"}}},
				{Type: "dues_spend_proposed", Attributes: []abci.EventAttribute{{Key: "spend_id", Value: "4"}, {Key: "org_id", Value: "2"}}},
			}}
		}
		if err := c.run(append(append([]string{"tx", "dues"}, tc.args...), "--from", "clerk")...); err != nil {
			t.Errorf("%v: %v", tc.args, err)
			continue
		}
		if len(c.sent) != 1 || !reflect.DeepEqual(c.sent[0], tc.want) {
			t.Errorf("%v sent %+v, want %+v", tc.args, c.sent, tc.want)
		}
		if c.asked != 0 {
			t.Errorf("%v asked the node for params", tc.args)
		}
		if tc.args[0] == "propose-spend" && !strings.HasPrefix(c.out.String(), "spend id:   4\n") {
			t.Errorf("propose-spend printed:\n%s", c.out.String())
		}
	}
}

func TestDuesProposeSpendOutput(t *testing.T) {
	h := strings.Repeat("cd", 32)
	args := []string{"tx", "dues", "propose-spend", "2", "--amount", "20", "--purpose", "3", "--doc-hash", h, "--from", "clerk"}
	ev := []abci.Event{{Type: "dues_spend_proposed", Attributes: []abci.EventAttribute{{Key: "spend_id", Value: "11"}}}}

	c := &duesCLI{t: t, res: &client.TxResult{Hash: "AB", Height: 7, Events: ev}}
	if err := c.run(append(args, "-o", "json")...); err != nil {
		t.Fatal(err)
	}
	var got struct {
		SpendID uint64 `json:"spend_id"`
		Code    uint32 `json:"code"`
	}
	if err := json.Unmarshal(c.out.Bytes(), &got); err != nil || got.SpendID != 11 {
		t.Errorf("propose-spend -o json: %v %+v\n%s", err, got, c.out.String())
	}

	// A rejection prints the result and exits non-zero, with no spend id.
	c = &duesCLI{t: t, res: &client.TxResult{Hash: "AB", Height: 7, Codespace: "dues", Code: 10, Log: "amount exceeds the organization's balance"}}
	err := c.run(args...)
	var rejected *rejectedError
	if !errors.As(err, &rejected) || strings.Contains(c.out.String(), "spend id") || !strings.Contains(c.out.String(), "code dues/10") {
		t.Errorf("rejected propose-spend: %v\n%s", err, c.out.String())
	}

	// A committed tx without the event is an error, not a silent success.
	c = &duesCLI{t: t, res: &client.TxResult{Hash: "AB", Height: 7}}
	if err := c.run(args...); err == nil || !strings.Contains(err.Error(), "dues_spend_proposed") {
		t.Errorf("propose-spend without its event: %v", err)
	}
}

// Bad input is refused before anything is signed (or asked of the node).
func TestDuesTxFlagValidation(t *testing.T) {
	h := strings.Repeat("cd", 32)
	assess := func(extra ...string) []string {
		return append([]string{"assess", "7", "--year", "2026"}, extra...)
	}
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{assess("--category", "employed"), "--income is required for employed members"},
		{assess("--category", "retired", "--amount", "1"), "--amount is for farmers"},
		{assess("--category", "employed", "--income", "4000", "--amount", "40"), "--amount is for farmers"},
		{assess("--category", "employed", "--income", "4,000.00"), "--income"},
		{assess("--category", "employed", "--income", "-4000"), "negative"},
		{assess("--category", "employed", "--income", "4000.001"), "more than two decimals"},
		{assess("--category", "employed", "--income", "0"), "more than 0.00"},
		{assess("--category", "farmer"), "--amount is required for farmers"},
		{assess("--category", "farmer", "--income", "800"), "--income is for employed and retired"},
		{assess("--category", "flat", "--amount", "0.20"), "takes neither"},
		{assess("--category", "student"), `--category "student": want employed, retired, farmer, flat`},
		{[]string{"assess", "7", "--category", "flat"}, `required flag(s) "year"`},
		{[]string{"assess", "7", "--year", "26", "--category", "flat"}, "--year 26"},
		{[]string{"assess", "0", "--year", "2026", "--category", "flat"}, "member id"},
		{[]string{"pay", "7", "--from-month", "2026-1", "--amount", "40"}, "--from-month"},
		{[]string{"pay", "7", "--from-month", "2026-01", "--months", "0", "--amount", "40"}, "--months 0"},
		{[]string{"pay", "7", "--from-month", "2026-01", "--months", "121", "--amount", "40"}, "--months 121"},
		{[]string{"pay", "7", "--from-month", "2026-01", "--amount", "1e3"}, "--amount"},
		{[]string{"pay", "7", "--from-month", "2026-01"}, `required flag(s) "amount"`},
		{[]string{"pay", "x", "--from-month", "2026-01", "--amount", "40"}, "member id"},
		{[]string{"remit", "2", "--amount", "0"}, "more than 0.00"},
		{[]string{"remit", "2", "--amount", "-5"}, "negative"},
		{[]string{"remit", "0", "--amount", "5"}, "organization id"},
		{[]string{"propose-spend", "2", "--amount", "20", "--purpose", "0", "--doc-hash", h}, "--purpose"},
		{[]string{"propose-spend", "2", "--amount", "20", "--purpose", "3", "--doc-hash", "abc"}, "64 hex digits"},
		{[]string{"propose-spend", "2", "--amount", "20", "--purpose", "3"}, `required flag(s) "doc-hash"`},
		{[]string{"propose-spend", "2", "--amount", "12.345", "--purpose", "3", "--doc-hash", h}, "two decimals"},
		{[]string{"approve-spend", "0"}, "spend id"},
		{[]string{"reject-spend", "1.5"}, "spend id"},
		{[]string{"clear-arrears", "abc"}, "member id"},
	} {
		c := &duesCLI{t: t}
		err := c.run(append(append([]string{"tx", "dues"}, tc.args...), "--from", "clerk")...)
		wantErr(t, strings.Join(tc.args, " "), err, tc.err)
		if len(c.sent) != 0 || c.asked != 0 {
			t.Errorf("%v: sent %d txs, asked for params %d times; want nothing before the input is good", tc.args, len(c.sent), c.asked)
		}
	}
	// Amounts the chain's policy refuses are refused once the params are
	// known, still before signing.
	c := &duesCLI{t: t}
	err := c.run("tx", "dues", "assess", "7", "--year", "2026", "--category", "farmer", "--amount", "1.50", "--from", "clerk")
	if wantErr(t, "farmer 1.50", err, "farmers pay 0.20 to 1.00 yuan") || len(c.sent) != 0 {
		t.Errorf("farmer 1.50: sent %+v", c.sent)
	}
}

func TestPrintDisclosure(t *testing.T) {
	var b bytes.Buffer
	printDisclosure(&b, 2, &duesv1.Disclosure{
		Month:   &duesv1.MonthTotals{OrgId: 2, Month: 202603, Collected: 12000, Remitted: 5000, Spent: 2000, Payments: 1},
		Account: &duesv1.Account{OrgId: 2, Collected: 12000, Remitted: 5000, Spent: 2000, Balance: 5000, SubtreeBalance: 5000},
	})
	out := b.String()
	for _, want := range []string{"organization 2, month 2026-03", "collected\t120.00\t(1 payment)", "remitted upward\t50.00",
		"spent\t20.00", "balance\t50.00", "subtree balance\t50.00", "received from below\t0.00"} {
		if !strings.Contains(out, want) {
			t.Errorf("disclosure lacks %q:\n%s", want, out)
		}
	}
	b.Reset()
	p := dues.DefaultParams()
	printDuesParams(&b, &p)
	for _, want := range []string{"  1\t0.00 to 3000.00\t0.50%", "  2\t3000.01 to 5000.00\t1.00%", "  4\tabove 10000.00\t2.00%",
		"flat due\t0.20 yuan a month", "farmer due\t0.20 to 1.00 yuan a month"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("params lack %q:\n%s", want, b.String())
		}
	}
}
