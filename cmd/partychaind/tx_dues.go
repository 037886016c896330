package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/client"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
)

// The dues commands. Money on the command line is yuan with at most two
// decimals ("12.50"); the chain holds integer fen, and the conversion reads
// the digits, never a float. Months are YYYY-MM; the chain holds YYYYMM.

// maxYuanDigits bounds the whole-yuan digits of an amount: at most
// 999,999,999,999.99 yuan, far above any policy bound and well inside int64
// fen even when multiplied by a rate in basis points.
const maxYuanDigits = 12

// yuanFormat is the shape every amount must have.
const yuanFormat = "want yuan with at most two decimals and no sign, exponent or separators, such as 12.50"

// yuanToFen converts a yuan amount to fen exactly. Its errors never repeat
// the amount (an income must not be echoed into logs).
func yuanToFen(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("is empty: " + yuanFormat)
	}
	if strings.HasPrefix(s, "-") {
		return 0, errors.New("is negative: amounts are positive yuan, such as 12.50")
	}
	whole, frac, point := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || (point && (frac == "" || len(frac) > 2 || !allDigits(frac))) {
		if point && allDigits(whole) && whole != "" && allDigits(frac) && len(frac) > 2 {
			return 0, errors.New("has more than two decimals: the smallest unit is the fen (0.01 yuan)")
		}
		return 0, errors.New("is not an amount: " + yuanFormat)
	}
	if whole = strings.TrimLeft(whole, "0"); len(whole) > maxYuanDigits {
		return 0, fmt.Errorf("is too large: at most %d digits before the decimal point", maxYuanDigits)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	var fen int64
	for _, c := range whole + frac {
		fen = fen*10 + int64(c-'0')
	}
	return fen, nil
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// parseYuan reads a positive amount in yuan as fen; what names it in errors.
func parseYuan(what, s string) (int64, error) {
	fen, err := yuanToFen(s)
	if err != nil {
		return 0, fmt.Errorf("%s %q %v", what, s, err)
	}
	if fen == 0 {
		return 0, fmt.Errorf("%s %q must be more than 0.00 yuan", what, s)
	}
	return fen, nil
}

// parseIncome is parseYuan for an income: its errors do not repeat it.
func parseIncome(what, s string) (int64, error) {
	fen, err := yuanToFen(s)
	if err != nil {
		return 0, fmt.Errorf("%s %v", what, err)
	}
	if fen == 0 {
		return 0, fmt.Errorf("%s must be more than 0.00 yuan (members without income pay the flat due: --category flat)", what)
	}
	return fen, nil
}

// formatFen shows fen as yuan with two decimals: 1250 → "12.50".
func formatFen(fen int64) string {
	sign := ""
	u := uint64(fen)
	if fen < 0 {
		sign, u = "-", uint64(-(fen+1))+1
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

// parseMonth reads YYYY-MM as YYYYMM.
func parseMonth(what, s string) (uint32, error) {
	s = strings.TrimSpace(s)
	y, m, ok := strings.Cut(s, "-")
	if !ok || len(y) != 4 || len(m) != 2 || !allDigits(y) || !allDigits(m) {
		return 0, fmt.Errorf("%s %q is not a month: want YYYY-MM, such as 2026-03", what, s)
	}
	year, _ := strconv.Atoi(y)
	month, _ := strconv.Atoi(m)
	if month < 1 || month > 12 {
		return 0, fmt.Errorf("%s %q: the month must be 01 to 12", what, s)
	}
	if year < 1900 || year > 2999 {
		return 0, fmt.Errorf("%s %q: the year must be 1900 to 2999", what, s)
	}
	return uint32(year*100 + month), nil
}

// formatMonth shows YYYYMM as YYYY-MM, and 0 (none) as "-".
func formatMonth(m uint32) string {
	if m == 0 {
		return "-"
	}
	return fmt.Sprintf("%04d-%02d", m/100, m%100)
}

// formatBp shows basis points as a percentage: 150 → "1.50%".
func formatBp(bp uint32) string { return fmt.Sprintf("%d.%02d%%", bp/100, bp%100) }

var categories = []duesv1.Category{
	duesv1.Category_CATEGORY_EMPLOYED, duesv1.Category_CATEGORY_RETIRED,
	duesv1.Category_CATEGORY_FARMER, duesv1.Category_CATEGORY_FLAT,
}

func categoryName(c duesv1.Category) string { return enumName(c.String(), "CATEGORY_") }

func parseCategory(s string) (duesv1.Category, error) {
	return parseEnum("--category", strings.ToLower(strings.TrimSpace(s)), categories, categoryName)
}

// assessFlags is what the clerk gives for an assessment, as read from the
// flags; the income is in fen and never leaves this machine.
type assessFlags struct {
	category  duesv1.Category
	incomeFen int64 // employed, retired
	amountFen int64 // farmers
}

// readAssessFlags checks the flags of tx dues assess against the category
// before anything is asked of the node.
func readAssessFlags(cmd *cobra.Command) (assessFlags, error) {
	var a assessFlags
	f := cmd.Flags()
	cat, _ := f.GetString("category")
	var err error
	if a.category, err = parseCategory(cat); err != nil {
		return a, err
	}
	hasIncome, hasAmount := f.Changed("income"), f.Changed("amount")
	switch a.category {
	case duesv1.Category_CATEGORY_EMPLOYED, duesv1.Category_CATEGORY_RETIRED:
		if hasAmount {
			return a, fmt.Errorf("--amount is for farmers: for %s members give the monthly income with --income, and the due is computed here", categoryName(a.category))
		}
		if !hasIncome {
			return a, fmt.Errorf("--income is required for %s members: the monthly income in yuan (or - to type it without echo); it stays on this machine", categoryName(a.category))
		}
		s, _ := f.GetString("income")
		if strings.TrimSpace(s) == "-" {
			if s, err = readIncome(cmd); err != nil {
				return a, err
			}
		}
		a.incomeFen, err = parseIncome("--income", s)
		return a, err
	case duesv1.Category_CATEGORY_FARMER:
		if hasIncome {
			return a, errors.New("--income is for employed and retired members: farmers declare a fixed monthly due with --amount")
		}
		if !hasAmount {
			return a, errors.New("--amount is required for farmers: the monthly due in yuan, within the farmer range (query dues params)")
		}
		s, _ := f.GetString("amount")
		a.amountFen, err = parseYuan("--amount", s)
		return a, err
	default: // flat
		if hasIncome || hasAmount {
			return a, errors.New("--category flat takes neither --income nor --amount: the flat due is the chain's (query dues params)")
		}
		return a, nil
	}
}

// readIncome reads the income for --income -: typed without echo at a
// terminal, else one line of stdin.
func readIncome(cmd *cobra.Command) (string, error) {
	if in, ok := keysTerminal(cmd); ok {
		b, err := keysReadPassword(int(in.Fd()), cmd.ErrOrStderr(), "Monthly income in yuan (not shown, not stored): ")
		if err != nil {
			return "", err
		}
		defer keysWipe(b)
		return string(b), nil
	}
	line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", fmt.Errorf("--income -: reading the income from stdin: %w", err)
	}
	return line, nil
}

// ---- sending ----

// duesSend signs msg from --from, broadcasts it and waits for its block.
// Tests replace it to see the message without a node.
var duesSend = func(cmd *cobra.Command, msg any) (*client.TxResult, error) {
	return signAndWait(cmd, msg)
}

// duesParamsOf asks the node for the dues policy. Tests replace it.
var duesParamsOf = func(cmd *cobra.Command) (duesv1.Params, error) {
	var p duesv1.Params
	c, err := rpcClient(cmd)
	if err != nil {
		return p, err
	}
	timeout, _ := cmd.Flags().GetDuration("timeout")
	ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
	defer cancel()
	if _, err := c.QueryInto(ctx, "/dues/params", &p); err != nil {
		return p, fmt.Errorf("reading the dues params from the node: %w", err)
	}
	return p, nil
}

// duesTxOutput is the output of a tx dues command with -o json: the tx
// result, and what the command adds to it.
type duesTxOutput struct {
	*client.TxResult
	Assessment *assessmentOutput `json:"assessment,omitempty"`
	SpendID    uint64            `json:"spend_id,omitempty"`
}

// assessmentOutput is what tx dues assess sent (never the income).
type assessmentOutput struct {
	Category string `json:"category"`
	Bracket  uint32 `json:"bracket"` // the chain's index, from 0, as sent and as query dues assessment -o json shows it
	// BracketNumber is the bracket counted from 1 as text shows it;
	// employed and retired only.
	BracketNumber uint32 `json:"bracket_number,omitempty"`
	MonthlyDueFen int64  `json:"monthly_due_fen"`
	MonthlyDue    string `json:"monthly_due"` // yuan, two decimals
}

// sendDues sends msg and prints the outcome: note (if any) first, on
// stdout in text and on stderr with -o json; then the result. The spend id
// of a proposed spend is read from its event.
func sendDues(cmd *cobra.Command, msg any, note string, out *duesTxOutput) error {
	if note != "" {
		if isJSON(cmd) {
			fmt.Fprintln(cmd.ErrOrStderr(), note)
		} else {
			fmt.Fprintln(cmd.OutOrStdout(), note)
		}
	}
	res, err := duesSend(cmd, msg)
	if err != nil {
		return err
	}
	out.TxResult = res
	_, proposing := msg.(*duesv1.MsgProposeSpend)
	if proposing && res.OK() {
		if ids := res.EventValues("dues_spend_proposed", "spend_id"); len(ids) == 1 {
			out.SpendID, _ = strconv.ParseUint(ids[0], 10, 64)
		}
	}
	if isJSON(cmd) {
		if err := printJSON(cmd, out); err != nil {
			return err
		}
	} else {
		if out.SpendID != 0 {
			fmt.Fprintf(cmd.OutOrStdout(), "spend id:   %d\n", out.SpendID)
		}
		if err := printTxResult(cmd, res); err != nil {
			return err
		}
	}
	if !res.OK() {
		return &rejectedError{res: res}
	}
	if proposing && out.SpendID == 0 {
		return fmt.Errorf("tx %s is in block %d but reports no dues_spend_proposed event with a spend id", res.Hash, res.Height)
	}
	return nil
}

// ---- commands ----

// duesTx is a tx dues command on one id: what names the id in errors, flags
// adds the command's flags (the required ones listed in required), and
// build checks them and makes the message, before anything is signed.
func duesTx(use, short, what string, flags func(c *cobra.Command), required []string,
	build func(cmd *cobra.Command, id uint64) (any, error)) *cobra.Command {
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseMemberID(what, args[0])
			if err != nil {
				return err
			}
			msg, err := build(cmd, id)
			if err != nil {
				return err
			}
			return sendDues(cmd, msg, "", &duesTxOutput{})
		},
	}
	if flags != nil {
		flags(c)
	}
	for _, f := range required {
		_ = c.MarkFlagRequired(f)
	}
	return c
}

