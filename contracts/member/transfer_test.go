package member

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/org"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

func transferOut(id, to uint64) *memberv1.MsgTransferOut {
	return &memberv1.MsgTransferOut{MemberId: id, ToBranchId: to, ReasonCode: 7, DocHash: hashOf("letter")}
}

func accept(id uint64) *memberv1.MsgAcceptTransfer { return &memberv1.MsgAcceptTransfer{MemberId: id} }
func reject(id uint64) *memberv1.MsgRejectTransfer {
	return &memberv1.MsgRejectTransfer{MemberId: id, ReasonCode: 3}
}
func flowAt(id, host uint64) *memberv1.MsgRegisterFlowing {
	return &memberv1.MsgRegisterFlowing{MemberId: id, HostBranchId: host}
}
func endFlowing(id uint64) *memberv1.MsgEndFlowing { return &memberv1.MsgEndFlowing{MemberId: id} }

// TestTransferOut covers issuing a transfer, and what a member in transfer
// can no longer do.
func TestTransferOut(t *testing.T) {
	l := newLedger(t)
	f, g, fl, gone := l.seeds[branchA][0], l.seeds[branchA][1], l.seeds[branchA][2], l.seeds[branchA][3]
	app := l.apply(branchA)
	l.must("a-secretary", &memberv1.MsgRecordTalk{MemberId: app, Date: l.today})
	l.must("b-secretary", flowAt(fl, branchB))
	l.must("a-secretary", &memberv1.MsgRecordExit{MemberId: gone, Kind: memberv1.ExitKind_EXIT_KIND_LAPSE, Date: l.today, DocHash: hashOf("lapse")})
	// A probationary member whose probation has run: a decision pending.
	pend := l.importProb(branchA, 20240101)
	l.oath(pend)
	l.must("a-secretary", proposeFull(pend, l.generalMeeting(branchA, vote(fullRes, pend, allYes)), 0, onTime, 0))
	badDoc := transferOut(f, branchB)
	badDoc.DocHash = badDoc.DocHash[:20]
	l.runCases(t, []txCase{
		{"to a committee", "a-secretary", transferOut(f, districtOrg), ErrNotABranch, cNotBranch},
		{"to a general branch", "a-secretary", transferOut(f, generalOrg), ErrNotABranch, cNotBranch},
		{"to a group", "a-secretary", transferOut(f, groupOrg), ErrNotABranch, cNotBranch},
		{"to a dissolved branch", "a-secretary", transferOut(f, branchE), org.ErrOrgDissolved, cDissolved},
		{"to no such organization", "a-secretary", transferOut(f, noOrg), org.ErrOrgNotFound, cOrgNotFound},
		{"to no one", "a-secretary", transferOut(f, 0), ErrMalformed, cMalformed},
		{"to its own branch", "a-secretary", transferOut(f, branchA), ErrSameBranch, cSameBranch},
		{"a letter hash of 20 bytes", "a-secretary", badDoc, ErrMalformed, cMalformed},
		{"by the dues clerk", "a-clerk", transferOut(f, branchB), ErrUnauthorized, cUnauth},
		{"by the target's officer", "b-secretary", transferOut(f, branchB), ErrUnauthorized, cUnauth},
		{"by the committee above", "district-officer", transferOut(f, branchB), ErrUnauthorized, cUnauth},
		{"an applicant", "a-secretary", transferOut(app, branchB), ErrWrongStage, cStage},
		{"a member who left", "a-secretary", transferOut(gone, branchB), ErrMemberExited, cExited},
		{"a flowing member", "a-secretary", transferOut(fl, branchC), ErrFlowing, cFlowing},
		{"a decision pending", "a-secretary", transferOut(pend, branchB), ErrPendingDecision, cPending},
		{"to branch B", "a-secretary", transferOut(f, branchB), nil, code{}},
		// In transfer, the member acts nowhere.
		{"transferred again", "a-secretary", transferOut(f, branchC), ErrInTransfer, cInTransfer},
		{"registered flowing", "c-secretary", flowAt(f, branchC), ErrInTransfer, cInTransfer},
		{"appointed an activist", "a-secretary", &memberv1.MsgAppointActivist{MemberId: f, Date: l.today, ContactIds: []uint64{g}}, ErrInTransfer, cInTransfer},
		{"named a contact", "a-secretary", &memberv1.MsgAppointActivist{MemberId: app, Date: l.today, ContactIds: []uint64{f}}, ErrNotFullMember, cNotFull},
		{"named a contact with another", "a-secretary", &memberv1.MsgAppointActivist{MemberId: app, Date: l.today, ContactIds: []uint64{g, f}}, ErrNotFullMember, cNotFull},
		{"accepted by the source", "a-secretary", accept(f), ErrUnauthorized, cUnauth},
		{"accepted by the committee", "district-officer", accept(f), ErrUnauthorized, cUnauth},
		{"rejected by the source", "a-secretary", reject(f), ErrUnauthorized, cUnauth},
		{"accepting a member not in transfer", "b-secretary", accept(g), ErrNoTransfer, cNoTransfer},
		{"rejecting a member not in transfer", "b-secretary", reject(g), ErrNoTransfer, cNoTransfer},
		{"accepting no such member", "b-secretary", accept(99), ErrMemberNotFound, cNotFound},
	})
	m := l.member(f)
	want := memberv1.Transfer{FromBranchId: branchA, ToBranchId: branchB, IssuedDate: l.today, ExpiresDate: contracts.AddDays(l.today, 90)}
	if m.Status != inTransfer || m.BranchId != branchA || m.Transfer == nil || *m.Transfer != want {
		t.Errorf("in transfer: %v", m)
	}
	// Counted nowhere: not at the source, not at the target, one fewer above.
	l.wantCounts(t, map[uint64]counts{branchA: {1, 0, 0, 1, 2, 0}, branchB: {0, 0, 0, 0, 3, 0},
		districtOrg: {1, 0, 0, 1, 8, 0}, rootOrg: {1, 0, 0, 1, 11, 0}})
	for _, b := range []uint64{branchA, branchB} {
		for _, id := range l.roster(b, "") {
			if id == f {
				t.Errorf("member in transfer on the roster of branch %d", b)
			}
		}
	}
}

