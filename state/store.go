package state

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/syndtr/goleveldb/leveldb"
	lerrors "github.com/syndtr/goleveldb/leveldb/errors"
	"github.com/syndtr/goleveldb/leveldb/filter"
	"github.com/syndtr/goleveldb/leveldb/opt"
	"github.com/syndtr/goleveldb/leveldb/storage"
	"github.com/syndtr/goleveldb/leveldb/util"
)

// reservedPrefix is the first byte of the store's own keys; branches refuse
// it, so no ledger can write there.
const reservedPrefix byte = 0x00

var (
	// metaKey holds u64be(last committed height) || last app hash.
	metaKey = []byte{reservedPrefix, 'H'}
	// rootPrefix + u64be(height) holds that height's write-set root.
	rootPrefix = []byte{reservedPrefix, 'R'}
	// firstDataKey is where ledger keys begin.
	firstDataKey = []byte{reservedPrefix + 1}
)

// Options tune goleveldb. Zero values take the defaults below.
type Options struct {
	BlockCacheBytes  int // default 64 MiB
	WriteBufferBytes int // default 32 MiB
	ReadCacheEntries int // hot committed keys cached in memory; default 100,000 per generation
	// OnTornTail, if set, hears that Open dropped a journal tail a crash
	// cut short (the last Commit's write, which never returned).
	OnTornTail func(what string)
}

// Store is the committed state in goleveldb plus the uncommitted layers of
// heights finalized since the last Commit.
//
// Concurrency: the layers (Working, Seal, Commit, Rollback, and
// UndoLastHeight) belong to one caller at a time, the consensus connection.
// Committed reads, Snapshot, LastHeight and LastAppHash are safe from other
// goroutines (CheckTx, Query) at any time, Commit included, and none of
// them waits for Commit's synced write: until it is done they answer the
// previous height.
type Store struct {
	db      *leveldb.DB
	cache   *readCache
	meta    sync.RWMutex
	height  int64  // last committed height (guarded by meta)
	appHash []byte // app hash at height (guarded by meta)
	sealed  []sealedLayer
	open    *layer
	// retain is how many heights of proof records to keep (0: all);
	// lowProof the lowest kept, -1 until first needed (proofs.go).
	retain   int64
	lowProof int64
	proofs   proofCache
	// undoHeights is how many heights of undo records to keep; lowUndo
	// the lowest that may have one, -1 until first needed (undo.go).
	undoHeights int64
	lowUndo     int64
}

type sealedLayer struct {
	height  int64
	root    []byte
	appHash []byte
	layer   *layer  // read by the layers above until Commit
	writes  []write // layer's writes in key order
	// For the height's proof record (proofs.go): the app hash it chains
	// from, its leaves, and what the block's txs wrote.
	prevAppHash []byte
	leaves      [][]byte
	info        SealInfo
}

// Open opens (creating if missing) the store in dir. Damage to its journal
// or tables is an error wrapping ErrDamaged (see OpenLevelDB); a torn
// journal tail is dropped and reported to o.OnTornTail.
func Open(dir string, o Options) (*Store, error) {
	db, torn, err := OpenLevelDB(dir, o.leveldb())
	if err != nil {
		return nil, fmt.Errorf("open state database %s: %w", dir, err)
	}
	if torn != "" && o.OnTornTail != nil {
		o.OnTornTail(torn)
	}
	s, err := load(db, o)
	if err != nil {
		return nil, fmt.Errorf("open state database %s: %w", dir, err)
	}
	return s, nil
}

// OpenInMemory opens a store on goleveldb's in-memory storage, for tests.
func OpenInMemory() (*Store, error) {
	db, err := leveldb.Open(storage.NewMemStorage(), Options{}.leveldb())
	if err != nil {
		return nil, err
	}
	return load(db, Options{})
}

func (o Options) leveldb() *opt.Options {
	if o.BlockCacheBytes == 0 {
		o.BlockCacheBytes = 64 << 20
	}
	if o.WriteBufferBytes == 0 {
		o.WriteBufferBytes = 32 << 20
	}
	return &opt.Options{
		BlockCacheCapacity: o.BlockCacheBytes,
		WriteBuffer:        o.WriteBufferBytes,
		Filter:             filter.NewBloomFilter(10),
	}
}

func load(db *leveldb.DB, o Options) (*Store, error) {
	if o.ReadCacheEntries == 0 {
		o.ReadCacheEntries = 100_000
	}
	s := &Store{db: db, cache: newReadCache(o.ReadCacheEntries), lowProof: -1, undoHeights: DefaultUndoHeights, lowUndo: -1}
	meta, err := db.Get(metaKey, nil)
	switch {
	case errors.Is(err, leveldb.ErrNotFound):
	case lerrors.IsCorrupted(err):
		db.Close()
		return nil, fmt.Errorf("%w: read state metadata: %v", ErrDamaged, err)
	case err != nil:
		db.Close()
		return nil, fmt.Errorf("read state metadata: %w", err)
	case len(meta) < 8:
		db.Close()
		return nil, fmt.Errorf("%w: state metadata is %d bytes, want at least 8", ErrDamaged, len(meta))
	default:
		s.height = int64(binary.BigEndian.Uint64(meta))
		s.appHash = bytes.Clone(meta[8:])
	}
	s.open = newLayer(s.Committed())
	return s, nil
}

