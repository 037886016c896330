package dues

import (
	"encoding/binary"
	"fmt"
	"net/url"
	"strconv"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	duesv1 "github.com/partychain/partychain/proto/partychain/dues/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// QueryDues answers /dues/...:
//
//	/dues/params
//	/dues/{member}/{year}            the assessment
//	/dues/{member}/payments?page=    a member's own payment history
//	/dues/{member}/standing          the arrears clock and flag
//	/dues/spend/{id}
func (k *Keeper) QueryDues(r state.Reader, path []string, q url.Values) (proto.Message, error) {
	if len(path) == 1 && path[0] == "params" {
		p, err := k.Params(r)
		return &p, err
	}
	if len(path) != 2 {
		return nil, contracts.ErrUnknownQuery.Wrap("want /dues/params, /dues/{member}/{year}, /dues/{member}/payments, /dues/{member}/standing or /dues/spend/{id}")
	}
	if path[0] == "spend" {
		id, err := contracts.ParseID(path[1])
		if err != nil {
			return nil, err
		}
		var s duesv1.Spend
		found, err := contracts.Load(r, spendKey(id), &s)
		if err == nil && !found {
			err = ErrSpendNotFound.Wrapf("spend %d", id)
		}
		return orNil(&s, err)
	}
	member, err := contracts.ParseID(path[0])
	if err != nil {
		return nil, err
	}
	switch path[1] {
	case "payments":
		return k.payments(r, member, q)
	case "standing":
		s, found, err := k.standing(r, member)
		if err == nil && !found {
			err = contracts.ErrNotFound.Wrapf("member %d has no dues standing (never assessed)", member)
		}
		return orNil(s, err)
	}
	year, err := strconv.ParseUint(path[1], 10, 32)
	if err != nil {
		return nil, contracts.ErrBadQuery.Wrapf("%q is not a year, payments or standing", contracts.Echo(path[1]))
	}
	var a duesv1.Assessment
	found, err := contracts.Load(r, assessmentKey(member, uint32(year)), &a)
	if err == nil && !found {
		err = ErrNotAssessed.Wrapf("member %d has no assessment for %d", member, year)
	}
	return orNil(&a, err)
}

func (k *Keeper) payments(r state.Reader, member uint64, q url.Values) (proto.Message, error) {
	pg, err := contracts.ParsePage(q)
	if err != nil {
		return nil, err
	}
	out := &duesv1.PaymentPage{Page: pg.Page, Limit: pg.Limit}
	out.Next, err = contracts.ScanPage(r, paymentPrefix(member), pg, func(_, v []byte) error {
		var p duesv1.Payment
		if err := p.Unmarshal(v); err != nil {
			return err
		}
		out.Payments = append(out.Payments, p)
		return nil
	})
	out.HasMore = out.Next != ""
	return orNil(out, err)
}

// QueryOrgDues answers /org/{id}/dues?month=YYYYMM: the disclosure of the
// organization's subtree for a month (default: this month) and its own
// account now.
func (k *Keeper) QueryOrgDues(r state.Reader, o *orgv1.Organization, q url.Values) (proto.Message, error) {
	month := uint32(0)
	if s := q.Get("month"); s != "" {
		m, err := strconv.ParseUint(s, 10, 32)
		if err != nil || !validMonth(uint32(m)) {
			return nil, contracts.ErrBadQuery.Wrapf("month %q: want YYYYMM", contracts.Echo(s))
		}
		month = uint32(m)
	} else {
		clock, err := contracts.LoadClock(r)
		if err != nil {
			return nil, err
		}
		month = clock.Today / 100
	}
	t, err := k.Totals(r, o.Id, month)
	if err != nil {
		return nil, err
	}
	a, err := k.Account(r, o.Id)
	if err != nil {
		return nil, err
	}
	p, err := k.Params(r)
	if err != nil {
		return nil, err
	}
	return &duesv1.Disclosure{Month: t, Account: a, OwedUpwardFen: OwedUpward(o, a, p)}, nil
}

// QueryOrgSpends answers /org/{id}/spends?page=: the organization's spends,
// oldest first, whatever their status.
func (k *Keeper) QueryOrgSpends(r state.Reader, o *orgv1.Organization, q url.Values) (proto.Message, error) {
	pg, err := contracts.ParsePage(q)
	if err != nil {
		return nil, err
	}
	out := &duesv1.SpendPage{Page: pg.Page, Limit: pg.Limit}
	out.Next, err = contracts.ScanPage(r, orgSpendPrefix(o.Id), pg, func(key, _ []byte) error {
		var s duesv1.Spend
		found, err := contracts.Load(r, spendKey(binary.BigEndian.Uint64(key[len(key)-8:])), &s)
		if err == nil && !found {
			err = fmt.Errorf("state corruption: spend index %x has no spend", key)
		}
		out.Spends = append(out.Spends, s)
		return err
	})
	out.HasMore = out.Next != ""
	return orNil(out, err)
}

// QueryOrgArrears answers /org/{id}/arrears?page=: the flags of a branch.
func (k *Keeper) QueryOrgArrears(r state.Reader, o *orgv1.Organization, q url.Values) (proto.Message, error) {
	pg, err := contracts.ParsePage(q)
	if err != nil {
		return nil, err
	}
	out := &duesv1.FlagPage{Page: pg.Page, Limit: pg.Limit}
	out.Next, err = contracts.ScanPage(r, flagPrefix(o.Id), pg, func(_, v []byte) error {
		var f duesv1.ArrearsFlag
		if err := f.Unmarshal(v); err != nil {
			return err
		}
		out.Flags = append(out.Flags, f)
		return nil
	})
	out.HasMore = out.Next != ""
	return orNil(out, err)
}

func orNil[M proto.Message](m M, err error) (proto.Message, error) {
	if err != nil {
		return nil, err
	}
	return m, nil
}
