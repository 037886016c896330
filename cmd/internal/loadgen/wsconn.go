package loadgen

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// broadcastRequest is a whole JSON-RPC request for broadcast_tx_sync of tx,
// encoded once, before the clock starts: {"jsonrpc":"2.0","id":ID,
// "method":"broadcast_tx_sync","params":{"tx":"<base64>"}}, the tx as
// CometBFT's JSON encodes bytes.
func broadcastRequest(id uint64, tx []byte) []byte {
	const head, tail = `{"jsonrpc":"2.0","id":`, `,"method":"broadcast_tx_sync","params":{"tx":"`
	b := make([]byte, 0, len(head)+20+len(tail)+base64.StdEncoding.EncodedLen(len(tx))+3)
	b = append(b, head...)
	b = strconv.AppendUint(b, id, 10)
	b = append(b, tail...)
	b = base64.StdEncoding.AppendEncode(b, tx)
	return append(b, `"}}`...)
}

// answer is the part of a broadcast_tx_sync answer the bench reads.
type answer struct {
	ID     json.RawMessage `json:"id"`
	Result struct {
		Code      uint32 `json:"code"`
		Codespace string `json:"codespace"`
	} `json:"result"`
	Error *struct {
		Message string `json:"message"`
		Data    string `json:"data"`
	} `json:"error"`
}

// txConn is one signer's websocket to a node's /websocket. A burst of
// requests (the tokens of one tick) goes out in one write: the frames
// gather in a buffer and are flushed together, so sending costs neither
// node nor bench a system call per tx. Control frames (the pong to the
// node's ping) are written at once.
type txConn struct {
	ws  *websocket.Conn
	buf *burstConn
}

// burstConn buffers writes while a burst is open and passes them through
// otherwise.
type burstConn struct {
	net.Conn
	mu    sync.Mutex
	w     *bufio.Writer
	burst bool
}

func (c *burstConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.burst {
		return c.w.Write(p)
	}
	if c.w.Buffered() > 0 {
		if err := c.w.Flush(); err != nil {
			return 0, err
		}
	}
	return c.Conn.Write(p)
}

func (c *burstConn) begin() {
	c.mu.Lock()
	c.burst = true
	c.mu.Unlock()
}

func (c *burstConn) end() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.burst = false
	return c.w.Flush()
}

// dialTx opens a websocket to node (tcp://host:port or http://host:port).
func dialTx(ctx context.Context, node string) (*txConn, error) {
	base, err := httpBase(node)
	if err != nil {
		return nil, err
	}
	var bc *burstConn
	d := websocket.Dialer{
		HandshakeTimeout: 10 * time.Second,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			raw, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			bc = &burstConn{Conn: raw, w: bufio.NewWriterSize(raw, 64<<10)}
			return bc, nil
		},
	}
	url := "ws" + strings.TrimPrefix(base, "http") + "/websocket"
	ws, resp, err := d.DialContext(ctx, url, nil)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("websocket to %s: %w", node, err)
	}
	// The node pings about every 27 s. gorilla's own ping handler ends
	// the read with the pong's write error, and a burst cut off by the end
	// of the load leaves the write side failed: the answers still on
	// their way would then be lost. The reader answers and reads on.
	ws.SetPingHandler(func(data string) error {
		_ = ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
		return nil
	})
	return &txConn{ws: ws, buf: bc}, nil
}

// sendBurst writes the requests as one burst, within the deadline.
func (c *txConn) sendBurst(reqs [][]byte, deadline time.Time) error {
	if err := c.ws.SetWriteDeadline(deadline); err != nil {
		return err
	}
	c.buf.begin()
	for _, r := range reqs {
		if err := c.ws.WriteMessage(websocket.TextMessage, r); err != nil {
			_ = c.buf.end()
			return err
		}
	}
	return c.buf.end()
}

// read calls f with each answer until the connection closes.
func (c *txConn) read(f func(a *answer, err error)) {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		var a answer
		f(&a, json.Unmarshal(data, &a))
	}
}

func (c *txConn) close() error { return c.ws.Close() }
