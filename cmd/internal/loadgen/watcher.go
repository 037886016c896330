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
	rpctypes "github.com/cometbft/cometbft/rpc/jsonrpc/types"
)

// newBlockQuery is the header event, not NewBlock: a NewBlock event carries
// every tx result, which the node encodes with gogoproto's jsonpb for each
// subscriber, and that was a third of a kvstore node's CPU under load.
// During the load the watcher notes when each header came and counts the
// block's txs from its meta (/blockchain: no txs in it). It reads the blocks'
// txs with /block when the load ends (the node's JSON of a block of 10,000
// registrations is 3.4 MB, a twentieth of its CPU at saturation), and the
// results with /block_results after that.
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
	newBlock chan struct{}      // a token after each block read
	readNow  chan chan struct{} // readAll's request, closed when done
	done     chan struct{}
	stopOnce sync.Once
}

// seenHeader is a block whose header came at seen and whose txs are not
// read yet.
type seenHeader struct {
	height int64
	seen   time.Time
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
	w := &watcher{ws: ws, base: base, tr: tr, progress: progress, newBlock: make(chan struct{}, 1),
		readNow: make(chan chan struct{}), done: make(chan struct{})}
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

// readAll reads the blocks seen so far, and from then on each block as its
// header comes. It returns once the blocks seen so far are read (or the
// watcher has stopped).
func (w *watcher) readAll() {
	done := make(chan struct{})
	select {
	case w.readNow <- done:
		<-done
	case <-w.done:
	}
}

func (w *watcher) run(ctx context.Context) {
	defer close(w.done)
	var last int64
	var unread []seenHeader // nil once reading live
	live := false
	// The events are timestamped as they arrive, apart from the reading
	// below: a header that comes while blocks are being read is seen when
	// it came.
	type stamped struct {
		resp rpctypes.RPCResponse
		seen time.Time
	}
	events := make(chan stamped, 4096)
	go func() {
		defer close(events)
		for r := range w.ws.ResponsesCh {
			events <- stamped{r, time.Now()}
		}
	}()
	for {
		var resp rpctypes.RPCResponse
		var seen time.Time
		select {
		case done := <-w.readNow:
			for _, u := range unread {
				w.read(ctx, u.height, u.seen)
			}
			unread, live = nil, true
			close(done)
			continue
		case e, ok := <-events:
			if !ok {
				return
			}
			resp, seen = e.resp, e.seen
		}
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
		if from <= h && !live {
			w.countTxs(ctx, from, h)
		}
		for g := from; g <= h; g++ {
			// A skipped block is seen with the next header; this one
			// when its header came.
			at := seen
			if live {
				w.read(ctx, g, at)
			} else {
				unread = append(unread, seenHeader{g, at})
			}
		}
		last = max(last, h)
	}
}

// read reads block h, seen at seen, and records it.
func (w *watcher) read(ctx context.Context, h int64, seen time.Time) {
	b, err := w.fetch(ctx, h)
	if err != nil {
		fmt.Fprintf(w.progress, "block watcher: block %d: %v\n", h, err)
		return
	}
	w.record(seen, b)
}

// countTxs adds the tx counts of blocks from..to (their metas) to the
// progress line's count until the blocks are read.
func (w *watcher) countTxs(ctx context.Context, from, to int64) {
	var res struct {
		BlockMetas []struct {
			NumTxs int64 `json:"num_txs,string"`
		} `json:"block_metas"`
	}
	// At most 20 metas an answer; a longer gap counts when read.
	from = max(from, to-19)
	if err := getResult(ctx, fmt.Sprintf("%s/blockchain?minHeight=%d&maxHeight=%d", w.base, from, to), &res); err != nil {
		return
	}
	n := int64(0)
	for _, m := range res.BlockMetas {
		n += m.NumTxs
	}
	w.tr.inBlocks(n)
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
// the load, within a minute (or until ctx ends). A block whose
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
