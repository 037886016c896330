// Package identity is the identity ledger (key byte 0x03): for each member,
// a commitment to their personal fields, the birth year and their optional
// own key.
//
// It owns: the Identity record of every registered member; the index from a
// commitment to its member, which makes a commitment unique chain-wide (the
// same person, with the same fields and salts, cannot be registered twice);
// the index from a member's own key (its account address) to the member, so
// other ledgers can tell which member signed; and the rotation of that key:
// by the member themself, or by the organization officer of the member's
// branch for a member who holds no role (roles follow the key, so a
// role-holder's key is theirs alone to rotate). It opens an account (org
// ledger, sequence 0) for a member's key the first time the key is seen.
//
// The commitment scheme (commitment.go) is a pair of pure functions used by
// clients: they build the Merkle root of salted per-field leaves and prove a
// single field against it. State transitions never call them: the chain only
// ever sees the 32-byte root.
//
// It must never: hold, log or emit personal data (names, ID numbers, birth
// dates, salts) — only the commitment, the birth year (in the clear for the
// age rule alone) and public keys; read randomness or the clock; apply the
// member ledger's rules (stages, the age rule), which reach it only through
// Register; or touch another ledger's keys except through the interfaces in
// expected_keepers.go.
package identity
