package contracts

import (
	"errors"
	"testing"
)

func TestFieldsKeepTextCodeAndOrder(t *testing.T) {
	err := CheckActDate("date", 20270105, 20261208, 30)
	if got, want := err.Error(), "date 20270105 is after today (20261208): invalid date"; got != want {
		t.Fatalf("text changed: %q, want %q", got, want)
	}
	if e, ok := AsError(err); !ok || e != ErrInvalidDate {
		t.Fatalf("registered error lost: %v", e)
	}
	if !errors.Is(err, ErrInvalidDate) {
		t.Fatal("errors.Is lost the registered error")
	}
	want := `{"fields":[{"key":"date","kind":"date","value":"20270105"},{"key":"today","kind":"date","value":"20261208"}],"template":"date {date} is after today ({today})"}`
	if got := FieldsInfo(err); got != want {
		t.Fatalf("info %s, want %s", got, want)
	}
	fs := ParseInfo(want).Fields
	if len(fs) != 2 || fs[0] != Date("date", 20270105) || fs[1] != Date("today", 20261208) {
		t.Fatalf("round trip: %+v", fs)
	}
	if FieldsInfo(ErrInvalidDate.Wrap("x")) != "" || ParseInfo("not json").Fields != nil {
		t.Fatal("an error without fields must have an empty info")
	}
	old := CheckActDate("date", 20260101, 20261208, 30)
	if fs := FieldsOf(old); len(fs) != 4 || fs[3] != Date("earliest", 20261108) {
		t.Fatalf("backdate fields: %+v", fs)
	}
	if a := Address("signer", []byte{0xab, 0x01}); a.Value != "ab01" || a.Kind != FieldAddress {
		t.Fatalf("address field: %+v", a)
	}
}

// TestWraptAndPrefix: a template's log is filled in the chain's terms; a
// message prefix keeps the template, the code and the fields.
func TestWraptAndPrefix(t *testing.T) {
	err := ErrInvalidDate.Wrapt("{who} at {when} ({missing})", Address("who", []byte{0xab, 0x01}), Date("when", 20261208))
	if got, want := err.Error(), "AB01 at 20261208 ({missing}): invalid date"; got != want {
		t.Fatalf("log %q, want %q", got, want)
	}
	p := Prefix(err, "message 2 (x/y)", Int("message", 2), Text("action", "x/y"))
	if got, want := p.Error(), "message 2 (x/y): AB01 at 20261208 ({missing}): invalid date"; got != want {
		t.Fatalf("prefixed %q, want %q", got, want)
	}
	info := ParseInfo(FieldsInfo(p))
	if info.Template != "{who} at {when} ({missing})" || len(info.Fields) != 4 || info.Fields[0].Key != "message" || info.Fields[2].Key != "who" {
		t.Fatalf("prefixed info %+v", info)
	}
	if e, ok := AsError(p); !ok || e != ErrInvalidDate {
		t.Fatalf("prefix lost the code: %v", e)
	}
	if got := Prefix(ErrInvalidDate, "message 0 (x/y)").Error(); got != "message 0 (x/y): invalid date" {
		t.Fatalf("prefix of a bare error: %q", got)
	}
	if FieldsInfo(Prefix(ErrInvalidDate.Wrap("detail"), "m", Int("message", 0))) != "" {
		t.Fatal("a prefix adds fields only to an error that has some")
	}
}
