package contracts

import (
	"fmt"
	"reflect"
)

// Route binds one ledger message type to its stateless check and its
// handler. The app dispatches on the message's Go type.
type Route struct {
	// Name is the action name in events and metrics, "<ledger>/<action>".
	Name     string
	Type     reflect.Type
	Validate func(msg any) error
	Run      func(ctx *Context, msg any) error
	// Gas is the message's gas (gas.go); nil means GasPerMsg.
	Gas func(msg any) uint64
	// Gate, if set, is the part of the stateless check that depends on the
	// app version in force (WithGate): a message form added in a version is
	// refused before it, as the binaries of before refused it in Validate.
	Gate func(msg any, appVersion uint64) error
}

// WithGate returns r with a version-dependent stateless check for its
// messages of type M. The app runs it where a Validate failure would have
// stopped the tx (before the tx consumes its sequence), with the same
// effect, so that a chain replays old heights as their binaries ran them.
func WithGate[M any](r Route, gate func(M, uint64) error) Route {
	r.Gate = func(msg any, v uint64) error { return gate(msg.(M), v) }
	return r
}

// NewRoute builds a Route for messages of type M.
func NewRoute[M any](name string, validate func(M) error, run func(*Context, M) error) Route {
	var zero M
	return Route{
		Name: name,
		Type: reflect.TypeOf(zero),
		Validate: func(msg any) error {
			return validate(msg.(M))
		},
		Run: func(ctx *Context, msg any) error {
			return run(ctx, msg.(M))
		},
	}
}

// Routes indexes routes by message type; a type routed twice panics.
type Routes map[reflect.Type]Route

// Add registers routes.
func (rs Routes) Add(routes ...Route) {
	for _, r := range routes {
		if _, dup := rs[r.Type]; dup {
			panic(fmt.Sprintf("message type %v routed twice", r.Type))
		}
		rs[r.Type] = r
	}
}

// Lookup returns the route for msg's type.
func (rs Routes) Lookup(msg any) (Route, bool) {
	r, ok := rs[reflect.TypeOf(msg)]
	return r, ok
}
