// Package client is what the CLI needs of a running node: ABCI queries
// decoded from proto3 JSON, the next sequence of an account, and
// broadcasting a tx then waiting for the block that holds it. It talks to
// the node's RPC only.
package client

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/cosmos/gogoproto/jsonpb"
	"github.com/cosmos/gogoproto/proto"

	"github.com/partychain/partychain/cmd/internal/errtrans"
	"github.com/partychain/partychain/contracts"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	proofv1 "github.com/partychain/partychain/proto/partychain/proof/v1"
)

// Client talks to one node's RPC.
type Client struct {
	rpc  *rpchttp.HTTP
	node string
}

// New returns a client for the RPC at node ("tcp://127.0.0.1:26657").
func New(node string) (*Client, error) {
	rpc, err := rpchttp.New(node, "/websocket")
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", node, err)
	}
	return &Client{rpc: rpc, node: node}, nil
}

// RPC is the node's CometBFT RPC client, for what this package does not
// wrap (receipt.Build).
func (c *Client) RPC() *rpchttp.HTTP { return c.rpc }

// Node is the RPC address the client talks to.
func (c *Client) Node() string { return c.node }

// QueryError is a query the app answered with an error code.
type QueryError struct {
	Path      string
	Codespace string
	Code      uint32
	Log       string
	Info      string // the refusal's typed fields and template, if any
}

// Has reports whether the answer carries the registered error e.
func (e *QueryError) Has(target *contracts.Error) bool {
	return e.Codespace == target.Codespace && e.Code == target.Code
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("query %s: %s", e.Path, errtrans.Message(e.Codespace, e.Code, e.Log, e.Info, nil))
}

// Query runs an ABCI query and returns its JSON value and height.
func (c *Client) Query(ctx context.Context, path string) ([]byte, int64, error) {
	res, err := c.rpc.ABCIQuery(ctx, path, nil)
	if err != nil {
		return nil, 0, c.unreachable(err)
	}
	r := res.Response
	if r.Code != 0 {
		return nil, r.Height, &QueryError{Path: path, Codespace: r.Codespace, Code: r.Code, Log: r.Log, Info: r.Info}
	}
	return r.Value, r.Height, nil
}

// QueryInto runs a query and decodes the answer into m.
func (c *Client) QueryInto(ctx context.Context, path string, m proto.Message) (int64, error) {
	value, height, err := c.Query(ctx, path)
	if err != nil {
		return height, err
	}
	if err := jsonpb.Unmarshal(bytes.NewReader(value), m); err != nil {
		return height, fmt.Errorf("decode answer of %s: %w", path, err)
	}
	return height, nil
}

// ChainID asks the node which chain it runs.
func (c *Client) ChainID(ctx context.Context) (string, error) {
	st, err := c.rpc.Status(ctx)
	if err != nil {
		return "", c.unreachable(err)
	}
	return st.NodeInfo.Network, nil
}

// NextSequence is the sequence the next tx of addr must carry, as of the
// last committed block.
func (c *Client) NextSequence(ctx context.Context, addr []byte) (uint64, error) {
	var info orgv1.AccountInfo
	_, err := c.QueryInto(ctx, "/account/"+strings.ToUpper(hex.EncodeToString(addr)), &info)
	var qe *QueryError
	if errors.As(err, &qe) && qe.Has(contracts.ErrNotFound) {
		return 0, fmt.Errorf("account %X is not on chain: an officer must grant this key a role first", addr)
	}
	if errors.As(err, &qe) && qe.Has(contracts.ErrHeightUnavailable) {
		return 0, fmt.Errorf("the node has not committed its first block yet; try again in a moment (%s)", qe.Log)
	}
	if err != nil {
		return 0, err
	}
	return info.Account.Sequence, nil
}

