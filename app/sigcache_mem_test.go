package app

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
)

// hostileShape is a tx that holds much decoded memory for its size.
type hostileShape struct {
	name string
	msg  func(j int) any // message j of the tx
	msgs int             // how many: as many as fit in MaxTxBytes and MaxTxGas, at most MaxMsgsPerTx
}

// hostileMeeting is a meeting record with n attendance lines and
// resolutions as small on the wire as the stateless checks allow.
func hostileMeeting(base uint64, n, resolutions int) *activityv1.MsgRecordMeeting {
	m := &activityv1.MsgRecordMeeting{OrgId: 1, Kind: activityv1.MeetingKind_MEETING_KIND_THEME_DAY, Date: 20260101, Topic: "t",
		MinutesHash: make([]byte, 32)}
	for a := range n {
		m.Attendance = append(m.Attendance, activityv1.Attendee{MemberId: base + uint64(a) + 1, Present: true})
	}
	for range resolutions {
		m.Resolutions = append(m.Resolutions, activityv1.Resolution{Kind: activityv1.ResolutionKind_RESOLUTION_KIND_OTHER,
			Quorum: activityv1.QuorumRule_QUORUM_RULE_MAJORITY_OF_CAST})
	}
	return m
}

// hostileShapes: many tiny repeated fields (with slices decoded to twice
// their length: 2^k+1 elements), many tiny messages, one tiny message.
var hostileShapes = []hostileShape{
	{"the most attendance lines a message", func(j int) any {
		return hostileMeeting(uint64(j)*activity.HardMaxAttendees, activity.HardMaxAttendees, 0)
	}, MaxMsgsPerTx},
	{"257 attendance lines a message", func(j int) any { return hostileMeeting(0, 257, 0) }, MaxMsgsPerTx},
	{"33 resolutions a message", func(j int) any { return hostileMeeting(0, 1, 33) }, MaxMsgsPerTx},
	{"64 tiny messages", func(j int) any { return &activityv1.MsgConfirmAttendance{MeetingId: 1} }, MaxMsgsPerTx},
	{"one tiny message", func(j int) any { return createOrg(1, orgv1.OrgKind_ORG_KIND_BRANCH, "x") }, 1},
}

// txs returns n distinct txs of the shape (n signers), fitting MaxTxBytes.
func (s hostileShape) txs(t testing.TB, n int) [][]byte {
	t.Helper()
	msgs := s.fit(t)
	out := make([][]byte, n)
	for i := range out {
		out[i] = s.tx(t, i, msgs)
	}
	return out
}

// fit is how many messages of the shape fit in MaxTxBytes and MaxTxGas:
// a tx over either never decodes, so never reaches the cache.
func (s hostileShape) fit(t testing.TB) int {
	msgs := s.msgs
	for msgs > 1 {
		raw := s.tx(t, 0, msgs)
		if len(raw) <= MaxTxBytes && rawGas(raw)+shapeMsgGas(s, msgs) <= MaxTxGas {
			break
		}
		msgs--
	}
	return msgs
}

// shapeMsgGas is the gas of the shape's first msgs messages, as decode
// charges it (txGas).
func shapeMsgGas(s hostileShape, msgs int) int64 {
	var g uint64
	for j := range msgs {
		if m, ok := s.msg(j).(*activityv1.MsgRecordMeeting); ok {
			g += activity.MeetingGas(m)
		} else {
			g += contracts.GasPerMsg
		}
	}
	return int64(g)
}

// tx is signer i's tx of the shape with msgs messages.
func (s hostileShape) tx(t testing.TB, i, msgs int) []byte {
	ms := make([]any, msgs)
	for j := range ms {
		ms[j] = s.msg(j)
	}
	return signedTx(t, key(fmt.Sprintf("hostile %d", i)), 0, ms...)
}

