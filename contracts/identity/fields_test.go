package identity_test

import (
	"reflect"
	"testing"

	"github.com/partychain/partychain/contracts"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
)

// TestRefusalFields: a rotation's refusals carry the signer and the key as
// addresses and an exit's date and kind, so the CLI names them in the
// clerk's terms.
func TestRefusalFields(t *testing.T) {
	l := newLedger(t)
	for _, tc := range []struct {
		name, signer, newKey string
		memberID             uint64
		want                 []contracts.Field
	}{
		{"by nobody", "nobody", "newcomer", 2, []contracts.Field{
			contracts.Address("signer", addrOf("nobody")), contracts.Int("branch", int64(branchID)), contracts.Int("member", 2)}},
		{"of an exited member", "branch-officer", "newcomer", 3, []contracts.Field{
			contracts.Int("member", 3), contracts.Date("exit_date", 20260105), contracts.Enum("exit_kind", "EXIT_KIND_WITHDRAWAL")}},
		{"to another member's key", "branch-officer", "member4-key", 2, []contracts.Field{
			contracts.Address("key", addrOf("member4-key")), contracts.Int("member", 4)}},
		{"to the key it has", "branch-officer", "member2-key", 2, []contracts.Field{
			contracts.Address("key", addrOf("member2-key")), contracts.Int("member", 2)}},
	} {
		err := l.keeper.RotateMemberKey(l.context(l.branch(), tc.signer), &identityv1.MsgRotateMemberKey{MemberId: tc.memberID, NewPubKey: pubOf(tc.newKey)})
		if got := contracts.FieldsOf(err); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, fields %+v, want %+v", tc.name, err, got, tc.want)
		}
	}
}
