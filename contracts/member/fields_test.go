package member

import (
	"reflect"
	"testing"

	"github.com/partychain/partychain/contracts"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// TestImportDateFields: an import's date refusals carry their dates, the
// short probation the earliest full date.
func TestImportDateFields(t *testing.T) {
	p := memberv1.Params{MinAgeYears: 18, ProbationDays: 365}
	full := func(admission, fullDate uint32) *memberv1.MsgImportMember {
		return &memberv1.MsgImportMember{Stage: memberv1.Stage_STAGE_FULL, AdmissionDate: admission, FullDate: fullDate, BirthYear: 1970}
	}
	for _, tc := range []struct {
		name string
		msg  *memberv1.MsgImportMember
		want *contracts.Error
		fs   []contracts.Field
	}{
		{"full after today", full(20250101, 20261209), contracts.ErrInvalidDate, []contracts.Field{
			contracts.Date("full_date", 20261209), contracts.Date("today", 20261208)}},
		{"admission after today", full(20261209, 20261210), contracts.ErrInvalidDate, []contracts.Field{
			contracts.Date("admission_date", 20261209), contracts.Date("today", 20261208)}},
		{"short probation", full(20250101, 20251231), ErrWaitingPeriod, []contracts.Field{
			contracts.Date("full_date", 20251231), contracts.Date("admission_date", 20250101),
			contracts.Int("days_so_far", 364), contracts.Int("days_required", 365), contracts.Date("earliest", 20260101)}},
	} {
		err := CheckImportDates(20261208, tc.msg, p)
		if e, _ := contracts.AsError(err); e != tc.want || !reflect.DeepEqual(contracts.FieldsOf(err), tc.fs) {
			t.Errorf("%s: %v, fields %+v, want %s/%d with %+v", tc.name, err, contracts.FieldsOf(err), tc.want.Codespace, tc.want.Code, tc.fs)
		}
	}
}

// TestStageAndExitFields: the stage and exit refusals name their stage,
// the stages a step needs and the allowed kinds as enum fields, and their
// log is the same sentence in the chain's terms.
func TestStageAndExitFields(t *testing.T) {
	m := &memberv1.Member{Id: 7, Stage: memberv1.Stage_STAGE_ACTIVIST, Status: memberv1.Status_STATUS_ACTIVE}
	left := &memberv1.Member{Id: 12, Status: memberv1.Status_STATUS_EXITED, ExitDate: 20290906, ExitKind: memberv1.ExitKind_EXIT_KIND_APPLICATION_ENDED}
	for _, tc := range []struct {
		name string
		err  error
		want *contracts.Error
		log  string
		fs   []contracts.Field
	}{
		{"wrong stage", requireActiveAt(m, memberv1.Stage_STAGE_PROBATIONARY, memberv1.Stage_STAGE_FULL), ErrWrongStage,
			"member 7 is activist; this step needs probationary or full: member is not at the stage this step needs",
			[]contracts.Field{contracts.Int("member", 7), contracts.Enum("stage", "STAGE_ACTIVIST"),
				contracts.Enum("needs_1", "STAGE_PROBATIONARY"), contracts.Enum("needs_2", "STAGE_FULL")}},
		{"left", requireActiveAt(left, memberv1.Stage_STAGE_APPLICANT), ErrMemberExited,
			"member 12 left on 20290906 (application-ended): member has left: no further acts",
			[]contracts.Field{contracts.Int("member", 12), contracts.Date("exit_date", 20290906), contracts.Enum("exit_kind", "EXIT_KIND_APPLICATION_ENDED")}},
		{"exit kind", ValidateRecordExit(&memberv1.MsgRecordExit{MemberId: 7, Date: 20261201, Kind: 9}), ErrInvalidExit,
			"kind 9: want removal, lapse, withdrawal, deceased or application-ended: invalid exit",
			[]contracts.Field{contracts.Enum("kind", "9"), contracts.Enum("want_1", "EXIT_KIND_REMOVAL"), contracts.Enum("want_2", "EXIT_KIND_LAPSE"),
				contracts.Enum("want_3", "EXIT_KIND_WITHDRAWAL"), contracts.Enum("want_4", "EXIT_KIND_DECEASED"), contracts.Enum("want_5", "EXIT_KIND_APPLICATION_ENDED")}},
	} {
		if e, _ := contracts.AsError(tc.err); e != tc.want || tc.err.Error() != tc.log || !reflect.DeepEqual(contracts.FieldsOf(tc.err), tc.fs) {
			t.Errorf("%s: %v, fields %+v, want %s/%d %q with %+v", tc.name, tc.err, contracts.FieldsOf(tc.err), tc.want.Codespace, tc.want.Code, tc.log, tc.fs)
		}
	}
}
