package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/cosmos/gogoproto/jsonpb"

	"github.com/partychain/partychain/contracts/org"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// Genesis is the app_state of genesis.json: one proto3 JSON object per
// ledger, keyed by ledger name.
type Genesis struct {
	Org *orgv1.GenesisState
}

// DefaultGenesis is a root committee named rootName with one secretary.
func DefaultGenesis(rootName string, secretaryPubKey []byte) *Genesis {
	return &Genesis{Org: org.DefaultGenesis(rootName, secretaryPubKey)}
}

// ParseGenesis reads and validates app_state. Unknown ledgers and unknown
// fields are errors, so a typo is not silently ignored.
func ParseGenesis(bz []byte) (*Genesis, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(bz, &raw); err != nil {
		return nil, fmt.Errorf("app_state is not a JSON object: %w", err)
	}
	g := &Genesis{Org: &orgv1.GenesisState{}}
	ledgers := map[string]any{"org": g.Org}
	for _, name := range sortedKeys(raw) {
		target, ok := ledgers[name]
		if !ok {
			return nil, fmt.Errorf("app_state has an unknown ledger %q", name)
		}
		if err := jsonpb.Unmarshal(bytes.NewReader(raw[name]), target.(*orgv1.GenesisState)); err != nil {
			return nil, fmt.Errorf("app_state.%s: %w", name, err)
		}
	}
	if _, ok := raw["org"]; !ok {
		return nil, fmt.Errorf("app_state.org is missing: the chain needs a root committee")
	}
	return g, g.Validate()
}

// Validate checks every ledger's genesis.
func (g *Genesis) Validate() error {
	if err := org.ValidateGenesis(g.Org); err != nil {
		return fmt.Errorf("app_state.org: %w", err)
	}
	return nil
}

// MarshalJSON writes the app_state object.
func (g *Genesis) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	m := jsonpb.Marshaler{OrigName: true, EmitDefaults: true, Indent: "  "}
	buf.WriteString("{\n\"org\": ")
	if err := m.Marshal(&buf, g.Org); err != nil {
		return nil, err
	}
	buf.WriteString("\n}")
	return buf.Bytes(), nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
