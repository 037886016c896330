package identity_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/identity"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

func TestRotateMemberKey(t *testing.T) {
	l := newLedger(t)
	cases := []struct {
		name      string
		signer    string
		memberID  uint64
		newKey    string
		oldKey    string // the member's key before, "" for none
		want      *contracts.Error
		wantCode  code
		wantInLog string
	}{
		{"a first key", "branch-officer", 1, "newcomer", "", nil, code{}, ""},
		{"replace a key", "branch-officer", 2, "newcomer", "member2-key", nil, code{}, ""},
		{"to a retired key, which keeps its account", "branch-officer", 2, "retired-key", "member2-key", nil, code{}, ""},
		{"to an officer's key", "branch-officer", 2, "branch-secretary", "", identity.ErrKeyInUse, code{"identity", 6}, "member 14"},
		{"of the other branch, by its officer", "other-officer", 4, "newcomer", "member4-key", nil, code{}, ""},
		{"of a member in transfer, by the branch holding the record", "branch-officer", 6, "newcomer", "", nil, code{}, ""},
		{"by the member's own key", "member2-key", 2, "newcomer", "member2-key", nil, code{}, ""},
		{"of the branch's officer, by itself", "branch-officer", 13, "newcomer", "branch-officer", nil, code{}, ""},
		{"of the branch's secretary, by itself", "branch-secretary", 14, "newcomer", "branch-secretary", nil, code{}, ""},

		{"of the branch's secretary, by the branch's officer", "branch-officer", 14, "newcomer", "", identity.ErrMemberHoldsRoles, code{"identity", 12},
			"member 14 holds roles"},
		{"of the root's secretary, by the branch's officer", "branch-officer", 11, "newcomer", "", identity.ErrMemberHoldsRoles, code{"identity", 12},
			"a grantor revokes the member's roles first"},
		{"of the root's officer, by the branch's officer", "branch-officer", 12, "branch-officer-2", "", identity.ErrMemberHoldsRoles, code{"identity", 12}, ""},

		{"by the branch's secretary", "branch-secretary", 2, "newcomer", "", identity.ErrUnauthorized, code{"identity", 8}, "organization officer at branch 2"},
		{"by the root's organization officer", "root-officer", 2, "newcomer", "", identity.ErrUnauthorized, code{"identity", 8}, ""},
		{"by the root's secretary", "root-secretary", 2, "newcomer", "", identity.ErrUnauthorized, code{"identity", 8}, ""},
		{"by another branch's officer", "other-officer", 2, "newcomer", "", identity.ErrUnauthorized, code{"identity", 8}, ""},
		{"by another member's own key", "member4-key", 2, "newcomer", "", identity.ErrUnauthorized, code{"identity", 8}, "or to be member 2's own key"},
		{"of an officer, by another officer's own key", "branch-secretary", 13, "newcomer", "", identity.ErrUnauthorized, code{"identity", 8}, ""},
		{"by a rotated-out key", "retired-key", 2, "newcomer", "", identity.ErrUnauthorized, code{"identity", 8}, ""},
		{"by nobody", "nobody", 2, "newcomer", "", identity.ErrUnauthorized, code{"identity", 8}, fmt.Sprintf("%X needs organization officer", addrOf("nobody"))},
		{"of an exited member", "branch-officer", 3, "newcomer", "", identity.ErrMemberExited, code{"identity", 9}, "member 3 left on 20260105 (EXIT_KIND_WITHDRAWAL)"},
		{"of a member without identity", "branch-officer", 5, "newcomer", "", identity.ErrIdentityNotFound, code{"identity", 7}, "member 5"},
		{"of no member", "branch-officer", missingMember, "newcomer", "", errMemberNotFound, code{"fakemember", 2}, ""},
		{"to another member's key", "branch-officer", 2, "member4-key", "", identity.ErrKeyInUse, code{"identity", 6}, fmt.Sprintf("%X belongs to member 4", addrOf("member4-key"))},
		{"to an exited member's key", "branch-officer", 2, "member3-key", "", identity.ErrKeyInUse, code{"identity", 6}, "member 3"},
		{"to the key it has", "branch-officer", 2, "member2-key", "", identity.ErrKeyInUse, code{"identity", 6}, "already member 2's key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			msg := &identityv1.MsgRotateMemberKey{MemberId: tc.memberID, NewPubKey: pubOf(tc.newKey)}
			checkErr(t, identity.ValidateRotateMemberKey(msg), nil, code{})
			b := l.branch()
			var before *identityv1.Identity
			if tc.want == nil {
				before = l.identity(b, tc.memberID)
			}
			ctx := l.context(b, tc.signer)
			err := l.keeper.RotateMemberKey(ctx, msg)
			checkErr(t, err, tc.want, tc.wantCode)
			if tc.want != nil {
				if !strings.Contains(err.Error(), tc.wantInLog) {
					t.Errorf("log %q does not say %q", err, tc.wantInLog)
				}
				if b.Len() != 0 {
					t.Errorf("rejected handler wrote %d keys", b.Len())
				}
				return
			}
			id := l.identity(b, tc.memberID)
			if !bytes.Equal(id.PubKey, pubOf(tc.newKey)) || id.KeyRotations != before.KeyRotations+1 ||
				!bytes.Equal(id.Commitment, before.Commitment) || id.RegisteredHeight != before.RegisteredHeight {
				t.Errorf("identity %+v after rotation of %+v", id, before)
			}
			if got := l.keyOwner(b, tc.newKey); got != tc.memberID {
				t.Errorf("new key index: member %d", got)
			}
			if tc.oldKey != "" {
				if got := l.keyOwner(b, tc.oldKey); got != 0 {
					t.Errorf("old key still speaks for member %d", got)
				}
				if acc := l.account(b, tc.oldKey); acc == nil {
					t.Error("the old key's account was deleted: its sequence would restart")
				}
			}
			wantSeq := uint64(0)
			if tc.newKey == "retired-key" {
				wantSeq = retiredKeySequence
			}
			if acc := l.account(b, tc.newKey); acc == nil || acc.Sequence != wantSeq {
				t.Errorf("new key's account %+v, want sequence %d", acc, wantSeq)
			}
			checkRotatedEvent(t, ctx, tc.memberID, branchOf(tc.memberID), tc.newKey)
		})
	}
}