// TestTransferDecisionLapsed: a pending decision blocks a transfer only
// while the committee may still approve it (approval_deadline_days after
// the meeting); a lapsed one is cleared by the transfer, and the member
// starts afresh at the new branch.
func TestTransferDecisionLapsed(t *testing.T) {
	l := newLedger(t)
	pend := l.importProb(branchA, 20240101)
	l.oath(pend)
	mt := l.generalMeeting(branchA, vote(fullRes, pend, allYes))
	l.must("a-secretary", proposeFull(pend, mt, 0, onTime, 0))
	l.advance(90)
	l.runCases(t, []txCase{
		{"on the last day of the approval", "a-secretary", transferOut(pend, branchB), ErrPendingDecision, cPending},
	})
	if _, _, err := l.try("a-secretary", transferOut(pend, branchB)); !reflect.DeepEqual(contracts.FieldsOf(err), []contracts.Field{
		contracts.Int("member", int64(pend)), contracts.Int("meeting", int64(mt)),
		contracts.Date("until", l.today), contracts.Date("earliest", contracts.AddDays(l.today, 1))}) {
		t.Errorf("a transfer on the last day of the approval: %v, fields %+v", err, contracts.FieldsOf(err))
	}
	l.advance(1)
	l.runCases(t, []txCase{
		{"the approval lapsed", "district-officer", approveFull(pend, l.today), ErrDeadlinePassed, cDeadline},
		{"the day after the approval lapsed", "a-secretary", transferOut(pend, branchB), nil, code{}},
	})
	if m := l.member(pend); m.Pending != nil || m.Status != inTransfer || m.Transfer.ToBranchId != branchB {
		t.Errorf("in transfer with a lapsed decision: %v", m)
	}
	l.must("b-secretary", accept(pend))
	// The new branch decides: a meeting of branch B, its committee approves.
	mt = l.generalMeeting(branchB, vote(fullRes, pend, allYes))
	l.must("b-secretary", proposeFull(pend, mt, 0, onTime, 0))
	l.must("district-officer", approveFull(pend, l.today))
	if m := l.member(pend); m.Stage != fullSt || m.BranchId != branchB || m.FullDate != 20241231 {
		t.Errorf("full at the new branch: %v", m)
	}
	l.wantActions(t, pend, "member/import", "member/record-oath", "member/propose-full-membership", "member/transfer-out",
		"member/accept-transfer", "member/propose-full-membership", "member/approve-full-membership")
}

