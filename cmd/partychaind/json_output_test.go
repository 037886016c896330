package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// base64HashRe matches the base64 of exactly 20 or 32 bytes: an address
// or a hash the way proto3 JSON writes bytes. The CLI prints those in hex
// (cmd/internal/hexjson); a 40- or 64-digit hex string never matches (the
// padding "=" is not a hex digit).
var base64HashRe = regexp.MustCompile(`^(?:[A-Za-z0-9+/]{27}|[A-Za-z0-9+/]{43})=$`)

// checkJSONOutput checks what a command run with -o json printed: one or
// more JSON values, and no address or hash in base64. Every CLI run of the
// e2e tests passes through it (testNode.run).
func checkJSONOutput(args []string, stdout string) error {
	if !jsonAsked(args) || strings.TrimSpace(stdout) == "" {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	for {
		var v any
		err := dec.Decode(&v)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("-o json printed something that is not JSON: %v", err)
		}
		if path, s, ok := findBase64Hash(v, "$"); ok {
			return fmt.Errorf("-o json printed %s = %q, an address or hash in base64; the CLI prints bytes in hex", path, s)
		}
	}
}

func jsonAsked(args []string) bool {
	for i, a := range args {
		if a == "-ojson" || a == "--output=json" || a == "-o=json" ||
			(slices.Contains([]string{"-o", "--output"}, a) && i+1 < len(args) && args[i+1] == "json") {
			return true
		}
	}
	return false
}

// findBase64Hash returns the first string in v that is a base64 hash.
func findBase64Hash(v any, path string) (string, string, bool) {
	switch x := v.(type) {
	case string:
		return path, x, base64HashRe.MatchString(x)
	case []any:
		for i, e := range x {
			if p, s, ok := findBase64Hash(e, fmt.Sprintf("%s[%d]", path, i)); ok {
				return p, s, true
			}
		}
	case map[string]any:
		for k, e := range x {
			if p, s, ok := findBase64Hash(e, path+"."+k); ok {
				return p, s, true
			}
		}
	}
	return "", "", false
}

// sameBytesB64 reports whether hexStr and the base64 b64 hold the same
// bytes (a node's RPC writes bytes in base64, the CLI in hex).
func sameBytesB64(hexStr, b64 string) bool {
	b, err := base64.StdEncoding.DecodeString(b64)
	return err == nil && len(b) > 0 && strings.EqualFold(hexStr, hex.EncodeToString(b))
}

func TestCheckJSONOutput(t *testing.T) {
	golden := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "internal", "receipt", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	hexAddr := strings.Repeat("AB", 20)
	hexHash := strings.Repeat("0f", 32)
	b64Addr := "q6urq6urq6urq6urq6urq6urq6s="                 // 20 bytes
	b64Hash := "Dw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8PDw8=" // 32 bytes
	asked := []string{"query", "account", "clerk", "-o", "json"}
	for _, tc := range []struct {
		name, out string
		args      []string
		ok        bool
	}{
		{"hex", `{"address":"` + hexAddr + `","hash":"` + hexHash + `"}`, asked, true},
		{"two values", `{"a":1}` + "\n" + `{"b":"` + hexHash + `"}`, asked, true},
		{"text output is not checked", "tx hash: " + b64Hash, []string{"status"}, true},
		// receipt and credential print their file, format 2: bytes in hex.
		{"a receipt file is checked too", `{"aunts":["` + b64Hash + `"]}`, []string{"receipt", "AB", "-o", "json"}, false},
		{"golden receipt, format 2", golden("receipt.json"), []string{"receipt", "AB", "-o", "json"}, true},
		{"golden credential, format 2", golden("credential.json"), []string{"credential", "42", "-o", "json"}, true},
		{"golden receipt, format 1", golden("receipt-v1.json"), []string{"receipt", "AB", "-o", "json"}, false},
		{"base64 address", `{"account":{"address":"` + b64Addr + `"}}`, asked, false},
		{"base64 hash in a list", `{"writes":[{"key":"` + b64Hash + `"}]}`, asked, false},
		{"not JSON", `height: 3`, asked, false},
		{"truncated", `{"a":`, asked, false},
	} {
		err := checkJSONOutput(tc.args, tc.out)
		if (err == nil) != tc.ok {
			t.Errorf("%s: error %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
	if !bytes.Contains([]byte(b64Addr), []byte("=")) || base64HashRe.MatchString(hexHash) || base64HashRe.MatchString(hexAddr) {
		t.Fatal("the base64 pattern would match hex")
	}
}
