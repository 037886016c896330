package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/card"
	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/identity"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// Parsers shared by the member, meeting and roster commands. Dates on the
// command line are YYYY-MM-DD; the chain holds them as uint32 YYYYMMDD.

// parseDate reads a YYYY-MM-DD calendar date as YYYYMMDD.
func parseDate(what, s string) (uint32, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%s %q is not a date: want YYYY-MM-DD, such as 2024-07-01", what, s)
	}
	d := uint32(t.Year()*10000 + int(t.Month())*100 + t.Day())
	if _, err := contracts.ParseDate(d); err != nil {
		return 0, fmt.Errorf("%s %q is out of range: want a date from %s to %s", what, s,
			formatDate(contracts.MinDate), formatDate(contracts.MaxDate))
	}
	return d, nil
}

// formatDate shows YYYYMMDD as YYYY-MM-DD, and 0 (no date) as "-".
func formatDate(d uint32) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%04d-%02d-%02d", d/10000, d/100%100, d%100)
}

// parseHash reads a 32-byte hash given as 64 hex digits.
func parseHash(what, s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("%s %q: want 64 hex digits, the SHA-256 of the document (never the document itself)", what, s)
	}
	return b, nil
}

// parseOptionalHash is parseHash that reads "" as no hash.
func parseOptionalHash(what, s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	return parseHash(what, s)
}

// parseMemberID reads a member (or meeting) id: a whole number from 1.
func parseMemberID(what, s string) (uint64, error) {
	id, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil || id == 0 {
		return 0, fmt.Errorf("%s %q must be a whole number from 1", what, s)
	}
	return id, nil
}

// parseIDList reads "1,2,3": distinct ids from 1.
func parseIDList(what, s string) ([]uint64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("%s is empty: want ids such as 12,15", what)
	}
	var ids []uint64
	seen := map[uint64]bool{}
	for _, part := range strings.Split(s, ",") {
		id, err := parseMemberID(what+": id", part)
		if err != nil {
			return nil, err
		}
		if seen[id] {
			return nil, fmt.Errorf("%s names %d twice", what, id)
		}
		seen[id] = true
		ids = append(ids, id)
	}
	return ids, nil
}

// enumName is the short CLI name of a proto enum value:
// STAGE_DEVELOPMENT_TARGET → development-target.
func enumName(s, prefix string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(s, prefix)), "_", "-")
}

// parseEnum reads the short name of one of the allowed values of an enum.
func parseEnum[E ~int32](what, s string, allowed []E, name func(E) string) (E, error) {
	names := make([]string, len(allowed))
	for i, v := range allowed {
		if name(v) == s {
			return v, nil
		}
		names[i] = name(v)
	}
	return 0, fmt.Errorf("%s %q: want %s", what, s, strings.Join(names, ", "))
}

func stageName(s memberv1.Stage) string       { return enumName(s.String(), "STAGE_") }
func statusName(s memberv1.Status) string     { return enumName(s.String(), "STATUS_") }
func exitKindName(k memberv1.ExitKind) string { return enumName(k.String(), "EXIT_KIND_") }
func disciplineName(k memberv1.DisciplineKind) string {
	return enumName(k.String(), "DISCIPLINE_KIND_")
}
func outcomeName(o memberv1.ProbationOutcome) string {
	return enumName(o.String(), "PROBATION_OUTCOME_")
}

var (
	disciplineKinds = []memberv1.DisciplineKind{
		memberv1.DisciplineKind_DISCIPLINE_KIND_WARNING, memberv1.DisciplineKind_DISCIPLINE_KIND_SERIOUS_WARNING,
		memberv1.DisciplineKind_DISCIPLINE_KIND_REMOVAL_FROM_POSTS, memberv1.DisciplineKind_DISCIPLINE_KIND_PARTY_PROBATION,
		memberv1.DisciplineKind_DISCIPLINE_KIND_EXPULSION,
	}
	// exitKinds are the exits tx member exit records; expulsion is a
	// discipline and a cancelled probation a full-membership decision.
	exitKinds = []memberv1.ExitKind{
		memberv1.ExitKind_EXIT_KIND_REMOVAL, memberv1.ExitKind_EXIT_KIND_LAPSE, memberv1.ExitKind_EXIT_KIND_WITHDRAWAL,
		memberv1.ExitKind_EXIT_KIND_DECEASED, memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED,
	}
	outcomes = []memberv1.ProbationOutcome{
		memberv1.ProbationOutcome_PROBATION_OUTCOME_ON_TIME, memberv1.ProbationOutcome_PROBATION_OUTCOME_EXTEND,
		memberv1.ProbationOutcome_PROBATION_OUTCOME_CANCEL,
	}
)

