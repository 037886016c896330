package governance

import (
	"net/url"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/partychain/partychain/contracts"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

func TestValidateGenesis(t *testing.T) {
	if err := ValidateGenesis(govGenesis(orgA, orgB, orgC)); err != nil {
		t.Fatalf("fixture genesis: %v", err)
	}
	if err := ValidateGenesis(&governancev1.GenesisState{Params: DefaultParams()}); err != nil {
		t.Fatalf("no validators, no nodes: %v", err)
	}
	if err := ValidateParams(DefaultParams()); err != nil {
		t.Fatalf("default params: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(g *governancev1.GenesisState)
	}{
		{"voting period under a minute", func(g *governancev1.GenesisState) { g.Params.VotingPeriodSeconds = 59 }},
		{"voting period over a year", func(g *governancev1.GenesisState) { g.Params.VotingPeriodSeconds = 365*24*3600 + 1 }},
		{"max_power 0", func(g *governancev1.GenesisState) { g.Params.MaxPower = 0 }},
		{"max_power above a million", func(g *governancev1.GenesisState) { g.Params.MaxPower = 1_000_001 }},
		{"max_validators 0", func(g *governancev1.GenesisState) { g.Params.MaxValidators = 0 }},
		{"max_validators above 1,000", func(g *governancev1.GenesisState) { g.Params.MaxValidators = 1_001 }},
		{"max_nodes 0", func(g *governancev1.GenesisState) { g.Params.MaxNodes = 0 }},
		{"max_nodes above 100,000", func(g *governancev1.GenesisState) { g.Params.MaxNodes = 100_001 }},
		{"validator of organization 0", func(g *governancev1.GenesisState) { g.Validators[0].OrgId = 0 }},
		{"an organization twice", func(g *governancev1.GenesisState) { g.Validators[1].OrgId = orgA }},
		{"a 31-byte key", func(g *governancev1.GenesisState) { g.Validators[0].PubKey = g.Validators[0].PubKey[:31] }},
		{"a key twice", func(g *governancev1.GenesisState) { g.Validators[1].PubKey = g.Validators[0].PubKey }},
		{"power 0", func(g *governancev1.GenesisState) { g.Validators[0].Power = 0 }},
		{"power above max_power", func(g *governancev1.GenesisState) { g.Validators[0].Power = 1_001 }},
		{"a bad node id", func(g *governancev1.GenesisState) { g.Nodes[0].NodeId = "node-a" }},
		{"a node twice", func(g *governancev1.GenesisState) { g.Nodes[1].NodeId = g.Nodes[0].NodeId }},
		{"a node without its organization", func(g *governancev1.GenesisState) { g.Nodes[0].OrgId = 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := govGenesis(orgA, orgB, orgC)
			tc.edit(g)
			checkErr(t, ValidateGenesis(g), ErrInvalidGenesis, code{"governance", 16})
		})
	}
}

// TestInitGenesisMatchesCometBFT: governance's validators must be
// CometBFT's genesis validators, key for key and power for power.
func TestInitGenesisMatchesCometBFT(t *testing.T) {
	upd := func(key string, power int64) abci.ValidatorUpdate {
		return abci.UpdateValidator(ed25519.PubKey(pubOf(key)), power, ed25519.KeyType)
	}
	for _, tc := range []struct {
		name  string
		comet []abci.ValidatorUpdate
	}{
		{"fewer in CometBFT", []abci.ValidatorUpdate{upd("val-a", 10), upd("val-b", 10)}},
		{"more in CometBFT", []abci.ValidatorUpdate{upd("val-a", 10), upd("val-b", 10), upd("val-c", 10), upd("val-d", 10)}},
		{"none in CometBFT", nil},
		{"another key", []abci.ValidatorUpdate{upd("val-a", 10), upd("val-b", 10), upd("val-d", 10)}},
		{"another power", []abci.ValidatorUpdate{upd("val-a", 10), upd("val-b", 10), upd("val-c", 11)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newBareChain(t)
			ctx := c.blockContext()
			if err := c.org.InitGenesis(ctx, orgGenesis()); err != nil {
				t.Fatal(err)
			}
			err := c.k.InitGenesis(ctx, govGenesis(orgA, orgB, orgC), tc.comet)
			checkErr(t, err, ErrInvalidGenesis, code{"governance", 16})
		})
	}
	t.Run("validators listed in another order", func(t *testing.T) {
		c := newBareChain(t)
		ctx := c.blockContext()
		if err := c.org.InitGenesis(ctx, orgGenesis()); err != nil {
			t.Fatal(err)
		}
		if err := c.k.InitGenesis(ctx, govGenesis(orgA, orgB, orgC), []abci.ValidatorUpdate{upd("val-c", 10), upd("val-a", 10), upd("val-b", 10)}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("more validators than this genesis has in governance", func(t *testing.T) {
		c := newBareChain(t)
		ctx := c.blockContext()
		if err := c.org.InitGenesis(ctx, orgGenesis()); err != nil {
			t.Fatal(err)
		}
		err := c.k.InitGenesis(ctx, &governancev1.GenesisState{Params: DefaultParams()}, []abci.ValidatorUpdate{upd("val-a", 10)})
		checkErr(t, err, ErrInvalidGenesis, code{"governance", 16})
	})
}

// TestInitGenesisOrganizations: a validator organization is an active
// organization of the org ledger (refused as invalid genesis).
func TestInitGenesisOrganizations(t *testing.T) {
	t.Run("unknown", func(t *testing.T) {
		c := newBareChain(t)
		ctx := c.blockContext()
		if err := c.org.InitGenesis(ctx, orgGenesis()); err != nil {
			t.Fatal(err)
		}
		g := govGenesis(orgA)
		g.Validators[0].OrgId = noOrg
		checkErr(t, c.k.InitGenesis(ctx, g, cometVals(g)), ErrInvalidGenesis, code{"governance", 16})
	})
	t.Run("dissolved", func(t *testing.T) {
		c := newBareChain(t)
		ctx := c.blockContext()
		if err := c.org.InitGenesis(ctx, orgGenesis()); err != nil {
			t.Fatal(err)
		}
		if err := c.org.InitOfficers(ctx, orgGenesis()); err != nil {
			t.Fatal(err)
		}
		dctx := c.blockContext()
		dctx.Signer = addrOf("root-secretary")
		if err := c.org.DissolveOrg(dctx, &orgv1.MsgDissolveOrg{OrgId: orgD}); err != nil {
			t.Fatal(err)
		}
		g := govGenesis(orgA, orgD)
		g.Validators[1] = validator(orgD, 10)
		checkErr(t, c.k.InitGenesis(ctx, g, cometVals(g)), ErrInvalidGenesis, code{"governance", 16})
	})
}

// TestInitGenesisState: the registries and params as written, readable
// from height 1; genesis validators are no updates.
func TestInitGenesisState(t *testing.T) {
	g := govGenesis(orgA, orgB, orgC)
	g.Params.VotingPeriodSeconds = 3600
	c := newChainWith(t, g)
	c.block()
	r := c.store.Committed()
	if p, err := c.k.Params(r); err != nil || p != g.Params {
		t.Fatalf("params %+v, %v", p, err)
	}
	vals, err := c.k.Validators(r)
	if err != nil || len(vals) != 3 {
		t.Fatalf("validators %+v, %v", vals, err)
	}
	for i, v := range vals {
		if v.OrgId != g.Validators[i].OrgId || string(v.PubKey) != string(g.Validators[i].PubKey) || v.Power != 10 {
			t.Errorf("validator %d: %+v", i, v)
		}
	}
	nodes, err := c.k.Nodes(r)
	if err != nil || len(nodes) != 2 {
		t.Fatalf("nodes %+v, %v", nodes, err)
	}
	if len(c.updates) != 0 {
		t.Errorf("genesis validators came out as updates: %v", c.updates)
	}
	// A key of a genesis validator is indexed.
	c.rejected(t, "a-secretary", addVal(orgD, "val-c", 10), ErrDuplicateKey, code{"governance", 8})
}

// TestQueryGovernance: every path and its errors.
func TestQueryGovernance(t *testing.T) {
	c := newChain(t)
	for i := 0; i < 5; i++ {
		c.submit(orgA, admit(nodeID(string(rune('p'+i))), orgD))
	}
	c.block()
	r := c.store.Committed()
	q := func(path string, query url.Values) (any, error) {
		return c.k.QueryGovernance(r, strings.Split(path, "/"), query)
	}
	if m, err := q("params", nil); err != nil || *m.(*governancev1.Params) != DefaultParams() {
		t.Errorf("params: %v, %v", m, err)
	}
	if m, err := q("validators", nil); err != nil || len(m.(*governancev1.ValidatorList).Validators) != 3 {
		t.Errorf("validators: %v, %v", m, err)
	}
	if m, err := q("nodes", nil); err != nil || len(m.(*governancev1.NodeList).Nodes) != 2 {
		t.Errorf("nodes: %v, %v", m, err)
	}
	m, err := q("proposals", url.Values{"limit": {"2"}})
	if err != nil {
		t.Fatal(err)
	}
	page := m.(*governancev1.ProposalPage)
	if len(page.Proposals) != 2 || page.Proposals[0].Id != 1 || !page.HasMore || page.Next == "" {
		t.Fatalf("first page %+v", page)
	}
	m, err = q("proposals", url.Values{"limit": {"2"}, "after": {page.Next}})
	if err != nil {
		t.Fatal(err)
	}
	if page := m.(*governancev1.ProposalPage); len(page.Proposals) != 2 || page.Proposals[0].Id != 3 {
		t.Fatalf("page after %+v", page)
	}
	m, err = q("proposals", url.Values{"page": {"3"}, "limit": {"2"}})
	if page := m.(*governancev1.ProposalPage); err != nil || len(page.Proposals) != 1 || page.Proposals[0].Id != 5 || page.HasMore {
		t.Fatalf("page 3: %+v, %v", page, err)
	}
	if m, err := q("proposals/4", nil); err != nil || m.(*governancev1.Proposal).Id != 4 || m.(*governancev1.Proposal).Status != voting {
		t.Errorf("proposal 4: %v, %v", m, err)
	}
	for _, tc := range []struct {
		path  string
		query url.Values
		want  *contracts.Error
		code  code
	}{
		{"proposals/6", nil, ErrProposalNotFound, code{"governance", 3}},
		{"proposals/0", nil, contracts.ErrBadQuery, code{"query", 3}},
		{"proposals/x", nil, contracts.ErrBadQuery, code{"query", 3}},
		{"proposals", url.Values{"limit": {"201"}}, contracts.ErrBadQuery, code{"query", 3}},
		{"proposals", url.Values{"after": {"zz"}}, contracts.ErrBadQuery, code{"query", 3}},
		{"votes", nil, contracts.ErrUnknownQuery, code{"query", 2}},
		{"proposals/1/votes", nil, contracts.ErrUnknownQuery, code{"query", 2}},
		{"", nil, contracts.ErrUnknownQuery, code{"query", 2}},
	} {
		_, err := q(tc.path, tc.query)
		checkErr(t, err, tc.want, tc.code)
	}
}
