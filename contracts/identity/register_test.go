package identity_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/identity"
)

func TestRegister(t *testing.T) {
	l := newLedger(t)
	fresh := commitmentOf("fresh")
	cases := []struct {
		name       string
		memberID   uint64
		commitment []byte
		birthYear  uint32
		key        string // holder of the member's own key; "" for none
		rawKey     []byte // a malformed key, used instead of key
		want       *contracts.Error
		wantCode   code
		wantInLog  string
	}{
		{"without a key", 10, fresh, 1990, "", nil, nil, code{}, ""},
		{"with a new key", 10, fresh, 1990, "newcomer", nil, nil, code{}, ""},
		{"with a retired key, which keeps its account", 10, fresh, 1990, "retired-key", nil, nil, code{}, ""},
		{"with an officer's key", 10, fresh, 1990, "branch-officer", nil, identity.ErrKeyInUse, code{"identity", 6}, "member 13"},
		{"key of an exited member", 10, fresh, 1990, "member3-key", nil, identity.ErrKeyInUse, code{"identity", 6}, "member 3"},
		{"born in 1900", 10, fresh, 1900, "", nil, nil, code{}, ""},
		{"born in 2999", 10, fresh, 2999, "", nil, nil, code{}, ""},

		{"member id 0", 0, fresh, 1990, "", nil, identity.ErrInvalidMemberID, code{"identity", 10}, ""},
		{"an ID number where the commitment belongs", 10, []byte("000000199005170000"), 1990, "", nil, identity.ErrInvalidCommitment, code{"identity", 3}, "18 bytes"},
		{"a hex string where the commitment belongs", 10, []byte(strings.Repeat("ab", 32)), 1990, "", nil, identity.ErrInvalidCommitment, code{"identity", 3}, "64 bytes"},
		{"31-byte commitment", 10, fresh[:31], 1990, "", nil, identity.ErrInvalidCommitment, code{"identity", 3}, "31 bytes"},
		{"no commitment", 10, nil, 1990, "", nil, identity.ErrInvalidCommitment, code{"identity", 3}, "0 bytes"},
		{"all-zero commitment", 10, make([]byte, 32), 1990, "", nil, identity.ErrInvalidCommitment, code{"identity", 3}, "all zeros"},
		{"born in 1899", 10, fresh, 1899, "", nil, identity.ErrInvalidBirthYear, code{"identity", 4}, "1899"},
		{"born in 3000", 10, fresh, 3000, "", nil, identity.ErrInvalidBirthYear, code{"identity", 4}, "3000"},
		{"no birth year", 10, fresh, 0, "", nil, identity.ErrInvalidBirthYear, code{"identity", 4}, ""},
		{"31-byte key", 10, fresh, 1990, "", make([]byte, 31), identity.ErrInvalidPubKey, code{"identity", 5}, "31 bytes"},
		{"a 20-byte address for a key", 10, fresh, 1990, "", addrOf("newcomer"), identity.ErrInvalidPubKey, code{"identity", 5}, "20 bytes"},
		{"duplicate commitment", 10, commitmentOf("2"), 1990, "", nil, identity.ErrDuplicateCommitment, code{"identity", 2}, "member 2"},
		{"duplicate commitment of an exited member", 10, commitmentOf("3"), 1990, "", nil, identity.ErrDuplicateCommitment, code{"identity", 2}, "member 3"},
		{"key of another member", 10, fresh, 1990, "member2-key", nil, identity.ErrKeyInUse, code{"identity", 6}, "member 2"},
		{"member already registered", 2, fresh, 1990, "", nil, identity.ErrIdentityExists, code{"identity", 11}, "member 2"},
		{"member already registered, same commitment", 2, commitmentOf("2"), 1990, "", nil, identity.ErrIdentityExists, code{"identity", 11}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pk := tc.rawKey
			if tc.key != "" {
				pk = pubOf(tc.key)
			}
			b := l.branch()
			err := l.keeper.Register(b, l.height, tc.memberID, tc.commitment, tc.birthYear, pk)
			checkErr(t, err, tc.want, tc.wantCode)
			if tc.want != nil {
				if !strings.Contains(err.Error(), tc.wantInLog) {
					t.Errorf("log %q does not say %q", err, tc.wantInLog)
				}
				if b.Len() != 0 {
					t.Errorf("rejected Register wrote %d keys", b.Len())
				}
				return
			}
			id := l.identity(b, tc.memberID)
			if id.MemberId != tc.memberID || !bytes.Equal(id.Commitment, tc.commitment) || id.BirthYear != tc.birthYear ||
				!bytes.Equal(id.PubKey, pk) || id.KeyRotations != 0 || id.RegisteredHeight != l.height {
				t.Errorf("identity %+v", id)
			}
			if owner, found, err := l.keeper.MemberByCommitment(b, tc.commitment); err != nil || !found || owner != tc.memberID {
				t.Errorf("commitment index: member %d, %v, %v", owner, found, err)
			}
			writes := 2 // identity and commitment index
			if tc.key != "" {
				writes++ // key index
				if got := l.keyOwner(b, tc.key); got != tc.memberID {
					t.Errorf("key index: member %d, want %d", got, tc.memberID)
				}
				acc := l.account(b, tc.key)
				wantSeq := uint64(0)
				if tc.key == "retired-key" {
					wantSeq = retiredKeySequence
				} else {
					writes++ // a new account
				}
				if acc == nil || acc.Sequence != wantSeq {
					t.Errorf("account %+v, want sequence %d", acc, wantSeq)
				}
			}
			if b.Len() != writes {
				t.Errorf("Register wrote %d keys, want %d", b.Len(), writes)
			}
		})
	}
}

// TestRegisterSameKeyTwiceInABlock: the second registration in the same
// block sees the first one's index entries.
func TestRegisterSameKeyTwiceInABlock(t *testing.T) {
	l := newLedger(t)
	w := l.store.Working()
	if err := l.keeper.Register(w, l.height, 10, commitmentOf("a"), 1990, pubOf("newcomer")); err != nil {
		t.Fatal(err)
	}
	checkErr(t, l.keeper.Register(w, l.height, 21, commitmentOf("b"), 1990, pubOf("newcomer")), identity.ErrKeyInUse, code{"identity", 6})
	checkErr(t, l.keeper.Register(w, l.height, 21, commitmentOf("a"), 1990, nil), identity.ErrDuplicateCommitment, code{"identity", 2})
	l.commit()
	if got := l.keyOwner(l.store.Committed(), "newcomer"); got != 10 {
		t.Fatalf("committed key index: member %d", got)
	}
}

func TestCheckRegistration(t *testing.T) {
	checkErr(t, identity.CheckRegistration(commitmentOf("x"), 1990, nil), nil, code{})
	checkErr(t, identity.CheckRegistration(commitmentOf("x"), 1990, pubOf("k")), nil, code{})
	checkErr(t, identity.CheckRegistration([]byte("张三"), 1990, nil), identity.ErrInvalidCommitment, code{"identity", 3})
	checkErr(t, identity.CheckRegistration(commitmentOf("x"), 18, nil), identity.ErrInvalidBirthYear, code{"identity", 4})
	checkErr(t, identity.CheckRegistration(commitmentOf("x"), 1990, []byte{1}), identity.ErrInvalidPubKey, code{"identity", 5})
}