// branchOf is the fixture's branch of a member.
func branchOf(memberID uint64) uint64 {
	if memberID == 4 {
		return otherBranchID
	}
	return branchID
}

func checkRotatedEvent(t *testing.T, ctx *contracts.Context, memberID, branch uint64, holder string) {
	t.Helper()
	evs := ctx.Events()
	want := []struct {
		key, value string
	}{
		{"member_id", fmt.Sprint(memberID)},
		{"branch_id", fmt.Sprint(branch)},
		{"account", fmt.Sprintf("%X", addrOf(holder))},
	}
	if len(evs) != 1 || evs[0].Type != "member_key_rotated" || len(evs[0].Attributes) != len(want) {
		t.Fatalf("events %+v, want one member_key_rotated", evs)
	}
	for i, w := range want {
		if a := evs[0].Attributes[i]; a.Key != w.key || a.Value != w.value || !a.Index {
			t.Errorf("attribute %d = %+v, want indexed %+v", i, a, w)
		}
	}
}

// TestRotateTwice: a key rotated out is free again, and rotations count.
func TestRotateTwice(t *testing.T) {
	l := newLedger(t)
	w := l.store.Working()
	// member2-key, rotated out by the first step, is free again for the second.
	for _, k := range []string{"key-a", "member2-key", "key-b"} {
		err := l.keeper.RotateMemberKey(l.context(w, "branch-officer"), &identityv1.MsgRotateMemberKey{MemberId: 2, NewPubKey: pubOf(k)})
		checkErr(t, err, nil, code{})
	}
	l.commit()
	r := l.store.Committed()
	if id := l.identity(r, 2); id.KeyRotations != 3 || !bytes.Equal(id.PubKey, pubOf("key-b")) {
		t.Fatalf("identity %+v", id)
	}
	for _, k := range []string{"key-a", "member2-key"} {
		if got := l.keyOwner(r, k); got != 0 {
			t.Errorf("%s still speaks for member %d", k, got)
		}
	}
	// Another member may now take a key member 2 gave up.
	checkErr(t, l.keeper.RotateMemberKey(l.context(l.branch(), "branch-officer"),
		&identityv1.MsgRotateMemberKey{MemberId: 1, NewPubKey: pubOf("key-a")}), nil, code{})
}

