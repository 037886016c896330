package contracts

import (
	"errors"
	"testing"
)

func TestFieldsKeepTextCodeAndOrder(t *testing.T) {
	err := CheckActDate("date", 20270105, 20261208, 30)
	if got, want := err.Error(), "date 20270105 is after today (20261208): invalid date: want YYYYMMDD"; got != want {
		t.Fatalf("text changed: %q, want %q", got, want)
	}
	if e, ok := AsError(err); !ok || e != ErrInvalidDate {
		t.Fatalf("registered error lost: %v", e)
	}
	if !errors.Is(err, ErrInvalidDate) {
		t.Fatal("errors.Is lost the registered error")
	}
	want := `{"fields":[{"key":"date","kind":"date","value":"20270105"},{"key":"today","kind":"date","value":"20261208"}]}`
	if got := FieldsInfo(err); got != want {
		t.Fatalf("info %s, want %s", got, want)
	}
	fs := ParseFieldsInfo(want)
	if len(fs) != 2 || fs[0] != Date("date", 20270105) || fs[1] != Date("today", 20261208) {
		t.Fatalf("round trip: %+v", fs)
	}
	if FieldsInfo(ErrInvalidDate.Wrap("x")) != "" || ParseFieldsInfo("not json") != nil {
		t.Fatal("an error without fields must have an empty info")
	}
	old := CheckActDate("date", 20260101, 20261208, 30)
	if fs := FieldsOf(old); len(fs) != 3 || fs[2] != Date("earliest", 20261108) {
		t.Fatalf("backdate fields: %+v", fs)
	}
	if a := Address("signer", []byte{0xab, 0x01}); a.Value != "ab01" || a.Kind != FieldAddress {
		t.Fatalf("address field: %+v", a)
	}
}
