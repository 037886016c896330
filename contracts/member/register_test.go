package member

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	"github.com/partychain/partychain/contracts/identity"
	"github.com/partychain/partychain/contracts/org"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

// TestRegisterApplicant covers who may register an applicant where, the
// age rule, the dates, and the identity fields.
func TestRegisterApplicant(t *testing.T) {
	l := newLedger(t)
	l.advance(100)
	today := l.today // 20260415
	reg := func(branch uint64, date, birth uint32, commitment, key []byte) *memberv1.MsgRegisterApplicant {
		return &memberv1.MsgRegisterApplicant{BranchId: branch, ApplicationDate: date, BirthYear: birth, Commitment: commitment, MemberPubKey: key}
	}
	at := func(branch uint64) *memberv1.MsgRegisterApplicant { return reg(branch, today, 1990, l.person(), nil) }
	born := func(year uint32) *memberv1.MsgRegisterApplicant { return reg(branchA, today, year, l.person(), nil) }
	dated := func(d uint32) *memberv1.MsgRegisterApplicant { return reg(branchA, d, 1990, l.person(), nil) }
	committed := func(c []byte) *memberv1.MsgRegisterApplicant { return reg(branchA, today, 1990, c, nil) }
	keyed := func(k []byte) *memberv1.MsgRegisterApplicant { return reg(branchA, today, 1990, l.person(), k) }
	documented := func(reason uint32, doc []byte) *memberv1.MsgRegisterApplicant {
		m := reg(branchA, today, 1990, l.person(), nil)
		m.ReasonCode, m.DocHash = reason, doc
		return m
	}
	l.runCases(t, []txCase{
		// Who: an officer (secretary, deputy, organization officer) of the branch itself.
		{"branch secretary", "a-secretary", at(branchA), nil, code{}},
		{"branch deputy secretary", "a-deputy", at(branchA), nil, code{}},
		{"branch organization officer", "a-officer", at(branchA), nil, code{}},
		{"dues clerk of the branch", "a-clerk", at(branchA), ErrUnauthorized, cUnauth},
		{"discipline officer of the branch", "a-discipline", at(branchA), ErrUnauthorized, cUnauth},
		{"secretary of its group", "group-secretary", at(branchA), ErrUnauthorized, cUnauth},
		{"secretary of the committee above", "district-secretary", at(branchA), ErrUnauthorized, cUnauth},
		{"secretary of the root", "root-secretary", at(branchA), ErrUnauthorized, cUnauth},
		{"officer of another branch", "b-secretary", at(branchA), ErrUnauthorized, cUnauth},
		{"officer of a branch in another subtree", "d-secretary", at(branchA), ErrUnauthorized, cUnauth},
		{"no role at all", "nobody", at(branchA), ErrUnauthorized, cUnauth},

		// Where: an active branch.
		{"a branch under a general branch", "c-secretary", at(branchC), nil, code{}},
		{"a committee", "district-secretary", at(districtOrg), ErrNotABranch, cNotBranch},
		{"the root committee", "root-secretary", at(rootOrg), ErrNotABranch, cNotBranch},
		{"a general branch", "gb-secretary", at(generalOrg), ErrNotABranch, cNotBranch},
		{"a group", "group-secretary", at(groupOrg), ErrNotABranch, cNotBranch},
		{"a dissolved branch", "district-secretary", at(branchE), org.ErrOrgDissolved, cDissolved},
		{"no such organization", "a-secretary", at(noOrg), org.ErrOrgNotFound, cOrgNotFound},
		{"no branch named", "a-secretary", at(0), ErrMalformed, cMalformed},

		// Age, by the year of application.
		{"18 in the year of application", "a-secretary", born(2008), nil, code{}},
		{"17 in the year of application", "a-secretary", born(2009), ErrTooYoung, cYoung},
		{"born this year", "a-secretary", born(2026), ErrTooYoung, cYoung},
		{"born next year", "a-secretary", born(2027), ErrTooYoung, cYoung},
		{"born in 1899", "a-secretary", born(1899), ErrMalformed, cMalformed},
		{"born in 3000", "a-secretary", born(3000), ErrMalformed, cMalformed},

		// The date: not in the future, at most max_backdate_days (60) back.
		{"applied 60 days ago", "a-secretary", dated(contracts.AddDays(today, -60)), nil, code{}},
		{"applied 61 days ago", "a-secretary", dated(contracts.AddDays(today, -61)), contracts.ErrInvalidDate, cDate},
		{"applied tomorrow", "a-secretary", dated(contracts.AddDays(today, 1)), contracts.ErrInvalidDate, cDate},
		{"not a calendar date", "a-secretary", dated(20260230), contracts.ErrInvalidDate, cDate},
		{"no date", "a-secretary", dated(0), contracts.ErrInvalidDate, cDate},

		// The commitment: 32 bytes, never a personal value.
		{"commitment of 31 bytes", "a-secretary", committed(make([]byte, 31)), ErrMalformed, cMalformed},
		{"commitment of 33 bytes", "a-secretary", committed(bytes.Repeat([]byte{1}, 33)), ErrMalformed, cMalformed},
		{"no commitment", "a-secretary", committed(nil), ErrMalformed, cMalformed},
		{"an ID-card number instead", "a-secretary", committed([]byte("11010119900307777X")), ErrMalformed, cMalformed},
		{"a name instead", "a-secretary", committed([]byte("张三")), ErrMalformed, cMalformed},

		// The member's own key: 32 bytes or none.
		{"own key", "a-secretary", keyed(pubOf("member-one")), nil, code{}},
		{"an officer's key as own key", "a-secretary", keyed(pubOf("a-clerk")), identity.ErrKeyInUse, code{"identity", 6}},
		{"key of 31 bytes", "a-secretary", keyed(pubOf("member-two")[:31]), ErrMalformed, cMalformed},
		{"key of 33 bytes", "a-secretary", keyed(append(pubOf("member-two"), 0)), ErrMalformed, cMalformed},

		// Why: a reason code and an optional 32-byte document hash.
		{"with a reason and the application's hash", "a-secretary", documented(7, hashOf("application")), nil, code{}},
		{"with a reason, no document", "a-secretary", documented(7, nil), nil, code{}},
		{"a document hash of 31 bytes", "a-secretary", documented(7, hashOf("application")[:31]), ErrMalformed, cMalformed},
		{"a document hash of 33 bytes", "a-secretary", documented(7, append(hashOf("application"), 1)), ErrMalformed, cMalformed},
	})

	// The identity ledger refuses; the member ledger has taken no id and
	// written nothing (see TestRefusedRegistrationWritesNothing).
	for _, tc := range []struct {
		name string
		msg  *memberv1.MsgRegisterApplicant
		want *contracts.Error
		code code
	}{
		{"a commitment of zeros", committed(make([]byte, 32)), identity.ErrInvalidCommitment, code{"identity", 3}},
		{"the commitment of a registered member", committed(hashOf("person 1")), identity.ErrDuplicateCommitment, code{"identity", 2}},
		{"a key in use by a member", keyed(pubOf("member-one")), identity.ErrKeyInUse, code{"identity", 6}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next := l.nextMemberID()
			l.rejected(t, "a-secretary", tc.msg, tc.want, tc.code)
			if l.nextMemberID() != next {
				t.Error("a refused registration took an id")
			}
		})
	}
}