// liveHeap is the live heap after a full collection.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestHeldBytesBoundsMemory: for each hostile shape, the memory the
// cache really holds for a tx (decoded messages, sign bytes, map entry),
// measured after a collection, is at most what heldBytes counts (within
// 1% of measuring noise), and not far below it (the count is not so
// generous that the cache holds far fewer txs than it could).
//
// The heap is the process's: memory a finished test's goroutines let go of
// in between (a closed store's buffers) moves it too. So a shape is
// measured up to three times, and fails only if no measurement fits.
func TestHeldBytesBoundsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap")
	}
	ta := newTestApp(t)
	for _, shape := range hostileShapes {
		// Enough txs that a few KB the heap gains or loses meanwhile
		// (another test's store let go) is under 1% of what they hold.
		n := max(40, (256<<10)/len(shape.txs(t, 1)[0]))
		raws := shape.txs(t, n)
		var held int64
		var counted int
		for attempt := range 3 {
			held, counted = measureHeld(t, ta, raws)
			t.Logf("%s: %d bytes a tx; holds %d bytes decoded (%.1f× its size), counted %d (%.2f× what it holds)",
				shape.name, len(raws[0]), held/int64(n), float64(held)/float64(n*len(raws[0])), counted/n, float64(counted)/float64(held))
			// 1% for what else the heap gains meanwhile: the count of the
			// largest attendance shape is nearly exact (its slices take whole pages).
			if held <= int64(counted)*101/100 && int64(counted) <= 2*held {
				break
			}
			if attempt == 2 {
				t.Errorf("%s: holds %d bytes, counted %d: want held ≤ counted (+1%%) ≤ 2 × held", shape.name, held, counted)
			}
		}
	}
}

// measureHeld decodes raws into a new cache and returns the live heap it
// added and what heldBytes counted for it.
func measureHeld(t *testing.T, ta *testApp, raws [][]byte) (held int64, counted int) {
	c := newSigCache(1_000_000, 1<<40)
	before := liveHeap()
	for _, raw := range raws {
		d, err := ta.decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		counted += heldBytes(d)
		c.add(d)
	}
	held = liveHeap() - before
	runtime.KeepAlive(raws)
	runtime.KeepAlive(c)
	return held, counted
}

// TestSigCacheMemoryBounded: filled with hostile txs far beyond its
// bound, the cache's live heap stays within its two generations'
// maxBytes (plus one tx that starts a generation), whatever the shape.
func TestSigCacheMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap")
	}
	const maxBytes = 8 << 20
	ta := newTestApp(t)
	for _, shape := range hostileShapes {
		msgs := shape.fit(t)
		d, err := ta.decode(shape.tx(t, 0, msgs))
		if err != nil {
			t.Fatal(err)
		}
		one := heldBytes(d)
		n := min(3*maxBytes/one, 20_000) // three generations' worth
		c := newSigCache(1_000_000, maxBytes)
		d = nil
		before := liveHeap()
		for i := range n {
			d, err := ta.decode(shape.tx(t, i, msgs))
			if err != nil {
				t.Fatal(err)
			}
			c.add(d)
		}
		held := liveHeap() - before
		runtime.KeepAlive(c)
		bound := int64(2*maxBytes + one)
		t.Logf("%s: %d txs added, %d kept, %d bytes held (bound %d)", shape.name, n, c.len(), held, bound)
		if held > bound {
			t.Errorf("%s: the cache holds %d bytes, more than its bound %d", shape.name, held, bound)
		}
	}
}

// BenchmarkHeldBytes: what counting a tx's memory adds to CheckTx, for a
// one-message tx and the 64-message shapes (a shared 2-core machine: the
// figures are rough).
func BenchmarkHeldBytes(b *testing.B) {
	ta := newTestApp(b)
	for _, shape := range hostileShapes {
		d, err := ta.decode(shape.tx(b, 0, shape.fit(b)))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(shape.name, func(b *testing.B) {
			for range b.N {
				heldBytes(d)
			}
		})
	}
}
