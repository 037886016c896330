package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/cosmos/gogoproto/jsonpb"
	"github.com/spf13/cobra"

	"github.com/partychain/partychain/cmd/internal/client"
	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
)

// newTxActivityCmd is tx activity: the activity ledger's transactions.
// "tx meeting" is another name for it (the group's name before the ledger
// grew confirmations and corrections).
func newTxActivityCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "activity",
		Aliases: []string{"meeting"},
		Short:   "Activity ledger: meeting records, their corrections, members confirming their attendance",
	}
	record := &cobra.Command{
		Use: "record --org ID --kind KIND --date D --topic T --minutes-hash H --present IDS [--absent ID:REASON,...] [--resolution SPEC ...] [--corrects MEETING_ID]\n" +
			"  record --file meeting.json [--corrects MEETING_ID]",
		Short: "Record a meeting of an organization (its secretary, deputy secretary or organization officer)",
		Long: `Record a meeting: organization, kind, date, topic, the hash of the minutes (kept off
chain), attendance and resolutions with their votes. Prints the meeting id.

Kinds: branch-general, branch-committee, group, party-lesson, theme-day,
organizational-life, training, study.

--present lists member ids (1,2,3). --absent lists ID:REASON pairs, REASON a reason code
from 1 (4:1,5:2). Each --resolution is KIND:SUBJECT:QUORUM:ENTITLED:YES:NO:ABSTAIN, with KIND
admission, full-membership, extend-probation, cancel-probation or other; SUBJECT the member
id the resolution concerns (0 or - for other); QUORUM majority-of-entitled,
majority-of-cast or two-thirds-of-entitled; then the number of members entitled to vote
and the yes, no and abstain votes. Whether it passed is computed on chain. Resolutions are
numbered from 0 in the order given: that index is what propose-admission and propose-full
name (propose-full --outcome on-time, extend or cancel needs a full-membership,
extend-probation or cancel-probation resolution).

--corrects MEETING_ID makes this record the correction of an earlier record of the same
organization: the whole record is given again, as it should have been. Nothing is
overwritten: the earlier record stays, marked "corrected by" the new one, and its
duties, attendance and points are taken back and replaced by the new record's. A record
can be corrected once; to correct again, correct the correction.

--file reads the whole record instead, as the proto3 JSON of MsgRecordMeeting (bytes in
base64, enums by name such as MEETING_KIND_BRANCH_GENERAL); no other record flag may be
given with it, except --corrects.`,
		Args: cobra.NoArgs,
		RunE: runRecordMeeting,
	}
	f := record.Flags()
	f.Uint64("org", 0, "id of the organization that held the meeting")
	f.String("kind", "", "meeting kind (see above)")
	f.String("date", "", "date of the meeting (YYYY-MM-DD)")
	f.String("topic", "", "topic (no personal data)")
	f.String("minutes-hash", "", "hash of the minutes (64 hex digits)")
	f.String("present", "", "member ids of those present, comma separated")
	f.StringSlice("absent", nil, "ID:REASON of each absent member, comma separated or repeated")
	f.StringArray("resolution", nil, "KIND:SUBJECT:QUORUM:ENTITLED:YES:NO:ABSTAIN (repeat the flag)")
	f.String("corrects", "", "id of the earlier record of the same organization this one corrects")
	f.String("file", "", "read the record from this proto3 JSON file instead")

	confirm := &cobra.Command{
		Use:   "confirm MEETING_ID --from MEMBER_KEY",
		Short: "Confirm your own attendance at a meeting, signed with your own key",
		Long: `A member confirms, with their own key (the key registered as theirs, see
tx member register/import --member-key and tx identity rotate-key), that they were present
at a meeting. Only the member recorded present may confirm, once; a key that is no member's
own, or the key of a member not recorded present, is refused (activity/16), a second
confirmation too (activity/17). A record that was corrected cannot be confirmed: confirm
the correction (activity/15).`,
		Args: cobra.ExactArgs(1),
		RunE: runConfirmAttendance,
	}
	cmd.AddCommand(record, confirm)
	return cmd
}

// activitySend signs msg from --from, broadcasts it and waits for its
// block. Tests replace it to see the message without a node.
var activitySend = func(cmd *cobra.Command, msg any) (*client.TxResult, error) {
	return signAndWait(cmd, msg)
}

// recordMeetingFlags are the record's flags that --file replaces.
var recordMeetingFlags = []string{"org", "kind", "date", "topic", "minutes-hash", "present", "absent", "resolution"}

