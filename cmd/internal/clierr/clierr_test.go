package clierr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/partychain/partychain/cmd/internal/client"
)

func TestClassify(t *testing.T) {
	refused := fmt.Errorf("node tcp://127.0.0.1:1: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED})
	query := fmt.Errorf("member 9: %w", &client.QueryError{Path: "/member/9", Codespace: "member", Code: 2, Log: "not found"})
	for _, c := range []struct {
		err  error
		exit int
		want Object
	}{
		{errors.New("bad date"), 1, Object{Code: Failed, Message: "bad date", Exit: 1}},
		{errors.New("sent, no answer"), 3, Object{Code: OutcomeUnknown, Message: "sent, no answer", Exit: 3}},
		{AsUsage(errors.New("unknown flag: --x")), 1, Object{Code: Usage, Message: "unknown flag: --x", Exit: 1}},
		{errors.New(`unknown command "x" for "partychaind"`), 1, Object{Code: Usage, Message: `unknown command "x" for "partychaind"`, Exit: 1}},
		{refused, 1, Object{Code: NodeUnreachable, Message: refused.Error(), Exit: 1}},
		{query, 1, Object{Code: QueryRefused, Message: query.Error(), Exit: 1, Codespace: "member", ChainCode: 2}},
	} {
		if got := Classify(c.err, c.exit); got != c.want {
			t.Errorf("Classify(%v, %d) = %+v, want %+v", c.err, c.exit, got, c.want)
		}
	}
	if AsUsage(nil) != nil {
		t.Error("AsUsage(nil) is not nil")
	}
}

func TestWriteIsOneObject(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, Object{Code: Usage, Message: `say "hi"`, Exit: 1}); err != nil {
		t.Fatal(err)
	}
	var v map[string]map[string]any
	if err := json.Unmarshal(b.Bytes(), &v); err != nil || v["error"]["code"] != "usage" || v["error"]["message"] != `say "hi"` ||
		v["error"]["exit"] != float64(1) {
		t.Errorf("Write = %s (%v)", b.String(), err)
	}
	if _, ok := v["error"]["codespace"]; ok {
		t.Errorf("empty codespace printed: %s", b.String())
	}
}

func TestJSONRequested(t *testing.T) {
	for args, want := range map[string]bool{
		"q m show 1 -o json": true, "q m show 1 --output json": true, "q -ojson": true, "q -o=json": true,
		"q --output=json": true, "q -o text": false, "q": false, "q -o json -o text": false, "q -- -o json": false,
	} {
		if got := JSONRequested(splitArgs(args)); got != want {
			t.Errorf("JSONRequested(%q) = %v", args, got)
		}
	}
}

func splitArgs(s string) []string {
	var out []string
	for _, f := range bytes.Fields([]byte(s)) {
		out = append(out, string(f))
	}
	return out
}

func TestCounter(t *testing.T) {
	var b bytes.Buffer
	c := &Counter{W: &b}
	fmt.Fprint(c, "abc")
	if c.N != 3 || b.String() != "abc" {
		t.Errorf("Counter: N %d, %q", c.N, b.String())
	}
}
