package errtrans

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/partychain/partychain/contracts"
)

// TestEveryFieldedCode: every registered error that a ledger (or the tx
// envelope) refuses with a date, an enum or an address field — found by
// reading the source for Wrapt calls — has a translation case.
func TestEveryFieldedCode(t *testing.T) {
	fielded, templates, err := fieldedCodes("../../../contracts", "../../../app")
	if err != nil {
		t.Fatal(err)
	}
	if len(fielded) < 3 {
		t.Fatalf("found only %v: the source scan is broken", fielded)
	}
	covered := map[string]bool{}
	for _, tc := range cases {
		e, ok := contracts.AsError(tc.err)
		if !ok {
			continue
		}
		for _, f := range contracts.FieldsOf(tc.err) {
			switch f.Kind {
			case contracts.FieldDate, contracts.FieldMonth, contracts.FieldEnum, contracts.FieldAddress:
				covered[fmt.Sprintf("%s/%d", e.Codespace, e.Code)] = true
			}
		}
	}
	for code, site := range fielded {
		if !covered[code] {
			t.Errorf("%s (%s) carries a date, an enum or an address but has no case in errtrans's tests", code, site)
		}
	}
	// A case's template is one its ledger writes (a literal at a Wrapt of
	// its code), so a template that drifts in the ledger fails its case.
	// Cases named "renderer: ..." try the renderer on made-up templates;
	// a code with a computed template (contracts.CheckActDate's) cannot be
	// matched and is left out.
	for _, tc := range cases {
		e, ok := contracts.AsError(tc.err)
		if !ok || strings.HasPrefix(tc.name, "renderer: ") {
			continue
		}
		code := fmt.Sprintf("%s/%d", e.Codespace, e.Code)
		tmpl := contracts.TemplateOf(tc.err)
		if ts := templates[code]; tmpl != "" && !ts.computed && !ts.literals[tmpl] {
			t.Errorf("case %q: template %q is not one %s's ledger writes", tc.name, tmpl, code)
		}
	}
}

// templateSet is the templates the source gives a code's Wrapt calls.
type templateSet struct {
	literals map[string]bool
	computed bool // some call's template is not a string literal
}

// fieldedCodes maps "codespace/code" to one source position of a Wrapt
// call of that error with a Date, Enum or Address field among its
// arguments.
func fieldedCodes(roots ...string) (map[string]string, map[string]*templateSet, error) {
	fset := token.NewFileSet()
	type pkg struct {
		name  string
		files []*ast.File
	}
	var pkgs []*pkg
	byDir := map[string]*pkg{}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			dir := filepath.Dir(path)
			if byDir[dir] == nil {
				byDir[dir] = &pkg{name: f.Name.Name}
				pkgs = append(pkgs, byDir[dir])
			}
			byDir[dir].files = append(byDir[dir].files, f)
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	// Each package's registered errors: var name → "codespace/code".
	codes := map[string]map[string]string{} // package name → var → code
	for _, p := range pkgs {
		consts := map[string]string{}
		for _, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				if vs, ok := n.(*ast.ValueSpec); ok && len(vs.Values) == len(vs.Names) {
					for i, v := range vs.Values {
						if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
							consts[vs.Names[i].Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
				return true
			})
		}
		if codes[p.name] == nil {
			codes[p.name] = map[string]string{}
		}
		for _, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				vs, ok := n.(*ast.ValueSpec)
				if !ok || len(vs.Values) != len(vs.Names) {
					return true
				}
				for i, v := range vs.Values {
					call, ok := v.(*ast.CallExpr)
					if !ok || funcName(call) != "Register" || len(call.Args) != 3 {
						continue
					}
					space := ""
					switch a := call.Args[0].(type) {
					case *ast.BasicLit:
						space, _ = strconv.Unquote(a.Value)
					case *ast.Ident:
						space = consts[a.Name]
					}
					if lit, ok := call.Args[1].(*ast.BasicLit); ok && space != "" {
						codes[p.name][vs.Names[i].Name] = space + "/" + lit.Value
					}
				}
				return true
			})
		}
	}
	out := map[string]string{}
	templates := map[string]*templateSet{}
	for _, p := range pkgs {
		for _, f := range p.files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || funcName(call) != "Wrapt" {
					return true
				}
				// A typed field anywhere in the arguments, also inside
				// an append(fields, contracts.Enum(...))... spread.
				typed := false
				for _, a := range call.Args[1:] {
					ast.Inspect(a, func(n ast.Node) bool {
						if c, ok := n.(*ast.CallExpr); ok {
							switch funcName(c) {
							case "Date", "Month", "Enum", "Address":
								typed = true
							}
						}
						return !typed
					})
				}
				sel := call.Fun.(*ast.SelectorExpr)
				owner, name := p.name, ""
				switch x := sel.X.(type) {
				case *ast.Ident:
					name = x.Name
				case *ast.SelectorExpr:
					if id, ok := x.X.(*ast.Ident); ok {
						owner, name = id.Name, x.Sel.Name
					}
				}
				code := codes[owner][name]
				if code == "" {
					code = "unresolved " + owner + "." + name
				}
				ts := templates[code]
				if ts == nil {
					ts = &templateSet{literals: map[string]bool{}}
					templates[code] = ts
				}
				if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, _ := strconv.Unquote(lit.Value)
					ts.literals[s] = true
				} else {
					ts.computed = true
				}
				if typed {
					out[code] = fset.Position(call.Pos()).String()
				}
				return true
			})
		}
	}
	return out, templates, nil
}

func funcName(c *ast.CallExpr) string {
	switch f := c.Fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}