// parseExitKind reads an exit kind, pointing expulsion and cancelled
// probations to the commands that record them.
func parseExitKind(s string) (memberv1.ExitKind, error) {
	switch s {
	case "expulsion":
		return 0, errors.New("--kind expulsion: expulsion is a discipline: use tx member discipline ID --kind expulsion")
	case "probation-cancelled", "cancel":
		return 0, errors.New("--kind " + s + ": cancelling a probation is a full-membership decision: use tx member propose-full ID --outcome cancel")
	}
	return parseEnum("--kind", s, exitKinds, exitKindName)
}

// Flag readers: each names the flag in its error.

func flagDate(cmd *cobra.Command, name string) (uint32, error) {
	s, _ := cmd.Flags().GetString(name)
	return parseDate("--"+name, s)
}

func flagHash(cmd *cobra.Command, name string, optional bool) ([]byte, error) {
	s, _ := cmd.Flags().GetString(name)
	if optional {
		return parseOptionalHash("--"+name, s)
	}
	return parseHash("--"+name, s)
}

func flagIDs(cmd *cobra.Command, name string) ([]uint64, error) {
	s, _ := cmd.Flags().GetString(name)
	return parseIDList("--"+name, s)
}

func flagID(cmd *cobra.Command, name string) (uint64, error) {
	s, _ := cmd.Flags().GetString(name)
	return parseMemberID("--"+name, s)
}

func flagUint32(cmd *cobra.Command, name string) uint32 {
	v, _ := cmd.Flags().GetUint32(name)
	return v
}

// memberTx is a tx command on one member: MEMBER_ID is its argument, flags
// adds its flags (required ones listed in required) and build makes the
// message.
func memberTx(use, short string, flags func(c *cobra.Command), required []string,
	build func(cmd *cobra.Command, id uint64) (any, error)) *cobra.Command {
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseMemberID("member id", args[0])
			if err != nil {
				return err
			}
			msg, err := build(cmd, id)
			if err != nil {
				return err
			}
			if err := setWhy(cmd, msg); err != nil {
				return err
			}
			return txSender(cmd, msg)
		},
	}
	if flags != nil {
		flags(c)
	}
	// Every member message records why: a reason code and a document hash.
	if c.Flags().Lookup("reason") == nil {
		reasonFlag(c)
	}
	if c.Flags().Lookup("doc-hash") == nil {
		docFlag(c, false)
	}
	for _, f := range required {
		_ = c.MarkFlagRequired(f)
	}
	return c
}

// txSender sends the message of a member command; tests replace it to see
// the message without a node.
var txSender = sendTx

// setWhy fills a message's reason_code from --reason, and its doc_hash from
// --doc-hash unless the command's builder has set it already.
func setWhy(cmd *cobra.Command, msg any) error {
	v := reflect.ValueOf(msg).Elem()
	if f := v.FieldByName("ReasonCode"); f.IsValid() && f.Kind() == reflect.Uint32 && cmd.Flags().Lookup("reason") != nil {
		f.SetUint(uint64(flagUint32(cmd, "reason")))
	}
	if f := v.FieldByName("DocHash"); f.IsValid() && f.Kind() == reflect.Slice && f.Len() == 0 && cmd.Flags().Lookup("doc-hash") != nil {
		doc, err := flagHash(cmd, "doc-hash", true)
		if err != nil {
			return err
		}
		f.SetBytes(doc)
	}
	return nil
}

func dateFlag(c *cobra.Command, what string) { c.Flags().String("date", "", what+" (YYYY-MM-DD)") }
func docFlag(c *cobra.Command, required bool) {
	what := "hash of the document (64 hex digits)"
	if !required {
		what += ", optional"
	}
	c.Flags().String("doc-hash", "", what)
}
func reasonFlag(c *cobra.Command) {
	c.Flags().Uint32("reason", 0, "reason code from the consortium's reason table (0: none)")
}

func newTxMemberCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "member",
		Short: "Member records: registration, the admission lifecycle, transfers, discipline, exits",
		Long: `Member records. Each command signs one tx with --from. The branch's officers
(secretary, deputy secretary, organization officer) sign most acts; the superior
committee's officers approve admissions and full memberships; a discipline officer of a
committee above the member records discipline; the superior committee's officers import
existing members from legacy records. Dates are YYYY-MM-DD and may not be in the future nor
too far back (member params max_backdate_days; imports have no such bound). Hashes are 64
hex digits: the SHA-256 of a document kept off chain.

Every command that signs records why: --reason N (a code from the consortium's reason
table; 0, the default, means none) and --doc-hash H (the hash of the document behind the
act: optional, except where a command says it is required).`,
	}

	talk := memberTx("record-talk MEMBER_ID --date D [--doc-hash H]", "Record the talk with an applicant",
		func(c *cobra.Command) { dateFlag(c, "date of the talk"); docFlag(c, false) }, []string{"date"},
		func(cmd *cobra.Command, id uint64) (any, error) {
			d, err := flagDate(cmd, "date")
			if err != nil {
				return nil, err
			}
			doc, err := flagHash(cmd, "doc-hash", true)
			return &memberv1.MsgRecordTalk{MemberId: id, Date: d, DocHash: doc}, err
		})

	activist := memberTx("appoint-activist MEMBER_ID --date D --contacts ID[,ID]", "Make an applicant an activist, with one or two full members as contacts",
		func(c *cobra.Command) {
			dateFlag(c, "date of the branch committee's decision")
			c.Flags().String("contacts", "", "member ids of one or two full members, comma separated")
		}, []string{"date", "contacts"},
		func(cmd *cobra.Command, id uint64) (any, error) {
			d, err := flagDate(cmd, "date")
			if err != nil {
				return nil, err
			}
			ids, err := flagIDs(cmd, "contacts")
			if err == nil && len(ids) > 2 {
				err = fmt.Errorf("--contacts names %d members: want one or two", len(ids))
			}
			return &memberv1.MsgAppointActivist{MemberId: id, Date: d, ContactIds: ids}, err
		})

	advance := memberTx("advance MEMBER_ID --date D --introducers A,B --review-doc H --training MEETING_ID",
		"Make an activist a development target",
		func(c *cobra.Command) {
			dateFlag(c, "date of the decision")
			c.Flags().String("introducers", "", "member ids of the two full-member introducers, comma separated")
			c.Flags().String("review-doc", "", "hash of the political review (64 hex digits)")
			c.Flags().String("training", "", "id of the centralized training meeting the member attended")
		}, []string{"date", "introducers", "review-doc", "training"},
		func(cmd *cobra.Command, id uint64) (any, error) {
			d, err := flagDate(cmd, "date")
			if err != nil {
				return nil, err
			}
			ids, err := flagIDs(cmd, "introducers")
			if err != nil {
				return nil, err
			}
			if len(ids) != 2 {
				return nil, fmt.Errorf("--introducers names %d members: want exactly two", len(ids))
			}
			doc, err := flagHash(cmd, "review-doc", false)
			if err != nil {
				return nil, err
			}
			training, err := flagID(cmd, "training")
			return &memberv1.MsgAdvanceToTarget{MemberId: id, Date: d, IntroducerIds: ids,
				PoliticalReviewDoc: doc, TrainingMeetingId: training}, err
		})

	meetingFlags := func(c *cobra.Command) {
		c.Flags().String("meeting", "", "id of the branch general meeting that voted")
		c.Flags().Uint32("resolution", 0, "index of the resolution in that meeting's record, from 0")
	}
	propose := memberTx("propose-admission MEMBER_ID --meeting M --resolution I",
		"Submit the branch general meeting's admission vote", meetingFlags, []string{"meeting", "resolution"},
		func(cmd *cobra.Command, id uint64) (any, error) {
			m, err := flagID(cmd, "meeting")
			return &memberv1.MsgProposeAdmission{MemberId: id, MeetingId: m, ResolutionIndex: flagUint32(cmd, "resolution")}, err
		})

	dated := func(use, short, what string, build func(id uint64, d uint32) any) *cobra.Command {
		return memberTx(use+" MEMBER_ID --date D", short, func(c *cobra.Command) { dateFlag(c, what) }, []string{"date"},
			func(cmd *cobra.Command, id uint64) (any, error) {
				d, err := flagDate(cmd, "date")
				return build(id, d), err
			})
	}
	approve := dated("approve-admission", "Approve an admission (superior committee); the meeting's date becomes the admission date",
		"date of the approval", func(id uint64, d uint32) any { return &memberv1.MsgApproveAdmission{MemberId: id, Date: d} })
	oath := dated("record-oath", "Record the oath of a probationary member", "date of the oath",
		func(id uint64, d uint32) any { return &memberv1.MsgRecordOath{MemberId: id, Date: d} })

	proposeFull := memberTx("propose-full MEMBER_ID --meeting M --resolution I --outcome on-time|extend|cancel [--extension-days N]",
		"Submit the branch general meeting's decision on a probation (a resolution of the outcome's kind)",
		func(c *cobra.Command) {
			meetingFlags(c)
			c.Flags().String("outcome", "", "on-time, extend or cancel")
			c.Flags().Uint32("extension-days", 0, "days the probation is extended by (extend only)")
		}, []string{"meeting", "resolution", "outcome"},
		func(cmd *cobra.Command, id uint64) (any, error) {
			m, err := flagID(cmd, "meeting")
			if err != nil {
				return nil, err
			}
			s, _ := cmd.Flags().GetString("outcome")
			o, err := parseEnum("--outcome", s, outcomes, outcomeName)
			if err != nil {
				return nil, err
			}
			days := flagUint32(cmd, "extension-days")
			extend := o == memberv1.ProbationOutcome_PROBATION_OUTCOME_EXTEND
			if extend && days == 0 {
				return nil, errors.New("--outcome extend needs --extension-days")
			}
			if !extend && days != 0 {
				return nil, fmt.Errorf("--extension-days is for --outcome extend only, not %s", s)
			}
			return &memberv1.MsgProposeFullMembership{MemberId: id, MeetingId: m, ResolutionIndex: flagUint32(cmd, "resolution"),
				Outcome: o, ExtensionDays: days}, nil
		})
	proposeFull.Long = `Submit the branch general meeting's decision on a probation. --resolution names a
passed resolution of the meeting about this member, of the kind the outcome needs:
on-time needs a full-membership resolution (and the oath on record), extend an
extend-probation resolution (with --extension-days), cancel a cancel-probation resolution.
The superior committee then approves it with approve-full.`
	activist.Long = `Make an applicant an activist, with one or two full members as contacts. The talk
with the applicant must be recorded first (record-talk), and --date may not be before it.`
	approveFull := dated("approve-full", "Approve the pending probation decision (superior committee)", "date of the approval",
		func(id uint64, d uint32) any { return &memberv1.MsgApproveFullMembership{MemberId: id, Date: d} })

	transfer := memberTx("transfer-out MEMBER_ID --to BRANCH [--reason N] [--doc-hash H]",
		"Issue a transfer of the member's organization relationship to another branch",
		func(c *cobra.Command) {
			c.Flags().String("to", "", "id of the target branch")
			reasonFlag(c)
			docFlag(c, false)
		}, []string{"to"},
		func(cmd *cobra.Command, id uint64) (any, error) {
			to, err := flagID(cmd, "to")
			if err != nil {
				return nil, err
			}
			doc, err := flagHash(cmd, "doc-hash", true)
			return &memberv1.MsgTransferOut{MemberId: id, ToBranchId: to, ReasonCode: flagUint32(cmd, "reason"), DocHash: doc}, err
		})
	accept := memberTx("accept-transfer MEMBER_ID", "Accept a transfer (officers of the target branch)", nil, nil,
		func(_ *cobra.Command, id uint64) (any, error) { return &memberv1.MsgAcceptTransfer{MemberId: id}, nil })
	reject := memberTx("reject-transfer MEMBER_ID [--reason N]", "Reject a transfer (officers of the target branch); the member stays",
		reasonFlag, nil,
		func(cmd *cobra.Command, id uint64) (any, error) {
			return &memberv1.MsgRejectTransfer{MemberId: id, ReasonCode: flagUint32(cmd, "reason")}, nil
		})
	flowing := memberTx("register-flowing MEMBER_ID --host BRANCH", "Register a flowing member for activities at a host branch (its officers)",
		func(c *cobra.Command) { c.Flags().String("host", "", "id of the host branch") }, []string{"host"},
		func(cmd *cobra.Command, id uint64) (any, error) {
			host, err := flagID(cmd, "host")
			return &memberv1.MsgRegisterFlowing{MemberId: id, HostBranchId: host}, err
		})
	endFlowing := memberTx("end-flowing MEMBER_ID", "End a flowing registration", nil, nil,
		func(_ *cobra.Command, id uint64) (any, error) { return &memberv1.MsgEndFlowing{MemberId: id}, nil })

	kindNames := func(n int, name func(int) string) string {
		s := make([]string, n)
		for i := range s {
			s[i] = name(i)
		}
		return strings.Join(s, ", ")
	}
	discipline := memberTx("discipline MEMBER_ID --kind KIND [--years 1|2] --date D --doc-hash H [--reason N]",
		"Record a discipline (a discipline officer of a committee above the member)",
		func(c *cobra.Command) {
			c.Flags().String("kind", "", kindNames(len(disciplineKinds), func(i int) string { return disciplineName(disciplineKinds[i]) }))
			c.Flags().Uint32("years", 0, "years of party probation: 1 or 2 (party-probation only)")
			dateFlag(c, "date of the decision")
			docFlag(c, true)
			reasonFlag(c)
		}, []string{"kind", "date", "doc-hash"},
		func(cmd *cobra.Command, id uint64) (any, error) {
			s, _ := cmd.Flags().GetString("kind")
			k, err := parseEnum("--kind", s, disciplineKinds, disciplineName)
			if err != nil {
				return nil, err
			}
			years := flagUint32(cmd, "years")
			probation := k == memberv1.DisciplineKind_DISCIPLINE_KIND_PARTY_PROBATION
			if probation && years != 1 && years != 2 {
				return nil, errors.New("--kind party-probation needs --years 1 or 2")
			}
			if !probation && years != 0 {
				return nil, fmt.Errorf("--years is for --kind party-probation only, not %s", s)
			}
			d, err := flagDate(cmd, "date")
			if err != nil {
				return nil, err
			}
			doc, err := flagHash(cmd, "doc-hash", false)
			return &memberv1.MsgDiscipline{MemberId: id, Kind: k, Years: years, Date: d,
				ReasonCode: flagUint32(cmd, "reason"), DocHash: doc}, err
		})
	exit := memberTx("exit MEMBER_ID --kind KIND --date D [--doc-hash H] [--reason N]",
		"Record an exit: removal, lapse, withdrawal, death, or the end of an application",
		func(c *cobra.Command) {
			c.Flags().String("kind", "", kindNames(len(exitKinds), func(i int) string { return exitKindName(exitKinds[i]) }))
			dateFlag(c, "date of the exit")
			c.Flags().String("doc-hash", "", "hash of the document (64 hex digits); required except for application-ended")
			reasonFlag(c)
		}, []string{"kind", "date"},
		func(cmd *cobra.Command, id uint64) (any, error) {
			s, _ := cmd.Flags().GetString("kind")
			k, err := parseExitKind(s)
			if err != nil {
				return nil, err
			}
			d, err := flagDate(cmd, "date")
			if err != nil {
				return nil, err
			}
			optional := k == memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED
			doc, err := flagHash(cmd, "doc-hash", optional)
			if err != nil && !optional {
				if s, _ := cmd.Flags().GetString("doc-hash"); s == "" {
					err = fmt.Errorf("--kind %s needs --doc-hash (64 hex digits)", exitKindName(k))
				}
			}
			return &memberv1.MsgRecordExit{MemberId: id, Kind: k, Date: d, ReasonCode: flagUint32(cmd, "reason"), DocHash: doc}, err
		})

	cmd.AddCommand(newMemberRegisterCmd(), newMemberImportCmd(), newImportRosterCmd(), newCompleteCardsCmd(),
		talk, activist, advance, propose, approve, oath, proposeFull, approveFull,
		transfer, accept, reject, flowing, endFlowing, discipline, exit, newRotateKeyCmd())
	return cmd
}

