// Package activity is the activity ledger (组织生活): recorded meetings of
// organizations with their attendance and their resolutions' votes.
//
// An officer (secretary, deputy secretary or organization officer) of the
// organization or of any ancestor records a meeting after it is held. The
// ledger checks that the organization may hold that kind of meeting, that
// each attendee is an active member whose branch belongs there, and that each
// resolution's tally fits the number entitled to vote; it computes whether a
// resolution passed from the quorum rule named on it. Admission and full
// membership resolutions are checked against the member ledger's records and
// counts, so the member ledger can rely on a recorded, passed resolution.
//
// Records are never changed once written: attendance is one key per member,
// so "did X attend meeting M" is one read, and indexes by member and by
// organization and date serve points and compliance (a later issue).
//
// It must never see CometBFT, goleveldb or another ledger's internals: it
// reaches the organization and member ledgers through the interfaces in
// expected_keepers.go.
package activity