// TestRegisterApplicantRecord pins the record, counts, roster and history
// a registration writes.
func TestRegisterApplicantRecord(t *testing.T) {
	l := newLedger(t)
	l.advance(10)
	applied := contracts.AddDays(l.today, -3)
	ctx := l.must("a-officer", &memberv1.MsgRegisterApplicant{BranchId: branchA, ApplicationDate: applied, BirthYear: 2000,
		Commitment: hashOf("someone"), MemberPubKey: pubOf("someone's key"), ReasonCode: 5, DocHash: hashOf("application")})
	id := eventID(t, ctx, "member_registered", "member_id")
	if id != om+14 {
		t.Fatalf("id %d, want %d (after %d genesis members and 13 imported)", id, om+14, om)
	}
	want := &memberv1.Member{LastActDate: applied, Id: id, BranchId: branchA, Stage: applicant, Status: active, ApplicationDate: applied,
		TalkDueDate: contracts.AddDays(applied, 30), HistoryCount: 1, CreatedHeight: l.height, UpdatedHeight: l.height}
	l.wantMember(t, want)
	l.wantCounts(t, map[uint64]counts{
		branchA: {1, 0, 0, 0, 4, 0}, branchB: {0, 0, 0, 0, 3, 0}, generalOrg: {0, 0, 0, 0, 3, 0},
		districtOrg: {1, 0, 0, 0, 10, 0}, otherOrg: {0, 0, 0, 0, 3, 0}, rootOrg: {1, 0, 0, 0, 13, 0},
	})
	if got := l.roster(branchA, "applicant"); len(got) != 1 || got[0] != id {
		t.Errorf("applicants of branch A: %v", got)
	}
	h := mustQuery[*memberv1.HistoryPage](l.chain, fmt.Sprintf("/member/%d/history", id))
	e := h.Entries[0]
	if len(h.Entries) != 1 || e.Action != "member/register-applicant" || e.Height != l.height || e.TimeUnix != ctx.Time.Unix() ||
		!bytes.Equal(e.TxHash, ctx.TxHash) || !bytes.Equal(e.Actor, addrOf("a-officer")) || e.Stage != applicant ||
		e.Status != active || e.BranchId != branchA || e.ReasonCode != 5 || !bytes.Equal(e.DocHash, hashOf("application")) {
		t.Errorf("history %v", h.Entries)
	}
	ident, err := l.ident.Identity(l.store.Working(), id)
	if err != nil || !bytes.Equal(ident.Commitment, hashOf("someone")) || ident.BirthYear != 2000 || !bytes.Equal(ident.PubKey, pubOf("someone's key")) {
		t.Errorf("identity %v, %v", ident, err)
	}
}

