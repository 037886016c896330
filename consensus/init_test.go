package consensus

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/types"

	"github.com/partychain/partychain/app"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

func initOpts(home string) InitOptions {
	return InitOptions{
		Home: home, ChainID: "test-chain", Moniker: "n0", RootName: "Root",
		Secretary: &memberv1.GenesisMember{Stage: memberv1.Stage_STAGE_FULL, AdmissionDate: 20000701, FullDate: 20010701,
			BirthYear: 1970, Commitment: bytes.Repeat([]byte{7}, 32), PubKey: ed25519.GenPrivKeyFromSecret([]byte("s")).PubKey().Bytes()},
	}
}

func TestInitWritesAHomeThatLoads(t *testing.T) {
	home := t.TempDir()
	res, err := Init(initOpts(home))
	if err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	gen, err := types.GenesisDocFromFile(c.GenesisFile())
	if err != nil {
		t.Fatal(err)
	}
	if gen.ChainID != "test-chain" || len(gen.Validators) != 1 || gen.Validators[0].Address.String() != res.ValidatorAddress {
		t.Fatalf("genesis %+v, result %+v", gen, res)
	}
	if gen.ConsensusParams.Block.MaxGas != app.DefaultBlockMaxGas {
		t.Fatalf("genesis block.max_gas %d, want %d", gen.ConsensusParams.Block.MaxGas, app.DefaultBlockMaxGas)
	}
	if c.Mempool.MaxTxBytes != 128<<10 || c.RPC.ListenAddress != "tcp://127.0.0.1:26657" {
		t.Fatalf("config: mempool max_tx_bytes %d, rpc %s", c.Mempool.MaxTxBytes, c.RPC.ListenAddress)
	}
}

// TestInitBoundsMemory: init writes a mempool bounded in bytes (the
// signature cache is sized from it) and an RPC that closes a websocket
// subscriber that does not read, in config.toml itself.
func TestInitBoundsMemory(t *testing.T) {
	home := t.TempDir()
	if _, err := Init(initOpts(home)); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(ConfigPath(home))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"experimental_close_on_slow_client = true", "max_txs_bytes = 67108864"} {
		if !strings.Contains(string(raw), "\n"+line+"\n") {
			t.Errorf("config.toml has no line %q", line)
		}
	}
	c, err := LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	if !c.RPC.CloseOnSlowClient || c.Mempool.MaxTxsBytes != DefaultMempoolTxsBytes {
		t.Errorf("loaded: close_on_slow_client %v, max_txs_bytes %d", c.RPC.CloseOnSlowClient, c.Mempool.MaxTxsBytes)
	}
}

func TestInitRefusals(t *testing.T) {
	home := t.TempDir()
	if _, err := Init(initOpts(home)); err != nil {
		t.Fatal(err)
	}
	if _, err := Init(initOpts(home)); err == nil || !strings.Contains(err.Error(), "--overwrite") {
		t.Fatalf("second init: %v", err)
	}
	o := initOpts(home)
	o.Overwrite = true
	if _, err := Init(o); err != nil {
		t.Fatalf("overwrite without chain data: %v", err)
	}
	// With chain data, a new genesis would be ignored: refuse.
	if err := os.MkdirAll(filepath.Join(home, "data", StateDBDir), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Init(o); err == nil || !strings.Contains(err.Error(), "chain's data") {
		t.Fatalf("overwrite over chain data: %v", err)
	}
	o.ChainID = ""
	if _, err := Init(o); err == nil {
		t.Fatal("empty chain id accepted")
	}
}

// A kept validator key whose signing state was removed with data/ gets a
// fresh state instead of a panic.
func TestInitKeepsValidatorKeyWithoutState(t *testing.T) {
	home := t.TempDir()
	first, err := Init(initOpts(home))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(home, "data")); err != nil {
		t.Fatal(err)
	}
	o := initOpts(home)
	o.Overwrite = true
	second, err := Init(o)
	if err != nil {
		t.Fatal(err)
	}
	if second.ValidatorAddress != first.ValidatorAddress || second.NodeID != first.NodeID {
		t.Fatal("keys were not kept")
	}
	if _, err := os.Stat(filepath.Join(home, "data", "priv_validator_state.json")); err != nil {
		t.Fatal(err)
	}
}
