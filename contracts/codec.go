package contracts

import (
	"fmt"

	"github.com/partychain/partychain/state"
)

// Marshaler and Unmarshaler are what gogoproto generates for every message.
type Marshaler interface{ Marshal() ([]byte, error) }
type Unmarshaler interface{ Unmarshal([]byte) error }

// Load reads the message at key into m. found is false if the key is absent.
// A value that does not decode is corruption and returns an error.
func Load(r state.Reader, key []byte, m Unmarshaler) (found bool, err error) {
	bz, err := r.Get(key)
	if err != nil || bz == nil {
		return false, err
	}
	if err := m.Unmarshal(bz); err != nil {
		return false, fmt.Errorf("corrupt value at key %x: %w", key, err)
	}
	return true, nil
}

// Save writes m at key. Generated messages marshal without error; a failure
// is a broken invariant.
func Save(kv state.KV, key []byte, m Marshaler) {
	bz, err := m.Marshal()
	if err != nil {
		panic(fmt.Sprintf("marshal value for key %x: %v", key, err))
	}
	kv.Set(key, bz)
}

// Has reports whether key is present.
func Has(r state.Reader, key []byte) (bool, error) {
	bz, err := r.Get(key)
	return bz != nil, err
}
