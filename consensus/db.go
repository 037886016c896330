package consensus

import (
	"fmt"

	dbm "github.com/cometbft/cometbft-db"
	cfg "github.com/cometbft/cometbft/config"
	"github.com/syndtr/goleveldb/leveldb/filter"
	"github.com/syndtr/goleveldb/leveldb/opt"
)

// cometDBOptions are the goleveldb options of CometBFT's own databases
// (blockstore, state, tx_index, evidence) and the kvstore's. CometBFT opens
// them with goleveldb's defaults: a 4 MiB memtable and 2 MiB tables, sized
// for small writes. A loaded node writes every block's txs twice (the block
// and the tx index) and those defaults then compact the same bytes many
// times over: a fifth of a node's CPU at 9,000 tx/s (docs/performance.md).
var cometDBOptions = opt.Options{
	// Fewer, larger level-0 tables: each flush carries more of the
	// write stream, so less of it is rewritten level by level.
	WriteBuffer:         32 << 20,
	CompactionTableSize: 8 << 20,
	// Level 1 holds 64 MiB (goleveldb: 10 MiB), each level 10x the last.
	CompactionTotalSize: 64 << 20,
	BlockCacheCapacity:  16 << 20,
	// The stored blocks and tx results are mostly hashes, keys and
	// signatures, which snappy cannot shrink, so it only costs CPU.
	Compression: opt.NoCompression,
	// Reads (RPC, tx lookups) must not schedule compactions of their own.
	DisableSeeksCompaction: true,
	Filter:                 filter.NewBloomFilter(10),
}

// DBProvider opens CometBFT's databases. goleveldb (init's db_backend) gets
// cometDBOptions, after checkCometDB; other backends are opened as CometBFT
// opens them.
func DBProvider(ctx *cfg.DBContext) (dbm.DB, error) {
	if dbm.BackendType(ctx.Config.DBBackend) != dbm.GoLevelDBBackend {
		return cfg.DefaultDBProvider(ctx)
	}
	o := cometDBOptions
	if err := checkCometDB(ctx.ID, ctx.Config.DBDir(), &o); err != nil {
		return nil, err
	}
	db, err := dbm.NewGoLevelDBWithOpts(ctx.ID, ctx.Config.DBDir(), &o)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", ctx.ID, err)
	}
	return db, nil
}
