package app

import (
	"crypto/sha256"
	"testing"

	"github.com/partychain/partychain/contracts"
	memberv1 "github.com/partychain/partychain/proto/partychain/member/v1"
)

func importAdmitted(admission, full uint32) *memberv1.MsgImportMember {
	c := sha256.Sum256([]byte("member admitted on " + string(rune(admission))))
	d := sha256.Sum256([]byte("legacy file"))
	return &memberv1.MsgImportMember{BranchId: OfficeBranchID, Stage: memberv1.Stage_STAGE_FULL, AdmissionDate: admission,
		FullDate: full, BirthYear: 1970, Commitment: c[:], DocHash: d[:]}
}

// TestRejectionFieldsInInfo: a tx refused by a date check carries the
// check's typed fields, JSON in a fixed order, in Info of its CheckTx answer
// (the stateless check: not a calendar date) and of its FinalizeBlock result
// (the same, and a date after the block's day); code, codespace and log are
// those of the registered error, unchanged.
func TestRejectionFieldsInInfo(t *testing.T) {
	ta := newTestApp(t)
	ta.mustDeliver()
	wantInfo := func(where, info string, want ...contracts.Field) {
		t.Helper()
		fs := contracts.ParseInfo(info).Fields
		if len(fs) != len(want) {
			t.Fatalf("%s: info %q, want fields %+v", where, info, want)
		}
		for i := range want {
			if fs[i] != want[i] && !(want[i].Value == "" && fs[i].Key == want[i].Key && fs[i].Kind == want[i].Kind) {
				t.Fatalf("%s: info %q, field %d is %+v, want %+v", where, info, i, fs[i], want[i])
			}
		}
	}

	// Not a calendar date: refused in CheckTx, and in a block all the same.
	bad := signedTx(t, rootSecretary, 0, importAdmitted(20270230, 20280105))
	chk := ta.checkTx(bad)
	if chk.Codespace != "date" || chk.Code != contracts.ErrInvalidDate.Code {
		t.Fatalf("CheckTx: %s/%d %q, want date/2", chk.Codespace, chk.Code, chk.Log)
	}
	msg0 := []contracts.Field{contracts.Int("message", 0), contracts.Text("action", "member/import")}
	wantInfo("CheckTx", chk.Info, append(msg0, contracts.Date("admission_date", 20270230))...)
	if string(chk.Data) != chk.Info {
		t.Fatalf("CheckTx data %q, want the info %q (broadcast_tx_sync returns data, not info)", chk.Data, chk.Info)
	}
	res := ta.block(bad).TxResults[0]
	if res.Codespace != "date" || res.Code != contracts.ErrInvalidDate.Code {
		t.Fatalf("FinalizeBlock: %s/%d %q, want date/2", res.Codespace, res.Code, res.Log)
	}
	wantInfo("FinalizeBlock (not a date)", res.Info, append(msg0, contracts.Date("admission_date", 20270230))...)

	// After today (blocks of the test chain are in 2026): refused by the
	// handler, with the block's day.
	late := signedTx(t, rootSecretary, 0, importAdmitted(20270105, 20280105))
	if chk := ta.checkTx(late); chk.Code != 0 {
		t.Fatalf("CheckTx of a well-formed tx: %s/%d %q", chk.Codespace, chk.Code, chk.Log)
	}
	res = ta.block(late).TxResults[0]
	if res.Codespace != "date" || res.Code != contracts.ErrInvalidDate.Code {
		t.Fatalf("FinalizeBlock: %s/%d %q, want date/2", res.Codespace, res.Code, res.Log)
	}
	wantInfo("FinalizeBlock (after today)", res.Info, append(msg0, contracts.Date("admission_date", 20270105),
		contracts.Field{Key: "today", Kind: contracts.FieldDate})...)
	if tmpl := contracts.ParseInfo(res.Info).Template; tmpl != "admission date {admission_date} is after today ({today})" {
		t.Fatalf("template %q", tmpl)
	}
	if today := contracts.ParseInfo(res.Info).Fields[3].Value; today[:4] != "2026" {
		t.Fatalf("today %s, want the block's day in 2026", today)
	}
}
