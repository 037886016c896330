package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cosmos/gogoproto/jsonpb"
	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"

	"github.com/partychain/partychain/contracts/governance"
)

// Reading the governance commands' flags and arguments: params files,
// consensus keys, node ids, organizations, titles and vote choices.

func govLedgers() []string {
	out := make([]string, 0, len(govParamsTypes))
	for name := range govParamsTypes {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// parseGovParams reads the proto3 JSON of ledger's Params (as `query raw
// /<ledger>/params -o json` prints it: the whole answer, or its "result")
// and returns the proto bytes the chain takes. Unknown fields are errors.
func parseGovParams(ledger string, raw []byte) ([]byte, error) {
	newParams, ok := govParamsTypes[ledger]
	if !ok {
		return nil, fmt.Errorf("--ledger %q: want one of %s", ledger, strings.Join(govLedgers(), ", "))
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("--params-file is not a JSON object: %w", err)
	}
	if result, ok := top["result"]; ok && len(top) == 2 {
		if _, ok := top["height"]; ok {
			raw = result // the output of query ... -o json
		}
	}
	p := newParams()
	if err := jsonpb.Unmarshal(bytes.NewReader(raw), p); err != nil {
		return nil, fmt.Errorf("--params-file: not the %s ledger's params (proto3 JSON, as query raw /%s/params prints them): %w", ledger, ledger, err)
	}
	bz, err := proto.Marshal(p)
	if err != nil {
		return nil, err
	}
	if len(bz) == 0 {
		return nil, fmt.Errorf("--params-file: every %s param is zero; give the whole policy (start from query raw /%s/params -o json)", ledger, ledger)
	}
	if len(bz) > governance.MaxParamsBytes {
		return nil, fmt.Errorf("--params-file: %d bytes encoded, at most %d", len(bz), governance.MaxParamsBytes)
	}
	return bz, nil
}

// cometKeyJSON is CometBFT's JSON of a key: {"type": ..., "value": base64}.
type cometKeyJSON struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// parseConsensusPubKey reads an ed25519 consensus public key: 64 hex
// digits or the base64 of 32 bytes (as CometBFT's JSON writes it).
func parseConsensusPubKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == ed25519.PubKeySize {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == ed25519.PubKeySize {
		return b, nil
	}
	return nil, fmt.Errorf("--pubkey %q: want an ed25519 public key, 64 hex digits or the base64 of 32 bytes", s)
}

// readValidatorPubKey reads the public key from a CometBFT validator key
// file (priv_validator_key.json, whose private key is not used), or from
// the JSON of a public key alone ({"type":"tendermint/PubKeyEd25519",...},
// as `cometbft show-validator` prints it).
func readValidatorPubKey(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--pubkey-file: %w", err)
	}
	var f struct {
		PubKey *cometKeyJSON `json:"pub_key"`
		cometKeyJSON
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("--pubkey-file %s is not a CometBFT key file: %w", path, err)
	}
	k := f.PubKey
	if k == nil {
		k = &f.cometKeyJSON
	}
	if k.Type != ed25519.PubKeyName {
		return nil, fmt.Errorf("--pubkey-file %s: want an ed25519 key (%s), found type %q", path, ed25519.PubKeyName, k.Type)
	}
	b, err := base64.StdEncoding.DecodeString(k.Value)
	if err != nil || len(b) != ed25519.PubKeySize {
		return nil, fmt.Errorf("--pubkey-file %s: the public key is not the base64 of 32 bytes", path)
	}
	return b, nil
}

// readNodeID reads a node's id from its CometBFT node key file
// (node_key.json): the hex of its public key's address, as CometBFT
// computes it.
func readNodeID(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("--node-key-file: %w", err)
	}
	var f struct {
		PrivKey cometKeyJSON    `json:"priv_key"`
		PubKey  json.RawMessage `json:"pub_key"` // a validator key file has one, a node key file not
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return "", fmt.Errorf("--node-key-file %s is not a CometBFT node key file: %w", path, err)
	}
	if f.PubKey != nil {
		return "", fmt.Errorf("--node-key-file %s is a validator key file (priv_validator_key.json): give the node's config/node_key.json", path)
	}
	if f.PrivKey.Type != ed25519.PrivKeyName {
		return "", fmt.Errorf("--node-key-file %s: want an ed25519 node key (%s), found type %q", path, ed25519.PrivKeyName, f.PrivKey.Type)
	}
	b, err := base64.StdEncoding.DecodeString(f.PrivKey.Value)
	if err != nil || len(b) != ed25519.PrivateKeySize {
		return "", fmt.Errorf("--node-key-file %s: the key is not the base64 of %d bytes", path, ed25519.PrivateKeySize)
	}
	return hex.EncodeToString(ed25519.PrivKey(b).PubKey().Address()), nil
}

