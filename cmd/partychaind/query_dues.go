package main

import (
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
)

// Queries of the dues ledger. Text output shows money in yuan with two
// decimals and months as YYYY-MM; -o json prints the node's answer as it
// is (fen, YYYYMM).

func newQueryDuesCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "dues", Short: "Dues: policy, assessments, a member's payments and standing, spends"}
	params := &cobra.Command{
		Use:   "params",
		Short: "Show the dues ledger's policy: rate tables, flat and farmer dues, thresholds",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var p duesv1.Params
			return runQuery(cmd, "/dues/params", &p, func(w io.Writer) { printDuesParams(w, &p) })
		},
	}
	assessment := &cobra.Command{
		Use:   "assessment MEMBER_ID YEAR",
		Short: "Show a member's assessment for a year: category, bracket, monthly due",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseMemberID("member id", args[0])
			if err != nil {
				return err
			}
			year, err := strconv.ParseUint(strings.TrimSpace(args[1]), 10, 32)
			if err != nil || year < 1900 || year > 2999 {
				return fmt.Errorf("year %q: want a year such as 2026", args[1])
			}
			var a duesv1.Assessment
			return runQuery(cmd, fmt.Sprintf("/dues/%d/%d", id, year), &a, func(w io.Writer) {
				fmt.Fprintf(w, "member %d\tyear %d\n", a.MemberId, a.Year)
				fmt.Fprintf(w, "category\t%s\n", categoryName(a.Category))
				if n := assessedBracketNumber(a.Category, a.Bracket); n > 0 {
					fmt.Fprintf(w, "bracket\t%d (from 1, as in query dues params)\n", n)
				} else {
					fmt.Fprintf(w, "bracket\t-\n")
				}
				fmt.Fprintf(w, "monthly due\t%s yuan\n", formatFen(a.MonthlyDueFen))
				fmt.Fprintf(w, "declared by\t%X at height %d\n", a.DeclaredBy, a.Height)
			})
		},
	}
	payments := idQuery("payments MEMBER_ID", "List a member's paid months, oldest first", "member id",
		func(cmd *cobra.Command, id uint64) error {
			var p duesv1.PaymentPage
			return runQuery(cmd, pagePath(cmd, fmt.Sprintf("/dues/%d/payments", id), nil), &p, func(w io.Writer) {
				printPayments(w, &p)
			})
		})
	pageFlags(payments, true)
	standing := idQuery("standing MEMBER_ID", "Show a member's dues standing: months covered and any arrears flag", "member id",
		func(cmd *cobra.Command, id uint64) error {
			var s duesv1.DuesStanding
			return runQuery(cmd, fmt.Sprintf("/dues/%d/standing", id), &s, func(w io.Writer) {
				fmt.Fprintf(w, "member %d\n", s.MemberId)
				fmt.Fprintf(w, "first due month\t%s\n", formatMonth(s.FirstDueMonth))
				fmt.Fprintf(w, "last paid month\t%s\n", formatMonth(s.LastPaidMonth))
				fmt.Fprintf(w, "covered through\t%s\n", formatMonth(s.CoveredThrough))
				flag := "no"
				if s.Flagged {
					flag = fmt.Sprintf("yes: listed for review at branch %d, for the unpaid months %s to %s",
						s.FlagBranchId, formatMonth(s.ArrearsFrom), formatMonth(s.ArrearsTo))
				}
				fmt.Fprintf(w, "arrears flag\t%s\n", flag)
			})
		})
	spend := idQuery("spend SPEND_ID", "Show a spend: organization, amount, purpose, approvals, status", "spend id",
		func(cmd *cobra.Command, id uint64) error {
			var s duesv1.Spend
			return runQuery(cmd, fmt.Sprintf("/dues/spend/%d", id), &s, func(w io.Writer) { printSpend(w, &s) })
		})
	cmd.AddCommand(params, assessment, payments, standing, spend)
	return cmd
}