// TestRefusedRegistrationWritesNothing: every handler checks before it
// writes, so a refused tx leaves its branch empty. RegisterApplicant and
// ImportMember read the next member id, let the identity ledger check the
// commitment and key, and only then take the id.
func TestRefusedRegistrationWritesNothing(t *testing.T) {
	l := newLedger(t)
	next := l.nextMemberID()
	applicant := func(commitment, key []byte) *memberv1.MsgRegisterApplicant {
		return &memberv1.MsgRegisterApplicant{BranchId: branchA, ApplicationDate: l.today, BirthYear: 1990, Commitment: commitment, MemberPubKey: key}
	}
	legacy := func(commitment, key []byte) *memberv1.MsgImportMember {
		return &memberv1.MsgImportMember{BranchId: branchA, Stage: fullSt, AdmissionDate: 20100701, FullDate: 20110701,
			BirthYear: 1970, Commitment: commitment, MemberPubKey: key, DocHash: hashOf("legacy")}
	}
	l.must("a-secretary", applicant(l.person(), pubOf("taken key")))
	next++
	for _, tc := range []struct {
		name   string
		signer string
		msg    any
		want   *contracts.Error
		code   code
	}{
		{"an applicant with a registered commitment", "a-secretary", applicant(hashOf("person 1"), nil), identity.ErrDuplicateCommitment, code{"identity", 2}},
		{"an applicant with a zero commitment", "a-secretary", applicant(make([]byte, 32), nil), identity.ErrInvalidCommitment, code{"identity", 3}},
		{"an applicant with a key in use", "a-secretary", applicant(l.person(), pubOf("taken key")), identity.ErrKeyInUse, code{"identity", 6}},
		{"an import with a registered commitment", "district-officer", legacy(hashOf("person 1"), nil), identity.ErrDuplicateCommitment, code{"identity", 2}},
		{"an import with a zero commitment", "district-officer", legacy(make([]byte, 32), nil), identity.ErrInvalidCommitment, code{"identity", 3}},
		{"an import with a key in use", "district-officer", legacy(l.person(), pubOf("taken key")), identity.ErrKeyInUse, code{"identity", 6}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l.rejected(t, tc.signer, tc.msg, tc.want, tc.code)
			if got := l.nextMemberID(); got != next {
				t.Errorf("next member id %d, want %d", got, next)
			}
		})
	}
	// The ids stay dense: the next registration gets the next id.
	id := eventID(t, l.must("district-officer", legacy(l.person(), nil)), "member_registered", "member_id")
	if id != next {
		t.Errorf("import after refusals got id %d, want %d", id, next)
	}
	if id := l.apply(branchA); id != next+1 {
		t.Errorf("registration after refusals got id %d, want %d", id, next+1)
	}
}

