package consensus

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/cometbft/cometbft/types"

	"github.com/partychain/partychain/app"
)

// InitGenesisOptions describe a home for a chain begun from a given
// genesis (partychaind export's, or any other).
type InitGenesisOptions struct {
	Home, Moniker string
	ChainID       string // must be the genesis's
	Genesis       string // the genesis.json to copy
	// GenesisSHA256, if set, is the genesis.json's own SHA-256 (hex), as
	// the operator got it out of band.
	GenesisSHA256 string
	Overwrite     bool
}

// InitFromGenesis writes a node home as Init does (config.toml, app.toml, a
// node key, a validator key kept if present) with a copy of the given
// genesis, and of the state file it imports, if any. It refuses a genesis
// whose chain id is not o.ChainID or whose SHA-256 is not o.GenesisSHA256,
// and a state file whose SHA-256 is not the one the genesis names; a
// refusal leaves no genesis in the home.
func InitFromGenesis(o InitGenesisOptions) (res *InitResult, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("init %s: %v", o.Home, r)
		}
	}()
	bz, err := os.ReadFile(o.Genesis)
	if err != nil {
		return nil, err
	}
	if o.GenesisSHA256 != "" {
		sum := sha256.Sum256(bz)
		if got := hex.EncodeToString(sum[:]); !strings.EqualFold(got, o.GenesisSHA256) {
			return nil, fmt.Errorf("%s has SHA-256 %s, not %s: it is not the genesis you were given", o.Genesis, got, o.GenesisSHA256)
		}
	}
	gen, err := types.GenesisDocFromJSON(bz)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Genesis, err)
	}
	if gen.ChainID != o.ChainID {
		return nil, fmt.Errorf("%s is the genesis of chain %q, not %q", o.Genesis, gen.ChainID, o.ChainID)
	}
	imp, isImport, err := app.ParseImportGenesis(gen.AppState)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Genesis, err)
	}
	if !isImport {
		if _, err := app.ParseGenesis(gen.AppState); err != nil {
			return nil, fmt.Errorf("%s: %w", o.Genesis, err)
		}
	}
	c, err := newHomeConfig(o.Home, o.Moniker, o.Overwrite)
	if err != nil {
		return nil, err
	}
	if isImport {
		from := filepath.Join(filepath.Dir(o.Genesis), imp.Import.File)
		to := filepath.Join(filepath.Dir(c.GenesisFile()), imp.Import.File)
		if err := copyChecked(from, to, imp.Import.SHA256); err != nil {
			return nil, err
		}
	}
	nodeKey, pub, err := writeHome(o.Home, c)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(c.GenesisFile(), bz, 0o644); err != nil {
		return nil, err
	}
	return &InitResult{Home: o.Home, ChainID: o.ChainID, NodeID: string(nodeKey.ID()),
		ValidatorAddress: pub.Address().String(), GenesisFile: c.GenesisFile()}, nil
}

// copyChecked copies from to to, streaming, and keeps the copy only if its
// SHA-256 is want (hex).
func copyChecked(from, to, want string) error {
	in, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("the genesis's state file: %w", err)
	}
	defer in.Close()
	if same, _ := sameFile(from, to); same {
		return errors.New("the genesis's state file is already in the home: pass a genesis from outside it")
	}
	tmp := to + ".partial"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	sum := sha256.New()
	_, err = io.Copy(io.MultiWriter(out, sum), in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if got := hex.EncodeToString(sum.Sum(nil)); !strings.EqualFold(got, want) {
			err = fmt.Errorf("the state file %s has SHA-256 %s, the genesis names %s: it is not the genesis's state", from, got, want)
		}
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, to)
}

func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

// FileSHA256 is the SHA-256 (hex) of a file, read streaming.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sum := sha256.New()
	if _, err := io.Copy(sum, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}