// newTxIdentityCmd is tx identity: the member's own key.
func newTxIdentityCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "identity", Short: "Member identities: the member's own key"}
	cmd.AddCommand(newRotateKeyCmd())
	return cmd
}

func newRotateKeyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "rotate-key MEMBER_ID PUBKEY|KEY_NAME",
		Short: "Set or replace a member's own key (the member; for a member without roles also the organization officer of their branch)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseMemberID("member id", args[0])
			if err != nil {
				return err
			}
			pub, err := resolvePubKey(cmd, args[1])
			if err != nil {
				return err
			}
			return sendTx(cmd, &identityv1.MsgRotateMemberKey{MemberId: id, NewPubKey: pub})
		},
	}
}

// ---- register and import ----

// cardFlags adds the flags of the personal fields and the card.
func cardFlags(cmd *cobra.Command, whose string) {
	f := cmd.Flags()
	f.StringArray("field", nil, "a personal field as name=value (repeat the flag)")
	f.String("fields-file", "", "file of personal fields: name=value lines or a JSON object")
	f.String("member-key", "", "the "+whose+"'s own public key (64 hex digits) or a key name, optional")
	f.String("card-out", "", "path of the new member card (must not exist)")
}

// cardInputs are the personal fields, the member's own key and the card's
// path, read and checked from the flags of cardFlags.
type cardInputs struct {
	fields    [][2]string
	memberKey []byte
	cardPath  string
}

