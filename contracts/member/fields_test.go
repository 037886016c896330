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
