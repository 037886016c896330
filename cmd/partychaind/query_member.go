package main

import (
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/clierr"
	"github.com/partychain/partychain/cmd/internal/story"
	"github.com/partychain/partychain/contracts/member"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// Queries of the member, identity and meeting ledgers. Text output shows
// dates as YYYY-MM-DD and enums by short name; -o json prints the node's
// answer as it is, with the height it was read at.

// idQuery is a query command on one id: ARG is its argument.
func idQuery(use, short, what string, run func(cmd *cobra.Command, id uint64) error) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseMemberID(what, args[0])
			if err != nil {
				return clierr.AsUsage(err)
			}
			return run(cmd, id)
		},
	}
}

// pageFlags adds --page and --limit (and --after if cursor).
func pageFlags(c *cobra.Command, cursor bool) {
	c.Flags().Uint32("page", 0, "page, from 1")
	c.Flags().Uint32("limit", 0, "entries per page (default 50, at most 200)")
	if cursor {
		c.Flags().String("after", "", "cursor of the next page (the 'next' of the previous answer)")
	}
}

// pagePath appends the paging flags (and extra) to path as a query string.
func pagePath(cmd *cobra.Command, path string, extra url.Values) string {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	for _, f := range []string{"page", "limit"} {
		if v, _ := cmd.Flags().GetUint32(f); v > 0 {
			q.Set(f, fmt.Sprint(v))
		}
	}
	if after, _ := cmd.Flags().GetString("after"); after != "" {
		q.Set("after", after)
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return path
}

func newQueryMemberCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "member", Short: "Member records, their history and party standing"}
	show := idQuery("show MEMBER_ID", "Show a member's record", "member id", func(cmd *cobra.Command, id uint64) error {
		var m memberv1.Member
		return runQuery(cmd, fmt.Sprintf("/member/%d", id), &m, func(w io.Writer) { printMember(w, &m) })
	})
	history := idQuery("history MEMBER_ID", "Tell a member's history, oldest act first: date, what happened, who, document", "member id",
		func(cmd *cobra.Command, id uint64) error {
			var p memberv1.HistoryPage
			path := pagePath(cmd, fmt.Sprintf("/member/%d/history", id), nil)
			if isJSON(cmd) {
				return runQuery(cmd, path, &p, nil)
			}
			names, zone := storyNames(cmd), storyZone(cmd)
			return runQuery(cmd, path, &p, func(w io.Writer) { story.Write(w, id, &p, names, zone) })
		})
	history.Long = `Tell a member's history as a story, oldest act first: one line per act with its
date (YYYY-MM-DD in the consortium calendar's zone, org params calendar_utc_offset_minutes,
+08:00 by default), what happened in words, who did it (the key name if this home's keyring
holds the signer's key, else the first 8 hex digits of its address; "the chain" for the
chain's own steps) and the document hash if the act recorded one. -o json prints the
entries as the node keeps them (heights, tx hashes, whole addresses in hex).`
	pageFlags(history, true)
	standing := idQuery("standing MEMBER_ID", "Show a member's political birthday and party standing as of the last block", "member id",
		func(cmd *cobra.Command, id uint64) error {
			var s memberv1.Standing
			return runQuery(cmd, fmt.Sprintf("/member/%d/standing", id), &s, func(w io.Writer) {
				fmt.Fprintf(w, "member %d\tas of %s\n", s.MemberId, formatDate(s.AsOf))
				fmt.Fprintf(w, "political birthday (admission)\t%s\n", formatDate(s.AdmissionDate))
				fmt.Fprintf(w, "full member since\t%s\n", formatDate(s.FullDate))
				fmt.Fprintf(w, "party standing\t%d years\n", s.StandingYears)
				fmt.Fprintf(w, "years since admission\t%d\n", s.MembershipYears)
			})
		})
	params := &cobra.Command{
		Use:   "params",
		Short: "Show the member ledger's policy parameters",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var p memberv1.Params
			return runQuery(cmd, "/member/params", &p, func(w io.Writer) {
				for _, kv := range []struct {
					k string
					v uint32
				}{
					{"min_age_years", p.MinAgeYears}, {"talk_due_days", p.TalkDueDays},
					{"activist_min_days", p.ActivistMinDays}, {"approval_deadline_days", p.ApprovalDeadlineDays},
					{"probation_days", p.ProbationDays}, {"max_extension_days", p.MaxExtensionDays},
					{"transfer_expiry_days", p.TransferExpiryDays}, {"max_backdate_days", p.MaxBackdateDays},
					{"max_due_per_block", p.MaxDuePerBlock},
				} {
					fmt.Fprintf(w, "%s\t%d\n", kv.k, kv.v)
				}
			})
		},
	}
	cmd.AddCommand(show, history, standing, params)
	return cmd
}