func readCardInputs(cmd *cobra.Command) (*cardInputs, error) {
	f := cmd.Flags()
	in := &cardInputs{}
	fieldArgs, _ := f.GetStringArray("field")
	fieldsFile, _ := f.GetString("fields-file")
	var err error
	if in.fields, err = collectFields(fieldArgs, fieldsFile); err != nil {
		return nil, err
	}
	if s, _ := f.GetString("member-key"); s != "" {
		if in.memberKey, err = resolvePubKey(cmd, s); err != nil {
			return nil, fmt.Errorf("--member-key: %w", err)
		}
	}
	if in.cardPath, _ = f.GetString("card-out"); in.cardPath == "" {
		return nil, errors.New("--card-out is empty: give the path of the new member card (a file that does not exist yet)")
	}
	if _, err := os.Lstat(in.cardPath); err == nil {
		return nil, fmt.Errorf("--card-out %s already exists: a card is never overwritten; choose another file", in.cardPath)
	}
	return in, nil
}

const cardRulesHelp = `A birth_date field (YYYY-MM-DD) must fall in --birth-year. --fields-file holds one
name=value per line (blank lines and lines starting with # are skipped) or a JSON object of
strings. Names are 1 to 32 characters of a-z, 0-9 and _, starting with a letter; values are
trimmed of surrounding spaces and hold 1 to 1024 bytes of UTF-8.`

func newMemberRegisterCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "register --branch ID --application-date D --birth-year Y --field NAME=VALUE ... --card-out FILE",
		Short: "Register an applicant: write a member card, then commit to it on chain",
		Long: `Register a written application received by a branch. The personal fields (--field
name=value, repeated, and/or --fields-file) never go on chain: each gets a fresh 32-byte
random salt, and only the Merkle root of the salted fields (the commitment) is sent.

The member card (fields + salts, JSON, mode 0600) is written to --card-out FIRST, before
anything is sent; an existing file is never overwritten. Once the tx is in a block the card
is rewritten with the member id, tx hash and height. If the chain rejects the tx, nothing
reached the chain and the card is removed. If the outcome is unknown (the node could not be
reached, or the block did not come within --timeout) the card is kept: finish it later with
'tx member complete-cards FILE'. Give the card to the member: it is the only way to prove a
field (verify-field), and it cannot be made again.

` + cardRulesHelp,
		Args: cobra.NoArgs,
		RunE: runRegister,
	}
	f := cmd.Flags()
	f.Uint64("branch", 0, "id of the branch that received the application")
	f.String("application-date", "", "date of the written application (YYYY-MM-DD)")
	f.Uint32("birth-year", 0, "the applicant's birth year (kept in the clear for the age rule)")
	cardFlags(cmd, "applicant")
	reasonFlag(cmd)
	docFlag(cmd, false)
	for _, name := range []string{"branch", "application-date", "birth-year", "card-out"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

// registerResult is the output of tx member register and import with -o
// json: the tx result with the member id and the card's path.
type registerResult struct {
	*client.TxResult
	MemberID uint64 `json:"member_id"`
	Card     string `json:"card"`
	CardKept bool   `json:"card_kept"`
}

func runRegister(cmd *cobra.Command, _ []string) error {
	f := cmd.Flags()
	branch, _ := f.GetUint64("branch")
	if branch == 0 {
		return errors.New("--branch must be a branch id from 1")
	}
	appDate, err := flagDate(cmd, "application-date")
	if err != nil {
		return err
	}
	birthYear, _ := f.GetUint32("birth-year")
	if err := checkBirthYear(birthYear); err != nil {
		return fmt.Errorf("--birth-year: %w", err)
	}
	doc, err := flagHash(cmd, "doc-hash", true)
	if err != nil {
		return err
	}
	return sendWithCard(cmd, branch, birthYear, func(commitment, memberKey []byte) any {
		return &memberv1.MsgRegisterApplicant{BranchId: branch, ApplicationDate: appDate, BirthYear: birthYear,
			Commitment: commitment, MemberPubKey: memberKey, ReasonCode: flagUint32(cmd, "reason"), DocHash: doc}
	})
}

// importStages are the stages tx member import records.
var importStages = []memberv1.Stage{memberv1.Stage_STAGE_PROBATIONARY, memberv1.Stage_STAGE_FULL}

// parseImportStage reads full or probationary (any case).
func parseImportStage(what, s string) (memberv1.Stage, error) {
	return parseEnum(what, strings.ToLower(strings.TrimSpace(s)), importStages, stageName)
}

// checkImportDates checks what can be checked of an imported member's dates
// without the chain: a full date for full members only, after the
// admission, and a birth year before the admission. The chain checks the
// rest (min age, probation_days, nothing after today). fullName and
// admissionName name the dates in errors (flags or roster columns).
func checkImportDates(stage memberv1.Stage, admission, full, birthYear uint32, admissionName, fullName string) error {
	switch {
	case stage == memberv1.Stage_STAGE_FULL && full == 0:
		return fmt.Errorf("a full member needs %s, the day full membership began", fullName)
	case stage != memberv1.Stage_STAGE_FULL && full != 0:
		return fmt.Errorf("%s is for full members only, not %s", fullName, stageName(stage))
	case full != 0 && full <= admission:
		return fmt.Errorf("%s %s is not after %s %s", fullName, formatDate(full), admissionName, formatDate(admission))
	case birthYear > admission/10000:
		return fmt.Errorf("born %d, after %s %s", birthYear, admissionName, formatDate(admission))
	}
	return nil
}

func newMemberImportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use: "import --branch ID --stage full|probationary --admission-date D [--full-date D] --birth-year Y " +
			"--field NAME=VALUE ... --legacy-doc H --card-out FILE",
		Short: "Record an existing probationary or full member from legacy records (superior committee officers)",
		Long: `Record an existing party member from legacy (paper or database) records, as a
probationary or full member with the dates those records give. It is how a new chain gets
its first full members, who then introduce, act as contacts and vote. It must be signed by
an officer (secretary, deputy secretary, organization officer) of the branch's superior
committee, the nearest committee above it; a branch's own officers are refused
(member/3).

--admission-date is the political birthday; --full-date, for --stage full only, the day
full membership began, at least the member params' probation_days after the admission.
Dates may lie far in the past (there is no backdating bound) but not after the chain's
date. --legacy-doc is the SHA-256 of the legacy record (required; --doc-hash is accepted
as the same flag). The record is marked imported and emits member_registered with
imported=true.

The card is handled as by 'tx member register': written to --card-out before anything is
sent, rewritten with the member id once the tx is in a block, removed if the chain rejects
the tx, kept without a member id if there is no answer ('tx member complete-cards FILE').

` + cardRulesHelp,
		Args: cobra.NoArgs,
		RunE: runImport,
	}
	f := cmd.Flags()
	f.Uint64("branch", 0, "id of the member's branch")
	f.String("stage", "", "full or probationary")
	f.String("admission-date", "", "date of admission, the political birthday (YYYY-MM-DD)")
	f.String("full-date", "", "date full membership began (YYYY-MM-DD; --stage full only)")
	f.Uint32("birth-year", 0, "the member's birth year (kept in the clear for the age rule)")
	cardFlags(cmd, "member")
	f.String("legacy-doc", "", "hash of the legacy record (64 hex digits), required")
	f.String("doc-hash", "", "the same as --legacy-doc")
	reasonFlag(cmd)
	for _, name := range []string{"branch", "stage", "admission-date", "birth-year", "card-out"} {
		_ = cmd.MarkFlagRequired(name)
	}
	return cmd
}

