// Package governance is the consortium's governance: the validator
// organizations (each runs one validator), the registry of admitted nodes
// (P2P connections from any other node id are refused), and proposals to
// change either, or a ledger's policy parameters. A proposal passes when
// more than two thirds of the validator organizations vote yes before its
// deadline (block time); the vote that passes it carries it out. Validator
// changes leave FinalizeBlock as validator updates.
//
// It must never import another ledger: parameter changes go through the
// setters the app registers.
package governance
