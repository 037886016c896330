// Package clierr gives a client-side error of the CLI a stable code, so
// that with -o json it can be printed as {"error": {"code": ..., "message":
// ...}} on stdout and a script can branch on the code rather than on the
// words (docs/operator.md, "Errors as JSON").
package clierr

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/partychain/partychain/cmd/internal/client"
)

// The codes of client-side errors.
const (
	// Usage: an unknown command or flag, a missing or extra argument, a
	// flag value that does not parse. Nothing was sent.
	Usage = "usage"
	// NodeUnreachable: the node could not be asked (not running, wrong
	// --node). Nothing was recorded, unless the exit status is 3.
	NodeUnreachable = "node_unreachable"
	// QueryRefused: the node answered a query with an error code (a
	// record that does not exist, a bad path); codespace and chain_code
	// carry it.
	QueryRefused = "query_refused"
	// OutcomeUnknown: a tx was sent, or may have been, and no answer came
	// (exit status 3); the message names the command to run next.
	OutcomeUnknown = "outcome_unknown"
	// Failed: any other error (a bad input, a refusal before sending, a
	// file that cannot be read or written). Nothing was sent.
	Failed = "failed"
)

// Codes lists every code, in the order of the docs.
func Codes() []string { return []string{Usage, NodeUnreachable, QueryRefused, OutcomeUnknown, Failed} }

// Object is the error object printed with -o json.
type Object struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Exit is the process's exit status (1, or 3 for OutcomeUnknown).
	Exit int `json:"exit"`
	// Codespace and ChainCode are the node's error code, for QueryRefused.
	Codespace string `json:"codespace,omitempty"`
	ChainCode uint32 `json:"chain_code,omitempty"`
}

// UsageError marks an error in how the command was called.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// AsUsage marks err as a usage error (nil stays nil).
func AsUsage(err error) error {
	if err == nil {
		return nil
	}
	return &UsageError{Err: err}
}

// Classify gives err its object; exit is the status the process exits
// with (3 means the outcome of a sent tx is unknown).
func Classify(err error, exit int) Object {
	o := Object{Code: Failed, Message: err.Error(), Exit: exit}
	var usage *UsageError
	var query *client.QueryError
	var op *net.OpError
	var dns *net.DNSError
	switch {
	case exit == 3:
		o.Code = OutcomeUnknown
	case errors.As(err, &usage) || cobraUsage(err):
		o.Code = Usage
	case errors.As(err, &query):
		o.Code, o.Codespace, o.ChainCode = QueryRefused, query.Codespace, query.Code
	case errors.Is(err, syscall.ECONNREFUSED) || errors.As(err, &op) || errors.As(err, &dns):
		o.Code = NodeUnreachable
	}
	return o
}

// cobraUsage reports the usage errors cobra returns untyped: an unknown
// command and a required flag not given.
func cobraUsage(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "unknown command ") || strings.HasPrefix(s, "required flag(s) ")
}

// Write prints {"error": o} as indented JSON.
func Write(w io.Writer, o Object) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Error Object `json:"error"`
	}{o})
}

// JSONRequested reports whether args ask for -o json, for an error met
// before the flags were parsed: -o json, -ojson, -o=json, --output json,
// --output=json. Arguments after "--" are not flags.
func JSONRequested(args []string) bool {
	format := ""
	for i, a := range args {
		switch {
		case a == "--":
			return format == "json"
		case a == "-o" || a == "--output":
			if i+1 < len(args) {
				format = args[i+1]
			}
		case strings.HasPrefix(a, "--output="):
			format = strings.TrimPrefix(a, "--output=")
		case strings.HasPrefix(a, "-o"):
			format = strings.TrimPrefix(strings.TrimPrefix(a, "-o"), "=")
		}
	}
	return format == "json"
}

// Counter counts the bytes written through it, so the CLI knows whether a
// command already printed its answer before failing (then no error object
// is added: stdout holds one JSON document).
type Counter struct {
	W io.Writer
	N int64
}

func (c *Counter) Write(p []byte) (int, error) {
	n, err := c.W.Write(p)
	c.N += int64(n)
	return n, err
}
