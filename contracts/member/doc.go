// Package member is the member ledger: the admission lifecycle (applicant,
// activist, development target, probationary, full member) as consensus
// rules, organization-relationship transfers, flowing registration,
// discipline and exits; every change appended to the member's history; and
// counts by stage per organization, rolled up the tree in the same tx.
//
// Waiting periods and deadlines are policy parameters, evaluated on the
// dates of the acts, which must lie within max_backdate_days before the
// block's date (ctx.Today). Deadlines nobody acts on (an applicant's talk,
// a transfer's expiry, the end of a party probation) are handled by EndBlock
// from a date-ordered index, a bounded number per block.
//
// It holds no personal data: the identity ledger keeps a commitment only.
// It must never import another ledger's package; it reaches the org,
// identity and activity ledgers through expected_keepers.go.
package member
