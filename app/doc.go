// Package app is partychain's ABCI 2.0 application. It owns the path of a
// transaction: size and count bounds, decoding (canonical encodings only),
// stateless checks, the ed25519 signature, the signer's sequence, routing
// each message to its ledger on a branch of state, result codes and events.
// It also owns InitChain (the genesis app state), Commit (one synced batch
// through package state), Info and Query routing.
//
// It must never hold a ledger's rules (those live in contracts/...), touch
// goleveldb directly, or import CometBFT's node, p2p or privval: consensus
// drives the app, not the other way round.
package app