func TestValidateRotateMemberKey(t *testing.T) {
	cases := []struct {
		name     string
		msg      *identityv1.MsgRotateMemberKey
		want     *contracts.Error
		wantCode code
	}{
		{"valid", &identityv1.MsgRotateMemberKey{MemberId: 1, NewPubKey: pubOf("k")}, nil, code{}},
		{"no member id", &identityv1.MsgRotateMemberKey{NewPubKey: pubOf("k")}, identity.ErrInvalidMemberID, code{"identity", 10}},
		{"no key", &identityv1.MsgRotateMemberKey{MemberId: 1}, identity.ErrInvalidPubKey, code{"identity", 5}},
		{"33-byte key", &identityv1.MsgRotateMemberKey{MemberId: 1, NewPubKey: make([]byte, 33)}, identity.ErrInvalidPubKey, code{"identity", 5}},
		{"an address for a key", &identityv1.MsgRotateMemberKey{MemberId: 1, NewPubKey: addrOf("k")}, identity.ErrInvalidPubKey, code{"identity", 5}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, identity.ValidateRotateMemberKey(tc.msg), tc.want, tc.wantCode)
		})
	}
}

// TestRoutes: the app routes MsgRotateMemberKey to this ledger.
func TestRoutes(t *testing.T) {
	rs := contracts.Routes{}
	rs.Add(newLedger(t).keeper.Routes()...)
	r, ok := rs.Lookup(&identityv1.MsgRotateMemberKey{})
	if !ok || r.Name != "identity/rotate-key" {
		t.Fatalf("route %+v, %v", r, ok)
	}
	checkErr(t, r.Validate(&identityv1.MsgRotateMemberKey{}), identity.ErrInvalidMemberID, code{"identity", 10})
}

// TestRotationCarriesRoles: roles are the member's, held by their current
// own key. After the branch secretary rotates their own key, the new key
// acts as secretary and the old one holds nothing.
func TestRotationCarriesRoles(t *testing.T) {
	l := newLedger(t)
	b := l.branch()
	msg := &identityv1.MsgRotateMemberKey{MemberId: officerID("branch-secretary"), NewPubKey: pubOf("branch-secretary-new")}
	if err := l.keeper.RotateMemberKey(l.context(b, "branch-secretary"), msg); err != nil {
		t.Fatal(err)
	}
	l.checkSecretary(b, map[string]bool{"branch-secretary": false, "branch-secretary-new": true})
}

// checkSecretary asserts which keys hold secretary at the branch.
func (l *ledger) checkSecretary(r state.Reader, want map[string]bool) {
	l.t.Helper()
	for _, k := range []string{"branch-secretary", "branch-secretary-new"} {
		held, err := l.org.HasRoleAt(r, addrOf(k), branchID, orgv1.Role_ROLE_SECRETARY)
		if err != nil || held != want[k] {
			l.t.Errorf("HasRoleAt(%s) = %v, %v; want %v", k, held, err, want[k])
		}
	}
}

// TestRotateLostKey: the branch secretary has lost their key, so cannot
// rotate it. The branch's organization officer may not hand the secretary's
// role to a new key; a grantor revokes the role first, then the officer
// rotates the key of a member who holds nothing, then a grantor grants the
// role again: three signed records, by two roles.
func TestRotateLostKey(t *testing.T) {
	l := newLedger(t)
	b := l.branch()
	sec, secretary := officerID("branch-secretary"), orgv1.Role_ROLE_SECRETARY
	rotate := &identityv1.MsgRotateMemberKey{MemberId: sec, NewPubKey: pubOf("branch-secretary-new")}
	checkErr(t, l.keeper.RotateMemberKey(l.context(b, "branch-officer"), rotate), identity.ErrMemberHoldsRoles, code{"identity", 12})
	checkErr(t, l.org.RevokeRole(l.context(b, "root-secretary"), &orgv1.MsgRevokeRole{OrgId: branchID, Role: secretary, MemberId: sec}), nil, code{})
	l.checkSecretary(b, map[string]bool{})
	checkErr(t, l.keeper.RotateMemberKey(l.context(b, "branch-officer"), rotate), nil, code{})
	checkErr(t, l.org.GrantRole(l.context(b, "root-secretary"), &orgv1.MsgGrantRole{OrgId: branchID, Role: secretary, MemberId: sec}), nil, code{})
	l.checkSecretary(b, map[string]bool{"branch-secretary-new": true})
	if got := l.keyOwner(b, "branch-secretary"); got != 0 {
		t.Errorf("the lost key still speaks for member %d", got)
	}
}
