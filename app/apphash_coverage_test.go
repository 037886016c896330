package app

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	txv1 "github.com/partychain/partychain/proto/partychain/tx/v1"
)

// msgKinds names every message kind of the tx envelope: the oneof wrappers
// of txv1.Msg, by their proto field name (create_org, pay_dues, ...). A
// kind added to the oneof is in this list without anyone writing it down.
func msgKinds(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, w := range (&txv1.Msg{}).XXX_OneofWrappers() {
		out = append(out, wrapperName(t, reflect.TypeOf(w)))
	}
	sort.Strings(out)
	return out
}

// wrapperName is a oneof wrapper type's proto field name, from the
// protobuf tag of its only field.
func wrapperName(t testing.TB, wt reflect.Type) string {
	t.Helper()
	if wt.Kind() == reflect.Pointer {
		wt = wt.Elem()
	}
	for _, part := range strings.Split(wt.Field(0).Tag.Get("protobuf"), ",") {
		if name, ok := strings.CutPrefix(part, "name="); ok {
			return name
		}
	}
	t.Fatalf("oneof wrapper %s has no protobuf name in its tag", wt)
	return ""
}

// msgKindOf is the proto field name of a message's kind.
func msgKindOf(t testing.TB, m *txv1.Msg) string {
	t.Helper()
	return wrapperName(t, reflect.TypeOf(m.GetSum()))
}

// paramLedgers are the ledgers whose params a proposal can set: the names
// the app registers with AddParamSetter (app.go), read from the source.
func paramLedgers(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, isCall := n.(*ast.CallExpr)
			if !isCall || len(call.Args) == 0 {
				return true
			}
			if sel, isSel := call.Fun.(*ast.SelectorExpr); isSel && sel.Sel.Name == "AddParamSetter" {
				name, isLit := stringLit(call.Args[0])
				if !isLit {
					t.Fatalf("%s: AddParamSetter with a ledger name that is not a literal", fset.Position(call.Pos()))
				}
				out = append(out, name)
			}
			return true
		})
	}
	if len(out) == 0 {
		t.Fatal("no AddParamSetter call found in the app's source")
	}
	sort.Strings(out)
	return out
}

// hookEventTypes lists the event types the block hooks can emit, found in
// the ledgers' source rather than written down by hand, so that a new
// event in a hook (or a new hook) joins the coverage check by itself:
//
//   - every package under contracts/ with an EndBlock method is a hook (the
//     test also checks that there are as many as the app's endBlockers);
//   - from EndBlock, the functions and methods of the same package that it
//     calls, transitively (a call by name, `f(...)` or `x.f(...)` where x is
//     not an imported package; calls into other packages emit nothing a
//     hook could: a ledger's events are its own), are reachable;
//   - an event type is a string literal passed to `.Emit(...)` in a
//     reachable function, or passed, in a reachable function, in the place
//     of a parameter that the called function hands to `.Emit` (the
//     member ledger's saveAndEmit(ctx, c, note, "member_flagged")).
//
// Any other way of naming an event in reachable code (a variable, a
// computed string) fails the test: the list would be incomplete.
func hookEventTypes(t testing.TB) (events []string, hooks int) {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("..", "contracts", "*"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			continue
		}
		pkgEvents, ok := packageHookEvents(t, dir)
		if !ok {
			continue
		}
		hooks++
		if len(pkgEvents) == 0 {
			t.Errorf("%s: EndBlock emits no event the scan can find", dir)
		}
		for _, e := range pkgEvents {
			seen[e] = true
		}
	}
	for e := range seen {
		events = append(events, e)
	}
	sort.Strings(events)
	return events, hooks
}

