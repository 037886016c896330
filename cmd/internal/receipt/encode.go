package receipt

import (
	"encoding/json"
	"reflect"
)

// Encode is the canonical encoding of a Receipt or a Credential, in the
// format its Format names: JSON indented by two spaces, fields in
// declaration order, ending with a newline. Format 2 (Format,
// CredentialFormat) writes every byte field as upper-case hex (Hex), like
// the hashes in CometBFT's headers; format 1 (FormatV1, CredentialFormatV1),
// which Encode writes only for a receipt or credential read from a /1 file,
// writes byte slices in base64 as encoding/json does (the headers' hashes
// still in hex). An empty byte string or list is written null, never "" or
// []: one form for every value. Parse accepts only this form.
func Encode(v any) ([]byte, error) {
	switch x := v.(type) {
	case *Receipt:
		if x != nil && x.Format != FormatV1 {
			v = receiptToV2(x)
		}
	case Receipt:
		if x.Format != FormatV1 {
			v = receiptToV2(&x)
		}
	case *Credential:
		if x != nil && x.Format != CredentialFormatV1 {
			v = credentialToV2(x)
		}
	case Credential:
		if x.Format != CredentialFormatV1 {
			v = credentialToV2(&x)
		}
	}
	b, err := json.MarshalIndent(emptiesToNil(v), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// emptiesToNil returns a copy of v in which every empty slice reachable
// through exported fields, slice elements and pointers is nil. Slices that
// hold something are copied before their elements change, so v itself is
// never modified.
func emptiesToNil(v any) any {
	if v == nil {
		return nil
	}
	rv := reflect.ValueOf(v)
	cp := reflect.New(rv.Type()).Elem()
	cp.Set(rv)
	normalize(cp)
	return cp.Interface()
}

func normalize(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || !v.CanSet() {
			return
		}
		cp := reflect.New(v.Elem().Type())
		cp.Elem().Set(v.Elem())
		normalize(cp.Elem())
		v.Set(cp)
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				normalize(f)
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			if !v.IsNil() {
				v.Set(reflect.Zero(v.Type()))
			}
			return
		}
		if k := v.Type().Elem().Kind(); k == reflect.Uint8 || k == reflect.String || k == reflect.Int64 ||
			k == reflect.Int || k == reflect.Uint32 || k == reflect.Uint64 || k == reflect.Bool {
			return // a non-empty slice of scalars has one form
		}
		cp := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(cp, v)
		for i := range cp.Len() {
			normalize(cp.Index(i))
		}
		v.Set(cp)
	}
}
