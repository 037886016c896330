package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cosmos/gogoproto/jsonpb"
	"github.com/cosmos/gogoproto/proto"

	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
	"github.com/partychain/partychain/state"
)

const testChainID = "partychain-test"

// genesisTime is the fixed genesis time of the test chain; block h is at
// genesisTime + h seconds.
var genesisTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func key(name string) ed25519.PrivKey { return ed25519.GenPrivKeyFromSecret([]byte(name)) }

var rootSecretary = key("root-secretary")

// genesisMember is a full member of the office branch whose own key is k,
// with a commitment that stands for their card.
func genesisMember(k ed25519.PrivKey) *memberv1.GenesisMember {
	c := sha256.Sum256(append([]byte("test member "), k.PubKey().Bytes()...))
	return &memberv1.GenesisMember{BranchId: OfficeBranchID, Stage: memberv1.Stage_STAGE_FULL, AdmissionDate: 20000701,
		FullDate: 20010701, BirthYear: 1970, Commitment: c[:], PubKey: k.PubKey().Bytes()}
}

// testGenesis is the default genesis with rootSecretary as member 1.
func testGenesis(rootName string) *Genesis {
	return DefaultGenesis(rootName, genesisMember(rootSecretary))
}

// officeLast moves the office branch of a test genesis after the
// organizations a test appended, which are written with the ids 2, 3, ...
// (as if the office branch were not there); its members follow it.
// Organizations created by txs come after all of them.
func officeLast(g *Genesis) {
	orgs := g.Org.Orgs
	if len(orgs) < 3 || orgs[1].Id != OfficeBranchID || orgs[1].Name != OfficeBranchName {
		return
	}
	office := orgs[1]
	rest := append([]orgv1.GenesisOrg{orgs[0]}, orgs[2:]...)
	office.Id = uint64(len(orgs))
	g.Org.Orgs = append(rest, office)
	for i := range g.Member.Members {
		g.Member.Members[i].BranchId = office.Id
	}
}

// memberOf makes k a genesis member of the office branch if it is not one
// yet, and returns its member id: roles go to members.
func memberOf(g *Genesis, k ed25519.PrivKey) uint64 {
	for _, m := range g.Member.Members {
		if bytes.Equal(m.PubKey, k.PubKey().Bytes()) {
			return m.Id
		}
	}
	m := genesisMember(k)
	m.Id = uint64(len(g.Member.Members) + 1)
	g.Member.Members = append(g.Member.Members, *m)
	return m.Id
}

// addOfficer grants k's member (memberOf) role at orgID in the genesis.
func addOfficer(g *Genesis, orgID uint64, role orgv1.Role, k ed25519.PrivKey) uint64 {
	id := memberOf(g, k)
	g.Org.Officers = append(g.Org.Officers, orgv1.GenesisOfficer{OrgId: orgID, Role: role, MemberId: id})
	return id
}

// testApp is an App over an in-memory store with a root committee whose
// secretary is rootSecretary.
type testApp struct {
	*App
	t      testing.TB
	height int64
}

func newTestApp(t testing.TB) *testApp {
	t.Helper()
	return newTestAppWith(t, testGenesis("Test Committee"))
}

// newTestAppWith is newTestApp over a given genesis.
func newTestAppWith(t testing.TB, g *Genesis) *testApp {
	t.Helper()
	store, err := state.OpenInMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	ta := &testApp{App: New(store, testChainID, nil), t: t}
	ta.initChain(g)
	return ta
}

func (ta *testApp) initChain(g *Genesis) []byte {
	ta.t.Helper()
	officeLast(g)
	bz, err := json.Marshal(g)
	if err != nil {
		ta.t.Fatal(err)
	}
	resp, err := ta.InitChain(context.Background(), &abci.RequestInitChain{
		ChainId: testChainID, Time: genesisTime, InitialHeight: 1, AppStateBytes: bz,
	})
	if err != nil {
		ta.t.Fatal(err)
	}
	return resp.AppHash
}

// block finalizes and commits the next height with txs.
func (ta *testApp) block(txs ...[]byte) *abci.ResponseFinalizeBlock {
	ta.t.Helper()
	ta.height++
	resp, err := ta.FinalizeBlock(context.Background(), &abci.RequestFinalizeBlock{
		Height: ta.height, Time: genesisTime.Add(time.Duration(ta.height) * time.Second), Txs: txs,
	})
	if err != nil {
		ta.t.Fatal(err)
	}
	if _, err := ta.Commit(context.Background(), &abci.RequestCommit{}); err != nil {
		ta.t.Fatal(err)
	}
	return resp
}

// mustDeliver runs one block of txs and fails the test if any tx failed.
func (ta *testApp) mustDeliver(txs ...[]byte) {
	ta.t.Helper()
	for i, r := range ta.block(txs...).TxResults {
		if r.Code != 0 {
			ta.t.Fatalf("tx %d: %s/%d %s", i, r.Codespace, r.Code, r.Log)
		}
	}
}

func (ta *testApp) checkTx(tx []byte) *abci.ResponseCheckTx {
	ta.t.Helper()
	resp, err := ta.CheckTx(context.Background(), &abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
	if err != nil {
		ta.t.Fatal(err)
	}
	return resp
}

func (ta *testApp) query(path string) *abci.ResponseQuery {
	ta.t.Helper()
	resp, err := ta.Query(context.Background(), &abci.RequestQuery{Path: path})
	if err != nil {
		ta.t.Fatal(err)
	}
	return resp
}

// body builds a tx body for signer with messages.
func body(signer ed25519.PrivKey, seq uint64, msgs ...any) *txv1.TxBody {
	b := &txv1.TxBody{ChainId: testChainID, Signer: signer.PubKey().Bytes(), Sequence: seq}
	for _, m := range msgs {
		w, err := WrapMsg(m)
		if err != nil {
			panic(err)
		}
		b.Messages = append(b.Messages, w)
	}
	return b
}

func sign(t testing.TB, priv ed25519.PrivKey, b *txv1.TxBody) []byte {
	t.Helper()
	tx, err := EncodeTx(b, func(sb []byte) ([]byte, error) { return priv.Sign(sb) })
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func signedTx(t testing.TB, priv ed25519.PrivKey, seq uint64, msgs ...any) []byte {
	t.Helper()
	return sign(t, priv, body(priv, seq, msgs...))
}

func createOrg(parent uint64, kind orgv1.OrgKind, name string) *orgv1.MsgCreateOrg {
	return &orgv1.MsgCreateOrg{ParentId: parent, Kind: kind, Name: name}
}

// jsonUnmarshal reads a query's proto3 JSON answer into a message.
func jsonUnmarshal(bz []byte, m proto.Message) error {
	return jsonpb.Unmarshal(bytes.NewReader(bz), m)
}