// parseNodeIDFlag reads a node id: 40 hex digits (an id@host:port is
// refused, to say which part is meant). It is sent in lower case, as
// CometBFT writes ids.
func parseNodeIDFlag(s string) (string, error) {
	s = strings.TrimSpace(s)
	if id, _, found := strings.Cut(s, "@"); found {
		return "", fmt.Errorf("--node-id %q: give the node id alone (%s), without @host:port", s, id)
	}
	if _, err := governance.ParseNodeID(s); err != nil {
		return "", fmt.Errorf("--node-id %q: want a CometBFT node id, 40 hex digits (partychaind init prints it)", s)
	}
	return strings.ToLower(s), nil
}

// nodeIDFromFlags reads --node-id or --node-key-file (exactly one).
func nodeIDFromFlags(cmd *cobra.Command) (string, error) {
	f := cmd.Flags()
	hasID, hasFile := f.Changed("node-id"), f.Changed("node-key-file")
	switch {
	case hasID && hasFile:
		return "", errors.New("give --node-id or --node-key-file, not both")
	case hasFile:
		path, _ := f.GetString("node-key-file")
		return readNodeID(path)
	case hasID:
		s, _ := f.GetString("node-id")
		return parseNodeIDFlag(s)
	}
	return "", errors.New("--node-id (40 hex digits) or --node-key-file (the node's node_key.json) is required")
}

// pubKeyFromFlags reads --pubkey or --pubkey-file (exactly one).
func pubKeyFromFlags(cmd *cobra.Command) ([]byte, error) {
	f := cmd.Flags()
	hasKey, hasFile := f.Changed("pubkey"), f.Changed("pubkey-file")
	switch {
	case hasKey && hasFile:
		return nil, errors.New("give --pubkey or --pubkey-file, not both")
	case hasFile:
		path, _ := f.GetString("pubkey-file")
		return readValidatorPubKey(path)
	case hasKey:
		s, _ := f.GetString("pubkey")
		return parseConsensusPubKey(s)
	}
	return nil, errors.New("--pubkey (the validator's ed25519 consensus key) or --pubkey-file (its priv_validator_key.json) is required")
}

// govOrgFlag reads --org: an organization id from 1.
func govOrgFlag(cmd *cobra.Command) (uint64, error) {
	s, _ := cmd.Flags().GetString("org")
	if strings.TrimSpace(s) == "" {
		return 0, errors.New("--org is required: the organization's id")
	}
	return parseMemberID("--org", s)
}

// govTitleFlag reads --title: what the proposal is, in a line.
func govTitleFlag(cmd *cobra.Command) (string, error) {
	title, _ := cmd.Flags().GetString("title")
	switch {
	case strings.TrimSpace(title) == "":
		return "", errors.New("--title is required: what the proposal decides, in a line")
	case len(title) > governance.MaxTitleBytes:
		return "", fmt.Errorf("--title is %d bytes, at most %d (about %d Chinese characters, 3 bytes each in UTF-8)",
			len(title), governance.MaxTitleBytes, governance.MaxTitleBytes/3)
	}
	return title, nil
}

// parseVoteChoice reads yes or no.
func parseVoteChoice(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "y":
		return true, nil
	case "no", "n":
		return false, nil
	}
	return false, fmt.Errorf("vote %q: want yes or no", s)
}
