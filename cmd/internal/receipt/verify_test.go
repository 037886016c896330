package receipt

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	cmttypes "github.com/cometbft/cometbft/types"
)

// fourVals is the genesis set of the tests: four validators of power 10.
var fourVals = makeVals("genesis", 10, 10, 10, 10)

func goodChain(t testing.TB) *testChain {
	return makeChain(t, chainSpec{height: 6, sets: []testVals{fourVals}})
}

func TestVerifyGood(t *testing.T) {
	c := goodChain(t)
	v, err := Verify(c.receipt, genesisTrust(t, fourVals))
	if err != nil {
		t.Fatal(err)
	}
	if v.Height != 6 || v.Index != 1 || v.Failed || len(v.Messages) != 1 || v.Messages[0].Action != "member/import" {
		t.Fatalf("verified %+v", v)
	}
	if v.SignedBy != (SignedBy{Validators: 4, ValidatorsTotal: 4, Power: 40, PowerTotal: 40}) {
		t.Fatalf("signed by %+v", v.SignedBy)
	}
	if len(v.Writes) != 2 || v.Writes[0].Record != "member 42" || !strings.Contains(string(v.Writes[0].View), `"branch_id":"5"`) {
		t.Fatalf("writes %+v", v.Writes)
	}
	if len(v.Created) != 1 || v.Created[0] != (CreatedID{Kind: "member", ID: 42}) {
		t.Fatalf("created %+v", v.Created)
	}
	if want := strings.ToUpper(signerKey.PubKey().Address().String()); v.Signer != want {
		t.Fatalf("signer %s, want %s", v.Signer, want)
	}
	// The same receipt with only the hash of the genesis set.
	if _, err := Verify(c.receipt, TrustValidatorsHash(fourVals.set.Hash())); err != nil {
		t.Fatalf("by hash: %v", err)
	}
}

// A chain whose validators changed twice, the second time to a set with no
// validator of the genesis one, verifies from the genesis through the trust
// light blocks, and from the hash of any set on the way.
func TestVerifyAcrossValidatorChanges(t *testing.T) {
	b := makeVals("second", 10, 10, 10, 20)
	cset := makeVals("third", 7, 7, 7)
	// b shares nothing with fourVals either: the u+1, u+2 pairs carry trust.
	c := makeChain(t, chainSpec{height: 9, sets: []testVals{fourVals, b, cset}, changes: map[int64]int{2: 1, 5: 2}})
	r := c.receipt
	if len(r.Trust) != 4 {
		t.Fatalf("%d trust light blocks, want 4", len(r.Trust))
	}
	v, err := Verify(r, genesisTrust(t, fourVals))
	if err != nil {
		t.Fatal(err)
	}
	if v.SignedBy != (SignedBy{Validators: 3, ValidatorsTotal: 3, Power: 21, PowerTotal: 21}) {
		t.Fatalf("signed by %+v", v.SignedBy)
	}
	for _, set := range []testVals{fourVals, b, cset} {
		if _, err := Verify(r, TrustValidatorsHash(set.set.Hash())); err != nil {
			t.Fatalf("trusting %X: %v", set.set.Hash(), err)
		}
	}
	// Without the light blocks of the changes, nothing links the genesis
	// set to the third.
	r.Trust = nil
	wantErr(t, r, genesisTrust(t, fourVals), "trust: header 9: not signed by the trusted validator set")
	// Without the second change's pair: the second set signed too little of 9.
	c = makeChain(t, chainSpec{height: 9, sets: []testVals{fourVals, b, cset}, changes: map[int64]int{2: 1, 5: 2}})
	c.receipt.Trust = c.receipt.Trust[:2]
	wantErr(t, c.receipt, genesisTrust(t, fourVals), "trust: header 9: signed by validator set")
	wantErr(t, c.receipt, genesisTrust(t, fourVals), "a validator-set change between them is missing from the receipt")
}

