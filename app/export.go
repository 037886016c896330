package app

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"

	"github.com/partychain/partychain/contracts"
	governancev1 "github.com/partychain/partychain/proto/partychain/governance/v1"
	"github.com/partychain/partychain/state"
)

// An export is a chain's whole app state at a height as a stream, for a new
// chain to begin from (docs/operator.md, "Export and a new chain from it").
// The state file is:
//
//	header:  one line of JSON (ExportHeader) ending in '\n'
//	records: uvarint(len key) || key || uvarint(len value) || value, one per
//	         app key in ascending key order (the store's 0x00 metadata is
//	         not app state and is left out; keys are never empty)
//	end:     uvarint(0) || uvarint(number of records)
//
// The genesis of the new chain does not carry the state inline (CometBFT
// reads genesis.json whole into memory): its app_state is ImportGenesis,
// which names the file and its SHA-256.
const (
	ExportFormat        = "partychain-state"
	ExportFormatVersion = 1
)

// ExportHeader is the first line of a state file.
type ExportHeader struct {
	Format     string `json:"format"`
	Version    int    `json:"version"`
	ChainID    string `json:"chain_id"`
	Height     int64  `json:"height"`
	AppHash    string `json:"app_hash"`
	AppVersion uint64 `json:"app_version"`
}

// ImportGenesis is the app_state of a genesis that begins a chain from a
// state file: {"app_version": N, "import": {...}}.
type ImportGenesis struct {
	AppVersion uint64      `json:"app_version"`
	Import     ImportState `json:"import"`
}

// ImportState names the state file (a file name in the genesis's
// directory), its SHA-256, and the source chain's height, app hash and key
// count.
type ImportState struct {
	File    string `json:"file"`
	SHA256  string `json:"sha256"`
	Height  int64  `json:"height"`
	AppHash string `json:"app_hash"`
	Keys    int64  `json:"keys"`
}

// Exported is what ExportState wrote, and what the new chain's genesis
// needs: its app_state and the validators at the height.
type Exported struct {
	Header     ExportHeader
	Genesis    ImportGenesis
	Validators []governancev1.Validator
}

// ExportState writes the state of view (a chain's committed state at a
// height, state.Store.ViewAt) to w as a state file named file, streaming
// it key by key. It reads the state only through view; the output depends
// only on the state and chainID.
func ExportState(w io.Writer, view *state.View, chainID, file string) (*Exported, error) {
	version, err := contracts.LoadAppVersion(view)
	if err != nil {
		return nil, err
	}
	vals, err := New(nil, chainID, nil).gov.Validators(view)
	if err != nil {
		return nil, err
	}
	h := ExportHeader{Format: ExportFormat, Version: ExportFormatVersion, ChainID: chainID, Height: view.Height,
		AppHash: hex.EncodeToString(view.AppHash), AppVersion: version}
	sum := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(w, sum), 1<<20)
	line, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	bw.Write(append(line, '\n'))
	var n int64
	var buf []byte
	it := view.Iterator(nil, nil)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		k, v := it.Key(), it.Value()
		buf = binary.AppendUvarint(buf[:0], uint64(len(k)))
		buf = append(buf, k...)
		buf = binary.AppendUvarint(buf, uint64(len(v)))
		if _, err := bw.Write(buf); err != nil {
			return nil, err
		}
		if _, err := bw.Write(v); err != nil {
			return nil, err
		}
		n++
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("read the state: %w", err)
	}
	bw.Write(binary.AppendUvarint([]byte{0}, uint64(n)))
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	return &Exported{Header: h, Validators: vals, Genesis: ImportGenesis{AppVersion: version, Import: ImportState{
		File: file, SHA256: hex.EncodeToString(sum.Sum(nil)), Height: h.Height, AppHash: h.AppHash, Keys: n}}}, nil
}
