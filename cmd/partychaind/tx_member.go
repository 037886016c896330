package main

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/spf13/cobra"

	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

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