// Two of the four genesis validators (half the power: more than the light
// client's 1/3 for skipping) sign a block as a made-up set of their own.
// A light client with a trusting period and witnesses might take that
// header; a receipt checked offline must not: the made-up set was never
// named by a header the trusted set signed.
func TestVerifyRefusesAForgeByAThirdOfTheGenesis(t *testing.T) {
	two := makeVals("genesis", 10, 10) // the keys of two of fourVals' validators
	c := makeChain(t, chainSpec{height: 6, sets: []testVals{fourVals}, otherSets: map[int64]testVals{6: two, 7: two}})
	if got := two.set.Validators[0].PubKey.Bytes(); !bytes.Equal(got, fourVals.set.Validators[0].PubKey.Bytes()) &&
		!bytes.Equal(got, fourVals.set.Validators[1].PubKey.Bytes()) && !bytes.Equal(got, fourVals.set.Validators[2].PubKey.Bytes()) &&
		!bytes.Equal(got, fourVals.set.Validators[3].PubKey.Bytes()) {
		t.Fatal("the forging set is not made of genesis keys")
	}
	wantErr(t, c.receipt, genesisTrust(t, fourVals), "trust: header 6: not signed by the trusted validator set")
}

// Changes next to each other and next to the tx's block, each to a set
// that shares no validator with the one before: the trust light blocks
// (each height once) still carry the trust.
func TestVerifyChangesBackToBack(t *testing.T) {
	sets := []testVals{fourVals, makeVals("s1", 10, 10, 10, 20), makeVals("s2", 7, 7, 7), makeVals("s3", 5, 5, 5, 5, 5), makeVals("s4", 9)}
	for _, tc := range []struct {
		name    string
		changes map[int64]int
		trust   []int64
	}{
		{"at u and u+1", map[int64]int{2: 1, 3: 2}, []int64{3, 4, 5}},
		{"at h-2", map[int64]int{7: 1}, []int64{8}},
		{"at h-1", map[int64]int{8: 1}, nil},
		{"at h-3, h-2 and h-1", map[int64]int{6: 1, 7: 2, 8: 3}, []int64{7, 8}},
		{"at every height", map[int64]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 1, 6: 2, 7: 3, 8: 4}, []int64{2, 3, 4, 5, 6, 7, 8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := makeChain(t, chainSpec{height: 9, sets: sets, changes: tc.changes}).receipt
			var got []int64
			for _, lb := range r.Trust {
				got = append(got, lb.Header.Height)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.trust) {
				t.Fatalf("trust heights %v, want %v", got, tc.trust)
			}
			if _, err := Verify(r, genesisTrust(t, fourVals)); err != nil {
				t.Fatal(err)
			}
			if len(r.Trust) > 0 { // and none of them can be left out
				r.Trust = r.Trust[:len(r.Trust)-1]
				if _, err := Verify(r, genesisTrust(t, fourVals)); err == nil {
					t.Fatal("verified without the last trust light block")
				}
			}
		})
	}
}

