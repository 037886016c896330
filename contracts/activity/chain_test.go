package activity_test

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/partychain/partychain/contracts"
	"github.com/partychain/partychain/contracts/activity"
	activityv1 "github.com/partychain/partychain/proto/partychain/activity/v1"
	orgv1 "github.com/partychain/partychain/proto/partychain/org/v1"
	"github.com/partychain/partychain/state"
)

// A chain of blocks over simulated dates, the way the app runs one: the
// block's clock is saved, each tx runs on its own branch of the working
// state (kept if it succeeds, discarded if not), then the block hook, then
// Seal and Commit. The member and dues ledgers are fakes here (they have
// no hooks of their own); the app's order is member, dues, activity, and
// the activity hook reads nothing they write.

// tx is one transaction of a block: who signs, and the handler it runs
// (after the stateless check, as the app routes it).
type tx struct {
	signer string
	run    func(l *ledger, ctx *contracts.Context) error
}

func recordTx(signer string, m *activityv1.MsgRecordMeeting) tx {
	return tx{signer, func(l *ledger, ctx *contracts.Context) error {
		if err := activity.ValidateRecordMeeting(m); err != nil {
			return err
		}
		return l.keeper.RecordMeeting(ctx, m)
	}}
}

// confirmTx: the signer confirms their attendance at a meeting.
func confirmTx(signer string, meetingID uint64) tx {
	return tx{signer, func(l *ledger, ctx *contracts.Context) error {
		m := &activityv1.MsgConfirmAttendance{MeetingId: meetingID}
		if err := activity.ValidateConfirmAttendance(m); err != nil {
			return err
		}
		return l.keeper.ConfirmAttendance(ctx, m)
	}}
}

func createTx(signer string, parent uint64, kind orgv1.OrgKind, name string) tx {
	return tx{signer, func(l *ledger, ctx *contracts.Context) error {
		return l.org.CreateOrg(ctx, &orgv1.MsgCreateOrg{ParentId: parent, Kind: kind, Name: name})
	}}
}

func dissolveTx(signer string, id uint64) tx {
	return tx{signer, func(l *ledger, ctx *contracts.Context) error {
		return l.org.DissolveOrg(ctx, &orgv1.MsgDissolveOrg{OrgId: id})
	}}
}

// blockResult is what a block did: each tx's error (nil if it succeeded),
// each tx's events, and the block hook's events.
type blockResult struct {
	height   int64
	errs     []error
	txEvents [][]abci.Event
	events   []abci.Event
}

// dateTime is 10:00 in Beijing (02:00 UTC) on date.
func dateTime(date uint32) time.Time {
	return time.Date(int(date/10000), time.Month(date/100%100), int(date%100), 2, 0, 0, 0, time.UTC)
}

// block runs one block dated date with txs and commits it. A tx that fails
// with an unregistered error is a node fault: the test fails.
func (l *ledger) block(date uint32, txs ...tx) *blockResult {
	l.t.Helper()
	w := l.store.Working()
	at := func(kv state.KV, signer string) *contracts.Context {
		ctx := &contracts.Context{Store: kv, ChainID: "partychain-test", Height: l.height, Time: dateTime(date), Today: date}
		if signer != "" {
			ctx.Signer = addrOf(signer)
		}
		return ctx
	}
	contracts.SaveClock(at(w, ""))
	res := &blockResult{height: l.height}
	for i, x := range txs {
		b := state.NewBranch(w)
		ctx := at(b, x.signer)
		err := x.run(l, ctx)
		if err != nil {
			if _, ok := contracts.AsError(err); !ok {
				l.t.Fatalf("%d tx %d (%s): a node fault: %v", date, i, x.signer, err)
			}
			if b.Len() != 0 {
				l.t.Fatalf("%d tx %d (%s) failed (%v) after writing %d keys", date, i, x.signer, err, b.Len())
			}
			b.Discard()
		} else {
			b.Write()
		}
		res.errs = append(res.errs, err)
		res.txEvents = append(res.txEvents, ctx.Events())
	}
	hook := at(w, "")
	if err := l.keeper.EndBlock(hook); err != nil {
		l.t.Fatalf("%d end block: %v", date, err)
	}
	res.events = hook.Events()
	l.commit()
	return res
}

// mustBlock is block with every tx required to succeed.
func (l *ledger) mustBlock(date uint32, txs ...tx) *blockResult {
	l.t.Helper()
	res := l.block(date, txs...)
	for i, err := range res.errs {
		if err != nil {
			l.t.Fatalf("%d tx %d (%s): %v", date, i, txs[i].signer, err)
		}
	}
	return res
}