// TxResult is the outcome of a broadcast tx.
type TxResult struct {
	Hash      string    `json:"tx_hash"`
	Height    int64     `json:"height"` // 0 if the mempool refused it
	Time      time.Time `json:"block_time,omitzero"`
	Codespace string    `json:"codespace,omitempty"`
	Code      uint32    `json:"code"`
	Log       string    `json:"log,omitempty"`
	// Info holds a refusal's typed fields (contracts.FieldsInfo), if any.
	Info string `json:"info,omitempty"`

	// Receipt is the file the tx's receipt was written to (tx commands
	// with --receipt-out); ReceiptError says why it was not.
	Receipt      string `json:"receipt,omitempty"`
	ReceiptError string `json:"receipt_error,omitempty"`

	// Events are the tx's result events once it is in a block (none for a
	// tx the mempool refused). They are not printed with the result.
	Events []abci.Event `json:"-"`
	// Data is the tx's result data once it is in a block: a
	// proofv1.TxResultData (see CreatedIDs). Not printed.
	Data []byte `json:"-"`
}

// OK reports whether the tx was committed with success.
func (r *TxResult) OK() bool { return r.Code == 0 && r.Height > 0 }

// BroadcastAndWait submits tx and waits until a block holds it or ctx ends.
// A tx the mempool refuses returns at once with the refusal's code.
func (c *Client) BroadcastAndWait(ctx context.Context, tx []byte) (*TxResult, error) {
	res, err := c.Broadcast(ctx, tx)
	if err != nil || res.Code != 0 {
		return res, err
	}
	return res, c.Wait(ctx, res)
}

// Broadcast submits tx to the mempool (broadcast_tx_sync) without waiting
// for a block. A refusal is returned as a result with the refusal's code
// and height 0; the error is for a node that could not be asked.
func (c *Client) Broadcast(ctx context.Context, tx []byte) (*TxResult, error) {
	sent, err := c.rpc.BroadcastTxSync(ctx, tx)
	if err != nil {
		return nil, c.unreachable(err)
	}
	res := &TxResult{Hash: sent.Hash.String()}
	if sent.Code != 0 {
		res.Codespace, res.Code, res.Log = sent.Codespace, sent.Code, sent.Log
		// broadcast_tx_sync returns no Info; the app puts a refusal's
		// fields in Data as well.
		if len(contracts.ParseInfo(string(sent.Data)).Fields) > 0 {
			res.Info = string(sent.Data)
		}
	}
	return res, nil
}

// Wait waits until a block holds the broadcast tx res, or ctx ends, and
// fills in its height, block time, result code, log and events.
func (c *Client) Wait(ctx context.Context, res *TxResult) error {
	hash, err := hex.DecodeString(res.Hash)
	if err != nil {
		return fmt.Errorf("tx hash %q: %w", res.Hash, err)
	}
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		found, err := c.rpc.Tx(ctx, hash, false)
		if err == nil {
			res.Height = found.Height
			res.Codespace, res.Code, res.Log, res.Info = found.TxResult.Codespace, found.TxResult.Code, found.TxResult.Log, found.TxResult.Info
			res.Events, res.Data = found.TxResult.Events, found.TxResult.Data
			break
		}
		if strings.Contains(err.Error(), "indexing is disabled") {
			return c.waitByBlocks(ctx, res, hash)
		}
		if !strings.Contains(err.Error(), "not found") {
			return c.unreachable(err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("tx %s was accepted by the mempool but is not in a block yet: %w", res.Hash, ctx.Err())
		case <-time.After(wait):
		}
	}
	h, err := c.rpc.Header(ctx, &res.Height)
	if err != nil {
		return c.unreachable(err)
	}
	res.Time = h.Header.Time
	return nil
}

// blocksBack is how many blocks before the latest waitByBlocks starts at:
// the tx was broadcast just before, so it cannot be in an older block.
const blocksBack = 10

