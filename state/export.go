package state

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/syndtr/goleveldb/leveldb"
)

// ErrPruned is a height the store cannot read back: older than the undo
// records it keeps.
var ErrPruned = errors.New("the state at this height is no longer kept")

// View is the committed state as it was at a height, read-only: the last
// committed height as goleveldb holds it (a snapshot), with the undo
// records of the heights after it laid over, so each key a later height
// wrote reads as it was. Iterate it with Reader.Iterator; it never loads
// the state whole (the overlay holds the undo records of the heights after
// the view's, at most the store's undo window).
type View struct {
	Reader
	Height  int64
	AppHash []byte
	release func()
}

// Close releases the view's snapshot.
func (v *View) Close() { v.release() }

// ViewAt returns the committed state at height (1 to the last committed
// height). A height below the last needs the undo record of every height
// above it; a height whose records are gone is ErrPruned, naming the oldest
// height that can be read. Nothing may be uncommitted (the store of a
// stopped node).
func (s *Store) ViewAt(height int64) (*View, error) {
	if len(s.sealed) > 0 || s.open.Len() > 0 {
		return nil, errors.New("view: the store has uncommitted heights")
	}
	snap, err := s.db.GetSnapshot()
	if err != nil {
		return nil, err
	}
	last, lastHash := s.LastCommitted()
	if height < 1 || height > last {
		snap.Release()
		return nil, fmt.Errorf("height %d: the store holds heights 1 to %d", height, last)
	}
	over := newLayer(snapReader{snap})
	appHash := bytes.Clone(lastHash)
	for h := last; h > height; h-- {
		rec, err := snap.Get(heightKey(undoPrefix, h), nil)
		if errors.Is(err, leveldb.ErrNotFound) {
			snap.Release()
			oldest := last
			if low, ok := s.firstHeight(undoPrefix); ok {
				oldest = max(low-1, 1)
			}
			return nil, fmt.Errorf("height %d: %w (undo records are kept for the last %d heights; the oldest height that can be exported is %d)",
				height, ErrPruned, s.undoHeights, oldest)
		}
		if err != nil {
			snap.Release()
			return nil, err
		}
		prev, entries, err := decodeUndo(rec)
		if err != nil {
			snap.Release()
			return nil, fmt.Errorf("%w: undo record of height %d: %v", ErrDamaged, h, err)
		}
		// The record must chain to the app hash of its height.
		root, err := snap.Get(rootKey(h), nil)
		if err != nil || !bytes.Equal(NextAppHash(prev, root), appHash) {
			snap.Release()
			return nil, fmt.Errorf("%w: undo record of height %d does not chain to its app hash %X", ErrDamaged, h, appHash)
		}
		for _, e := range entries { // a lower height overwrites: its value is the older one
			if e.absent {
				over.Delete(e.key)
			} else {
				over.Set(e.key, e.value)
			}
		}
		appHash = bytes.Clone(prev)
	}
	return &View{Reader: over, Height: height, AppHash: appHash, release: snap.Release}, nil
}