func printDuesParams(w io.Writer, p *duesv1.Params) {
	table := func(name string, t []duesv1.Bracket) {
		fmt.Fprintf(w, "%s brackets\tmonthly income (yuan)\trate\n", name)
		for i, b := range t {
			lower := int64(0)
			if i > 0 {
				lower = t[i-1].UpperFen + 1
			}
			span := fmt.Sprintf("%s to %s", formatFen(lower), formatFen(b.UpperFen))
			if b.UpperFen == 0 {
				span = "any"
				if i > 0 {
					span = "above " + formatFen(t[i-1].UpperFen)
				}
			}
			fmt.Fprintf(w, "  %d\t%s\t%s\n", bracketNumber(uint32(i)), span, formatBp(b.RateBp))
		}
	}
	table("employed", p.Employed)
	table("retired", p.Retired)
	for _, kv := range [][2]string{
		{"flat due", formatFen(p.FlatFen) + " yuan a month"},
		{"farmer due", fmt.Sprintf("%s to %s yuan a month", formatFen(p.FarmerMinFen), formatFen(p.FarmerMaxFen))},
		{"retained share", formatBp(p.RetainedShareBp)},
		{"spend approval threshold", formatFen(p.SpendApprovalThresholdFen) + " yuan (above: the superior approves too)"},
		{"max payment", formatFen(p.MaxPaymentFen) + " yuan"},
		{"max prepay months", fmt.Sprint(p.MaxPrepayMonths)},
		{"max months per payment", fmt.Sprint(p.MaxMonthsPerPayment)},
		{"arrears months", fmt.Sprint(p.ArrearsMonths)},
		{"max arrears checks per block", fmt.Sprint(p.MaxDuePerBlock)},
	} {
		fmt.Fprintf(w, "%s\t%s\n", kv[0], kv[1])
	}
}

func printPayments(w io.Writer, p *duesv1.PaymentPage) {
	fmt.Fprintln(w, "MONTH\tDUE\tPAID\tVOLUNTARY\tBRANCH\tHEIGHT\tTX")
	for _, pm := range p.Payments {
		tx := "-"
		if len(pm.TxHash) > 0 {
			tx = strings.ToUpper(hex.EncodeToString(pm.TxHash[:min(6, len(pm.TxHash))])) + "…"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", formatMonth(pm.Month), formatFen(pm.DueFen), formatFen(pm.PaidFen),
			formatFen(pm.VoluntaryFen), pm.BranchId, pm.Height, tx)
	}
	more := ""
	if p.HasMore {
		more = fmt.Sprintf("; more with --after %s", p.Next)
	}
	fmt.Fprintf(w, "(page %d, %d shown%s; yuan; -o json shows payers and whole tx hashes)\n", p.Page, len(p.Payments), more)
}

func spendStatusName(s duesv1.SpendStatus) string { return enumName(s.String(), "SPEND_STATUS_") }

func printSpend(w io.Writer, s *duesv1.Spend) {
	who := func(b []byte) string {
		if len(b) == 0 {
			return "-"
		}
		return fmt.Sprintf("%X", b)
	}
	fmt.Fprintf(w, "spend %d\torganization %d\n", s.Id, s.OrgId)
	fmt.Fprintf(w, "amount\t%s yuan\n", formatFen(s.AmountFen))
	fmt.Fprintf(w, "purpose\t%d\n", s.Purpose)
	fmt.Fprintf(w, "document hash\t%x\n", s.DocHash)
	fmt.Fprintf(w, "status\t%s\n", spendStatusName(s.Status))
	fmt.Fprintf(w, "proposed by\t%s at height %d\n", who(s.ProposedBy), s.ProposedHeight)
	fmt.Fprintf(w, "approved by\t%s\n", who(s.ApprovedBy))
	fmt.Fprintf(w, "superior approval\t%s\n", who(s.SuperiorBy))
	if s.DoneHeight != 0 {
		fmt.Fprintf(w, "settled at height\t%d\n", s.DoneHeight)
	}
}

