// Package consensus builds and runs the CometBFT node with the partychain
// app linked in (in-process ABCI through CometBFT's local client). It owns
// the node's home: CometBFT's config.toml, genesis.json, node key and
// validator key, written by Init and loaded by Run.
//
// It is the only package that imports CometBFT's node, p2p, privval and
// proxy. It must never hold a ledger rule.
package consensus
