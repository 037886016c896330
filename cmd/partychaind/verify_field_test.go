package main

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/p2p"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	rpctypes "github.com/cometbft/cometbft/rpc/jsonrpc/types"
	"github.com/cosmos/gogoproto/jsonpb"

	"github.com/partychain/partychain/cmd/internal/card"
	identityv1 "github.com/partychain/partychain/proto/partychain/identity/v1"
)

// fakeNode answers the two RPC calls verify-field makes: status (the chain
// id) and abci_query for /identity/{id}, from a fixed identity record.
type fakeNode struct {
	chainID  string
	identity *identityv1.Identity // nil: the app answers identity/7
	height   int64
}

func (n *fakeNode) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req rpctypes.RPCRequest
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var result any
	switch req.Method {
	case "status":
		result = &coretypes.ResultStatus{NodeInfo: p2p.DefaultNodeInfo{Network: n.chainID}}
	case "abci_query":
		var p struct{ Path string }
		_ = json.Unmarshal(req.Params, &p)
		resp := abci.ResponseQuery{Height: n.height}
		if n.identity == nil || !strings.HasPrefix(p.Path, "/identity/") {
			resp.Codespace, resp.Code, resp.Log = "identity", 7, "member: identity not found"
		} else {
			var buf bytes.Buffer
			_ = (&jsonpb.Marshaler{OrigName: true, EmitDefaults: true}).Marshal(&buf, n.identity)
			resp.Value = buf.Bytes()
		}
		result = &coretypes.ResultABCIQuery{Response: resp}
	default:
		http.Error(w, "unexpected method "+req.Method, http.StatusBadRequest)
		return
	}
	_ = json.NewEncoder(w).Encode(rpctypes.NewRPCSuccessResponse(req.ID, result))
}

// runVerify runs `partychaind verify-field` against node and returns its
// output and error.
func runVerify(t *testing.T, node *fakeNode, args ...string) (string, error) {
	t.Helper()
	srv := httptest.NewServer(node)
	t.Cleanup(srv.Close)
	root := newRootCmd()
	if c, _, err := root.Find([]string{"verify-field"}); err != nil || c == root {
		root.AddCommand(newVerifyFieldCmd())
	}
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(io.Discard)
	root.SetArgs(append([]string{"verify-field", "--node", srv.URL}, args...))
	err := root.Execute()
	return out.String(), err
}

// writeCard writes a card for member memberID (0: registration unfinished).
func writeCard(t *testing.T, memberID uint64) (string, *card.Card) {
	t.Helper()
	c, err := card.New("partychain-test", 4, 1990, [][2]string{
		{"name", "张三"}, {"id_number", "000000199005170000"}, {"birth_date", "1990-05-17"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.MemberID = memberID
	path := filepath.Join(t.TempDir(), "member.card")
	if err := c.Write(path); err != nil {
		t.Fatal(err)
	}
	return path, c
}

func TestVerifyFieldMatches(t *testing.T) {
	path, c := writeCard(t, 12)
	node := &fakeNode{chainID: "partychain-test", height: 40,
		identity: &identityv1.Identity{MemberId: 12, Commitment: c.Commitment(), BirthYear: 1990}}

	out, err := runVerify(t, node, path, "id_number")
	if err != nil {
		t.Fatal(err)
	}
	if want := "field \"id_number\" of member 12 matches the commitment on chain (height 40)\n"; out != want {
		t.Fatalf("output %q, want %q", out, want)
	}

	out, err = runVerify(t, node, path, "name", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var got fieldCheck
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := fieldCheck{MemberID: 12, Field: "name", Value: "张三", Matches: true, Height: 40,
		Commitment: hex.EncodeToString(c.Commitment())}
	if got != want {
		t.Fatalf("json %+v, want %+v", got, want)
	}
}

func TestVerifyFieldRefuses(t *testing.T) {
	path, c := writeCard(t, 12)
	other := bytes.Clone(c.Commitment())
	other[0] ^= 1
	unfinished, _ := writeCard(t, 0)
	ok := &identityv1.Identity{MemberId: 12, Commitment: c.Commitment()}
	cases := []struct {
		name   string
		node   *fakeNode
		args   []string
		substr string
	}{
		{"another commitment on chain", &fakeNode{chainID: "partychain-test", height: 40,
			identity: &identityv1.Identity{MemberId: 12, Commitment: other}}, []string{path, "name"}, "is not the chain's"},
		{"no identity on chain", &fakeNode{chainID: "partychain-test", height: 40}, []string{path, "name"}, "identity not found"},
		{"another chain", &fakeNode{chainID: "partychain-main", identity: ok}, []string{path, "name"}, `card of chain "partychain-test"`},
		{"no member id", &fakeNode{chainID: "partychain-test", identity: ok}, []string{unfinished, "name"},
			"the card has no member id: the registration did not complete"},
		{"no such field", &fakeNode{chainID: "partychain-test", identity: ok}, []string{path, "nickname"}, `no field "nickname"`},
		{"no card", &fakeNode{chainID: "partychain-test", identity: ok}, []string{path + ".missing", "name"}, "no such file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runVerify(t, tc.node, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.substr) {
				t.Fatalf("error %v, want one containing %q", err, tc.substr)
			}
		})
	}
	t.Run("json says it does not match", func(t *testing.T) {
		node := &fakeNode{chainID: "partychain-test", height: 41, identity: &identityv1.Identity{MemberId: 12, Commitment: other}}
		out, err := runVerify(t, node, path, "name", "-o", "json")
		if err == nil {
			t.Fatal("no error")
		}
		var got fieldCheck
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if got.Matches || got.Height != 41 || got.Commitment != hex.EncodeToString(other) || got.Reason == "" {
			t.Fatalf("json %+v", got)
		}
	})
}
