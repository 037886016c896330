package hexjson

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/cosmos/gogoproto/jsonpb"
	"github.com/cosmos/gogoproto/proto"
)

// Bytes is a []byte that encoding/json writes as hex (see Encode).
type Bytes []byte

// MarshalJSON writes b as a hex string.
func (b Bytes) MarshalJSON() ([]byte, error) { return json.Marshal(Encode("", b)) }

// Encode is the hex of b for a field named name: upper case for an
// address (20 bytes) or a tx hash, lower case for anything else.
func Encode(name string, b []byte) string {
	s := hex.EncodeToString(b)
	if len(b) == 20 || strings.HasSuffix(name, "tx_hash") {
		return strings.ToUpper(s)
	}
	return s
}

// Proto is m in proto3 JSON (original field names, defaults emitted, as
// the node answers queries) with every bytes field in hex.
func Proto(m proto.Message) (json.RawMessage, error) {
	return marshal(jsonpb.Marshaler{OrigName: true, EmitDefaults: true}, m)
}

// ProtoSet is Proto without the fields that hold their default value.
func ProtoSet(m proto.Message) (json.RawMessage, error) {
	return marshal(jsonpb.Marshaler{OrigName: true}, m)
}

func marshal(jm jsonpb.Marshaler, m proto.Message) (json.RawMessage, error) {
	var buf bytes.Buffer
	if err := jm.Marshal(&buf, m); err != nil {
		return nil, err
	}
	return Rewrite(buf.Bytes(), m)
}

// Rewrite is raw, the proto3 JSON of m, with every bytes field of m in
// hex. raw must be m's JSON (a node's answer decoded into m); a field of
// raw that is not base64 where m has bytes is an error, so a mismatch is
// never printed half converted.
func Rewrite(raw []byte, m proto.Message) (json.RawMessage, error) {
	tree, err := decodeOrdered(raw)
	if err != nil {
		return nil, fmt.Errorf("hexjson: %w", err)
	}
	out, err := walk(tree, reflect.ValueOf(m), "")
	if err != nil {
		return nil, err
	}
	return json.Marshal(out)
}

// walk converts node, the JSON of v, in place where v holds bytes.
func walk(node any, v reflect.Value, name string) (any, error) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return node, nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return toHex(node, v.Bytes(), name)
		}
		arr, ok := node.([]any)
		if !ok || len(arr) != v.Len() {
			return node, nil
		}
		for i := range arr {
			var err error
			if arr[i], err = walk(arr[i], v.Index(i), name); err != nil {
				return nil, err
			}
		}
	case reflect.Map:
		obj, ok := node.(*object)
		if !ok {
			return node, nil
		}
		iter := v.MapRange()
		for iter.Next() {
			k := fmt.Sprint(iter.Key().Interface())
			if sub, ok := obj.vals[k]; ok {
				var err error
				if obj.vals[k], err = walk(sub, iter.Value(), name); err != nil {
					return nil, err
				}
			}
		}
	case reflect.Struct:
		obj, ok := node.(*object)
		if !ok {
			return node, nil // a well-known type written as a string
		}
		return obj, walkStruct(obj, v)
	}
	return node, nil
}

// walkStruct converts the fields of obj, the JSON object of struct v.
func walkStruct(obj *object, v reflect.Value) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if _, ok := f.Tag.Lookup("protobuf_oneof"); ok {
			// The interface holds a wrapper whose one field is written
			// at this level.
			w := v.Field(i)
			if w.IsNil() {
				continue
			}
			inner := w.Elem()
			if inner.Kind() == reflect.Pointer {
				if inner.IsNil() {
					continue
				}
				inner = inner.Elem()
			}
			if inner.Kind() == reflect.Struct {
				if err := walkStruct(obj, inner); err != nil {
					return err
				}
			}
			continue
		}
		name := protoName(f)
		if name == "" {
			continue
		}
		sub, ok := obj.vals[name]
		if !ok {
			continue
		}
		conv, err := walk(sub, v.Field(i), name)
		if err != nil {
			return err
		}
		obj.vals[name] = conv
	}
	return nil
}

// protoName is the original proto field name of a generated struct field.
func protoName(f reflect.StructField) string {
	for _, part := range strings.Split(f.Tag.Get("protobuf"), ",") {
		if n, ok := strings.CutPrefix(part, "name="); ok {
			return n
		}
	}
	return ""
}

// toHex replaces node, the base64 of b, with b's hex.
func toHex(node any, b []byte, name string) (any, error) {
	s, ok := node.(string)
	if !ok {
		return node, nil
	}
	got, err := base64.StdEncoding.DecodeString(s)
	if err != nil || !bytes.Equal(got, b) {
		return nil, fmt.Errorf("hexjson: field %s is not the base64 of its bytes", name)
	}
	return Encode(name, b), nil
}