// Compact compacts the whole database now (goleveldb otherwise compacts in
// the background as it goes). Benchmarks use it after a bulk setup so they
// measure a settled store; an operator may run it in a quiet hour.
func (s *Store) Compact() error { return s.db.CompactRange(util.Range{}) }

// Close closes the database; uncommitted layers are lost.
func (s *Store) Close() error { return s.db.Close() }

// LastHeight is the height of the last Commit (0 before the first).
func (s *Store) LastHeight() int64 {
	s.meta.RLock()
	defer s.meta.RUnlock()
	return s.height
}

// LastAppHash is the app hash of the last Commit (empty before the first).
func (s *Store) LastAppHash() []byte {
	s.meta.RLock()
	defer s.meta.RUnlock()
	return s.appHash
}

// LastCommitted is the height and app hash of the last Commit, read
// together: the height a new height chains from, and what Info reports.
func (s *Store) LastCommitted() (int64, []byte) {
	s.meta.RLock()
	defer s.meta.RUnlock()
	return s.height, s.appHash
}

// Committed reads the last committed state only. Its reads follow the
// Commits that happen while it is used; Snapshot does not.
func (s *Store) Committed() Reader { return dbReader{s.db, s.cache} }

// Snapshot is the last committed state held still: its height, and a
// reader of exactly that height's state however many Commits follow (a
// goleveldb snapshot). The height is read from the snapshot itself (the
// metadata Commit writes in the same batch as the state), so the two always
// belong together and Snapshot never waits for a Commit's write. It does
// not use the read cache, which follows the latest Commit. Call release
// when done.
func (s *Store) Snapshot() (r Reader, height int64, release func(), err error) {
	snap, err := s.db.GetSnapshot()
	if err != nil {
		return nil, 0, nil, err
	}
	meta, err := snap.Get(metaKey, nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return snapReader{snap}, 0, snap.Release, nil
	}
	if err == nil && len(meta) < 8 {
		err = fmt.Errorf("state metadata is corrupt: %d bytes", len(meta))
	}
	if err != nil {
		snap.Release()
		return nil, 0, nil, fmt.Errorf("read state metadata: %w", err)
	}
	return snapReader{snap}, int64(binary.BigEndian.Uint64(meta)), snap.Release, nil
}

// Working is the open layer: the state as of every sealed height plus the
// writes made since. Transactions run on branches of it (NewBranch).
func (s *Store) Working() KV { return s.open }

// Seal is SealWith with nothing to keep beside the write set.
func (s *Store) Seal(height int64) ([]byte, error) { return s.SealWith(height, SealInfo{}) }

// SealWith closes the open layer as the write set of height and returns the
// height's app hash; a new open layer starts over it. info is kept with the
// height's proof record. Height 0 is genesis and is allowed only before the
// first Commit; every other height must follow the last sealed or committed
// one.
func (s *Store) SealWith(height int64, info SealInfo) ([]byte, error) {
	prevHeight, prevHash := s.LastCommitted()
	committed := prevHeight
	if n := len(s.sealed); n > 0 {
		prevHeight, prevHash = s.sealed[n-1].height, s.sealed[n-1].appHash
	}
	genesis := height == 0 && committed == 0 && len(s.sealed) == 0
	if !genesis && height != prevHeight+1 {
		return nil, fmt.Errorf("seal height %d: the next height is %d", height, prevHeight+1)
	}
	writes := s.open.writes()
	root, leaves := writeSetRoot(writes)
	appHash := NextAppHash(prevHash, root)
	s.sealed = append(s.sealed, sealedLayer{height: height, root: root, appHash: appHash, layer: s.open, writes: writes,
		prevAppHash: prevHash, leaves: leaves, info: info})
	s.open = newLayer(s.open)
	return appHash, nil
}

