package contracts

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// Field is a typed value attached to a rejection, so that a client can
// render it in its own terms (dates as YYYY-MM-DD, enums by CLI names, an
// address by key name) without parsing the log text. Kind is one of
// FieldDate (Value is YYYYMMDD), FieldMonth (YYYYMM), FieldEnum (Value is the proto enum name),
// FieldAddress (Value is the 20-byte address in lowercase hex), FieldInt or
// FieldText (a fixed name such as a message's action). Never personal
// data; the one personal value a field may hold is a birth year, which
// DOMAIN keeps in the clear (in the tx and the identity record) for the age
// rule.
type Field struct {
	Key   string `json:"key"`
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// Field kinds.
const (
	FieldDate    = "date"
	FieldMonth   = "month"
	FieldEnum    = "enum"
	FieldAddress = "address"
	FieldInt     = "int"
	FieldText    = "text"
)

// Date is a YYYYMMDD date field.
func Date(key string, d uint32) Field {
	return Field{Key: key, Kind: FieldDate, Value: strconv.FormatUint(uint64(d), 10)}
}

// Month is a YYYYMM month field (dues).
func Month(key string, m uint32) Field {
	return Field{Key: key, Kind: FieldMonth, Value: strconv.FormatUint(uint64(m), 10)}
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
// codespace. template, if set, is the text the fields fill (see Wrapt).
type fielded struct {
	err      error
	fields   []Field
	template string
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

// Wrapt is Wrapf with typed fields: each {key} in template stands for the
// field of that key. The log text is the template filled in the chain's
// terms (dates YYYYMMDD, enums by short name, addresses in upper-case
// hex); the template and the fields go to the result's Info (FieldsInfo),
// so a client fills the same sentence in its own terms (Render) without
// reading the log.
func (e *Error) Wrapt(template string, fields ...Field) error {
	return &fielded{err: e.Wrap(Render(template, fields, ChainValue)), fields: fields, template: template}
}

// ChainValue is a field as the chain's log writes it: an address in
// upper-case hex, an enum by its short name (EnumName) where its ledger
// registered one, anything else as it is.
func ChainValue(f Field) string {
	switch f.Kind {
	case FieldAddress:
		return strings.ToUpper(f.Value)
	case FieldEnum:
		if n, ok := EnumName(f.Value); ok {
			return n
		}
	}
	return f.Value
}

// Render fills each {key} of template with value of the field of that key;
// a {key} with no field stays as it is.
func Render(template string, fields []Field, value func(Field) string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(template, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(template[i:], '}')
		if j < 0 {
			break
		}
		b.WriteString(template[:i])
		key, found := template[i+1:i+j], false
		for _, f := range fields {
			if f.Key == key {
				b.WriteString(value(f))
				found = true
				break
			}
		}
		if !found {
			b.WriteString(template[i : i+j+1])
		}
		template = template[i+j+1:]
	}
	b.WriteString(template)
	return b.String()
}

// Prefix puts context in front of err's text ("message 2 (member/x): ...")
// and fields in front of its fields, keeping its registered error and
// template. A plain error gets the context only.
func Prefix(err error, context string, fields ...Field) error {
	e, ok := AsError(err)
	if !ok {
		return err
	}
	inner := FieldsOf(err)
	msg := context
	if detail := err.Error(); detail != e.Desc {
		msg += ": " + strings.TrimSuffix(detail, ": "+e.Desc)
	}
	out := e.Wrap(msg)
	if len(inner) == 0 {
		return out
	}
	return &fielded{err: out, fields: append(fields, inner...), template: TemplateOf(err)}
}

// TemplateOf returns the template of the innermost Wrapt in err, or "".
func TemplateOf(err error) string {
	t := ""
	for err != nil {
		var f *fielded
		if !errors.As(err, &f) {
			break
		}
		if f.template != "" {
			t = f.template
		}
		err = f.err
	}
	return t
}

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

// Info is what FieldsInfo writes: the fields and, for an error made by
// Wrapt, the template they fill.
type Info struct {
	Fields   []Field `json:"fields"`
	Template string  `json:"template,omitempty"`
}

// FieldsInfo is the JSON encoding of err's fields for the Info of a tx
// result ("" if none): {"fields":[{"key":..,"kind":..,"value":..},...],
// "template":"..."}, in a fixed order, so it is the same on every node.
// Info is not part of the results hash, but it is deterministic all the
// same.
func FieldsInfo(err error) string {
	fs := FieldsOf(err)
	if len(fs) == 0 {
		return ""
	}
	b, jerr := json.Marshal(Info{Fields: fs, Template: TemplateOf(err)})
	if jerr != nil {
		return ""
	}
	return string(b)
}

// ParseInfo decodes an Info written by FieldsInfo; anything else gives the
// zero Info.
func ParseInfo(info string) Info {
	var v Info
	if info == "" || json.Unmarshal([]byte(info), &v) != nil {
		return Info{}
	}
	return v
}
