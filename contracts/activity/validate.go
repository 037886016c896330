package activity

import (
	"fmt"

	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
)

// Stateless checks, run in CheckTx and again in FinalizeBlock before any
// state is read. They bound the message by the hard limits; the handler
// checks the policy parameters.

// ValidateRecordMeeting checks a meeting record on its own.
func ValidateRecordMeeting(m *activityv1.MsgRecordMeeting) error {
	if m.OrgId == 0 {
		return ErrInvalidMeeting.Wrap("org_id is required")
	}
	if _, ok := kindRules[m.Kind]; !ok {
		return ErrInvalidMeeting.Wrapf("kind %d", int32(m.Kind))
	}
	if _, err := contracts.ParseDate(m.Date); err != nil {
		return err
	}
	if err := validTopic(m.Topic, HardMaxTopicBytes); err != nil {
		return err
	}
	if len(m.MinutesHash) != MinutesHashLen {
		return ErrInvalidMeeting.Wrapf("minutes_hash is %d bytes, want %d", len(m.MinutesHash), MinutesHashLen)
	}
	if err := validateAttendanceConfirmed(m.Attendance); err != nil {
		return err
	}
	if err := validateAttendance(m.Attendance); err != nil {
		return err
	}
	return validateResolutions(m.Kind, m.Resolutions)
}

func validateAttendanceConfirmed(lines []activityv1.Attendee) error {
	for i, a := range lines {
		if a.Confirmed {
			return ErrInvalidMeeting.Wrapf("attendance line %d: confirmed is the member's own act (tx activity confirm), never the recorder's", i)
		}
	}
	return nil
}

func validateAttendance(lines []activityv1.Attendee) error {
	switch {
	case len(lines) == 0:
		return ErrInvalidMeeting.Wrap("attendance is empty")
	case len(lines) > HardMaxAttendees:
		return ErrTooManyAttendees.Wrapf("%d lines, at most %d", len(lines), HardMaxAttendees)
	}
	seen := make(map[uint64]struct{}, len(lines)) // lookups only, never iterated
	present := 0
	for i, a := range lines {
		switch {
		case a.MemberId == 0:
			return ErrInvalidMeeting.Wrapf("attendance line %d has no member_id", i)
		case a.Present && a.AbsenceReason != 0:
			return ErrInvalidMeeting.Wrapf("member %d is present but has absence_reason %d", a.MemberId, a.AbsenceReason)
		case !a.Present && a.AbsenceReason == 0:
			return ErrInvalidMeeting.Wrapf("member %d is absent without an absence_reason", a.MemberId)
		}
		if _, dup := seen[a.MemberId]; dup {
			return ErrDuplicateAttendee.Wrapf("member %d", a.MemberId)
		}
		seen[a.MemberId] = struct{}{}
		if a.Present {
			present++
		}
	}
	if present == 0 {
		return ErrInvalidMeeting.Wrap("no one is present")
	}
	return nil
}

// validateResolutions checks each resolution's shape and tally. Admission
// and full membership are decided only by a branch general meeting, by a
// majority of the full members entitled to vote, for one named member each.
func validateResolutions(kind activityv1.MeetingKind, rs []activityv1.Resolution) error {
	if len(rs) > HardMaxResolutions {
		return ErrTooManyResolutions.Wrapf("%d, at most %d", len(rs), HardMaxResolutions)
	}
	for i, r := range rs {
		if problem := resolutionProblem(kind, &r); problem != "" {
			return ErrInvalidResolution.Wrapf("resolution %d: %s", i, problem)
		}
		if err := checkTally(i, &r); err != nil {
			return err
		}
		for j := range i {
			if r.SubjectMemberId != 0 && rs[j].SubjectMemberId == r.SubjectMemberId {
				return ErrInvalidResolution.Wrapf("resolution %d: member %d is the subject of resolution %d already", i, r.SubjectMemberId, j)
			}
		}
	}
	return nil
}

// resolutionProblem says what is wrong with a resolution's shape, or "".
func resolutionProblem(kind activityv1.MeetingKind, r *activityv1.Resolution) string {
	switch {
	case r.Kind < activityv1.ResolutionKind_RESOLUTION_KIND_ADMISSION || r.Kind > activityv1.ResolutionKind_RESOLUTION_KIND_CANCEL_PROBATION:
		return fmt.Sprintf("kind %d", int32(r.Kind))
	case r.Quorum < activityv1.QuorumRule_QUORUM_RULE_MAJORITY_OF_ENTITLED || r.Quorum > activityv1.QuorumRule_QUORUM_RULE_TWO_THIRDS_OF_ENTITLED:
		return fmt.Sprintf("quorum %d", int32(r.Quorum))
	case r.Passed:
		return "passed is computed on chain and must be false"
	case r.Kind == activityv1.ResolutionKind_RESOLUTION_KIND_OTHER:
		if r.SubjectMemberId != 0 {
			return "only membership resolutions name a subject_member_id"
		}
		return ""
	case r.SubjectMemberId == 0:
		return fmt.Sprintf("%s needs a subject_member_id", ResolutionKindName(r.Kind))
	case kind != activityv1.MeetingKind_MEETING_KIND_BRANCH_GENERAL:
		return fmt.Sprintf("%s is decided by a branch general meeting, not %s", ResolutionKindName(r.Kind), KindName(kind))
	case r.Quorum != activityv1.QuorumRule_QUORUM_RULE_MAJORITY_OF_ENTITLED:
		return fmt.Sprintf("%s needs quorum majority-of-entitled, not %s", ResolutionKindName(r.Kind), QuorumName(r.Quorum))
	}
	return ""
}

// checkTally bounds the votes cast by the number entitled to vote.
func checkTally(i int, r *activityv1.Resolution) error {
	if cast := uint64(r.Yes) + uint64(r.No) + uint64(r.Abstain); cast > uint64(r.Entitled) {
		return ErrTallyExceedsEntitled.Wrapf("resolution %d: %d cast, %d entitled", i, cast, r.Entitled)
	}
	return nil
}
