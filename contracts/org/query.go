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
	return nil, contracts.ErrUnknownQuery.Wrapf("/org/%s/%s", path[0], path[1])
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
	it := state.PrefixIterator(r, prefix)
	defer it.Close()
	for skip := pg.Offset(); it.Valid() && skip > 0; it.Next() {
		skip--
	}
	for ; it.Valid(); it.Next() {
		if uint32(len(out.Orgs)) == pg.Limit {
			out.HasMore = true
			break
		}
		key := it.Key()
		o, err := k.Org(r, binary.BigEndian.Uint64(key[len(key)-8:]))
		if err != nil {
			return nil, fmt.Errorf("index entry %x: %w", key, err)
		}
		out.Orgs = append(out.Orgs, *o)
	}
	return out, it.Error()
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

// QueryAccount answers /account/{address hex}: the account and its roles.
func (k *Keeper) QueryAccount(r state.Reader, path []string, _ url.Values) (proto.Message, error) {
	if len(path) != 1 {
		return nil, contracts.ErrUnknownQuery.Wrap("want /account/{address}")
	}
	addr, err := hex.DecodeString(path[0])
	if err != nil || len(addr) != AddressLen {
		return nil, contracts.ErrBadQuery.Wrapf("address %q must be %d bytes of hex", path[0], AddressLen)
	}
	acc, err := k.Account(r, addr)
	if err != nil {
		return nil, err
	}
	if acc == nil {
		return nil, contracts.ErrNotFound.Wrapf("account %X", addr)
	}
	out := &orgv1.AccountInfo{Account: acc}
	it := state.PrefixIterator(r, accountRolePrefix(addr))
	defer it.Close()
	for ; it.Valid(); it.Next() {
		key := it.Key()
		orgID := binary.BigEndian.Uint64(key[len(key)-9:])
		role := orgv1.Role(key[len(key)-1])
		var off orgv1.Officer
		found, err := contracts.Load(r, officerKey(orgID, role, addr), &off)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, fmt.Errorf("role index %x has no officer record", key)
		}
		out.Roles = append(out.Roles, off)
	}
	return out, it.Error()
}
