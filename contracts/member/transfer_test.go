package member

import (
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
	l.must("b-secretary", flowAt(fl, branchB))
	l.must("a-secretary", &memberv1.MsgRecordExit{MemberId: gone, Kind: memberv1.ExitKind_EXIT_KIND_LAPSE, Date: l.today, DocHash: hashOf("lapse")})
	// A probationary member whose probation has run: a decision pending.
	pend := eventID(t, l.must("a-secretary", &memberv1.MsgImportMember{BranchId: branchA, Stage: probationary, AdmissionDate: 20240101,
		BirthYear: 1980, Commitment: l.person(), DocHash: hashOf("legacy")}), "member_registered", "member_id")
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
		{"named a contact", "a-secretary", &memberv1.MsgAppointActivist{MemberId: app, Date: l.today, ContactIds: []uint64{f}}, nil, code{}},
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
	l.wantCounts(t, map[uint64]counts{branchA: {0, 1, 0, 1, 2, 0}, branchB: {0, 0, 0, 0, 3, 0},
		districtOrg: {0, 1, 0, 1, 8, 0}, rootOrg: {0, 1, 0, 1, 11, 0}})
	for _, b := range []uint64{branchA, branchB} {
		for _, id := range l.roster(b, "") {
			if id == f {
				t.Errorf("member in transfer on the roster of branch %d", b)
			}
		}
	}
}

// TestTransferAnswers covers accepting (the member moves, history kept),
// rejecting (back at the source) and expiry after 90 days.
func TestTransferAnswers(t *testing.T) {
	l := newLedger(t)
	f, g, h, i := l.seeds[branchA][0], l.seeds[branchA][1], l.seeds[branchB][0], l.seeds[branchB][1]
	l.must("a-secretary", transferOut(f, branchB))
	l.must("a-secretary", transferOut(g, branchC))
	l.must("b-secretary", transferOut(h, branchD))
	l.must("b-secretary", transferOut(i, branchA))
	l.wantCounts(t, map[uint64]counts{branchA: {0, 0, 0, 0, 2, 0}, branchB: {0, 0, 0, 0, 1, 0}, rootOrg: {0, 0, 0, 0, 9, 0}})
	l.advance(3)
	l.runCases(t, []txCase{
		{"accepted by the target", "b-secretary", accept(f), nil, code{}},
		{"accepted twice", "b-secretary", accept(f), ErrNoTransfer, cNoTransfer},
		{"rejected after acceptance", "b-secretary", reject(f), ErrNoTransfer, cNoTransfer},
		{"rejected by the target", "c-secretary", reject(g), nil, code{}},
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
	hist := mustQuery[*memberv1.HistoryPage](l.chain, "/member/1/history")
	if e := hist.Entries; e[1].BranchId != branchA || e[1].Status != inTransfer || e[2].BranchId != branchB || e[2].Status != active {
		t.Errorf("history of the move: %v", e)
	}
	l.wantCounts(t, map[uint64]counts{branchA: {0, 0, 0, 0, 3, 0}, branchB: {0, 0, 0, 0, 2, 0}, branchC: {0, 0, 0, 0, 3, 0},
		districtOrg: {0, 0, 0, 0, 8, 0}, rootOrg: {0, 0, 0, 0, 11, 0}})
	// Issued on day 0, h and i are still in transfer at the end of day 89.
	l.advance(86)
	l.endBlock()
	if m := l.member(h); m.Status != inTransfer {
		t.Fatalf("expired on day 89: %v", m)
	}
	l.today = contracts.AddDays(l.today, 1)
	l.openBlock()
	l.must("a-secretary", accept(i)) // day 90, before the block hook
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
		{"g flows to C", "c-secretary", flowAt(g, branchC), nil, code{}},
	})
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
// for a later block must not be accepted once its date has passed.
func TestExpiredTransferCannotBeAnswered(t *testing.T) {
	t.Skip("BUG: AcceptTransfer/RejectTransfer do not check transfer.expires_date against the block date; " +
		"when more transfers expire on one date than max_due_per_block, the ones EndBlock has not reached yet " +
		"can still be accepted after they expired")
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
	// Refused as expired (deadline passed) or as no longer in transfer.
	b, _, err := l.try("b-secretary", accept(g))
	if e, ok := contracts.AsError(err); !ok || e.Codespace != "member" || (e.Code != 10 && e.Code != 19) || b.Len() != 0 {
		t.Errorf("accepting a transfer that expired on %d, on %d: %v", l.member(g).Transfer.ExpiresDate, l.today, err)
	}
}
