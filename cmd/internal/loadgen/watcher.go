package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	jsonclient "github.com/cometbft/cometbft/rpc/jsonrpc/client"
)

// newBlockQuery is the header event, not NewBlock: a NewBlock event carries
// every tx result, which the node encodes with gogoproto's jsonpb for each
// subscriber, and that was a third of a kvstore node's CPU under load. The
// watcher reads each block's txs with /block and, after the load, the
// results with /block_results.
const newBlockQuery = "tm.event='NewBlockHeader'"

// txCode is a tx's result code.
type txCode struct {
	Code      uint32 `json:"code"`
	Codespace string `json:"codespace"`
}

// blockData is the part of a block the watcher reads.
type blockData struct {
	Block struct {
		Header struct {
			Height int64 `json:"height,string"`
		} `json:"header"`
		Data struct {
			Txs [][]byte `json:"txs"`
		} `json:"data"`
	} `json:"block"`
}

// watcher follows the blocks of one node.
type watcher struct {
	ws       *jsonclient.WSClient
	base     string // http base URL of the node, for skipped blocks
	tr       *tracker
	progress io.Writer
	newBlock chan struct{} // a token after each block
	done     chan struct{}
	stopOnce sync.Once
}

// startWatcher subscribes to new block headers on node and follows them.
func startWatcher(ctx context.Context, node string, tr *tracker, progress io.Writer) (*watcher, error) {
	base, err := httpBase(node)
	if err != nil {
		return nil, err
	}
	ws, err := jsonclient.NewWS(node, "/websocket")
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", node, err)
	}
	if err := ws.Start(); err != nil {
		return nil, fmt.Errorf("websocket to %s: %w", node, err)
	}
	w := &watcher{ws: ws, base: base, tr: tr, progress: progress, newBlock: make(chan struct{}, 1), done: make(chan struct{})}
	subCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := ws.Subscribe(subCtx, newBlockQuery); err != nil {
		_ = ws.Stop()
		return nil, fmt.Errorf("subscribe to new blocks on %s: %w", node, err)
	}
	select {
	case resp := <-ws.ResponsesCh:
		if resp.Error != nil {
			_ = ws.Stop()
			return nil, fmt.Errorf("subscribe to new blocks on %s: %v", node, resp.Error)
		}
	case <-subCtx.Done():
		_ = ws.Stop()
		return nil, fmt.Errorf("subscribe to new blocks on %s: no answer: %w", node, subCtx.Err())
	}
	go w.run(ctx)
	return w, nil
}

func (w *watcher) run(ctx context.Context) {
	defer close(w.done)
	var last int64
	for resp := range w.ws.ResponsesCh {
		seen := time.Now()
		if resp.Error != nil {
			// The node drops a subscriber that reads too slowly; subscribe
			// again, and the next block fills the gap.
			fmt.Fprintf(w.progress, "block watcher: %v; subscribing again\n", resp.Error)
			_ = w.ws.Subscribe(ctx, newBlockQuery)
			continue
		}
		var ev struct {
			Data struct {
				Type  string `json:"type"`
				Value struct {
					Header struct {
						Height int64 `json:"height,string"`
					} `json:"header"`
				} `json:"value"`
			} `json:"data"`
		}
		if err := json.Unmarshal(resp.Result, &ev); err != nil {
			fmt.Fprintf(w.progress, "block watcher: undecodable event: %v\n", err)
			continue
		}
		if ev.Data.Type != "tendermint/event/NewBlockHeader" {
			continue // the answer to a new subscription
		}
		h := ev.Data.Value.Header.Height
		from := last + 1
		if last == 0 {
			from = h
		}
		for g := from; g <= h; g++ {
			b, err := w.fetch(ctx, g)
			if err != nil {
				fmt.Fprintf(w.progress, "block watcher: block %d: %v\n", g, err)
				continue
			}
			// A skipped block is seen now; this one when its header came.
			at := time.Now()
			if g == h {
				at = seen
			}
			w.record(at, b)
		}
		last = max(last, h)
	}
}

func (w *watcher) record(seen time.Time, b *blockData) {
	hashes := make([][32]byte, len(b.Block.Data.Txs))
	for i, tx := range b.Block.Data.Txs {
		hashes[i] = TxHash(tx)
	}
	w.tr.block(seen, b.Block.Header.Height, hashes, nil)
	select {
	case w.newBlock <- struct{}{}:
	default:
	}
}

// fetch reads block h over HTTP.
func (w *watcher) fetch(ctx context.Context, h int64) (*blockData, error) {
	var b blockData
	if err := getResult(ctx, fmt.Sprintf("%s/block?height=%d", w.base, h), &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// readResults reads the result codes of the blocks with bench txs, after
// the load, within a minute (or until ctx ends: SIGINT). A block whose
// results cannot be read counts its bench txs as results unknown.
func (w *watcher) readResults(ctx context.Context, tr *tracker) {
	tr.mu.Lock()
	pending := tr.pending
	tr.pending = nil
	tr.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for _, p := range pending {
		var res struct {
			TxsResults []txCode `json:"txs_results"`
		}
		if err := getResult(ctx, fmt.Sprintf("%s/block_results?height=%d", w.base, p.height), &res); err != nil {
			tr.results(p, nil)
			continue
		}
		if res.TxsResults == nil {
			res.TxsResults = []txCode{}
		}
		tr.results(p, res.TxsResults)
	}
}

// stop ends the subscription and waits for the watcher.
func (w *watcher) stop() {
	w.stopOnce.Do(func() {
		_ = w.ws.Stop()
		<-w.done
	})
}

// getResult GETs a JSON-RPC URI and decodes its result into v.
func getResult(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	if len(env.Error) > 0 && string(env.Error) != "null" || len(env.Result) == 0 {
		return fmt.Errorf("%s: error %s", url, env.Error)
	}
	return json.Unmarshal(env.Result, v)
}