// TestTransferAnswers covers accepting (the member moves, history kept),
// rejecting (back at the source) and expiry after 90 days: an answer on or
// after the expiry date is refused, whether or not the block hook has
// returned the member yet.
func TestTransferAnswers(t *testing.T) {
	l := newLedger(t)
	f, g, h, i := l.seeds[branchA][0], l.seeds[branchA][1], l.seeds[branchB][0], l.seeds[branchB][1]
	l.must("a-secretary", transferOut(f, branchB))
	l.must("a-secretary", transferOut(g, branchC))
	l.must("b-secretary", transferOut(h, branchD))
	l.must("b-secretary", transferOut(i, branchA))
	l.wantCounts(t, map[uint64]counts{branchA: {0, 0, 0, 0, 2, 0}, branchB: {0, 0, 0, 0, 1, 0}, rootOrg: {0, 0, 0, 0, 9, 0}})
	l.advance(3)
	acceptDoc := &memberv1.MsgAcceptTransfer{MemberId: f, ReasonCode: 8, DocHash: hashOf("acceptance")}
	rejectDoc := &memberv1.MsgRejectTransfer{MemberId: g, ReasonCode: 3, DocHash: hashOf("refusal")}
	l.runCases(t, []txCase{
		{"accepted with a document hash of 31 bytes", "b-secretary", &memberv1.MsgAcceptTransfer{MemberId: f, DocHash: hashOf("x")[:31]}, ErrMalformed, cMalformed},
		{"rejected with a document hash of 33 bytes", "c-secretary", &memberv1.MsgRejectTransfer{MemberId: g, DocHash: append(hashOf("x"), 0)}, ErrMalformed, cMalformed},
		{"accepted by the target", "b-secretary", acceptDoc, nil, code{}},
		{"accepted twice", "b-secretary", accept(f), ErrNoTransfer, cNoTransfer},
		{"rejected after acceptance", "b-secretary", reject(f), ErrNoTransfer, cNoTransfer},
		{"rejected by the target", "c-secretary", rejectDoc, nil, code{}},
		{"accepted after rejection", "c-secretary", accept(g), ErrNoTransfer, cNoTransfer},
	})
	if m := l.member(f); m.BranchId != branchB || m.Status != active || m.Transfer != nil {
		t.Errorf("accepted: %v", m)
	}
	if m := l.member(g); m.BranchId != branchA || m.Status != active || m.Transfer != nil {
		t.Errorf("rejected: %v", m)
	}
	l.wantActions(t, f, "member/import", "member/transfer-out", "member/accept-transfer")
	l.wantActions(t, g, "member/import", "member/transfer-out", "member/reject-transfer")
	hist := mustQuery[*memberv1.HistoryPage](l.chain, fmt.Sprintf("/member/%d/history", om+1))
	if e := hist.Entries; e[1].BranchId != branchA || e[1].Status != inTransfer || e[2].BranchId != branchB || e[2].Status != active ||
		e[1].ReasonCode != 7 || !bytes.Equal(e[1].DocHash, hashOf("letter")) || e[2].ReasonCode != 8 || !bytes.Equal(e[2].DocHash, hashOf("acceptance")) {
		t.Errorf("history of the move: %v", e)
	}
	if e := l.historyEntry(g, 2); e.ReasonCode != 3 || !bytes.Equal(e.DocHash, hashOf("refusal")) {
		t.Errorf("history of the refusal: %v", e)
	}
	l.wantCounts(t, map[uint64]counts{branchA: {0, 0, 0, 0, 3, 0}, branchB: {0, 0, 0, 0, 2, 0}, branchC: {0, 0, 0, 0, 3, 0},
		districtOrg: {0, 0, 0, 0, 8, 0}, rootOrg: {0, 0, 0, 0, 11, 0}})
	// Issued on day 0, h and i expire on day 90: day 89 is the last day to answer.
	l.advance(86)
	l.runCases(t, []txCase{
		{"accepted on day 89", "a-secretary", accept(i), nil, code{}},
	})
	l.endBlock()
	if m := l.member(h); m.Status != inTransfer {
		t.Fatalf("expired on day 89: %v", m)
	}
	l.today = contracts.AddDays(l.today, 1)
	l.openBlock()
	// Day 90, before the block hook: h is still in transfer, but expired.
	l.runCases(t, []txCase{
		{"accepted on day 90, before the block hook", "d-secretary", accept(h), ErrDeadlinePassed, cDeadline},
		{"rejected on day 90, before the block hook", "d-secretary", reject(h), ErrDeadlinePassed, cDeadline},
		{"answered on day 90 by someone else", "a-secretary", accept(h), ErrUnauthorized, cUnauth},
	})
	if m := l.member(h); m.Status != inTransfer {
		t.Fatalf("in transfer before the hook on day 90: %v", m)
	}
	l.advance(1)
	if m := l.member(h); m.Status != active || m.BranchId != branchB || m.Transfer != nil {
		t.Errorf("not back at the source on day 90: %v", m)
	}
	l.wantActions(t, h, "member/import", "member/transfer-out", "member/transfer-expired")
	l.wantActions(t, i, "member/import", "member/transfer-out", "member/accept-transfer")
	l.rejected(t, "d-secretary", accept(h), ErrNoTransfer, cNoTransfer)
	l.wantCounts(t, map[uint64]counts{branchA: {0, 0, 0, 0, 4, 0}, branchB: {0, 0, 0, 0, 3, 0}, branchD: {0, 0, 0, 0, 3, 0},
		districtOrg: {0, 0, 0, 0, 10, 0}, rootOrg: {0, 0, 0, 0, 13, 0}})
}