func ids(list []uint64) string {
	if len(list) == 0 {
		return "-"
	}
	s := make([]string, len(list))
	for i, id := range list {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, ", ")
}

func hexOrDash(b []byte) string {
	if len(b) == 0 {
		return "-"
	}
	return hex.EncodeToString(b)
}

func idOrDash(id uint64) string {
	if id == 0 {
		return "-"
	}
	return fmt.Sprint(id)
}

func printMember(w io.Writer, m *memberv1.Member) {
	fmt.Fprintf(w, "member %d\t\n", m.Id)
	fmt.Fprintf(w, "branch\t%d\n", m.BranchId)
	fmt.Fprintf(w, "stage\t%s\n", stageName(m.Stage))
	status := statusName(m.Status)
	if m.Status == memberv1.Status_STATUS_EXITED {
		status += fmt.Sprintf(" (%s, %s)", exitKindName(m.ExitKind), formatDate(m.ExitDate))
	}
	fmt.Fprintf(w, "status\t%s\n", status)
	if m.Imported {
		fmt.Fprintf(w, "imported\tfrom legacy records (tx member import)\n")
	}
	fmt.Fprintf(w, "application date\t%s\n", formatDate(m.ApplicationDate))
	talk := fmt.Sprintf("due %s, held %s", formatDate(m.TalkDueDate), formatDate(m.TalkDate))
	if m.TalkOverdue {
		talk += " (overdue)"
	}
	fmt.Fprintf(w, "talk\t%s\n", talk)
	fmt.Fprintf(w, "activist since\t%s\n", formatDate(m.ActivistDate))
	fmt.Fprintf(w, "contacts\t%s\n", ids(m.ContactIds))
	fmt.Fprintf(w, "development target since\t%s\n", formatDate(m.TargetDate))
	fmt.Fprintf(w, "introducers\t%s\n", ids(m.IntroducerIds))
	fmt.Fprintf(w, "political review\t%s\n", hexOrDash(m.PoliticalReviewDoc))
	fmt.Fprintf(w, "training meeting\t%s\n", idOrDash(m.TrainingMeetingId))
	if p := m.Pending; p != nil {
		s := fmt.Sprintf("meeting %d (%s), resolution %d", p.MeetingId, formatDate(p.MeetingDate), p.ResolutionIndex)
		if p.Outcome != memberv1.ProbationOutcome_PROBATION_OUTCOME_UNSPECIFIED {
			s += ", outcome " + outcomeName(p.Outcome)
			if p.ExtensionDays != 0 {
				s += fmt.Sprintf(" by %d days", p.ExtensionDays)
			}
		}
		fmt.Fprintf(w, "awaiting approval\t%s\n", s)
	} else {
		fmt.Fprintf(w, "awaiting approval\t-\n")
	}
	fmt.Fprintf(w, "admission date (political birthday)\t%s\n", formatDate(m.AdmissionDate))
	fmt.Fprintf(w, "admission approved\t%s\n", formatDate(m.AdmissionApprovalDate))
	fmt.Fprintf(w, "oath\t%s\n", formatDate(m.OathDate))
	probation := formatDate(m.ProbationEndDate)
	if m.ProbationExtended {
		probation += " (extended)"
	}
	fmt.Fprintf(w, "probation ends\t%s\n", probation)
	fmt.Fprintf(w, "full member since\t%s\n", formatDate(m.FullDate))
	fmt.Fprintf(w, "full membership approved\t%s\n", formatDate(m.FullApprovalDate))
	if t := m.Transfer; t != nil {
		fmt.Fprintf(w, "transfer\tfrom branch %d to branch %d, issued %s, expires %s\n",
			t.FromBranchId, t.ToBranchId, formatDate(t.IssuedDate), formatDate(t.ExpiresDate))
	} else {
		fmt.Fprintf(w, "transfer\t-\n")
	}
	fmt.Fprintf(w, "flowing at branch\t%s\n", idOrDash(m.FlowingBranchId))
	fmt.Fprintf(w, "party probation until\t%s\n", formatDate(m.PartyProbationUntil))
	fmt.Fprintf(w, "history entries\t%d\n", m.HistoryCount)
	fmt.Fprintf(w, "created, updated\theight %d, height %d\n", m.CreatedHeight, m.UpdatedHeight)
}

