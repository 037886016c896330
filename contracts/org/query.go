package org

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/url"

	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// QueryOrg answers /org/...:
//
//	/org/params
//	/org/{id}
//	/org/{id}/children?page=&limit=
//	/org/{id}/officers
//	/org/{id}/subtree?page=&limit=   (active organizations, depth first)
//	/org/{id}/{name}                 (answered by another ledger: AddOrgQuery)
func (k *Keeper) QueryOrg(r state.Reader, path []string, q url.Values) (proto.Message, error) {
	if len(path) == 1 && path[0] == "params" {
		p, err := k.Params(r)
		return &p, err
	}
	if len(path) < 1 || len(path) > 2 {
		return nil, contracts.ErrUnknownQuery.Wrap("want /org/params, /org/{id}, /org/{id}/children, /org/{id}/officers or /org/{id}/subtree")
	}
	id, err := contracts.ParseID(path[0])
	if err != nil {
		return nil, err
	}
	o, err := k.Org(r, id)
	if err != nil {
		return nil, err
	}
	if len(path) == 1 {
		return o, nil
	}
	switch path[1] {
	case "children":
		return orNil(k.orgPage(r, childPrefix(id), q))
	case "subtree":
		if o.Status != orgv1.OrgStatus_ORG_STATUS_ACTIVE {
			return nil, ErrOrgDissolved.Wrapf("organization %d", id)
		}
		line, err := k.Ancestry(r, o)
		if err != nil {
			return nil, err
		}
		return orNil(k.orgPage(r, pathKey(pathOf(line)), q))
	case "officers":
		return orNil(k.officers(r, officerPrefix(id)))
	}
	if h, ok := k.orgQueries[path[1]]; ok {
		return h(r, o, q)
	}
	return nil, contracts.ErrUnknownQuery.Wrapf("/org/%s/%s", path[0], path[1])
}

// OrgQuery answers /org/{id}/{name} for another ledger (members, stats).
type OrgQuery func(r state.Reader, o *orgv1.Organization, q url.Values) (proto.Message, error)

// AddOrgQuery lets another ledger answer /org/{id}/{name}.
func (k *Keeper) AddOrgQuery(name string, h OrgQuery) {
	if k.orgQueries == nil {
		k.orgQueries = map[string]OrgQuery{}
	}
	k.orgQueries[name] = h
}

// orNil returns a nil interface, not a typed nil, with an error.
func orNil[M proto.Message](m M, err error) (proto.Message, error) {
	if err != nil {
		return nil, err
	}
	return m, nil
}

// orgPage pages through an index whose keys end in an org id.
func (k *Keeper) orgPage(r state.Reader, prefix []byte, q url.Values) (*orgv1.OrgPage, error) {
	pg, err := contracts.ParsePage(q)
	if err != nil {
		return nil, err
	}
	out := &orgv1.OrgPage{Page: pg.Page, Limit: pg.Limit}
	out.Next, err = contracts.ScanPage(r, prefix, pg, func(key, _ []byte) error {
		o, err := k.Org(r, binary.BigEndian.Uint64(key[len(key)-8:]))
		if err != nil {
			return contracts.Corrupt(err, "index entry %x", key)
		}
		out.Orgs = append(out.Orgs, *o)
		return nil
	})
	out.HasMore = out.Next != ""
	return out, err
}

func (k *Keeper) officers(r state.Reader, prefix []byte) (*orgv1.OfficerList, error) {
	out := &orgv1.OfficerList{}
	it := state.PrefixIterator(r, prefix)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		var off orgv1.Officer
		if err := off.Unmarshal(it.Value()); err != nil {
			return nil, fmt.Errorf("corrupt officer at %x: %w", it.Key(), err)
		}
		out.Officers = append(out.Officers, off)
	}
	return out, it.Error()
}

// QueryAccount answers /account/{address hex}?page=&limit=&after=: the
// account and, if it is a member's current own key, the member and a page of
// the roles it holds.
func (k *Keeper) QueryAccount(r state.Reader, path []string, q url.Values) (proto.Message, error) {
	if len(path) != 1 {
		return nil, contracts.ErrUnknownQuery.Wrap("want /account/{address}")
	}
	addr, err := hex.DecodeString(path[0])
	if err != nil || len(addr) != AddressLen {
		return nil, contracts.ErrBadQuery.Wrapf("address %q must be %d bytes of hex", contracts.Echo(path[0]), AddressLen)
	}
	pg, err := contracts.ParsePage(q)
	if err != nil {
		return nil, err
	}
	acc, err := k.Account(r, addr)
	if err != nil {
		return nil, err
	}
	if acc == nil {
		return nil, contracts.ErrNotFound.Wrapt("account {address}", contracts.Address("address", addr))
	}
	out := &orgv1.AccountInfo{Account: acc}
	memberID, found, err := k.SignerMember(r, addr)
	if err != nil || !found {
		return out, err
	}
	out.MemberId = memberID
	out.Next, err = contracts.ScanPage(r, memberRolePrefix(memberID), pg, func(key, _ []byte) error {
		orgID := binary.BigEndian.Uint64(key[len(key)-9:])
		role := orgv1.Role(key[len(key)-1])
		var off orgv1.Officer
		found, err := contracts.Load(r, officerKey(orgID, role, memberID), &off)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("state corruption: role index %x has no officer record", key)
		}
		out.Roles = append(out.Roles, off)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