// waitByBlocks is Wait against a node that indexes no txs
// (tx_index.indexer = "null"): it reads the blocks from a few before the
// latest on (from the earliest one kept, if later), hashes their txs, and
// takes the tx's result from /block_results.
func (c *Client) waitByBlocks(ctx context.Context, res *TxResult, hash []byte) error {
	st, err := c.rpc.Status(ctx)
	if err != nil {
		return c.unreachable(err)
	}
	h := max(st.SyncInfo.EarliestBlockHeight, st.SyncInfo.LatestBlockHeight-blocksBack, 1)
	for {
		b, err := c.rpc.Block(ctx, &h)
		if err != nil {
			if !strings.Contains(err.Error(), "current blockchain height") {
				return c.unreachable(err)
			}
			select { // not committed yet
			case <-ctx.Done():
				return fmt.Errorf("tx %s was accepted by the mempool but is not in a block yet: %w", res.Hash, ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		for i, tx := range b.Block.Txs {
			if !bytes.Equal(tx.Hash(), hash) {
				continue
			}
			results, err := c.blockResults(ctx, h)
			if err != nil {
				return err
			}
			if i >= len(results.TxsResults) {
				return fmt.Errorf("block %d holds tx %s but its results have %d txs", h, res.Hash, len(results.TxsResults))
			}
			r := results.TxsResults[i]
			res.Height, res.Time = h, b.Block.Time
			res.Codespace, res.Code, res.Log, res.Info, res.Events, res.Data = r.Codespace, r.Code, r.Log, r.Info, r.Events, r.Data
			return nil
		}
		h++
	}
}

// blockResults reads height h's results. CometBFT saves a block before it
// executes it and saves the results after, so for a moment /block answers
// and /block_results does not: that is waited out like a block not yet
// committed.
func (c *Client) blockResults(ctx context.Context, h int64) (*coretypes.ResultBlockResults, error) {
	for {
		r, err := c.rpc.BlockResults(ctx, &h)
		if err == nil {
			return r, nil
		}
		if !strings.Contains(err.Error(), "could not find results") && !strings.Contains(err.Error(), "current blockchain height") {
			return nil, c.unreachable(err)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("block %d's results are not saved yet: %w", h, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// CreatedIDs returns the ids of kind ("org", "member", "meeting", ...) the
// tx's messages created, in message order, from its result data
// (proofv1.TxResultData), which the results hash covers; unlike events,
// it is what a receipt proves.
func (r *TxResult) CreatedIDs(kind string) ([]uint64, error) {
	var d proofv1.TxResultData
	if err := d.Unmarshal(r.Data); err != nil {
		return nil, fmt.Errorf("tx %s: result data is not a TxResultData: %w", r.Hash, err)
	}
	var ids []uint64
	for _, c := range d.Created {
		if c.Kind == kind {
			ids = append(ids, c.Id)
		}
	}
	return ids, nil
}

// EventValues returns the values of attribute key of the events of type
// typ, in the order the tx emitted them.
func (r *TxResult) EventValues(typ, key string) []string {
	var out []string
	for _, e := range r.Events {
		if e.Type != typ {
			continue
		}
		for _, a := range e.Attributes {
			if a.Key == key {
				out = append(out, a.Value)
			}
		}
	}
	return out
}

// MessageEvents returns, for each message of the tx in order, the values
// of attribute key of its events of type typ. The app opens each message's
// events with a "message" event carrying its "index".
func (r *TxResult) MessageEvents(typ, key string) map[int][]string {
	out := map[int][]string{}
	msg := -1
	for _, e := range r.Events {
		if e.Type == "message" {
			for _, a := range e.Attributes {
				if a.Key == "index" {
					if i, err := strconv.Atoi(a.Value); err == nil {
						msg = i
					}
				}
			}
			continue
		}
		if e.Type != typ || msg < 0 {
			continue
		}
		for _, a := range e.Attributes {
			if a.Key == key {
				out[msg] = append(out[msg], a.Value)
			}
		}
	}
	return out
}

// FindTxs returns the committed txs matching a /tx_search query such as
// "member_registered.member_id='7'", at most 100, oldest first.
func (c *Client) FindTxs(ctx context.Context, query string) ([]*TxResult, error) {
	perPage := 100
	found, err := c.rpc.TxSearch(ctx, query, false, nil, &perPage, "asc")
	if err != nil {
		return nil, c.unreachable(err)
	}
	out := make([]*TxResult, 0, len(found.Txs))
	for _, t := range found.Txs {
		out = append(out, &TxResult{
			Hash: t.Hash.String(), Height: t.Height, Codespace: t.TxResult.Codespace,
			Code: t.TxResult.Code, Log: t.TxResult.Log, Info: t.TxResult.Info, Events: t.TxResult.Events,
		})
	}
	return out, nil
}

// Status is the node's RPC status.
func (c *Client) Status(ctx context.Context) (*coretypes.ResultStatus, error) {
	st, err := c.rpc.Status(ctx)
	if err != nil {
		return nil, c.unreachable(err)
	}
	return st, nil
}

func (c *Client) unreachable(err error) error {
	return fmt.Errorf("node %s: %w", c.node, err)
}
