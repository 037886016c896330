package main

import (
	"fmt"
	"io"
	"math/big"
	"net/url"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/contracts/activity"
	"github.com/partychain/partychain/contracts/org"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
)

// Queries of the activity ledger: meetings with their corrections and
// confirmations, members' points, organizations' compliance, flags and
// rankings. Text output shows periods as 2026-03, 2026-Q2 or 2026, and
// rates as percentages with one decimal computed from the integers the
// chain holds; -o json prints the node's answer as it is (period ids
// YYYYMM, YYYYQ or YYYY; counts, never percentages).

func newQueryActivityCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "activity", Short: "Activity ledger: meetings, members' points, policy (see also query org compliance|flags|ranking)"}
	meeting := idQuery("meeting MEETING_ID", "Show a meeting: resolutions, attendance and confirmations, and its correction if any", "meeting id",
		func(cmd *cobra.Command, id uint64) error {
			var info activityv1.MeetingInfo
			return runQuery(cmd, fmt.Sprintf("/meeting/%d", id), &info, func(w io.Writer) { printActivityMeeting(w, &info) })
		})
	points := idQuery("points MEMBER_ID [--year YYYY]", "Show a member's points in a year (default: the chain's current year)", "member id",
		func(cmd *cobra.Command, id uint64) error {
			q, err := yearValues(cmd)
			if err != nil {
				return err
			}
			var p activityv1.MemberPoints
			return runQuery(cmd, withQuery(fmt.Sprintf("/meeting/points/%d", id), q), &p, func(w io.Writer) { printPoints(w, &p) })
		})
	yearFlag(points)
	params := &cobra.Command{
		Use:   "params",
		Short: "Show the activity ledger's policy: limits, the duties table and the points table",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var p activityv1.Params
			return runQuery(cmd, "/meeting/params", &p, func(w io.Writer) { printActivityParams(w, &p) })
		},
	}
	cmd.AddCommand(meeting, points, params)
	return cmd
}

// newQueryOrgComplianceCmd is query org compliance: duties due and done,
// attendance and flags of an organization's subtree in a year.
func newQueryOrgComplianceCmd() *cobra.Command {
	c := idQuery("compliance ORG_ID [--year YYYY]", "Show the compliance of an organization's whole subtree in a year: duties due and done, attendance, flags",
		"organization id", func(cmd *cobra.Command, id uint64) error {
			q, err := yearValues(cmd)
			if err != nil {
				return err
			}
			var c activityv1.Compliance
			return runQuery(cmd, withQuery(fmt.Sprintf("/org/%d/compliance", id), q), &c, func(w io.Writer) { printCompliance(w, &c) })
		})
	yearFlag(c)
	return c
}

// newQueryOrgFlagsCmd is query org flags: the duties missed in an
// organization's subtree.
func newQueryOrgFlagsCmd() *cobra.Command {
	c := idQuery("flags ORG_ID [--page N --limit N --after CURSOR]", "List the duties missed in an organization's whole subtree, by period then organization",
		"organization id", func(cmd *cobra.Command, id uint64) error {
			var p activityv1.FlagPage
			return runQuery(cmd, pagePath(cmd, fmt.Sprintf("/org/%d/flags", id), nil), &p, func(w io.Writer) { printFlags(w, &p) })
		})
	pageFlags(c, true)
	return c
}

// newQueryOrgRankingCmd is query org ranking: a branch's members by
// points in a year.
func newQueryOrgRankingCmd() *cobra.Command {
	c := idQuery("ranking BRANCH_ID [--year YYYY] [--page N --limit N --after CURSOR]",
		"List a branch's members by points in a year, most first (member ids only)", "organization id",
		func(cmd *cobra.Command, id uint64) error {
			q, err := yearValues(cmd)
			if err != nil {
				return err
			}
			after, _ := cmd.Flags().GetString("after")
			var p activityv1.RankingPage
			return runQuery(cmd, pagePath(cmd, fmt.Sprintf("/org/%d/ranking", id), q), &p, func(w io.Writer) {
				printRanking(w, id, &p, after != "")
			})
		})
	yearFlag(c)
	pageFlags(c, true)
	return c
}

// ---- flags and paths ----

func yearFlag(c *cobra.Command) {
	c.Flags().Uint32("year", 0, "year, such as 2026 (default: the chain's current year, from its last block)")
}