func amountFlag(c *cobra.Command, what string) {
	c.Flags().String("amount", "", what+" in yuan, at most two decimals (12.50)")
}

func flagYuan(cmd *cobra.Command, name string) (int64, error) {
	s, _ := cmd.Flags().GetString(name)
	return parseYuan("--"+name, s)
}

func newTxDuesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dues",
		Short: "Dues: assessments, payments, remittance upward, dual-signed spending, arrears",
		Long: `The dues ledger (党费). Each command signs one tx with --from.

Money is given in yuan with at most two decimals (12.50); the chain holds integer fen.
Months are YYYY-MM. A bad amount, month or id is refused before anything is signed.

The dues clerk of a member's branch assesses the member each year and records payments;
a member with their own key may pay their own dues (--from the member's key). The dues
clerk of an organization remits upward. A spend is proposed by one officer of the
organization (secretary, deputy secretary, organization officer or dues clerk) and
approved by another; above the policy threshold an officer of the superior approves too.`,
	}

	assess := &cobra.Command{
		Use:   "assess MEMBER_ID --year Y --category employed|retired|farmer|flat [--income YUAN | --amount YUAN]",
		Short: "Declare a member's category, bracket and monthly due for a year (never the income)",
		Long: `Declare a member's dues for a year: the category, the bracket and the monthly due.

employed, retired: give the monthly income with --income (or --income - to type it without
  echo, or pipe it on stdin). The bracket and the due are computed here from the chain's
  rate tables (query dues params), rounded half up to the fen. Only the category, the
  bracket and the due are sent: the income is never sent, logged or written anywhere.
farmer: give the fixed monthly due with --amount, within the farmer range (0.20 to 1.00
  yuan by default).
flat: students, unemployed members, members on relief: the flat due; no amount.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseMemberID("member id", args[0])
			if err != nil {
				return err
			}
			year := flagUint32(cmd, "year")
			if year < 1900 || year > 2999 {
				return fmt.Errorf("--year %d: want a year such as 2026", year)
			}
			a, err := readAssessFlags(cmd)
			if err != nil {
				return err
			}
			p, err := duesParamsOf(cmd)
			if err != nil {
				return err
			}
			bracket, due, err := computeAssessment(p, a)
			if err != nil {
				return err
			}
			msg := &duesv1.MsgAssess{MemberId: id, Year: year, Category: a.category, Bracket: bracket, MonthlyDueFen: due}
			out := &duesTxOutput{Assessment: &assessmentOutput{Category: categoryName(a.category), Bracket: bracket, BracketNumber: assessedBracketNumber(a.category, bracket),
				MonthlyDueFen: due, MonthlyDue: formatFen(due)}}
			return sendDues(cmd, msg, assessNote(a, bracket, due), out)
		},
	}
	assess.Flags().Uint32("year", 0, "the year assessed (last year, this year or next)")
	assess.Flags().String("category", "", "employed, retired, farmer or flat")
	assess.Flags().String("income", "", "employed, retired: monthly income in yuan (- to read it from the terminal or stdin); stays on this machine")
	amountFlag(assess, "farmer: the monthly due")
	_ = assess.MarkFlagRequired("year")
	_ = assess.MarkFlagRequired("category")

	pay := duesTx("pay MEMBER_ID --from-month YYYY-MM [--months N] --amount YUAN",
		"Record a payment of one or more consecutive months (the branch's dues clerk, or the member's own key)",
		"member id", func(c *cobra.Command) {
			c.Flags().String("from-month", "", "first month paid (YYYY-MM)")
			c.Flags().Uint32("months", 1, "consecutive months paid, from 1")
			amountFlag(c, "the amount paid: at least the months' dues; the rest is voluntary")
		}, []string{"from-month", "amount"},
		func(cmd *cobra.Command, id uint64) (any, error) {
			s, _ := cmd.Flags().GetString("from-month")
			first, err := parseMonth("--from-month", s)
			if err != nil {
				return nil, err
			}
			months := flagUint32(cmd, "months")
			if months < 1 || months > 120 {
				return nil, fmt.Errorf("--months %d: want 1 to 120 (the chain's max_months_per_payment may be lower)", months)
			}
			paid, err := flagYuan(cmd, "amount")
			return &duesv1.MsgPay{MemberId: id, FirstMonth: first, Months: months, PaidFen: paid}, err
		})

	remit := duesTx("remit ORG_ID --amount YUAN", "Remit dues from an organization's balance to its parent (its dues clerk)",
		"organization id", func(c *cobra.Command) { amountFlag(c, "the amount remitted") }, []string{"amount"},
		func(cmd *cobra.Command, id uint64) (any, error) {
			amount, err := flagYuan(cmd, "amount")
			return &duesv1.MsgRemit{OrgId: id, AmountFen: amount}, err
		})

	propose := duesTx("propose-spend ORG_ID --amount YUAN --purpose N --doc-hash H",
		"Propose spending from an organization's balance (an officer of it); prints the spend id",
		"organization id", func(c *cobra.Command) {
			amountFlag(c, "the amount to spend")
			c.Flags().Uint32("purpose", 0, "purpose category code, from 1 (the consortium's purpose table)")
			docFlag(c, true)
		}, []string{"amount", "purpose", "doc-hash"},
		func(cmd *cobra.Command, id uint64) (any, error) {
			amount, err := flagYuan(cmd, "amount")
			if err != nil {
				return nil, err
			}
			purpose := flagUint32(cmd, "purpose")
			if purpose == 0 {
				return nil, errors.New("--purpose must be a purpose category code from 1")
			}
			doc, err := flagHash(cmd, "doc-hash", false)
			return &duesv1.MsgProposeSpend{OrgId: id, AmountFen: amount, Purpose: purpose, DocHash: doc}, err
		})

	approve := duesTx("approve-spend SPEND_ID", "Approve a pending spend (another officer of the organization, or the superior's officer above the threshold)",
		"spend id", nil, nil, func(_ *cobra.Command, id uint64) (any, error) {
			return &duesv1.MsgApproveSpend{SpendId: id}, nil
		})
	reject := duesTx("reject-spend SPEND_ID", "Reject a spend still waiting (an officer of the organization or of its parent)",
		"spend id", nil, nil, func(_ *cobra.Command, id uint64) (any, error) {
			return &duesv1.MsgRejectSpend{SpendId: id}, nil
		})
	clearArrears := duesTx("clear-arrears MEMBER_ID [--reason N]", "Clear a member's arrears flag after the branch's review (an officer of the branch)",
		"member id", reasonFlag, nil, func(cmd *cobra.Command, id uint64) (any, error) {
			return &duesv1.MsgClearArrears{MemberId: id, ReasonCode: flagUint32(cmd, "reason")}, nil
		})

	cmd.AddCommand(assess, pay, remit, propose, approve, reject, clearArrears)
	return cmd
}
