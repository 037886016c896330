package governance

import (
	"unicode/utf8"

	"github.com/partychain/partychain/contracts"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
)

// MaxTitleBytes bounds a proposal's title; MaxParamsBytes its params.
const (
	MaxTitleBytes  = 256
	MaxParamsBytes = 16 << 10
)

// ValidateSubmitProposal checks a proposal's shape: its kind and exactly
// that kind's fields.
func ValidateSubmitProposal(m *governancev1.MsgSubmitProposal) error {
	p := m.Proposal
	if p == nil {
		return ErrInvalidProposal.Wrap("no proposal")
	}
	if len(p.Title) == 0 || len(p.Title) > MaxTitleBytes || !utf8.ValidString(p.Title) {
		return ErrInvalidProposal.Wrapf("title: 1 to %d bytes of UTF-8", MaxTitleBytes)
	}
	if err := contracts.CheckFreeText("title", p.Title); err != nil {
		return err
	}
	if p.Id != 0 || p.ProposerOrgId != 0 || len(p.Proposer) != 0 || p.SubmitHeight != 0 || p.DeadlineUnix != 0 ||
		p.Status != 0 || p.Yes != 0 || p.No != 0 || p.Electorate != 0 || p.DecidedHeight != 0 {
		return ErrInvalidProposal.Wrap("id, proposer, heights, deadline, status and tallies are set on chain")
	}
	noKey, noNode, noParams := len(p.PubKey) == 0 && p.Power == 0, p.NodeId == "", p.Ledger == "" && len(p.Params) == 0
	if isUpgradeKind(p.Kind) {
		// Accepted at every version (UpgradeKindsVersion).
		return validateUpgradeShape(p, p.OrgId == 0 && noKey && noNode && noParams)
	}
	if !noUpgradeFields(p) {
		// Binaries before the fields existed refused these bytes as
		// non-canonical (the fields were unknown to them).
		return ErrInvalidProposal.Wrap("upgrade_name, app_version, upgrade_height and plan_hash are for upgrade proposals")
	}
	switch p.Kind {
	case governancev1.ProposalKind_PROPOSAL_KIND_ADD_VALIDATOR:
		if p.OrgId == 0 || len(p.PubKey) != 32 || !noNode || !noParams {
			return ErrInvalidProposal.Wrap("add-validator takes org_id, a 32-byte ed25519 pub_key and power only")
		}
	case governancev1.ProposalKind_PROPOSAL_KIND_REMOVE_VALIDATOR:
		if p.OrgId == 0 || !noKey || !noNode || !noParams {
			return ErrInvalidProposal.Wrap("remove-validator takes org_id only")
		}
	case governancev1.ProposalKind_PROPOSAL_KIND_ADMIT_NODE:
		if _, err := ParseNodeID(p.NodeId); err != nil || p.OrgId == 0 || !noKey || !noParams {
			return ErrInvalidProposal.Wrap("admit-node takes a 40-hex-digit node_id and the org_id that runs it only")
		}
	case governancev1.ProposalKind_PROPOSAL_KIND_REVOKE_NODE:
		if _, err := ParseNodeID(p.NodeId); err != nil || p.OrgId != 0 || !noKey || !noParams {
			return ErrInvalidProposal.Wrap("revoke-node takes a 40-hex-digit node_id only")
		}
	case governancev1.ProposalKind_PROPOSAL_KIND_SET_PARAMS:
		if p.Ledger == "" || len(p.Params) == 0 || len(p.Params) > MaxParamsBytes || p.OrgId != 0 || !noKey || !noNode {
			return ErrInvalidProposal.Wrapf("set-params takes a ledger and its encoded params (at most %d bytes) only", MaxParamsBytes)
		}
	default:
		return ErrInvalidProposal.Wrapf("kind %d", int32(p.Kind))
	}
	return nil
}

func ValidateVote(m *governancev1.MsgVote) error {
	if m.ProposalId == 0 {
		return ErrInvalidProposal.Wrap("proposal_id is required")
	}
	return nil
}