// missed lists the block's duty_missed events as "org kind period done/required".
func (r *blockResult) missed() []string {
	var out []string
	for _, e := range r.events {
		if e.Type != "duty_missed" {
			continue
		}
		a := map[string]string{}
		for _, at := range e.Attributes {
			a[at.Key] = at.Value
		}
		out = append(out, fmt.Sprintf("%s %s %s %s/%s", a["org_id"], a["kind"], a["period"], a["done"], a["required"]))
	}
	return out
}

// closed lists the periods whose sweeps finished in the block.
func (r *blockResult) closed() []string {
	var out []string
	for _, e := range r.events {
		if e.Type == "compliance_period_closed" {
			out = append(out, e.Attributes[0].Value)
		}
	}
	return out
}

// compliance answers /org/{id}/compliance?year=.
func (l *ledger) compliance(r state.Reader, orgID uint64, year uint32) *activityv1.Compliance {
	l.t.Helper()
	msg, err := l.query(r, fmt.Sprintf("/org/%d/compliance?year=%d", orgID, year))
	if err != nil {
		l.t.Fatalf("compliance of %d in %d: %v", orgID, year, err)
	}
	return msg.(*activityv1.Compliance)
}

// flags reads every page of /org/{id}/flags, limit at a time.
func (l *ledger) flags(r state.Reader, orgID uint64, limit int) []activityv1.ComplianceFlag {
	l.t.Helper()
	var out []activityv1.ComplianceFlag
	after := ""
	for {
		path := fmt.Sprintf("/org/%d/flags?limit=%d", orgID, limit)
		if after != "" {
			path += "&after=" + after
		}
		msg, err := l.query(r, path)
		if err != nil {
			l.t.Fatalf("%s: %v", path, err)
		}
		page := msg.(*activityv1.FlagPage)
		out = append(out, page.Flags...)
		if !page.HasMore {
			return out
		}
		after = page.Next
	}
}

// flagNames writes flags as the missed events are written.
func flagNames(fs []activityv1.ComplianceFlag) []string {
	var out []string
	for _, f := range fs {
		out = append(out, flagName(f))
	}
	return out
}

func flagName(f activityv1.ComplianceFlag) string {
	return fmt.Sprintf("%d %s %s %d/%d", f.OrgId, activity.KindName(f.Kind), periodName(f.Period, f.PeriodId), f.Done, f.Required)
}

// periodName is how events name a period: 2026-03, 2026-Q1, 2026.
func periodName(p activityv1.Period, id uint32) string {
	switch p {
	case activityv1.Period_PERIOD_MONTH:
		return fmt.Sprintf("%04d-%02d", id/100, id%100)
	case activityv1.Period_PERIOD_QUARTER:
		return fmt.Sprintf("%04d-Q%d", id/10, id%10)
	}
	return fmt.Sprintf("%04d", id)
}

// dutyCount reads the meetings of a kind counted at an organization in a
// period, by the layout of keys.go:
// 05 07 ‖ u64(org) ‖ u8(meeting kind) ‖ u8(period) ‖ u32(period id).
func dutyCount(r state.Reader, orgID uint64, kind activityv1.MeetingKind, period activityv1.Period, periodID uint32) uint32 {
	k := binary.BigEndian.AppendUint64([]byte{0x05, 0x07}, orgID)
	k = binary.BigEndian.AppendUint32(append(k, byte(kind), byte(period)), periodID)
	bz, err := r.Get(k)
	if err != nil || bz == nil {
		return 0
	}
	return binary.BigEndian.Uint32(bz)
}

const (
	monthly   = activityv1.Period_PERIOD_MONTH
	quarterly = activityv1.Period_PERIOD_QUARTER
	yearly    = activityv1.Period_PERIOD_YEAR
)

// held builds a meeting dated date with the attendance lines.
func held(orgID uint64, kind activityv1.MeetingKind, date uint32, lines ...activityv1.Attendee) *activityv1.MsgRecordMeeting {
	m := meeting(orgID, kind, lines...)
	m.Date = date
	return m
}

// complianceLine is a Compliance without its ids, for tables.
type complianceLine struct{ due, done, flags, present, absent uint64 }

func lineOf(c *activityv1.Compliance) complianceLine {
	return complianceLine{c.Due, c.Done, c.Flags, c.Present, c.Absent}
}

func (c complianceLine) String() string {
	return fmt.Sprintf("due %d done %d flags %d present %d absent %d", c.due, c.done, c.flags, c.present, c.absent)
}

func joinLines(s []string) string { return "\n\t" + strings.Join(s, "\n\t") }