func runRecordMeeting(cmd *cobra.Command, _ []string) error {
	msg, err := meetingFromFlags(cmd)
	if err != nil {
		return err
	}
	res, err := activitySend(cmd, msg)
	if err != nil {
		return err
	}
	out := meetingResult{TxResult: res, Corrects: msg.Corrects}
	if res.OK() {
		if ids := res.EventValues("meeting_recorded", "meeting_id"); len(ids) == 1 {
			out.MeetingID, _ = strconv.ParseUint(ids[0], 10, 64)
		}
	}
	if isJSON(cmd) {
		if err := printJSON(cmd, out); err != nil {
			return err
		}
	} else {
		if out.MeetingID != 0 {
			line := fmt.Sprintf("meeting id: %d", out.MeetingID)
			if out.Corrects != 0 {
				line += fmt.Sprintf(" (corrects meeting %d)", out.Corrects)
			}
			fmt.Fprintln(cmd.OutOrStdout(), line)
		}
		if err := printTxResult(cmd, res); err != nil {
			return err
		}
	}
	if !res.OK() {
		return &rejectedError{res: res}
	}
	if out.MeetingID == 0 {
		return fmt.Errorf("tx %s is in block %d but reports no meeting_recorded event", res.Hash, res.Height)
	}
	return nil
}

// meetingResult is the output of tx activity record with -o json.
type meetingResult struct {
	*client.TxResult
	MeetingID uint64 `json:"meeting_id"`
	Corrects  uint64 `json:"corrects,omitempty"`
}

func runConfirmAttendance(cmd *cobra.Command, args []string) error {
	id, err := parseMemberID("meeting id", args[0])
	if err != nil {
		return err
	}
	res, err := activitySend(cmd, &activityv1.MsgConfirmAttendance{MeetingId: id})
	if err != nil {
		return err
	}
	out := confirmResult{TxResult: res, MeetingID: id}
	if res.OK() {
		if ids := res.EventValues("attendance_confirmed", "member_id"); len(ids) == 1 {
			out.MemberID, _ = strconv.ParseUint(ids[0], 10, 64)
		}
	}
	if isJSON(cmd) {
		if err := printJSON(cmd, out); err != nil {
			return err
		}
	} else {
		if out.MemberID != 0 {
			fmt.Fprintf(cmd.OutOrStdout(), "member %d confirmed their attendance at meeting %d\n", out.MemberID, id)
		}
		if err := printTxResult(cmd, res); err != nil {
			return err
		}
	}
	if !res.OK() {
		return &rejectedError{res: res}
	}
	if out.MemberID == 0 {
		return fmt.Errorf("tx %s is in block %d but reports no attendance_confirmed event", res.Hash, res.Height)
	}
	return nil
}

// confirmResult is the output of tx activity confirm with -o json.
type confirmResult struct {
	*client.TxResult
	MeetingID uint64 `json:"meeting_id"`
	MemberID  uint64 `json:"member_id,omitempty"`
}

// meetingFromFlags builds the record from --file or from the flags, and
// --corrects.
func meetingFromFlags(cmd *cobra.Command) (*activityv1.MsgRecordMeeting, error) {
	msg, err := recordFromFlags(cmd)
	if err != nil {
		return nil, err
	}
	if !cmd.Flags().Changed("corrects") {
		return msg, nil
	}
	s, _ := cmd.Flags().GetString("corrects")
	id, err := parseMemberID("--corrects: meeting id", s)
	if err != nil {
		return nil, err
	}
	if msg.Corrects != 0 && msg.Corrects != id {
		return nil, fmt.Errorf("--corrects %d, but the record in --file corrects meeting %d", id, msg.Corrects)
	}
	msg.Corrects = id
	return msg, nil
}