// legacyDoc reads --legacy-doc, or --doc-hash in its place.
func legacyDoc(cmd *cobra.Command) ([]byte, error) {
	legacy, _ := cmd.Flags().GetString("legacy-doc")
	doc, _ := cmd.Flags().GetString("doc-hash")
	switch {
	case legacy == "" && doc == "":
		return nil, errors.New("--legacy-doc is required: the hash of the legacy record (64 hex digits)")
	case legacy != "" && doc != "" && !strings.EqualFold(strings.TrimSpace(legacy), strings.TrimSpace(doc)):
		return nil, errors.New("--legacy-doc and --doc-hash are the same flag: give one")
	case legacy == "":
		return parseHash("--doc-hash", doc)
	}
	return parseHash("--legacy-doc", legacy)
}

func runImport(cmd *cobra.Command, _ []string) error {
	f := cmd.Flags()
	branch, _ := f.GetUint64("branch")
	if branch == 0 {
		return errors.New("--branch must be a branch id from 1")
	}
	st, _ := f.GetString("stage")
	stage, err := parseImportStage("--stage", st)
	if err != nil {
		return err
	}
	admission, err := flagDate(cmd, "admission-date")
	if err != nil {
		return err
	}
	var full uint32
	if s, _ := f.GetString("full-date"); s != "" {
		if full, err = parseDate("--full-date", s); err != nil {
			return err
		}
	}
	birthYear, _ := f.GetUint32("birth-year")
	if err := checkBirthYear(birthYear); err != nil {
		return fmt.Errorf("--birth-year: %w", err)
	}
	if err := checkImportDates(stage, admission, full, birthYear, "--admission-date", "--full-date"); err != nil {
		return err
	}
	doc, err := legacyDoc(cmd)
	if err != nil {
		return err
	}
	return sendWithCard(cmd, branch, birthYear, func(commitment, memberKey []byte) any {
		return &memberv1.MsgImportMember{BranchId: branch, Stage: stage, AdmissionDate: admission, FullDate: full,
			BirthYear: birthYear, Commitment: commitment, MemberPubKey: memberKey, DocHash: doc,
			ReasonCode: flagUint32(cmd, "reason")}
	})
}

