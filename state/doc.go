// Package state is partychain's versioned key-value store over goleveldb.
//
// It owns: flat keys in one goleveldb database; uncommitted layers (one per
// finalized height) and per-transaction branches over them, so a failed
// transaction leaves nothing; ordered prefix iteration that merges a branch
// with what lies beneath it; the write-set commitment and app hash chain;
// Commit as one synced batch holding the writes, the height and the app
// hash; and stepping back one height (UndoLastHeight) for an operator's
// rollback.
//
// The app hash of height h is SHA-256(app hash(h-1) || root(h)) where root(h)
// is the RFC 6962 Merkle root (CometBFT's crypto/merkle) of the height's
// write set sorted by key, deletions included; see Leaf for the leaf bytes.
// Height 0 is the genesis write set, committed together with height 1.
//
// Beside the ledger keys, in its reserved space and outside the app hash, a
// Commit also writes each height's write-set root, its proof record
// (proofs.go: the leaves, to prove single writes; pruned with CometBFT's
// blocks, SetRetain) and its undo record (undo.go: each written key's value
// before the height, or its absence, and the app hash before; kept for the
// last DefaultUndoHeights heights, SetUndoHeights). UndoLastHeight applies
// the last height's undo record in one synced batch: the values come back,
// the last height and app hash become the previous ones, and the height's
// root, proof, validator-change and undo records go. Heights 0 and 1 have
// no undo record: there is no committed state before height 1.
//
// It must never: know a ledger's rules or key layout beyond the reserved
// first byte 0x00 (its own metadata), persist anything outside Commit and
// UndoLastHeight, or read the clock, the environment or randomness.
package state