// recordFromFlags builds the record from --file or from the flags.
func recordFromFlags(cmd *cobra.Command) (*activityv1.MsgRecordMeeting, error) {
	f := cmd.Flags()
	if file, _ := f.GetString("file"); file != "" {
		for _, name := range recordMeetingFlags {
			if f.Changed(name) {
				return nil, fmt.Errorf("--file holds the whole record: do not give --%s with it", name)
			}
		}
		raw, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--file: %w", err)
		}
		return parseMeetingJSON(raw)
	}
	var missing []string
	for _, name := range []string{"org", "kind", "date", "topic", "minutes-hash", "present"} {
		if !f.Changed(name) {
			missing = append(missing, "--"+name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing %s (or give the whole record with --file)", strings.Join(missing, ", "))
	}
	msg := &activityv1.MsgRecordMeeting{}
	msg.OrgId, _ = f.GetUint64("org")
	if msg.OrgId == 0 {
		return nil, errors.New("--org must be an organization id from 1")
	}
	kind, _ := f.GetString("kind")
	var err error
	if msg.Kind, err = activity.ParseKind(kind); err != nil {
		return nil, fmt.Errorf("--kind: %w", err)
	}
	if msg.Date, err = flagDate(cmd, "date"); err != nil {
		return nil, err
	}
	msg.Topic, _ = f.GetString("topic")
	if msg.MinutesHash, err = flagHash(cmd, "minutes-hash", false); err != nil {
		return nil, err
	}
	present, err := flagIDs(cmd, "present")
	if err != nil {
		return nil, err
	}
	absentSpecs, _ := f.GetStringSlice("absent")
	absent, err := parseAbsent(absentSpecs)
	if err != nil {
		return nil, err
	}
	if msg.Attendance, err = attendance(present, absent); err != nil {
		return nil, err
	}
	specs, _ := f.GetStringArray("resolution")
	for i, spec := range specs {
		r, err := parseResolution(spec)
		if err != nil {
			return nil, fmt.Errorf("--resolution %d %q: %w", i, spec, err)
		}
		msg.Resolutions = append(msg.Resolutions, r)
	}
	return msg, nil
}

// parseMeetingJSON reads a MsgRecordMeeting in proto3 JSON; unknown
// fields are an error.
func parseMeetingJSON(raw []byte) (*activityv1.MsgRecordMeeting, error) {
	var msg activityv1.MsgRecordMeeting
	if err := jsonpb.Unmarshal(bytes.NewReader(raw), &msg); err != nil {
		return nil, fmt.Errorf("--file: not the proto3 JSON of MsgRecordMeeting: %w", err)
	}
	return &msg, nil
}

// parseAbsent reads ID:REASON items, REASON a reason code from 1.
func parseAbsent(specs []string) ([]activityv1.Attendee, error) {
	var out []activityv1.Attendee
	for _, spec := range specs {
		idStr, reasonStr, ok := strings.Cut(strings.TrimSpace(spec), ":")
		if !ok {
			return nil, fmt.Errorf("--absent %q: want MEMBER_ID:REASON_CODE, such as 4:1", spec)
		}
		id, err := parseMemberID("--absent: member id", idStr)
		if err != nil {
			return nil, err
		}
		reason, err := strconv.ParseUint(strings.TrimSpace(reasonStr), 10, 32)
		if err != nil || reason == 0 {
			return nil, fmt.Errorf("--absent %q: the reason must be a reason code from 1", spec)
		}
		out = append(out, activityv1.Attendee{MemberId: id, AbsenceReason: uint32(reason)})
	}
	return out, nil
}

// attendance joins the present and absent lists; no one may be in both or
// twice.
func attendance(present []uint64, absent []activityv1.Attendee) ([]activityv1.Attendee, error) {
	seen := map[uint64]string{}
	var out []activityv1.Attendee
	for _, id := range present {
		seen[id] = "--present"
		out = append(out, activityv1.Attendee{MemberId: id, Present: true})
	}
	for _, a := range absent {
		if where, dup := seen[a.MemberId]; dup {
			return nil, fmt.Errorf("member %d is in --absent and %s", a.MemberId, where)
		}
		seen[a.MemberId] = "--absent"
		out = append(out, a)
	}
	return out, nil
}

// parseResolution reads KIND:SUBJECT:QUORUM:ENTITLED:YES:NO:ABSTAIN.
func parseResolution(spec string) (activityv1.Resolution, error) {
	var r activityv1.Resolution
	parts := strings.Split(spec, ":")
	if len(parts) != 7 {
		return r, fmt.Errorf("%d parts: want KIND:SUBJECT:QUORUM:ENTITLED:YES:NO:ABSTAIN, such as admission:12:majority-of-entitled:9:7:1:1", len(parts))
	}
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	var err error
	if r.Kind, err = activity.ParseResolutionKind(parts[0]); err != nil {
		return r, err
	}
	if s := parts[1]; s != "" && s != "-" && s != "0" {
		if r.SubjectMemberId, err = parseMemberID("subject member id", s); err != nil {
			return r, err
		}
	}
	if r.Kind != activityv1.ResolutionKind_RESOLUTION_KIND_OTHER && r.SubjectMemberId == 0 {
		return r, fmt.Errorf("resolution kind %s needs the subject member id", parts[0])
	}
	if r.Kind == activityv1.ResolutionKind_RESOLUTION_KIND_OTHER && r.SubjectMemberId != 0 {
		return r, errors.New("an other resolution has no subject: give 0 or -")
	}
	if r.Quorum, err = activity.ParseQuorum(parts[2]); err != nil {
		return r, err
	}
	counts := []*uint32{&r.Entitled, &r.Yes, &r.No, &r.Abstain}
	for i, name := range []string{"entitled", "yes", "no", "abstain"} {
		v, err := strconv.ParseUint(parts[3+i], 10, 32)
		if err != nil {
			return r, fmt.Errorf("%s %q is not a count", name, parts[3+i])
		}
		*counts[i] = uint32(v)
	}
	if cast := uint64(r.Yes) + uint64(r.No) + uint64(r.Abstain); cast > uint64(r.Entitled) {
		return r, fmt.Errorf("%d votes cast, more than the %d entitled to vote", cast, r.Entitled)
	}
	return r, nil
}