// TestImportMember covers recording members from legacy records, the only
// way a new chain gets its first full members. Imports make voters and
// introducers with no vote on chain, so they need an officer (secretary,
// deputy secretary or organization officer) of the branch's superior
// committee: the nearest committee above it, through a general branch.
func TestImportMember(t *testing.T) {
	l := newLedger(t)
	imp := func(branch uint64, stage memberv1.Stage, admission, full, birth uint32, doc []byte) *memberv1.MsgImportMember {
		return &memberv1.MsgImportMember{BranchId: branch, Stage: stage, AdmissionDate: admission, FullDate: full,
			BirthYear: birth, Commitment: l.person(), DocHash: doc}
	}
	doc := hashOf("legacy")
	first := imp(branchA, fullSt, 20000101, 20030615, 1970, doc)
	first.ReasonCode = 41
	l.runCases(t, []txCase{
		{"a full member, full years after the admission", "district-officer", first, nil, code{}},
		{"a probationary member", "district-officer", imp(branchA, probationary, 20251001, 0, 1970, doc), nil, code{}},
		{"full after exactly one probation", "district-secretary", imp(branchA, fullSt, 20000101, 20001231, 1970, doc), nil, code{}},
		{"full after 364 days", "district-officer", imp(branchA, fullSt, 20000101, 20001230, 1970, doc), ErrWaitingPeriod, cWaiting},
		{"full before admission", "district-officer", imp(branchA, fullSt, 20000101, 19990101, 1970, doc), ErrWaitingPeriod, cWaiting},
		{"admitted tomorrow", "district-officer", imp(branchA, probationary, contracts.AddDays(l.today, 1), 0, 1970, doc), contracts.ErrInvalidDate, cDate},
		{"admitted at 17", "district-officer", imp(branchA, fullSt, 20000101, 20010101, 1983, doc), ErrTooYoung, cYoung},
		{"an applicant", "district-officer", imp(branchA, applicant, 20000101, 0, 1970, doc), ErrWrongStage, cStage},
		{"probationary with a full date", "district-officer", imp(branchA, probationary, 20250101, 20260101, 1970, doc), ErrMalformed, cMalformed},
		{"full without a full date", "district-officer", imp(branchA, fullSt, 20000101, 0, 1970, doc), contracts.ErrInvalidDate, cDate},
		{"no legacy record hash", "district-officer", imp(branchA, fullSt, 20000101, 20010101, 1970, nil), ErrMalformed, cMalformed},
		{"a legacy record hash of 31 bytes", "district-officer", imp(branchA, fullSt, 20000101, 20010101, 1970, doc[:31]), ErrMalformed, cMalformed},
		{"into a committee", "district-secretary", imp(districtOrg, fullSt, 20000101, 20010101, 1970, doc), ErrNotABranch, cNotBranch},
		{"into a dissolved branch", "district-secretary", imp(branchE, fullSt, 20000101, 20010101, 1970, doc), org.ErrOrgDissolved, cDissolved},

		// Who: an officer of the superior committee, not the branch itself.
		{"by the branch secretary", "a-secretary", imp(branchA, fullSt, 20000101, 20010101, 1970, doc), ErrUnauthorized, cUnauth},
		{"by the branch deputy secretary", "a-deputy", imp(branchA, fullSt, 20000101, 20010101, 1970, doc), ErrUnauthorized, cUnauth},
		{"by the branch organization officer", "a-officer", imp(branchA, probationary, 20250101, 0, 1970, doc), ErrUnauthorized, cUnauth},
		{"by an officer of another branch", "b-secretary", imp(branchA, fullSt, 20000101, 20010101, 1970, doc), ErrUnauthorized, cUnauth},
		{"by the committee's discipline officer", "district-discipline", imp(branchA, fullSt, 20000101, 20010101, 1970, doc), ErrUnauthorized, cUnauth},
		{"by the committee's dues clerk", "district-clerk", imp(branchA, fullSt, 20000101, 20010101, 1970, doc), ErrUnauthorized, cUnauth},
		{"by the root committee, not the nearest", "root-secretary", imp(branchA, fullSt, 20000101, 20010101, 1970, doc), ErrUnauthorized, cUnauth},
		{"by another committee", "other-secretary", imp(branchA, fullSt, 20000101, 20010101, 1970, doc), ErrUnauthorized, cUnauth},
		{"under a general branch, by the general branch", "gb-secretary", imp(branchC, fullSt, 20000101, 20010101, 1970, doc), ErrUnauthorized, cUnauth},
		{"under a general branch, by the branch", "c-secretary", imp(branchC, fullSt, 20000101, 20010101, 1970, doc), ErrUnauthorized, cUnauth},
		{"under a general branch, by the committee above it", "district-officer", imp(branchC, fullSt, 20000101, 20010101, 1970, doc), nil, code{}},
		{"in another subtree, by the district", "district-officer", imp(branchD, fullSt, 20000101, 20010101, 1970, doc), ErrUnauthorized, cUnauth},
		{"in another subtree, by its committee", "other-secretary", imp(branchD, probationary, 20250601, 0, 1970, doc), nil, code{}},
	})
	// A full member's probation ended when full membership began.
	l.wantMember(t, &memberv1.Member{LastActDate: 20030615, Id: om + 14, BranchId: branchA, Stage: fullSt, Status: active, AdmissionDate: 20000101,
		ProbationEndDate: 20030615, FullDate: 20030615, Imported: true, HistoryCount: 1, CreatedHeight: 1, UpdatedHeight: 1})
	// A probationary member's runs one probation from the admission.
	l.wantMember(t, &memberv1.Member{LastActDate: 20251001, Id: om + 15, BranchId: branchA, Stage: probationary, Status: active, AdmissionDate: 20251001,
		ProbationEndDate: 20261001, Imported: true, HistoryCount: 1, CreatedHeight: 1, UpdatedHeight: 1})
	l.wantMember(t, &memberv1.Member{LastActDate: 20001231, Id: om + 16, BranchId: branchA, Stage: fullSt, Status: active, AdmissionDate: 20000101,
		ProbationEndDate: 20001231, FullDate: 20001231, Imported: true, HistoryCount: 1, CreatedHeight: 1, UpdatedHeight: 1})
	l.wantActions(t, om+14, "member/import")
	if e := l.historyEntry(om+14, 0); e.ReasonCode != 41 || !bytes.Equal(e.DocHash, doc) || !bytes.Equal(e.Actor, addrOf("district-officer")) {
		t.Errorf("history of the import: %v", e)
	}
	l.wantCounts(t, map[uint64]counts{branchA: {0, 0, 0, 1, 6, 0}, branchC: {0, 0, 0, 0, 4, 0}, branchD: {0, 0, 0, 1, 3, 0},
		districtOrg: {0, 0, 0, 1, 13, 0}, otherOrg: {0, 0, 0, 1, 3, 0}, rootOrg: {0, 0, 0, 2, 16, 0}})
}

