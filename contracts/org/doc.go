// Package org is the organization ledger: the tree of organizations
// (committee, general branch, branch, group), the officer roles held at each,
// and the accounts (ed25519 keys with sequences) that sign transactions.
//
// Authority flows down the tree: a secretary or organization officer of an
// organization or of any ancestor may create organizations under it, rename
// it and grant or revoke roles at it; dissolving needs such an officer of a
// strict ancestor. The root committee cannot be dissolved and always keeps
// at least one secretary.
//
// Roles are held by members, never by bare keys: a grant names a member id,
// and a signer holds a role while its key is the current own key of a
// member who holds it (resolved through the identity ledger's own-key index,
// wired with SetMembers). One person is one member, so two-person rules
// compare member ids (SignerMember). Nobody grants a role to themselves.
//
// It must never see CometBFT, goleveldb or another ledger's internals; other
// ledgers reach it through the small interfaces they declare.
package org
