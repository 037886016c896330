package contracts

import (
	"errors"
	"fmt"
	"sort"
)

// Error is a registered, deterministic rejection: a codespace and a code that
// never change meaning, and a description. Any error that is not (or does
// not wrap) an *Error is a fault of the node (storage, a bug), never a result
// code, because it may differ between nodes.
type Error struct {
	Codespace string
	Code      uint32
	Desc      string
}

func (e *Error) Error() string { return e.Desc }

// Wrap adds context in front of the description: "org 7 not found: ...".
func (e *Error) Wrap(context string) error { return &wrapped{cause: e, msg: context} }

// Wrapf is Wrap with a format.
func (e *Error) Wrapf(format string, args ...any) error {
	return &wrapped{cause: e, msg: fmt.Sprintf(format, args...)}
}

type wrapped struct {
	cause *Error
	msg   string
}

func (w *wrapped) Error() string { return w.msg + ": " + w.cause.Desc }
func (w *wrapped) Unwrap() error { return w.cause }

var registry = map[string]map[uint32]*Error{}

// Register declares an error once, at package init. Registering a code twice
// in one codespace, or code 0 (success), panics: codes are part of the
// protocol and must be unique.
func Register(codespace string, code uint32, desc string) *Error {
	if code == 0 {
		panic(fmt.Sprintf("error code 0 is success (codespace %s)", codespace))
	}
	if registry[codespace] == nil {
		registry[codespace] = map[uint32]*Error{}
	}
	if prev, ok := registry[codespace][code]; ok {
		panic(fmt.Sprintf("error %s/%d registered twice: %q and %q", codespace, code, prev.Desc, desc))
	}
	e := &Error{Codespace: codespace, Code: code, Desc: desc}
	registry[codespace][code] = e
	return e
}

// Registered lists every registered error ordered by codespace and code, for
// the documentation table and its test.
func Registered() []*Error {
	var all []*Error
	for _, byCode := range registry {
		for _, e := range byCode {
			all = append(all, e)
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Codespace != all[j].Codespace {
			return all[i].Codespace < all[j].Codespace
		}
		return all[i].Code < all[j].Code
	})
	return all
}

// AsError returns the registered error err is or wraps, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Corrupt turns an error met where the state must be consistent (a record
// an index points at is missing, say) into a node fault: it keeps the text
// but drops any registered code, so it halts the node instead of becoming
// a tx's result on some nodes only.
func Corrupt(err error, format string, args ...any) error {
	return fmt.Errorf("state corruption: %s: %v", fmt.Sprintf(format, args...), err)
}
