package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	abci "github.com/cometbft/cometbft/abci/types"
	"sort"

	"github.com/cosmos/gogoproto/jsonpb"
	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	"github.com/partychain/partychain/contracts/dues"
	"github.com/partychain/partychain/contracts/governance"
	"github.com/partychain/partychain/contracts/member"
	"github.com/partychain/partychain/contracts/org"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// Genesis is the app_state of genesis.json: the app version the chain
// begins with ("app_version", a number) and one proto3 JSON object per
// ledger, keyed by ledger name.
type Genesis struct {
	// AppVersion is the app version of the first block: MaxAppVersion for
	// a new chain; LegacyAppVersion (2) for a genesis without app_version,
	// which was written before the version was kept in state, and leaves
	// none there, as the binaries that began such chains did.
	AppVersion uint64

	Org        *orgv1.GenesisState
	Member     *memberv1.GenesisState
	Activity   *activityv1.GenesisState
	Dues       *duesv1.GenesisState
	Governance *governancev1.GenesisState
}

// OfficeBranchID is the default genesis's branch under the root committee
// (its organs' branch, 机关党支部), where the first secretary is a member.
const OfficeBranchID uint64 = 2

// OfficeBranchName is its name.
const OfficeBranchName = "Office Branch"

// DefaultGenesis is a root committee named rootName, its office branch
// (OfficeBranchID), every ledger's default policy, and the root's first
// secretary: genesis member 1 of the office branch, whose identity and own
// key are in secretary (Id and BranchId are set here).
func DefaultGenesis(rootName string, secretary *memberv1.GenesisMember) *Genesis {
	mem := member.DefaultGenesis()
	if secretary != nil {
		s := *secretary
		s.Id, s.BranchId = 1, OfficeBranchID
		mem.Members = []memberv1.GenesisMember{s}
	}
	og := org.DefaultGenesis(rootName, 1)
	og.Orgs = append(og.Orgs, orgv1.GenesisOrg{Id: OfficeBranchID, ParentId: 1, Kind: orgv1.OrgKind_ORG_KIND_BRANCH, Name: OfficeBranchName})
	return &Genesis{
		AppVersion: MaxAppVersion,
		Org:        og,
		Member:     mem,
		Activity:   activity.DefaultGenesis(),
		Dues:       dues.DefaultGenesis(),
		Governance: &governancev1.GenesisState{Params: governance.DefaultParams()},
	}
}

// ledgers names each ledger's section of app_state, in output order.
func (g *Genesis) ledgers() []struct {
	name string
	msg  proto.Message
} {
	return []struct {
		name string
		msg  proto.Message
	}{{"org", g.Org}, {"member", g.Member}, {"activity", g.Activity}, {"dues", g.Dues}, {"governance", g.Governance}}
}

// initGenesis writes every ledger's genesis, in order.
func (a *App) initGenesis(ctx *contracts.Context, g *Genesis, cometVals []abci.ValidatorUpdate) error {
	if err := a.org.InitGenesis(ctx, g.Org); err != nil {
		return err
	}
	if err := a.member.InitGenesis(ctx, g.Member); err != nil {
		return err
	}
	if err := a.org.InitOfficers(ctx, g.Org); err != nil {
		return err
	}
	if err := a.activity.InitGenesis(ctx, g.Activity); err != nil {
		return err
	}
	if err := a.dues.InitGenesis(ctx, g.Dues); err != nil {
		return err
	}
	return a.gov.InitGenesis(ctx, g.Governance, cometVals)
}

// ParseGenesis reads and validates app_state. Unknown ledgers and unknown
// fields are errors, so a typo is not silently ignored.
func ParseGenesis(bz []byte) (*Genesis, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(bz, &raw); err != nil {
		return nil, fmt.Errorf("app_state is not a JSON object: %w", err)
	}
	// A ledger left out takes its default policy; org has no default: the
	// chain needs a root committee.
	g := DefaultGenesis("", nil)
	g.Org = &orgv1.GenesisState{}
	if _, ok := raw["org"]; !ok {
		return nil, fmt.Errorf("app_state.org is missing: the chain needs a root committee")
	}
	g.AppVersion = contracts.LegacyAppVersion
	if v, ok := raw["app_version"]; ok {
		if err := json.Unmarshal(v, &g.AppVersion); err != nil {
			return nil, fmt.Errorf("app_state.app_version: want a whole number: %w", err)
		}
		if g.AppVersion <= contracts.LegacyAppVersion || g.AppVersion > MaxAppVersion {
			return nil, fmt.Errorf("app_state.app_version %d: this binary begins chains at app versions %d to %d (leave it out for %d)",
				g.AppVersion, contracts.LegacyAppVersion+1, MaxAppVersion, contracts.LegacyAppVersion)
		}
		delete(raw, "app_version")
	}
	known := map[string]proto.Message{}
	for _, l := range g.ledgers() {
		known[l.name] = l.msg
	}
	for _, name := range sortedKeys(raw) {
		target, ok := known[name]
		if !ok {
			return nil, fmt.Errorf("app_state has an unknown ledger %q", name)
		}
		target.Reset()
		if err := jsonpb.Unmarshal(bytes.NewReader(raw[name]), target); err != nil {
			return nil, fmt.Errorf("app_state.%s: %w", name, err)
		}
	}
	return g, g.Validate()
}

// Validate checks every ledger's genesis.
func (g *Genesis) Validate() error {
	if err := org.ValidateGenesis(g.Org); err != nil {
		return fmt.Errorf("app_state.org: %w", err)
	}
	if err := member.ValidateGenesis(g.Member); err != nil {
		return fmt.Errorf("app_state.member: %w", err)
	}
	if err := validateOfficers(g); err != nil {
		return fmt.Errorf("app_state.org: %w", err)
	}
	if err := activity.ValidateGenesis(g.Activity); err != nil {
		return fmt.Errorf("app_state.activity: %w", err)
	}
	if err := dues.ValidateGenesis(g.Dues); err != nil {
		return fmt.Errorf("app_state.dues: %w", err)
	}
	if err := governance.ValidateGenesis(g.Governance); err != nil {
		return fmt.Errorf("app_state.governance: %w", err)
	}
	return nil
}

// validateOfficers checks, across ledgers, that each genesis officer is a
// genesis member (who has an own key: member.ValidateGenesis requires it).
// Organization officers are members; InitOfficers checks the rest.
func validateOfficers(g *Genesis) error {
	known := make(map[uint64]bool, len(g.Member.Members))
	for _, m := range g.Member.Members {
		known[m.Id] = true
	}
	for _, off := range g.Org.Officers {
		if !known[off.MemberId] {
			return org.ErrInvalidGenesis.Wrapf("officer %s at organization %d is member %d, who is not in app_state.member.members",
				org.RoleName(off.Role), off.OrgId, off.MemberId)
		}
	}
	return nil
}

// MarshalJSON writes the app_state object.
func (g *Genesis) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	m := jsonpb.Marshaler{OrigName: true, EmitDefaults: true, Indent: "  "}
	buf.WriteString("{")
	if g.AppVersion > contracts.LegacyAppVersion {
		fmt.Fprintf(&buf, "\n\"app_version\": %d,", g.AppVersion)
	}
	for i, l := range g.ledgers() {
		if i > 0 {
			buf.WriteString(",")
		}
		fmt.Fprintf(&buf, "\n%q: ", l.name)
		if err := m.Marshal(&buf, l.msg); err != nil {
			return nil, err
		}
	}
	buf.WriteString("\n}")
	return buf.Bytes(), nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
