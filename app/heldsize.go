package app

import (
	"reflect"
	"unsafe"
)

// What a decoded tx holds in memory, for the sigCache's bound. Decoded
// protobuf is several times larger than its wire form (a 2-byte attendance
// line is a 24-byte struct, a slice grown by append holds up to twice its
// length, every string and message is its own allocation), and how much
// depends on the message: measured from 4.8× the tx's size for large
// repeated fields to 14× for many tiny messages. So the cache counts the
// memory itself: it walks the decoded values once, when it adds a tx.
// Repeated fields of pointer-free elements (attendance lines,
// resolutions) count as capacity × element size without visiting the
// elements, so the walk costs about a microsecond a message.

// routedMsgSize and friends are the fixed parts of a cached tx.
var (
	decodedTxSize = int(unsafe.Sizeof(decodedTx{}))
	routedMsgSize = int(unsafe.Sizeof(routedMsg{}))
)

// cacheEntryBytes is a map entry of the cache (a 32-byte key and a
// pointer, in buckets that are at most about half empty after growth).
const cacheEntryBytes = 96

// heldBytes is an upper bound of the heap tx holds: the struct, its body's
// decoded messages, its sign bytes and signature, its address and routes,
// and its map entry in the cache.
func heldBytes(tx *decodedTx) int {
	n := allocBytes(decodedTxSize) + cacheEntryBytes
	n += heapOf(reflect.ValueOf(&tx.body).Elem())
	n += allocBytes(cap(tx.signBytes)) + allocBytes(cap(tx.sig)) + allocBytes(cap(tx.addr))
	n += allocBytes(cap(tx.msgs) * routedMsgSize) // msg points into body: counted there
	return n
}

// allocBytes bounds what the Go allocator takes for an object of n bytes:
// size classes waste at most an eighth above 128 bytes (and round small
// objects up to 16 bytes); objects over 32 KiB take whole 8 KiB pages.
func allocBytes(n int) int {
	switch {
	case n == 0:
		return 0
	case n > 32<<10:
		return (n + 8<<10 - 1) &^ (8<<10 - 1)
	}
	return n + n/8 + 16
}

// heapOf is the heap that v references (v itself is counted by whoever
// holds it).
func heapOf(v reflect.Value) int {
	switch v.Kind() {
	case reflect.String:
		return allocBytes(v.Len())
	case reflect.Pointer:
		if v.IsNil() {
			return 0
		}
		return allocBytes(int(v.Type().Elem().Size())) + heapOf(v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			return 0
		}
		e := v.Elem()
		if e.Kind() == reflect.Pointer {
			return heapOf(e)
		}
		return allocBytes(int(e.Type().Size())) + heapOf(e)
	case reflect.Slice:
		if v.IsNil() {
			return 0
		}
		n := allocBytes(v.Cap() * int(v.Type().Elem().Size()))
		if hasPointers(v.Type().Elem()) {
			for i := range v.Len() {
				n += heapOf(v.Index(i))
			}
		}
		return n
	case reflect.Struct:
		n := 0
		for i := range v.NumField() {
			n += heapOf(v.Field(i))
		}
		return n
	case reflect.Array:
		n := 0
		if hasPointers(v.Type().Elem()) {
			for i := range v.Len() {
				n += heapOf(v.Index(i))
			}
		}
		return n
	case reflect.Map:
		// No decoded message has a map (no proto map fields); count one
		// generously rather than walk it.
		return v.Len() * 256
	}
	return 0
}

// hasPointers reports whether values of t reference other memory.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.String, reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return true
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	}
	return false
}