// packageHookEvents scans one package's non-test source; ok is false if
// the package has no EndBlock method.
func packageHookEvents(t testing.TB, dir string) (events []string, ok bool) {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	funcs := map[string][]*ast.FuncDecl{} // by name; methods of any receiver
	imports := map[*ast.File]map[string]bool{}
	fileOf := map[*ast.FuncDecl]*ast.File{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		imports[f] = importNames(f)
		for _, d := range f.Decls {
			if fd, isFunc := d.(*ast.FuncDecl); isFunc && fd.Body != nil {
				funcs[fd.Name.Name] = append(funcs[fd.Name.Name], fd)
				fileOf[fd] = f
			}
		}
	}
	var roots []*ast.FuncDecl
	for _, fd := range funcs["EndBlock"] {
		if fd.Recv != nil {
			roots = append(roots, fd)
		}
	}
	if len(roots) == 0 {
		return nil, false
	}
	emitArg := map[string]int{} // function name -> index of the parameter it emits as the event type
	for name, fds := range funcs {
		for _, fd := range fds {
			if i, found := emittedParam(fd); found {
				emitArg[name] = i
			}
		}
	}
	reached := map[*ast.FuncDecl]bool{}
	found := map[string]bool{}
	queue := roots
	for len(queue) > 0 {
		fd := queue[0]
		queue = queue[1:]
		if reached[fd] {
			continue
		}
		reached[fd] = true
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			call, isCall := n.(*ast.CallExpr)
			if !isCall {
				return true
			}
			name := calleeName(call, imports[fileOf[fd]])
			if name == "" {
				return true
			}
			pos := fset.Position(call.Pos())
			if name == "Emit" && len(call.Args) > 0 {
				if lit, isLit := stringLit(call.Args[0]); isLit {
					found[lit] = true
				} else if !isParam(fd, call.Args[0]) {
					t.Errorf("%s: a hook emits an event whose type is not a string literal; the coverage scan cannot list it", pos)
				}
			}
			if i, emits := emitArg[name]; emits && i < len(call.Args) {
				if lit, isLit := stringLit(call.Args[i]); isLit {
					found[lit] = true
				} else if !isParam(fd, call.Args[i]) {
					t.Errorf("%s: a hook passes %s an event type that is not a string literal; the coverage scan cannot list it", pos, name)
				}
			}
			queue = append(queue, funcs[name]...)
			return true
		})
	}
	for e := range found {
		events = append(events, e)
	}
	sort.Strings(events)
	return events, true
}

// importNames are the names a file's imports are used by.
func importNames(f *ast.File) map[string]bool {
	out := map[string]bool{}
	for _, is := range f.Imports {
		p, _ := strconv.Unquote(is.Path.Value)
		name := p[strings.LastIndex(p, "/")+1:]
		if is.Name != nil {
			name = is.Name.Name
		}
		out[name] = true
	}
	return out
}

// calleeName is the name a call calls within the package: f(...) or
// x.f(...) with x a variable (a receiver, ctx), not an imported package
// and not a field of something (k.members.Member is another ledger's).
func calleeName(call *ast.CallExpr, imports map[string]bool) string {
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		return fn.Name
	case *ast.SelectorExpr:
		if x, isIdent := fn.X.(*ast.Ident); isIdent && !imports[x.Name] {
			return fn.Sel.Name
		}
	}
	return ""
}

// emittedParam reports which parameter of fd (by position) is passed as
// the event type to an .Emit call in its body.
func emittedParam(fd *ast.FuncDecl) (int, bool) {
	idx, found := -1, false
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		call, isCall := n.(*ast.CallExpr)
		if !isCall || len(call.Args) == 0 {
			return true
		}
		if sel, isSel := call.Fun.(*ast.SelectorExpr); !isSel || sel.Sel.Name != "Emit" {
			return true
		}
		if id, isIdent := call.Args[0].(*ast.Ident); isIdent {
			if i := paramIndex(fd, id.Name); i >= 0 {
				idx, found = i, true
			}
		}
		return true
	})
	return idx, found
}

func paramIndex(fd *ast.FuncDecl, name string) int {
	i := 0
	for _, field := range fd.Type.Params.List {
		if len(field.Names) == 0 {
			i++
			continue
		}
		for _, n := range field.Names {
			if n.Name == name {
				return i
			}
			i++
		}
	}
	return -1
}

func isParam(fd *ast.FuncDecl, e ast.Expr) bool {
	id, isIdent := e.(*ast.Ident)
	return isIdent && paramIndex(fd, id.Name) >= 0
}

func stringLit(e ast.Expr) (string, bool) {
	lit, isLit := e.(*ast.BasicLit)
	if !isLit || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// TestHookEventScan: the scan finds the hooks' events it must (one of each
// ledger with a hook, known today), and no event of a tx alone.
func TestAppHashHookEventScan(t *testing.T) {
	events, hooks := hookEventTypes(t)
	a := newTestApp(t)
	if hooks != len(a.endBlockers) {
		t.Fatalf("%d packages under contracts/ have an EndBlock method, the app runs %d block hooks: the scan would miss one", hooks, len(a.endBlockers))
	}
	has := map[string]bool{}
	for _, e := range events {
		has[e] = true
	}
	for _, want := range []string{"member_flagged", "dues_arrears_flagged", "duty_missed", "proposal_rejected"} {
		if !has[want] {
			t.Errorf("scan misses %s: %v", want, events)
		}
	}
	for _, txOnly := range []string{"member_registered", "dues_paid", "meeting_recorded", "proposal_vote", "org_created"} {
		if has[txOnly] {
			t.Errorf("scan lists %s, which only a tx emits: %v", txOnly, events)
		}
	}
}