// TestFlowing covers registering a member for activities at a host
// branch while the membership stays at home.
func TestFlowing(t *testing.T) {
	l := newLedger(t)
	f, g, gone := l.seeds[branchA][0], l.seeds[branchA][1], l.seeds[branchA][3]
	app := l.apply(branchA)
	l.must("a-secretary", &memberv1.MsgRecordExit{MemberId: gone, Kind: memberv1.ExitKind_EXIT_KIND_DECEASED, Date: l.today, DocHash: hashOf("death")})
	l.runCases(t, []txCase{
		{"by the host's officer", "b-secretary", flowAt(f, branchB), nil, code{}},
		{"twice at the same host", "b-secretary", flowAt(f, branchB), ErrFlowing, cFlowing},
		{"at a second host", "c-secretary", flowAt(f, branchC), ErrFlowing, cFlowing},
		{"a transfer while flowing", "a-secretary", transferOut(f, branchC), ErrFlowing, cFlowing},
		{"by the home officer", "a-secretary", flowAt(g, branchB), ErrUnauthorized, cUnauth},
		{"at home", "a-secretary", flowAt(g, branchA), ErrSameBranch, cSameBranch},
		{"at a committee", "district-secretary", flowAt(g, districtOrg), ErrNotABranch, cNotBranch},
		{"at a dissolved branch", "e-secretary", flowAt(g, branchE), org.ErrOrgDissolved, cDissolved},
		{"an applicant", "b-secretary", flowAt(app, branchB), ErrWrongStage, cStage},
		{"a member who died", "b-secretary", flowAt(gone, branchB), ErrMemberExited, cExited},
		{"ended by a third branch", "c-secretary", endFlowing(f), ErrUnauthorized, cUnauth},
		{"ended by the host", "b-secretary", endFlowing(f), nil, code{}},
		{"ended twice", "b-secretary", endFlowing(f), ErrNotFlowing, cNotFlowing},
		{"again, at another host", "d-secretary", flowAt(f, branchD), nil, code{}},
		{"ended by the home branch", "a-officer", endFlowing(f), nil, code{}},
		{"a document hash of 31 bytes", "c-secretary", &memberv1.MsgRegisterFlowing{MemberId: g, HostBranchId: branchC, DocHash: hashOf("x")[:31]}, ErrMalformed, cMalformed},
		{"g flows to C", "c-secretary", &memberv1.MsgRegisterFlowing{MemberId: g, HostBranchId: branchC, ReasonCode: 6, DocHash: hashOf("work letter")}, nil, code{}},
		{"ended with a document hash of 31 bytes", "c-secretary", &memberv1.MsgEndFlowing{MemberId: g, DocHash: hashOf("x")[:31]}, ErrMalformed, cMalformed},
	})
	if e := l.historyEntry(g, 1); e.Action != "member/register-flowing" || e.ReasonCode != 6 || !bytes.Equal(e.DocHash, hashOf("work letter")) {
		t.Errorf("history of the registration: %v", e)
	}
	if m := l.member(g); m.FlowingBranchId != branchC || m.BranchId != branchA {
		t.Errorf("flowing: %v", m)
	}
	// Flowing changes no count: the member is counted at home only.
	l.wantCounts(t, map[uint64]counts{branchA: {1, 0, 0, 0, 3, 0}, branchC: {0, 0, 0, 0, 3, 0}, rootOrg: {1, 0, 0, 0, 12, 0}})
	l.wantActions(t, f, "member/import", "member/register-flowing", "member/end-flowing", "member/register-flowing", "member/end-flowing")
	// Leaving ends the registration (the invariant check sees the index).
	l.must("a-secretary", &memberv1.MsgRecordExit{MemberId: g, Kind: memberv1.ExitKind_EXIT_KIND_WITHDRAWAL, Date: l.today, DocHash: hashOf("letter")})
	if m := l.member(g); m.FlowingBranchId != 0 {
		t.Errorf("exited and still flowing: %v", m)
	}
}