// newQueryOrgDuesCmd is query org dues: the disclosure (党费公开) of an
// organization's subtree for a month, and its own account now.
func newQueryOrgDuesCmd() *cobra.Command {
	c := idQuery("dues ORG_ID [--month YYYY-MM]",
		"Disclose an organization's dues: its subtree's totals for a month (default: this month) and its account now",
		"organization id", func(cmd *cobra.Command, id uint64) error {
			path := fmt.Sprintf("/org/%d/dues", id)
			if s, _ := cmd.Flags().GetString("month"); s != "" {
				m, err := parseMonth("--month", s)
				if err != nil {
					return err
				}
				path += "?" + url.Values{"month": {fmt.Sprint(m)}}.Encode()
			}
			var d duesv1.Disclosure
			return runQuery(cmd, path, &d, func(w io.Writer) { printDisclosure(w, id, &d) })
		})
	c.Flags().String("month", "", "month disclosed (YYYY-MM; default: the chain's current month)")
	return c
}

func printDisclosure(w io.Writer, org uint64, d *duesv1.Disclosure) {
	t, a := d.Month, d.Account
	if t == nil {
		t = &duesv1.MonthTotals{OrgId: org}
	}
	if a == nil {
		a = &duesv1.Account{OrgId: org}
	}
	fmt.Fprintf(w, "organization %d, month %s\ttotals of its whole subtree, yuan\n", t.OrgId, formatMonth(t.Month))
	plural := "s"
	if t.Payments == 1 {
		plural = ""
	}
	fmt.Fprintf(w, "  collected\t%s\t(%d payment%s)\n", formatFen(t.Collected), t.Payments, plural)
	fmt.Fprintf(w, "  remitted upward\t%s\n", formatFen(t.Remitted))
	fmt.Fprintf(w, "  spent\t%s\n", formatFen(t.Spent))
	fmt.Fprintf(w, "account of organization %d\tnow, since genesis, yuan\n", a.OrgId)
	fmt.Fprintf(w, "  collected\t%s\n", formatFen(a.Collected))
	fmt.Fprintf(w, "  received from below\t%s\n", formatFen(a.Received))
	fmt.Fprintf(w, "  remitted upward\t%s\n", formatFen(a.Remitted))
	fmt.Fprintf(w, "  spent\t%s\n", formatFen(a.Spent))
	fmt.Fprintf(w, "  owed upward (not spendable)\t%s\n", formatFen(d.OwedUpwardFen))
	fmt.Fprintf(w, "  balance\t%s\n", formatFen(a.Balance))
	fmt.Fprintf(w, "  subtree balance\t%s\n", formatFen(a.SubtreeBalance))
}

// newQueryOrgArrearsCmd is query org arrears: a branch's arrears flags.
func newQueryOrgArrearsCmd() *cobra.Command {
	c := idQuery("arrears ORG_ID", "List the members a branch has flagged for arrears review", "organization id",
		func(cmd *cobra.Command, id uint64) error {
			var p duesv1.FlagPage
			return runQuery(cmd, pagePath(cmd, fmt.Sprintf("/org/%d/arrears", id), nil), &p, func(w io.Writer) {
				fmt.Fprintln(w, "MEMBER\tBRANCH\tFLAGGED IN\tLAST COVERED")
				for _, f := range p.Flags {
					fmt.Fprintf(w, "%d\t%d\t%s\t%s\n", f.MemberId, f.BranchId, formatMonth(f.FlaggedMonth), formatMonth(f.LastCoveredMonth))
				}
				more := ""
				if p.HasMore {
					more = fmt.Sprintf("; more with --after %s", p.Next)
				}
				fmt.Fprintf(w, "(page %d, %d shown%s)\n", p.Page, len(p.Flags), more)
			})
		})
	pageFlags(c, true)
	return c
}