// newQueryOrgMembersCmd is query org members: a branch's roster by stage.
func newQueryOrgMembersCmd() *cobra.Command {
	c := idQuery("members ORG_ID [--stage STAGE]", "List the members an organization counts (not in transfer, not exited), by stage then id",
		"organization id", func(cmd *cobra.Command, id uint64) error {
			extra := url.Values{}
			if s, _ := cmd.Flags().GetString("stage"); s != "" {
				if _, err := member.ParseStage(s); err != nil {
					return fmt.Errorf("--stage: %w", err)
				}
				extra.Set("stage", s)
			}
			var p memberv1.MemberPage
			return runQuery(cmd, pagePath(cmd, fmt.Sprintf("/org/%d/members", id), extra), &p, func(w io.Writer) {
				printMemberPage(w, &p)
			})
		})
	c.Flags().String("stage", "", "only this stage: applicant, activist, development-target, probationary or full")
	pageFlags(c, true)
	return c
}

func printMemberPage(w io.Writer, p *memberv1.MemberPage) {
	fmt.Fprintln(w, "ID\tSTAGE\tBRANCH\tAPPLIED\tADMITTED\tFULL\tNOTES")
	for _, m := range p.Members {
		var notes []string
		if m.TalkOverdue {
			notes = append(notes, "talk overdue")
		}
		if m.Pending != nil {
			notes = append(notes, "awaiting approval")
		}
		if m.FlowingBranchId != 0 {
			notes = append(notes, fmt.Sprintf("flowing at %d", m.FlowingBranchId))
		}
		if m.PartyProbationUntil != 0 {
			notes = append(notes, "party probation until "+formatDate(m.PartyProbationUntil))
		}
		fmt.Fprintf(w, "%d\t%s\t%d\t%s\t%s\t%s\t%s\n", m.Id, stageName(m.Stage), m.BranchId,
			formatDate(m.ApplicationDate), formatDate(m.AdmissionDate), formatDate(m.FullDate), strings.Join(notes, "; "))
	}
	more := ""
	if p.HasMore {
		more = fmt.Sprintf("; more with --after %s", p.Next)
	}
	fmt.Fprintf(w, "(page %d, %d shown%s)\n", p.Page, len(p.Members), more)
}