// sendWithCard reads the card flags (readCardInputs), makes the new
// member's card and signs the message newMsg builds from the card's
// commitment and the member's own key (a registration or an import). It
// writes the card, sends the tx and waits for it; then completes the card
// with the member id, or removes it if the chain rejected the tx, or keeps
// it without an id if no answer came.
func sendWithCard(cmd *cobra.Command, branch uint64, birthYear uint32, newMsg func(commitment, memberKey []byte) any) error {
	in, err := readCardInputs(cmd)
	if err != nil {
		return err
	}
	s, err := openTxSession(cmd)
	if err != nil {
		return err
	}
	c, err := card.New(s.chainID, branch, birthYear, in.fields, nil)
	if err != nil {
		return err
	}
	cardPath := in.cardPath
	tx, err := s.sign(newMsg(c.Commitment(), in.memberKey))
	if err != nil {
		return err
	}
	if err := c.Write(cardPath); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), s.timeout)
	defer cancel()
	res, err := s.c.Broadcast(ctx, tx)
	if err == nil && res.Code == 0 {
		err = s.c.Wait(ctx, res)
	}
	if err != nil {
		return fmt.Errorf("%w\nthe card %s is kept (no member id yet): the registration may still reach the chain; "+
			"run 'partychaind tx member complete-cards %s' later to fill in its member id, or delete the card if it never does",
			err, cardPath, cardPath)
	}
	out := registerResult{TxResult: res, Card: cardPath}
	if !res.OK() {
		if rmErr := os.Remove(cardPath); rmErr != nil {
			out.CardKept = true
			fmt.Fprintf(cmd.ErrOrStderr(), "could not remove the card %s: %v\n", cardPath, rmErr)
		}
		if err := printRegisterResult(cmd, &out); err != nil {
			return err
		}
		if out.CardKept {
			return fmt.Errorf("%v; nothing reached the chain, but the card %s could not be removed", (&rejectedError{res}).Error(), cardPath)
		}
		return fmt.Errorf("%v; nothing reached the chain, so the card %s was removed", (&rejectedError{res}).Error(), cardPath)
	}
	ids := res.EventValues("member_registered", "member_id")
	if len(ids) != 1 {
		out.CardKept = true
		_ = printRegisterResult(cmd, &out)
		return fmt.Errorf("tx %s is in block %d but reports %d member_registered events, want 1; the card %s is kept: "+
			"run 'partychaind tx member complete-cards %s'", res.Hash, res.Height, len(ids), cardPath, cardPath)
	}
	if out.MemberID, err = strconv.ParseUint(ids[0], 10, 64); err != nil || out.MemberID == 0 {
		return fmt.Errorf("tx %s: member_registered member_id %q is not an id; the card %s is kept", res.Hash, ids[0], cardPath)
	}
	out.CardKept = true
	c.MemberID, c.TxHash, c.Height = out.MemberID, res.Hash, res.Height
	if err := c.Rewrite(cardPath); err != nil {
		_ = printRegisterResult(cmd, &out)
		return fmt.Errorf("member %d is registered, but the card %s could not be updated with its id: %w "+
			"(the card is still valid; run 'partychaind tx member complete-cards %s')", out.MemberID, cardPath, err, cardPath)
	}
	return printRegisterResult(cmd, &out)
}

func printRegisterResult(cmd *cobra.Command, out *registerResult) error {
	if isJSON(cmd) {
		return printJSON(cmd, out)
	}
	w := cmd.OutOrStdout()
	if out.MemberID != 0 {
		fmt.Fprintf(w, "member id:  %d\n", out.MemberID)
	}
	if out.CardKept {
		fmt.Fprintf(w, "card:       %s\n", out.Card)
	} else {
		fmt.Fprintf(w, "card:       %s (removed)\n", out.Card)
	}
	return printTxResult(cmd, out.TxResult)
}

func checkBirthYear(y uint32) error {
	if y < 1900 || y > 2999 {
		return fmt.Errorf("birth year %d: want a year from 1900 to 2999", y)
	}
	return nil
}

// collectFields gathers personal fields from --field name=value flags and
// a fields file, in that order, and checks names, values and duplicates.
func collectFields(args []string, file string) ([][2]string, error) {
	var fields [][2]string
	for _, a := range args {
		name, value, ok := strings.Cut(a, "=")
		if !ok {
			return nil, fmt.Errorf("--field %q: want name=value", a)
		}
		fields = append(fields, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
	}
	if file != "" {
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--fields-file: %w", err)
		}
		more, err := parseFieldsFile(raw)
		if err != nil {
			return nil, fmt.Errorf("--fields-file %s: %w", file, err)
		}
		fields = append(fields, more...)
	}
	if len(fields) == 0 {
		return nil, errors.New("no personal fields: give --field name=value (such as --field name=...) or --fields-file")
	}
	seen := map[string]bool{}
	for _, f := range fields {
		if err := checkFieldNameValue(f[0], f[1]); err != nil {
			return nil, err
		}
		if seen[f[0]] {
			return nil, fmt.Errorf("field %q is given twice", f[0])
		}
		seen[f[0]] = true
	}
	return fields, nil
}

// parseFieldsFile reads name=value lines, or a JSON object of strings (in
// its order).
func parseFieldsFile(raw []byte) ([][2]string, error) {
	raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(t))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return nil, errors.New("not a JSON object")
		}
		var fields [][2]string
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return nil, err
			}
			name, _ := tok.(string)
			var value string
			if err := dec.Decode(&value); err != nil {
				return nil, fmt.Errorf("field %q: the value must be a string", name)
			}
			fields = append(fields, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, errors.New("text after the JSON object")
		}
		return fields, nil
	}
	var fields [][2]string
	for i, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("line %d: want name=value", i+1)
		}
		fields = append(fields, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
	}
	return fields, nil
}

// checkFieldNameValue applies the commitment scheme's rules to one field's
// name and value (the salt is drawn later).
func checkFieldNameValue(name, value string) error {
	return identity.CheckField(identity.Field{Name: name, Value: value, Salt: make([]byte, identity.SaltLen)})
}
