// Package state is partychain's versioned key-value store over goleveldb.
//
// It owns: flat keys in one goleveldb database; uncommitted layers (one per
// finalized height) and per-transaction branches over them, so a failed
// transaction leaves nothing; ordered prefix iteration that merges a branch
// with what lies beneath it; the write-set commitment and app hash chain;
// and Commit as one synced batch holding the writes, the height and the app
// hash.
//
// The app hash of height h is SHA-256(app hash(h-1) || root(h)) where root(h)
// is the RFC 6962 Merkle root (CometBFT's crypto/merkle) of the height's
// write set sorted by key, deletions included; see Leaf for the leaf bytes.
// Height 0 is the genesis write set, committed together with height 1.
//
// It must never: know a ledger's rules or key layout beyond the reserved
// first byte 0x00 (its own metadata), persist anything outside Commit, or
// read the clock, the environment or randomness.
package state
