package contracts

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
)

// Field is a typed value attached to a rejection, so that a client can
// render it in its own terms (dates as YYYY-MM-DD, enums by CLI names, an
// address by key name) without parsing the log text. Kind is one of
// FieldDate (Value is YYYYMMDD), FieldEnum (Value is the proto enum name),
// FieldAddress (Value is the 20-byte address in lowercase hex), FieldInt or
// FieldText (a fixed name such as a message's action, never personal data).
type Field struct {
	Key   string `json:"key"`
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// Field kinds.
const (
	FieldDate    = "date"
	FieldEnum    = "enum"
	FieldAddress = "address"
	FieldInt     = "int"
	FieldText    = "text"
)

// Date is a YYYYMMDD date field.
func Date(key string, d uint32) Field {
	return Field{Key: key, Kind: FieldDate, Value: strconv.FormatUint(uint64(d), 10)}
}

// Enum is an enum field; name is the proto enum value's name
// (e.g. ORG_KIND_GENERAL_BRANCH), as its String method gives.
func Enum(key, name string) Field { return Field{Key: key, Kind: FieldEnum, Value: name} }

// Address is an account address field, in lowercase hex.
func Address(key string, addr []byte) Field {
	return Field{Key: key, Kind: FieldAddress, Value: hex.EncodeToString(addr)}
}

// Int is an integer field.
func Int(key string, n int64) Field {
	return Field{Key: key, Kind: FieldInt, Value: strconv.FormatInt(n, 10)}
}

// Text is a short fixed text field (an action name, "member/import").
func Text(key, s string) Field { return Field{Key: key, Kind: FieldText, Value: s} }

// fielded attaches fields to an error without changing its text, code or
// codespace.
type fielded struct {
	err    error
	fields []Field
}

func (f *fielded) Error() string { return f.err.Error() }
func (f *fielded) Unwrap() error { return f.err }

// WithFields attaches fields to err; its text, and the registered error it
// wraps, stay the same.
func WithFields(err error, fields ...Field) error {
	if err == nil || len(fields) == 0 {
		return err
	}
	return &fielded{err: err, fields: fields}
}

// WithFields is Wrapf's companion for an error without extra context.
func (e *Error) WithFields(fields ...Field) error { return WithFields(error(e), fields...) }

// FieldsOf returns the fields attached to err, outermost first, in the
// order they were attached.
func FieldsOf(err error) []Field {
	var out []Field
	for err != nil {
		var f *fielded
		if !errors.As(err, &f) {
			break
		}
		out = append(out, f.fields...)
		err = f.err
	}
	return out
}

// FieldsInfo is the JSON encoding of err's fields for the Info of a tx
// result ("" if none): {"fields":[{"key":..,"kind":..,"value":..},...]}, in
// a fixed order, so it is the same on every node. Info is not part of the
// results hash, but it is deterministic all the same.
func FieldsInfo(err error) string {
	fs := FieldsOf(err)
	if len(fs) == 0 {
		return ""
	}
	b, jerr := json.Marshal(struct {
		Fields []Field `json:"fields"`
	}{fs})
	if jerr != nil {
		return ""
	}
	return string(b)
}

// ParseFieldsInfo decodes an Info written by FieldsInfo; an Info that is not
// such an object gives no fields.
func ParseFieldsInfo(info string) []Field {
	var v struct {
		Fields []Field `json:"fields"`
	}
	if info == "" || json.Unmarshal([]byte(info), &v) != nil {
		return nil
	}
	return v.Fields
}