// Commit writes every sealed layer, their roots, proof and undo records, the
// last height and its app hash in one synced goleveldb batch. Writes made
// after the last Seal are an error: they would belong to no height.
func (s *Store) Commit() error {
	if len(s.sealed) == 0 {
		return errors.New("commit: no sealed height")
	}
	if s.open.Len() > 0 {
		return fmt.Errorf("commit: %d writes after the last seal", s.open.Len())
	}
	// Size the batch once: a record is a kind byte, the key and the value
	// with their varint lengths; the roots and the metadata are small.
	size, n := 64, 0
	records := make([][]byte, len(s.sealed))
	undos := make([][]byte, len(s.sealed))
	for i, l := range s.sealed {
		records[i] = proofRecord(l.prevAppHash, l.writes, l.leaves, l.info)
		size += 3*(1+2*binary.MaxVarintLen32) + 2*(len(proofPrefix)+8) + len(records[i])
		if l.height >= 2 && s.undoHeights > 0 {
			// The values before the height, as the layer beneath has them.
			u, err := undoRecord(l.prevAppHash, l.writes, l.layer.parent)
			if err != nil {
				return fmt.Errorf("commit height %d: read the values before it: %w", l.height, err)
			}
			undos[i] = u
			size += 1 + 2*binary.MaxVarintLen32 + len(undoPrefix) + 8 + len(u)
		}
		n += len(l.writes)
		size += 2*(1+2*binary.MaxVarintLen32) + len(rootPrefix) + 8 + len(l.root)
		for _, w := range l.writes {
			size += 1 + 2*binary.MaxVarintLen32 + len(w.key) + len(w.value)
		}
	}
	batch := leveldb.MakeBatch(size)
	written := make([][]byte, 0, n)
	for i, l := range s.sealed {
		for _, w := range l.writes {
			written = append(written, w.key)
			if w.deleted {
				batch.Delete(w.key)
			} else {
				batch.Put(w.key, w.value)
			}
		}
		batch.Put(rootKey(l.height), l.root)
		batch.Put(heightKey(proofPrefix, l.height), records[i])
		if l.info.ValsetChanged {
			batch.Put(heightKey(valsetPrefix, l.height), nil)
		}
		if undos[i] != nil {
			batch.Put(heightKey(undoPrefix, l.height), undos[i])
		}
	}
	last := s.sealed[len(s.sealed)-1]
	lowProof := s.pruneProofs(batch, last.height)
	lowUndo := s.pruneUndo(batch, last.height)
	batch.Put(metaKey, append(binary.BigEndian.AppendUint64(nil, uint64(last.height)), last.appHash...))
	// The synced write holds no lock: readers (Query, CheckTx, metrics,
	// the peer filter) do not wait for the disk. A Snapshot reads its height
	// from the batch's own metadata, and LastHeight moves on only once the
	// write is done, so a reader never sees a height before its state.
	if err := s.db.Write(batch, &opt.WriteOptions{Sync: true}); err != nil {
		return fmt.Errorf("commit height %d: %w", last.height, err)
	}
	s.cache.committed(written) // after the write: see readCache
	s.lowProof, s.lowUndo = lowProof, lowUndo
	s.meta.Lock()
	s.height, s.appHash = last.height, last.appHash
	s.meta.Unlock()
	s.Rollback()
	return nil
}

// Rollback drops every uncommitted layer.
func (s *Store) Rollback() {
	s.sealed = nil
	s.open = newLayer(s.Committed())
}

// WriteSetRoot returns the committed write-set root of height, or nil if the
// height is not committed.
func (s *Store) WriteSetRoot(height int64) ([]byte, error) {
	v, err := s.db.Get(rootKey(height), nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return nil, nil
	}
	return v, err
}

func rootKey(height int64) []byte {
	return binary.BigEndian.AppendUint64(bytes.Clone(rootPrefix), uint64(height))
}

// dbReader reads committed ledger keys through the read cache; the
// reserved space is invisible.
type dbReader struct {
	db    *leveldb.DB
	cache *readCache
}

func (r dbReader) Get(key []byte) ([]byte, error) {
	if len(key) == 0 || key[0] == reservedPrefix {
		return nil, nil
	}
	e, ok, gen := r.cache.get(key)
	if ok {
		return e.value, nil
	}
	v, err := r.db.Get(key, nil)
	switch {
	case errors.Is(err, leveldb.ErrNotFound):
		r.cache.put(key, cacheEntry{}, gen)
		return nil, nil
	case err != nil:
		return nil, err
	}
	r.cache.put(key, cacheEntry{value: v, present: true}, gen)
	return v, nil
}

func (r dbReader) Iterator(start, end []byte) Iterator {
	if bytes.Compare(start, firstDataKey) < 0 {
		start = firstDataKey
	}
	return newLDBIterator(r.db.NewIterator(&util.Range{Start: start, Limit: end}, nil))
}

// snapReader reads committed ledger keys from a goleveldb snapshot.
type snapReader struct{ snap *leveldb.Snapshot }

func (r snapReader) Get(key []byte) ([]byte, error) {
	if len(key) == 0 || key[0] == reservedPrefix {
		return nil, nil
	}
	v, err := r.snap.Get(key, nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return nil, nil
	}
	return v, err
}

func (r snapReader) Iterator(start, end []byte) Iterator {
	if bytes.Compare(start, firstDataKey) < 0 {
		start = firstDataKey
	}
	return newLDBIterator(r.snap.NewIterator(&util.Range{Start: start, Limit: end}, nil))
}
