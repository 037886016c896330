package app

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/governance"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
)

// Bounds of a state file's records: far above any key or value a ledger
// writes, they keep a damaged length from asking for gigabytes.
const (
	maxImportKey   = 1 << 16
	maxImportValue = 1 << 26
)

// SetGenesisDir is the directory of genesis.json, where a genesis that
// imports a state file (ImportGenesis) finds it.
func (a *App) SetGenesisDir(dir string) { a.genesisDir = dir }

// ParseImportGenesis reads an app_state that imports a state file; ok is false
// for any other app_state (ParseGenesis reads those).
func ParseImportGenesis(bz []byte) (imp *ImportGenesis, ok bool, err error) {
	var raw map[string]json.RawMessage
	if json.Unmarshal(bz, &raw) != nil {
		return nil, false, nil // ParseGenesis says what is wrong
	}
	if _, ok := raw["import"]; !ok {
		return nil, false, nil
	}
	dec := json.NewDecoder(bytes.NewReader(bz))
	dec.DisallowUnknownFields()
	imp = &ImportGenesis{}
	if err := dec.Decode(imp); err != nil {
		return nil, true, fmt.Errorf("app_state with an import holds app_version and import only: %w", err)
	}
	f := imp.Import.File
	if f == "" || filepath.Base(f) != f || f == "." || f == ".." {
		return nil, true, fmt.Errorf("app_state.import.file %q: want a file name in the genesis's directory", f)
	}
	if sum, err := hex.DecodeString(imp.Import.SHA256); err != nil || len(sum) != sha256.Size {
		return nil, true, fmt.Errorf("app_state.import.sha256: want %d hex digits", 2*sha256.Size)
	}
	return imp, true, nil
}

// initImport is InitChain from a state file: its keys and values become the
// genesis write set as they are, checked against the SHA-256, height, app
// hash and key count the genesis names; nothing else is written. The write
// set is held in memory until the Commit of height 1, as any genesis's is.
func (a *App) initImport(req *abci.RequestInitChain, imp *ImportGenesis) (*abci.ResponseInitChain, error) {
	if imp.AppVersion < contracts.LegacyAppVersion || imp.AppVersion > a.maxVersion {
		return nil, fmt.Errorf("app_state.app_version %d: this binary runs app versions %d to %d",
			imp.AppVersion, contracts.LegacyAppVersion, a.maxVersion)
	}
	if a.genesisDir == "" {
		return nil, errors.New("the genesis imports a state file, but the app was given no genesis directory")
	}
	a.store.Rollback()
	if err := a.readImport(filepath.Join(a.genesisDir, imp.Import.File), imp); err != nil {
		a.store.Rollback()
		return nil, fmt.Errorf("genesis import: %w", err)
	}
	kv := a.store.Working()
	if imp.AppVersion > contracts.LegacyAppVersion {
		contracts.SaveAppVersion(kv, imp.AppVersion) // the file's, checked against the header
	}
	vals, err := a.gov.Validators(kv)
	if err != nil {
		a.store.Rollback()
		return nil, err
	}
	if err := sameValidators(vals, req.Validators); err != nil {
		a.store.Rollback()
		return nil, fmt.Errorf("genesis import: %w", err)
	}
	nodes, err := a.gov.Nodes(kv)
	if err != nil {
		a.store.Rollback()
		return nil, err
	}
	admitted := map[string]bool{}
	for _, n := range nodes {
		if id, err := governance.ParseNodeID(n.NodeId); err == nil {
			admitted[string(id)] = true
		}
	}
	if p := req.ConsensusParams; p != nil && p.Block != nil {
		a.SetBlockMaxGas(p.Block.MaxGas)
	}
	a.genesisMu.Lock()
	a.genesisNodes = admitted
	a.genesisMu.Unlock()
	appHash, err := a.store.Seal(0)
	if err != nil {
		return nil, err
	}
	a.logger.Info("genesis imported", "chain_id", a.chainID, "source_height", imp.Import.Height,
		"keys", imp.Import.Keys, "app_hash", fmt.Sprintf("%X", appHash))
	return &abci.ResponseInitChain{AppHash: appHash,
		ConsensusParams: &cmtproto.ConsensusParams{Version: &cmtproto.VersionParams{App: imp.AppVersion}}}, nil
}