// yearValues reads --year into a query string, refusing a year the node
// would refuse.
func yearValues(cmd *cobra.Command) (url.Values, error) {
	q := url.Values{}
	if !cmd.Flags().Changed("year") {
		return q, nil
	}
	y, _ := cmd.Flags().GetUint32("year")
	if y < 1900 || y > 2999 {
		return nil, fmt.Errorf("--year %d: want a year from 1900 to 2999, such as 2026", y)
	}
	q.Set("year", fmt.Sprint(y))
	return q, nil
}

// withQuery appends q to path as a query string, if any.
func withQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// ---- formatting ----

// percent shows num/den as a percentage with one decimal, rounded half
// up, computed from the integers (never through a float); "-" when den
// is 0 (nothing to measure).
func percent(num, den uint64) string {
	if den == 0 {
		return "-"
	}
	// tenths of a percent, half up: (2 * 1000 * num + den) / (2 * den)
	n := new(big.Int).Mul(new(big.Int).SetUint64(num), big.NewInt(2000))
	n.Add(n, new(big.Int).SetUint64(den))
	tenths := n.Quo(n, new(big.Int).Lsh(new(big.Int).SetUint64(den), 1))
	whole, tenth := tenths.QuoRem(tenths, big.NewInt(10), new(big.Int))
	return fmt.Sprintf("%s.%s%%", whole, tenth)
}

// periodKindName is the name of a duty's period: month, quarter, year.
func periodKindName(p activityv1.Period) string { return enumName(p.String(), "PERIOD_") }

// periodName shows a period id as the chain holds it (YYYYMM, YYYYQ with Q
// from 1 to 4, YYYY): 2026-03, 2026-Q2, 2026.
func periodName(p activityv1.Period, id uint32) string {
	switch p {
	case activityv1.Period_PERIOD_MONTH:
		if m := id % 100; m >= 1 && m <= 12 {
			return fmt.Sprintf("%04d-%02d", id/100, m)
		}
	case activityv1.Period_PERIOD_QUARTER:
		if q := id % 10; q >= 1 && q <= 4 {
			return fmt.Sprintf("%04d-Q%d", id/10, q)
		}
	case activityv1.Period_PERIOD_YEAR:
		return fmt.Sprintf("%04d", id)
	}
	return fmt.Sprintf("%s %d", p, id) // not a period the chain makes: show it raw
}

func printActivityMeeting(w io.Writer, info *activityv1.MeetingInfo) {
	m := info.Meeting
	if m == nil {
		fmt.Fprintln(w, "no meeting in the answer")
		return
	}
	fmt.Fprintf(w, "meeting %d\t\n", m.Id)
	if info.CorrectedBy != 0 {
		fmt.Fprintf(w, "status\tcorrected by %d (meeting %d counts in its place)\n", info.CorrectedBy, info.CorrectedBy)
	} else {
		fmt.Fprintf(w, "status\tin force\n")
	}
	if m.Corrects != 0 {
		fmt.Fprintf(w, "corrects\tmeeting %d\n", m.Corrects)
	}
	fmt.Fprintf(w, "organization\t%d\n", m.OrgId)
	fmt.Fprintf(w, "kind\t%s\n", activity.KindName(m.Kind))
	fmt.Fprintf(w, "date\t%s\n", formatDate(m.Date))
	fmt.Fprintf(w, "topic\t%q\n", m.Topic)
	fmt.Fprintf(w, "minutes hash\t%s\n", hexOrDash(m.MinutesHash))
	confirmed := 0
	for _, a := range info.Attendance {
		if a.Confirmed {
			confirmed++
		}
	}
	fmt.Fprintf(w, "present, absent\t%d, %d (%d confirmed by the member)\n", m.Present, m.Absent, confirmed)
	fmt.Fprintf(w, "recorded by\t%X at height %d\n", m.RecordedBy, m.RecordedHeight)
	if len(m.Resolutions) > 0 {
		fmt.Fprintln(w, "\nRESOLUTION\tKIND\tSUBJECT\tQUORUM\tENTITLED\tYES\tNO\tABSTAIN\tPASSED")
		for i, r := range m.Resolutions {
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%v\n", i, activity.ResolutionKindName(r.Kind),
				idOrDash(r.SubjectMemberId), activity.QuorumName(r.Quorum), r.Entitled, r.Yes, r.No, r.Abstain, r.Passed)
		}
	}
	fmt.Fprintln(w, "\nMEMBER\tATTENDANCE\tCONFIRMED")
	for _, a := range info.Attendance {
		switch {
		case !a.Present:
			fmt.Fprintf(w, "%d\tabsent, reason %d\t-\n", a.MemberId, a.AbsenceReason)
		case a.Confirmed:
			fmt.Fprintf(w, "%d\tpresent\tconfirmed\n", a.MemberId)
		default:
			fmt.Fprintf(w, "%d\tpresent\tnot yet\n", a.MemberId)
		}
	}
}

