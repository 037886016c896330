package dues

import (
	"net/url"
	"strings"
	"testing"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
)

// Reads of the working state.

func (c *chain) account(id uint64) *duesv1.Account {
	c.t.Helper()
	a, err := c.k.Account(c.store.Working(), id)
	if err != nil {
		c.t.Fatal(err)
	}
	return a
}

func (c *chain) totals(id uint64, month uint32) *duesv1.MonthTotals {
	c.t.Helper()
	m, err := c.k.Totals(c.store.Working(), id, month)
	if err != nil {
		c.t.Fatal(err)
	}
	return m
}

func (c *chain) standing(id uint64) *duesv1.DuesStanding {
	c.t.Helper()
	s, _, err := c.k.standing(c.store.Working(), id)
	if err != nil {
		c.t.Fatal(err)
	}
	return s
}

// wantClock asserts the arrears clock of a standing: first due month, last
// paid, covered through and the flag (not the per-year cache).
func (c *chain) wantClock(t testing.TB, want *duesv1.DuesStanding) {
	t.Helper()
	s := c.standing(want.MemberId)
	got := &duesv1.DuesStanding{MemberId: s.MemberId, FirstDueMonth: s.FirstDueMonth, LastPaidMonth: s.LastPaidMonth,
		CoveredThrough: s.CoveredThrough, Flagged: s.Flagged, FlagBranchId: s.FlagBranchId}
	if !proto.Equal(got, want) {
		t.Errorf("clock of member %d\n got %v\nwant %v", want.MemberId, got, want)
	}
}

func (c *chain) spendOf(id uint64) *duesv1.Spend {
	c.t.Helper()
	var s duesv1.Spend
	if found, err := contracts.Load(c.store.Working(), spendKey(id), &s); err != nil || !found {
		c.t.Fatalf("spend %d: %v, found %v", id, err, found)
	}
	return &s
}

func (c *chain) payment(id uint64, month uint32) (*duesv1.Payment, bool) {
	c.t.Helper()
	var p duesv1.Payment
	found, err := contracts.Load(c.store.Working(), paymentKey(id, month), &p)
	if err != nil {
		c.t.Fatal(err)
	}
	return &p, found
}

// wantAccount asserts an account field by field.
func (c *chain) wantAccount(t testing.TB, want *duesv1.Account) {
	t.Helper()
	if got := c.account(want.OrgId); !proto.Equal(got, want) {
		t.Errorf("account of %d\n got %v\nwant %v", want.OrgId, got, want)
	}
}

// query answers a path as the app does, on the working state.
func (c *chain) query(path string) (proto.Message, error) {
	c.t.Helper()
	u, err := url.Parse(path)
	if err != nil {
		c.t.Fatal(err)
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	switch segs[0] {
	case "dues":
		return c.k.QueryDues(c.store.Working(), segs[1:], u.Query())
	case "org":
		return c.org.QueryOrg(c.store.Working(), segs[1:], u.Query())
	}
	c.t.Fatalf("no ledger answers %s", path)
	return nil, nil
}

func mustQuery[M proto.Message](c *chain, path string) M {
	c.t.Helper()
	msg, err := c.query(path)
	if err != nil {
		c.t.Fatalf("%s: %v", path, err)
	}
	m, ok := msg.(M)
	if !ok {
		c.t.Fatalf("%s answered %T", path, msg)
	}
	return m
}
