package app

import (
	"bytes"
	"context"
	"net/url"
	"slices"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/gogoproto/jsonpb"
	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/governance"
	"github.com/partychain/partychain/state"
)

// jsonMarshaler writes proto3 JSON with field names as in the .proto files
// and zero values shown, so explorers see every field.
var jsonMarshaler = jsonpb.Marshaler{OrigName: true, EmitDefaults: true}

// MaxQueryPathBytes bounds a query's path, query string included: the
// longest path a handler answers (a cursor of a deep list) is a few hundred
// bytes.
const MaxQueryPathBytes = 1024

// Query answers paths like /org/{id} or /account/{address} from the last
// committed state, as proto3 JSON, with the height it was read at. A path
// is echoed in key (cut to contracts.MaxEchoBytes if it is over
// MaxQueryPathBytes) and in an error's log at most that much at a time, so
// an answer's size does not grow with the path's.
func (a *App) Query(_ context.Context, req *abci.RequestQuery) (*abci.ResponseQuery, error) {
	// One snapshot: the answer is read at exactly the height it states,
	// whatever Commits happen meanwhile.
	r, height, release, err := a.store.Snapshot()
	if err != nil {
		return nil, err
	}
	defer release()
	resp := &abci.ResponseQuery{Key: []byte(req.Path), Height: height}
	if len(req.Path) > MaxQueryPathBytes {
		resp.Key = []byte(contracts.Echo(req.Path))
	}
	var value []byte
	switch {
	case strings.HasPrefix(req.Path, "/proof/") && len(req.Path) <= MaxQueryPathBytes:
		err = a.queryProof(req, strings.Split(req.Path[1:], "/"), height, resp)
		value = resp.Value
	case req.Path == "/chain/valset-changes":
		err = a.queryValsetChanges(resp)
		value = resp.Value
	default:
		value, err = a.query(req, r, height)
		if err == nil && req.Prove {
			resp.ProofOps, err = a.recordProof(r, req.Path)
		}
	}
	if err != nil {
		if _, ok := contracts.AsError(err); !ok {
			a.logger.Error("query failed", "path", contracts.Echo(req.Path), "err", err)
		}
		resp.Codespace, resp.Code, resp.Log = abciError(err)
		resp.Info = errorInfo(err)
		return resp, nil
	}
	resp.Value = value
	return resp, nil
}

func (a *App) query(req *abci.RequestQuery, r state.Reader, height int64) ([]byte, error) {
	if n := len(req.Path); n > MaxQueryPathBytes {
		return nil, contracts.ErrBadQuery.Wrapf("path %q is %d bytes, at most %d", contracts.Echo(req.Path), n, MaxQueryPathBytes)
	}
	if strings.HasPrefix(req.Path, "/p2p/filter/") {
		return nil, a.filterPeer(strings.TrimPrefix(req.Path, "/p2p/filter/"), r, height)
	}
	if height == 0 {
		return nil, contracts.ErrHeightUnavailable.Wrap("no block is committed yet: genesis state is readable from height 1")
	}
	if req.Height != 0 && req.Height != height {
		return nil, contracts.ErrHeightUnavailable.Wrapf("asked for %d; only the latest height %d is served", req.Height, height)
	}
	u, err := url.Parse(req.Path)
	if err == nil && u.Host != "" { // "//org/1" parses as a host
		u.Path = "//" + u.Host + u.Path
	}
	if err != nil || u.Scheme != "" || !strings.HasPrefix(u.Path, "/") {
		return nil, contracts.ErrBadQuery.Wrapf("path %q: want /ledger/... like /org/1", contracts.Echo(req.Path))
	}
	segs := strings.Split(u.Path[1:], "/")
	if slices.Contains(segs, "") {
		return nil, contracts.ErrBadQuery.Wrapf("path %q has an empty segment (a trailing or doubled slash): write it like /org/1", contracts.Echo(u.Path))
	}
	handler, ok := a.queries[segs[0]]
	if !ok {
		return nil, contracts.ErrUnknownQuery.Wrapf("%q", contracts.Echo(u.Path))
	}
	msg, err := handler(r, segs[1:], u.Query())
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := jsonMarshaler.Marshal(&buf, msg); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// filterPeer answers CometBFT's peer filter (config filter_peers = true):
// a node id is admitted only if governance's registry holds it; addresses
// are not filtered. Before the first commit the registry is the staged
// genesis, so a new network can connect to make its first block. The
// registry is read from r, the state at height.
func (a *App) filterPeer(what string, r state.Reader, height int64) error {
	kind, value, _ := strings.Cut(what, "/")
	switch kind {
	case "addr":
		return nil
	case "id":
		var ok bool
		if height == 0 {
			if id, err := governance.ParseNodeID(value); err == nil {
				a.genesisMu.RLock()
				ok = a.genesisNodes[string(id)]
				a.genesisMu.RUnlock()
			}
		} else {
			var err error
			if ok, err = a.gov.Admitted(r, value); err != nil {
				return err
			}
		}
		if !ok {
			return governance.ErrNodeNotAdmitted.Wrapf("node %s is not in the consortium's registry", contracts.Echo(value))
		}
		return nil
	}
	return contracts.ErrUnknownQuery.Wrapf("/p2p/filter/%s", contracts.Echo(what))
}

// AdmitPeer answers the peer filter for a node id against the last
// committed registry: nil if the node is admitted.
func (a *App) AdmitPeer(id string) error {
	r, height, release, err := a.store.Snapshot()
	if err != nil {
		return err
	}
	defer release()
	return a.filterPeer("id/"+id, r, height)
}

// queryChain answers /chain/clock: the last block's height, time and date.
func queryChain(r state.Reader, path []string, _ url.Values) (proto.Message, error) {
	if len(path) != 1 || path[0] != "clock" {
		return nil, contracts.ErrUnknownQuery.Wrap("want /chain/clock")
	}
	return contracts.LoadClock(r)
}