func printPoints(w io.Writer, p *activityv1.MemberPoints) {
	fmt.Fprintf(w, "member %d\tyear %d\n", p.MemberId, p.Year)
	fmt.Fprintf(w, "points\t%d\n", p.Points)
	fmt.Fprintf(w, "ranks at branch\t%s\n", idOrDash(p.BranchId))
}

func printActivityParams(w io.Writer, p *activityv1.Params) {
	for _, kv := range []struct {
		k string
		v uint32
	}{
		{"max_attendees", p.MaxAttendees}, {"max_resolutions", p.MaxResolutions},
		{"max_topic_bytes", p.MaxTopicBytes}, {"max_backdate_days", p.MaxBackdateDays},
		{"max_evaluations_per_block", p.MaxEvaluationsPerBlock},
	} {
		fmt.Fprintf(w, "%s\t%d\n", kv.k, kv.v)
	}
	fmt.Fprintln(w, "\nDUTY (MEETING KIND)\tOWED BY\tPERIOD\tCOUNT")
	for _, d := range p.Duties {
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\n", activity.KindName(d.Kind), org.KindName(d.OrgKind), periodKindName(d.Period), d.Count)
	}
	if len(p.Duties) == 0 {
		fmt.Fprintln(w, "(no duties)")
	}
	fmt.Fprintln(w, "\nPOINTS FOR PRESENCE AT\tPOINTS")
	for _, r := range p.Points {
		fmt.Fprintf(w, "%s\t%d\n", activity.KindName(r.Kind), r.Points)
	}
	if len(p.Points) == 0 {
		fmt.Fprintln(w, "(no points rules: attendance earns no points)")
	}
}

func printCompliance(w io.Writer, c *activityv1.Compliance) {
	fmt.Fprintf(w, "organization %d\tyear %d (its whole subtree)\n", c.OrgId, c.Year)
	fmt.Fprintf(w, "duties due\t%d (duty-periods closed in the year)\n", c.Due)
	fmt.Fprintf(w, "duties done\t%d\n", c.Done)
	fmt.Fprintf(w, "compliance index\t%s\n", percent(c.Done, c.Due))
	fmt.Fprintf(w, "attendance\t%d present, %d absent\n", c.Present, c.Absent)
	fmt.Fprintf(w, "attendance rate\t%s\n", percent(c.Present, c.Present+c.Absent))
	fmt.Fprintf(w, "flags\t%d (missed duties; query org flags lists them)\n", c.Flags)
}

func printFlags(w io.Writer, p *activityv1.FlagPage) {
	fmt.Fprintln(w, "PERIOD\tORG\tDUTY\tDONE\tREQUIRED")
	for _, f := range p.Flags {
		fmt.Fprintf(w, "%s\t%d\t%s\t%d\t%d\n", periodName(f.Period, f.PeriodId), f.OrgId, activity.KindName(f.Kind), f.Done, f.Required)
	}
	more := ""
	if p.HasMore {
		more = fmt.Sprintf("; more with --after %s", p.Next)
	}
	fmt.Fprintf(w, "(page %d, %d shown%s)\n", p.Page, len(p.Flags), more)
}

// printRanking lists a ranking page. Places (#) are counted from the page
// number; after a cursor they are unknown and shown as "-" (the list is
// still in order). Equal points take consecutive places, lower member id
// first.
func printRanking(w io.Writer, branch uint64, p *activityv1.RankingPage, fromCursor bool) {
	year := "this year"
	if len(p.Members) > 0 {
		year = fmt.Sprintf("year %d", p.Members[0].Year)
	}
	fmt.Fprintf(w, "branch %d\t%s, most points first\n", branch, year)
	fmt.Fprintln(w, "#\tMEMBER\tPOINTS")
	start := uint64(p.Page-min(p.Page, 1))*uint64(p.Limit) + 1
	for i, m := range p.Members {
		place := "-"
		if !fromCursor {
			place = fmt.Sprint(start + uint64(i))
		}
		fmt.Fprintf(w, "%s\t%d\t%d\n", place, m.MemberId, m.Points)
	}
	more := ""
	if p.HasMore {
		more = fmt.Sprintf("; more with --after %s", p.Next)
	}
	fmt.Fprintf(w, "(page %d, %d shown%s)\n", p.Page, len(p.Members), more)
}