// TestExpiredTransferCannotBeAnswered: a transfer expires after 90 days.
// EndBlock returns at most max_due_per_block of them a block; one left
// for a later block must not be answered once its date has come: the
// answer is refused as expired (member/10) and writes nothing, and the
// block hook returns the member later.
func TestExpiredTransferCannotBeAnswered(t *testing.T) {
	p := DefaultParams()
	p.MaxDuePerBlock = 1
	l := newLedgerOn(newChainWith(t, p))
	f, g := l.seeds[branchA][0], l.seeds[branchA][1]
	l.must("a-secretary", transferOut(f, branchB))
	l.must("a-secretary", transferOut(g, branchB))
	l.advance(91) // day 90's block returned f only; day 91's block is open
	if m := l.member(g); m.Status != inTransfer || m.Transfer.ExpiresDate >= l.today {
		t.Fatalf("setup: %v", m)
	}
	if m := l.member(f); m.Status != active || m.BranchId != branchA {
		t.Fatalf("setup: %v", m)
	}
	l.rejected(t, "b-secretary", accept(g), ErrDeadlinePassed, cDeadline)
	l.rejected(t, "b-secretary", reject(g), ErrDeadlinePassed, cDeadline)
	l.rejected(t, "b-secretary", accept(f), ErrNoTransfer, cNoTransfer)
	l.advance(1)
	if m := l.member(g); m.Status != active || m.BranchId != branchA || m.Transfer != nil {
		t.Errorf("not returned by the next block: %v", m)
	}
	l.wantActions(t, g, "member/import", "member/transfer-out", "member/transfer-expired")
}