func wantErr(t *testing.T, r *Receipt, tr Trust, want string) {
	t.Helper()
	v, err := Verify(r, tr)
	if err == nil {
		t.Fatalf("accepted (%+v), want %q", v, want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q, want %q", err, want)
	}
}

func TestVerifyRefuses(t *testing.T) {
	intruder := makeVals("intruder", 10, 10, 10, 10)
	for _, tc := range []struct {
		name   string
		spec   chainSpec
		change func(r *Receipt, other *Receipt)
		trust  func(t *testing.T) Trust
		want   string
	}{
		{name: "header signed by another validator set", spec: chainSpec{otherSets: map[int64]testVals{6: intruder}},
			want: "trust: header 6: not signed by the trusted validator set"},
		{name: "another genesis", trust: func(t *testing.T) Trust { return genesisTrust(t, intruder) },
			want: "trust: header 6: not signed by the trusted validator set"},
		{name: "another validators hash", trust: func(*testing.T) Trust { return TrustValidatorsHash(intruder.set.Hash()) },
			want: "trust: header 6: signed by validator set"},
		{name: "another chain id", trust: func(t *testing.T) Trust { tr := genesisTrust(t, fourVals); tr.ChainID = "other"; return tr },
			want: "chain id: "},
		{name: "commit under 2/3 of the power", spec: chainSpec{signers: 2},
			want: "block 6: commit: "},
		{name: "result proof from another height", change: func(r, o *Receipt) { r.Result = o.Result },
			want: "result: against block 7's last results hash"},
		{name: "write proofs from another height", change: func(r, o *Receipt) { r.Writes = o.Writes },
			want: "writes: app hash step from block 6's app hash"},
		{name: "a write left out", change: func(r, o *Receipt) { r.Writes = r.Writes[1:] },
			want: "writes: the 1 keys listed are not the keys the tx wrote"},
		{name: "another write of the block passed off as the tx's", change: func(r, o *Receipt) { r.Writes = append(r.Writes, r.Writes[0]); r.Writes[0].Key = []byte{0x01, 0x05} },
			want: "writes: the 3 keys listed are not the keys the tx wrote"},
		{name: "a write's value changed", change: func(r, o *Receipt) { r.Writes[1].Value = []byte("x") },
			want: "write 1: a deletion with a value"},
		{name: "a write's proof from another tree", change: func(r, o *Receipt) { r.Writes[1] = o.Writes[1] },
			want: "write 1: not in the write set of write 0"},
		{name: "next block from another height", change: func(r, o *Receipt) { r.Next = o.Next },
			want: "next block: header of height 8, want 7"},
		{name: "tx from another block", change: func(r, o *Receipt) {
			r.Tx.Proof = Proof{Total: 3, Index: 1, Aunts: [][]byte{make([]byte, 32), make([]byte, 32)}}
		},
			want: "tx inclusion: against block 6's data hash"},
		{name: "index other than the proofs'", change: func(r, o *Receipt) { r.Index = 2 },
			want: "tx inclusion: the proof is for index 1, the receipt's index is 2"},
		{name: "result total other than the block's", change: func(r, o *Receipt) { r.Result.Proof.Total = 4 },
			want: "result: the proof is among 4 results, the block has 3 txs"},
		{name: "trust heights not ascending", change: func(r, o *Receipt) { r.Trust = []LightBlock{r.Block} },
			want: "trust: header 6 (light block 0): heights must ascend"},
		{name: "validators out of order", change: func(r, o *Receipt) {
			v := r.Block.Validators
			v[0], v[1] = v[1], v[0]
		}, want: "block 6: validators: not in the set's order"},
		{name: "a signature removed", change: func(r, o *Receipt) { r.Block.Commit.Signatures[3] = cmttypes.NewCommitSigAbsent() },
			want: ""}, // 3 of 4 is over 2/3: still proven, and counted
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.spec
			spec.height, spec.sets = 6, []testVals{fourVals}
			r := makeChain(t, spec).receipt
			other := makeChain(t, chainSpec{height: 7, sets: []testVals{fourVals}}).receipt
			if tc.change != nil {
				tc.change(r, other)
			}
			tr := genesisTrust(t, fourVals)
			if tc.trust != nil {
				tr = tc.trust(t)
			}
			if tc.want == "" {
				if _, err := Verify(r, tr); err != nil {
					t.Fatal(err)
				}
				return
			}
			wantErr(t, r, tr, tc.want)
		})
	}
}

// A tx that failed in its block verifies, and says it failed, with its
// codespace and code and no writes.
func TestVerifyFailedTx(t *testing.T) {
	c := makeChain(t, chainSpec{height: 6, sets: []testVals{fourVals}, failed: true})
	v, err := Verify(c.receipt, genesisTrust(t, fourVals))
	if err != nil {
		t.Fatal(err)
	}
	if !v.Failed || v.Code != 5 || v.Codespace != "member" || len(v.Writes) != 0 || len(v.Created) != 0 {
		t.Fatalf("verified %+v", v)
	}
}