// sameValidators checks CometBFT's genesis validators against the
// governance ledger's in the imported state.
func sameValidators(ledger []governancev1.Validator, comet []abci.ValidatorUpdate) error {
	if len(ledger) != len(comet) {
		return fmt.Errorf("the state has %d validators, CometBFT's genesis %d", len(ledger), len(comet))
	}
	for _, cv := range comet {
		found := false
		for _, v := range ledger {
			found = found || (bytes.Equal(v.PubKey, cv.PubKey.GetEd25519()) && v.Power == cv.Power)
		}
		if !found {
			return fmt.Errorf("CometBFT genesis validator %X (power %d) is not one of the state's", cv.PubKey.GetEd25519(), cv.Power)
		}
	}
	return nil
}

// readImport streams the state file at path into the working store.
func (a *App) readImport(path string, imp *ImportGenesis) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	defer f.Close()
	sum := sha256.New()
	r := bufio.NewReaderSize(io.TeeReader(f, sum), 1<<20)
	if err := checkImportHeader(r, imp); err != nil {
		return err
	}
	kv := a.store.Working()
	var prev []byte
	var n int64
	for {
		k, err := readChunk(r, maxImportKey)
		if err != nil {
			return fmt.Errorf("state file record %d: %w", n+1, err)
		}
		if len(k) == 0 { // the end
			break
		}
		if k[0] == 0 || (prev != nil && bytes.Compare(prev, k) >= 0) {
			return fmt.Errorf("state file record %d: key is reserved or out of order", n+1)
		}
		v, err := readChunk(r, maxImportValue)
		if err != nil {
			return fmt.Errorf("state file record %d: %w", n+1, err)
		}
		kv.Set(k, v)
		prev = k
		n++
	}
	count, err := binary.ReadUvarint(r)
	if err != nil || count != uint64(n) || n != imp.Import.Keys {
		return fmt.Errorf("state file holds %d records, its end says %d, the genesis %d", n, count, imp.Import.Keys)
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return errors.New("state file has bytes after its end")
	}
	return checkSum(sum.Sum(nil), imp.Import.SHA256)
}

func checkImportHeader(r *bufio.Reader, imp *ImportGenesis) error {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return fmt.Errorf("state file header: %w", err)
	}
	var h ExportHeader
	if json.Unmarshal(line, &h) != nil || h.Format != ExportFormat {
		return fmt.Errorf("the file is not a %s file", ExportFormat)
	}
	switch {
	case h.Version != ExportFormatVersion:
		return fmt.Errorf("state file format version %d: this binary reads %d", h.Version, ExportFormatVersion)
	case h.Height != imp.Import.Height || h.AppHash != imp.Import.AppHash:
		return fmt.Errorf("state file is of height %d app hash %s, the genesis names height %d app hash %s",
			h.Height, h.AppHash, imp.Import.Height, imp.Import.AppHash)
	case h.AppVersion != imp.AppVersion:
		return fmt.Errorf("state file is at app version %d, the genesis says %d", h.AppVersion, imp.AppVersion)
	}
	return nil
}

// readChunk reads uvarint(len) || bytes, len at most limit.
func readChunk(r *bufio.Reader, limit uint64) ([]byte, error) {
	l, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, fmt.Errorf("truncated: %w", err)
	}
	if l > limit {
		return nil, fmt.Errorf("length %d is over %d", l, limit)
	}
	b := make([]byte, l)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("truncated: %w", err)
	}
	return b, nil
}

func checkSum(sum []byte, want string) error {
	if got := hex.EncodeToString(sum); got != want {
		return fmt.Errorf("state file SHA-256 is %s, the genesis names %s", got, want)
	}
	return nil
}
