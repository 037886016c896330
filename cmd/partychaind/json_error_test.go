package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/partychain/partychain/cmd/internal/clierr"
)

// errorJSON is the object a failed command prints with -o json.
type errorJSON struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		Exit      int    `json:"exit"`
		Codespace string `json:"codespace"`
		ChainCode uint32 `json:"chain_code"`
	} `json:"error"`
}

// checkJSONError checks what a failed command run with -o json printed on
// stdout: its answer (a rejected tx's result, a roster's summary) or an
// error object with a documented code and the exit status. Every CLI run
// of the e2e tests passes through it (testNode.run).
func checkJSONError(args []string, stdout string, code int) error {
	if code == 0 || !jsonAsked(args) {
		return nil
	}
	if strings.TrimSpace(stdout) == "" {
		return fmt.Errorf("exit %d with -o json and nothing on stdout: want an error object", code)
	}
	var e errorJSON
	dec := json.NewDecoder(strings.NewReader(stdout))
	if err := dec.Decode(&e); err != nil || e.Error.Code == "" {
		return nil // the command's own answer
	}
	if !slices.Contains(clierr.Codes(), e.Error.Code) || e.Error.Exit != code || e.Error.Message == "" {
		return fmt.Errorf("error object %+v with exit %d: want a documented code, the exit status and a message", e.Error, code)
	}
	if dec.More() {
		return errors.New("an error object and more on stdout: want one JSON document")
	}
	return nil
}

// runBare runs the binary with no node behind it.
func runBare(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(partychaind(t), append(args, "--home", t.TempDir())...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatalf("partychaind %v: %v", args, err)
	}
	if exitErr != nil {
		code = exitErr.ExitCode()
	}
	return out.String(), errOut.String(), code
}

// TestJSONErrorsWithoutNode: client-side errors with -o json are one JSON
// object on stdout with the code a script branches on; the exit status and
// the human line on stderr stay.
func TestJSONErrorsWithoutNode(t *testing.T) {
	for _, c := range []struct {
		args []string
		code string
	}{
		{[]string{"query", "member", "show", "1", "-o", "json", "--node", "tcp://127.0.0.1:1"}, clierr.NodeUnreachable},
		{[]string{"query", "member", "show", "1", "--bogus", "-o", "json"}, clierr.Usage},
		{[]string{"query", "member", "show", "1", "2", "--output=json"}, clierr.Usage},
		{[]string{"query", "member", "history", "x", "-ojson"}, clierr.Usage},
		{[]string{"card", "disclose", "/nonexistent/card.json", "name", "--out", "-", "-o", "json"}, clierr.Failed},
	} {
		out, errOut, code := runBare(t, c.args...)
		var e errorJSON
		if err := json.Unmarshal([]byte(out), &e); err != nil || e.Error.Code != c.code || e.Error.Exit != 1 || code != 1 ||
			!strings.Contains(errOut, "Error: "+e.Error.Message) {
			t.Errorf("partychaind %s: exit %d, want code %q\nstdout: %s\nstderr: %s", strings.Join(c.args, " "), code, c.code, out, errOut)
		}
	}
	// In text the error stays on stderr only.
	out, errOut, code := runBare(t, "query", "member", "show", "1", "--node", "tcp://127.0.0.1:1")
	if out != "" || code != 1 || !strings.HasPrefix(errOut, "Error: node tcp://127.0.0.1:1") {
		t.Errorf("text: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}
