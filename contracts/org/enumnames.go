package org

import (
	"github.com/partychain/partychain/contracts"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

func init() {
	contracts.NameEnum(orgv1.OrgKind_value, "ORG_KIND_", func(v int32) string { return KindName(orgv1.OrgKind(v)) })
	contracts.NameEnum(orgv1.Role_value, "ROLE_", func(v int32) string { return RoleName(orgv1.Role(v)) })
	contracts.NameEnum(orgv1.OrgStatus_value, "ORG_STATUS_", nil)
}