// TestLifecycleCannotStartWithoutFullMembers: on a chain with no full
// members nobody can be a contact or an introducer, and no branch general
// meeting can be held (it needs a party member present, and a resolution
// with 0 entitled and 0 yes fails 2·0 > 0): the lifecycle needs imported
// members to start.
func TestLifecycleCannotStartWithoutFullMembers(t *testing.T) {
	c := newChain(t)
	a := c.apply(branchA)
	b := c.apply(branchA)
	c.rejected(t, "a-secretary", &memberv1.MsgAppointActivist{MemberId: a, Date: c.today, ContactIds: []uint64{b}}, ErrWrongStage, cStage)
	c.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: a, Date: c.today})
	c.rejected(t, "a-secretary", &memberv1.MsgAppointActivist{MemberId: a, Date: c.today, ContactIds: []uint64{b}}, ErrNotFullMember, cNotFull)
	c.rejected(t, "a-secretary", &memberv1.MsgAppointActivist{MemberId: a, Date: c.today, ContactIds: []uint64{a}}, ErrNotFullMember, cNotFull)
	c.rejected(t, "a-secretary", &memberv1.MsgAppointActivist{MemberId: a, Date: c.today, ContactIds: []uint64{99}}, ErrMemberNotFound, cNotFound)
	c.rejected(t, "a-secretary", c.meetingMsg(branchA, generalKind, []uint64{a, b},
		activityv1.Resolution{Kind: otherRes, Quorum: ofEntitled}), activity.ErrNotAMember, code{"activity", 5})
}
