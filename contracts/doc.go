// Package contracts holds what every ledger shares: the Context a handler
// runs in, registered errors with stable codes, events, message routes and
// small helpers to read and write gogoproto values.
//
// The ledgers live in the sub-packages (org, member, identity, dues,
// activity, governance). Each is a deterministic state machine: it sees only
// its store branch, the block height and time, and the signer. It must never
// import CometBFT's node, p2p, privval, proxy or rpc packages, goleveldb,
// the app or another ledger's internals (declare a small interface instead),
// nor read the wall clock, randomness, the environment or files.
package contracts
