package contracts

import (
	"encoding/binary"
	"fmt"

	"github.com/partychain/partychain/state"
)

// appVersionKey holds the app version in force: the version of the rules
// every node executes the next block with (docs/upgrades.md).
var appVersionKey = []byte{ChainLedger, 0x02}

// LegacyAppVersion is the version of a chain whose state holds none: one
// begun from a genesis without app_version, as every chain was before the
// version was kept in state (app version 3).
const LegacyAppVersion uint64 = 2

// LoadAppVersion reads the app version in force; LegacyAppVersion if the
// state holds none.
func LoadAppVersion(r state.Reader) (uint64, error) {
	bz, err := r.Get(appVersionKey)
	if err != nil {
		return 0, err
	}
	if bz == nil {
		return LegacyAppVersion, nil
	}
	if len(bz) != 8 {
		return 0, fmt.Errorf("state corruption: app version record is %d bytes, want 8", len(bz))
	}
	return binary.BigEndian.Uint64(bz), nil
}

// SaveAppVersion records the app version in force.
func SaveAppVersion(kv state.KV, v uint64) {
	kv.Set(appVersionKey, binary.BigEndian.AppendUint64(nil, v))
}
