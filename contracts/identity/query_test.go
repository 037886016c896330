package identity_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/identity"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
)

func TestQueries(t *testing.T) {
	l := newLedger(t)
	r := l.store.Committed()

	id := l.identity(r, 2)
	if id.MemberId != 2 || !bytes.Equal(id.Commitment, commitmentOf("2")) || id.BirthYear != 1990 ||
		!bytes.Equal(id.PubKey, pubOf("member2-key")) || id.RegisteredHeight != 1 {
		t.Errorf("/identity/2 = %+v", id)
	}
	c2 := commitmentOf("2")
	for _, h := range []string{hex.EncodeToString(c2), strings.ToUpper(hex.EncodeToString(c2))} {
		m, err := l.query(r, "/identity/commitment/"+h)
		if err != nil {
			t.Fatal(err)
		}
		if o := m.(*identityv1.CommitmentOwner); o.MemberId != 2 || !bytes.Equal(o.Commitment, c2) {
			t.Errorf("commitment owner %+v", o)
		}
	}
	m, err := l.query(r, fmt.Sprintf("/identity/key/%X", addrOf("member4-key")))
	if err != nil {
		t.Fatal(err)
	}
	if o := m.(*identityv1.CommitmentOwner); o.MemberId != 4 || !bytes.Equal(o.Commitment, commitmentOf("4")) {
		t.Errorf("key owner %+v", o)
	}

	bad := []struct {
		path     string
		want     *contracts.Error
		wantCode code
	}{
		{"/identity", contracts.ErrUnknownQuery, code{"query", 2}},
		{"/identity/2/history", contracts.ErrUnknownQuery, code{"query", 2}},
		{"/identity/commitment", contracts.ErrBadQuery, code{"query", 3}},
		{"/identity/0", contracts.ErrBadQuery, code{"query", 3}},
		{"/identity/abc", contracts.ErrBadQuery, code{"query", 3}},
		{"/identity/commitment/zz", contracts.ErrBadQuery, code{"query", 3}},
		{"/identity/commitment/" + hex.EncodeToString(c2[:31]), contracts.ErrBadQuery, code{"query", 3}},
		{"/identity/key/" + hex.EncodeToString(c2), contracts.ErrBadQuery, code{"query", 3}},
		{"/identity/5", identity.ErrIdentityNotFound, code{"identity", 7}},
		{"/identity/commitment/" + hex.EncodeToString(commitmentOf("nobody")), identity.ErrIdentityNotFound, code{"identity", 7}},
		{fmt.Sprintf("/identity/key/%X", addrOf("retired-key")), identity.ErrIdentityNotFound, code{"identity", 7}},
	}
	for _, tc := range bad {
		t.Run(tc.path, func(t *testing.T) {
			m, err := l.query(r, tc.path)
			checkErr(t, err, tc.want, tc.wantCode)
			if m != nil {
				t.Errorf("answer %v with an error", m)
			}
		})
	}
}

// TestQueryAfterRotation: the old key no longer answers.
func TestQueryAfterRotation(t *testing.T) {
	l := newLedger(t)
	if err := l.keeper.RotateMemberKey(l.context(l.store.Working(), "branch-officer"),
		&identityv1.MsgRotateMemberKey{MemberId: 2, NewPubKey: pubOf("newcomer")}); err != nil {
		t.Fatal(err)
	}
	l.commit()
	r := l.store.Committed()
	_, err := l.query(r, fmt.Sprintf("/identity/key/%X", addrOf("member2-key")))
	checkErr(t, err, identity.ErrIdentityNotFound, code{"identity", 7})
	m, err := l.query(r, fmt.Sprintf("/identity/key/%X", addrOf("newcomer")))
	if err != nil || m.(*identityv1.CommitmentOwner).MemberId != 2 {
		t.Fatalf("new key: %v, %v", m, err)
	}
}
