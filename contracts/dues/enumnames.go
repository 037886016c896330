package dues

import (
	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
)

func init() {
	contracts.NameEnum(duesv1.Category_value, "CATEGORY_", nil)
	contracts.NameEnum(duesv1.SpendStatus_value, "SPEND_STATUS_", nil)
}
