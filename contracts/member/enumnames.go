package member

import (
	"github.com/partychain/partychain/contracts"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

func init() {
	contracts.NameEnum(memberv1.Stage_value, "STAGE_", nil)
	contracts.NameEnum(memberv1.Status_value, "STATUS_", nil)
	contracts.NameEnum(memberv1.ExitKind_value, "EXIT_KIND_", nil)
	contracts.NameEnum(memberv1.DisciplineKind_value, "DISCIPLINE_KIND_", nil)
	contracts.NameEnum(memberv1.ProbationOutcome_value, "PROBATION_OUTCOME_", nil)
}
