// Package receipt is the receipt of a committed tx: a self-contained file
// that proves, to anyone holding only the consortium's genesis file (or the
// hash of a validator set they trust), that the tx is in a block the
// validators signed, what its result was, and what it wrote to the state.
// Build makes one from a node's RPC; Verify checks one with no node at all.
// docs/receipts.md describes the format field by field.
//
// The file is JSON in one canonical form (format 2: bytes in upper-case
// hex; files of format 1, bytes in base64, still read): Parse decodes it
// and encodes it again, and refuses a file that is not byte for byte what
// that gives. So
// every byte of an accepted file is either checked by a proof or signature,
// or fixed by the encoding; none can change without the file being refused.
package receipt

import (
	cmttypes "github.com/cometbft/cometbft/types"
)

const (
	// Format names a receipt file's format and version: 2, every byte
	// field in upper-case hex. New receipts are of this format.
	Format = "partychain-receipt/2"
	// CredentialFormat names a credential file: a member's stage history
	// as receipts (of format Format).
	CredentialFormat = "partychain-credential/2"
	// FormatV1 and CredentialFormatV1 name format 1, which wrote byte
	// fields in base64 (the headers' hashes in hex). Files of format 1
	// still parse (into the same in-memory form) and verify as before;
	// nothing writes new ones.
	FormatV1           = "partychain-receipt/1"
	CredentialFormatV1 = "partychain-credential/1"
	// MaxFileBytes bounds a receipt or credential file read from outside.
	MaxFileBytes = 16 << 20
)

// Receipt proves one committed tx.
type Receipt struct {
	Format  string `json:"format"` // Format, or FormatV1 if read from a /1 file
	ChainID string `json:"chain_id"`
	Height  int64  `json:"height"` // the block that holds the tx
	Index   uint32 `json:"index"`  // the tx's position in the block

	Tx     TxInclusion `json:"tx"`
	Result Result      `json:"result"`
	Writes []Write     `json:"writes"` // the tx's writes, key order

	Block LightBlock `json:"block"` // height Height: holds the tx (data_hash)
	Next  LightBlock `json:"next"`  // height Height+1: app hash and results hash of Height

	// Trust links the trusted validator set (the genesis one, or the one
	// named by hash) to Block's: for every validator-set change below Height,
	// ascending, the light blocks at u+1 (signed by the old set, naming the
	// new one in next_validators_hash) and u+2 (signed by the new set), where
	// u is the height whose FinalizeBlock returned the change.
	Trust []LightBlock `json:"trust"`
}

// TxInclusion is the tx's bytes and their Merkle proof against
// Block.Header.DataHash (leaf: SHA-256 of the tx, as CometBFT's Txs.Proof).
type TxInclusion struct {
	Bytes []byte `json:"bytes"`
	Proof Proof  `json:"proof"`
}

// Result is the part of the tx's ExecTxResult that CometBFT hashes into
// Next.Header.LastResultsHash (code, data, gas wanted, gas used), with its
// Merkle proof. Data is a proofv1.TxResultData: the ids the tx created and,
// if it failed, its codespace.
type Result struct {
	Code      uint32 `json:"code"`
	Data      []byte `json:"data"`
	GasWanted int64  `json:"gas_wanted"`
	GasUsed   int64  `json:"gas_used"`
	Proof     Proof  `json:"proof"`
}

// Write is one state write of the tx's block that the tx made, with its
// Merkle proof against the block's write-set root; SHA-256 of
// Block.Header.AppHash (the app hash of Height-1) and that root is
// Next.Header.AppHash. All of a receipt's writes share the one root.
type Write struct {
	Key     []byte `json:"key"`
	Value   []byte `json:"value"`
	Deleted bool   `json:"deleted"`
	Proof   Proof  `json:"proof"`
}

// Proof is a CometBFT crypto/merkle path (RFC 6962): the leaf's index
// among total leaves and the sibling hashes from the leaf up.
type Proof struct {
	Total int64    `json:"total"`
	Index int64    `json:"index"`
	Aunts [][]byte `json:"aunts"`
}

// LightBlock is a signed header with the validator set that signed it, as
// CometBFT's light client takes it.
type LightBlock struct {
	Header     cmttypes.Header `json:"header"`
	Commit     cmttypes.Commit `json:"commit"`
	Validators []Validator     `json:"validators"` // the header's set, in the set's order
}

// Validator is a member of a validator set: its ed25519 public key and
// voting power (the proposer priority is not part of the set's hash and is
// left out).
type Validator struct {
	PubKey []byte `json:"pub_key"` // ed25519, 32 bytes
	Power  int64  `json:"power"`
}

// Credential is a member's stage history (registration, admission, full
// membership, ...) as receipts in height order; each verifies on its own,
// and each concerns MemberID.
type Credential struct {
	Format   string    `json:"format"` // CredentialFormat, or CredentialFormatV1 if read from a /1 file
	ChainID  string    `json:"chain_id"`
	MemberID uint64    `json:"member_id"`
	Receipts []Receipt `json:"receipts"`
}