// newQueryOrgStatsCmd is query org stats: counts by stage of a subtree.
func newQueryOrgStatsCmd() *cobra.Command {
	return idQuery("stats ORG_ID", "Count the members of an organization's whole subtree by stage", "organization id",
		func(cmd *cobra.Command, id uint64) error {
			var s memberv1.OrgStats
			return runQuery(cmd, fmt.Sprintf("/org/%d/stats", id), &s, func(w io.Writer) {
				fmt.Fprintf(w, "organization %d\t(its whole subtree; members in transfer or exited are not counted)\n", s.OrgId)
				fmt.Fprintf(w, "applicants\t%d\n", s.Applicants)
				fmt.Fprintf(w, "activists\t%d\n", s.Activists)
				fmt.Fprintf(w, "development targets\t%d\n", s.DevelopmentTargets)
				fmt.Fprintf(w, "probationary members\t%d\n", s.Probationary)
				fmt.Fprintf(w, "full members\t%d\n", s.Full)
				fmt.Fprintf(w, "  under party probation\t%d\n", s.Suspended)
				fmt.Fprintf(w, "total\t%d\n", s.Applicants+s.Activists+s.DevelopmentTargets+s.Probationary+s.Full)
			})
		})
}

// newQueryMeetingCmd is the older name of query activity's meeting and
// params commands; both print the same as query activity.
func newQueryMeetingCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "meeting", Short: "Meeting records (also: query activity)"}
	show := idQuery("show MEETING_ID", "Show a meeting with its resolutions, attendance and correction", "meeting id",
		func(cmd *cobra.Command, id uint64) error {
			var info activityv1.MeetingInfo
			return runQuery(cmd, fmt.Sprintf("/meeting/%d", id), &info, func(w io.Writer) { printActivityMeeting(w, &info) })
		})
	params := &cobra.Command{
		Use:   "params",
		Short: "Show the activity ledger's policy parameters",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var p activityv1.Params
			return runQuery(cmd, "/meeting/params", &p, func(w io.Writer) { printActivityParams(w, &p) })
		},
	}
	cmd.AddCommand(show, params)
	return cmd
}

func newQueryIdentityCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "identity", Short: "Member identities: commitments, birth years and own keys (never personal data)"}
	show := idQuery("show MEMBER_ID", "Show a member's identity record", "member id", func(cmd *cobra.Command, id uint64) error {
		var r identityv1.Identity
		return runQuery(cmd, fmt.Sprintf("/identity/%d", id), &r, func(w io.Writer) {
			fmt.Fprintf(w, "member %d\t\n", r.MemberId)
			fmt.Fprintf(w, "commitment\t%s\n", hexOrDash(r.Commitment))
			fmt.Fprintf(w, "birth year\t%d\n", r.BirthYear)
			key := "none"
			if len(r.PubKey) > 0 {
				key = hex.EncodeToString(r.PubKey)
			}
			fmt.Fprintf(w, "own key\t%s\n", key)
			fmt.Fprintf(w, "key rotations\t%d\n", r.KeyRotations)
			fmt.Fprintf(w, "registered at\theight %d\n", r.RegisteredHeight)
		})
	})
	commitment := &cobra.Command{
		Use:   "commitment HEX",
		Short: "Find the member who registered a commitment (64 hex digits)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := parseHash("commitment", args[0])
			if err != nil {
				return err
			}
			var o identityv1.CommitmentOwner
			return runQuery(cmd, "/identity/commitment/"+hex.EncodeToString(c), &o, func(w io.Writer) {
				fmt.Fprintf(w, "commitment %x\tbelongs to member %d\n", o.Commitment, o.MemberId)
			})
		},
	}
	key := &cobra.Command{
		Use:   "key ADDRESS|KEY_NAME",
		Short: "Find the member whose own key has an address",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			addr, err := resolveAddress(cmd, args[0])
			if err != nil {
				return err
			}
			var o identityv1.CommitmentOwner
			return runQuery(cmd, fmt.Sprintf("/identity/key/%X", addr), &o, func(w io.Writer) {
				fmt.Fprintf(w, "key %X\tbelongs to member %d (commitment %x)\n", addr, o.MemberId, o.Commitment)
			})
		},
	}
	cmd.AddCommand(show, commitment, key)
	return cmd
}
