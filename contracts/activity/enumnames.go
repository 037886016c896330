package activity

import (
	"github.com/partychain/partychain/contracts"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
)

func init() {
	contracts.NameEnum(activityv1.MeetingKind_value, "MEETING_KIND_", func(v int32) string { return KindName(activityv1.MeetingKind(v)) })
	contracts.NameEnum(activityv1.ResolutionKind_value, "RESOLUTION_KIND_", func(v int32) string {
		return ResolutionKindName(activityv1.ResolutionKind(v))
	})
	contracts.NameEnum(activityv1.QuorumRule_value, "QUORUM_RULE_", func(v int32) string { return QuorumName(activityv1.QuorumRule(v)) })
	contracts.NameEnum(activityv1.Period_value, "PERIOD_", nil)
}
