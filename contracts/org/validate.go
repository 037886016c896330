package org

import (
	"github.com/cometbft/cometbft/crypto/ed25519"

	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// Stateless checks, run in CheckTx and again in FinalizeBlock before any
// state is read.

func ValidateCreateOrg(m *orgv1.MsgCreateOrg) error {
	if m.ParentId == 0 {
		return ErrInvalidOrgID.Wrap("parent_id is required")
	}
	if err := validKind(m.Kind); err != nil {
		return err
	}
	return validName(m.Name)
}

func ValidateRenameOrg(m *orgv1.MsgRenameOrg) error {
	if m.OrgId == 0 {
		return ErrInvalidOrgID.Wrap("org_id is required")
	}
	return validName(m.Name)
}

func ValidateDissolveOrg(m *orgv1.MsgDissolveOrg) error {
	if m.OrgId == 0 {
		return ErrInvalidOrgID.Wrap("org_id is required")
	}
	return nil
}

func ValidateGrantRole(m *orgv1.MsgGrantRole) error {
	if m.OrgId == 0 {
		return ErrInvalidOrgID.Wrap("org_id is required")
	}
	if err := validRole(m.Role); err != nil {
		return err
	}
	return requireMember(m.MemberId)
}

func ValidateRevokeRole(m *orgv1.MsgRevokeRole) error {
	if m.OrgId == 0 {
		return ErrInvalidOrgID.Wrap("org_id is required")
	}
	if err := validRole(m.Role); err != nil {
		return err
	}
	return requireMember(m.MemberId)
}

func requireMember(id uint64) error {
	if id == 0 {
		return ErrInvalidMemberID.Wrap("member_id is required: roles are granted to members")
	}
	return nil
}

// AddressOf is the account address of an ed25519 public key (CometBFT's:
// the first 20 bytes of its SHA-256).
func AddressOf(pubKey []byte) []byte {
	return ed25519.PubKey(pubKey).Address()
}
