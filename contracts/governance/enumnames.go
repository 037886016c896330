package governance

import (
	"github.com/partychain/partychain/contracts"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
)

func init() {
	contracts.NameEnum(governancev1.ProposalKind_value, "PROPOSAL_KIND_", nil)
	contracts.NameEnum(governancev1.ProposalStatus_value, "PROPOSAL_STATUS_", nil)
}
