package report

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// reportedCodes finds in the source of internal/ every code mcpdoctor can
// report: the Code* constants of internal/config, the literal code of each
// finding(...) call, and Code: "…" in a Finding literal.
func reportedCodes(t *testing.T) map[string]string {
	t.Helper()
	codes := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if strings.Contains(filepath.ToSlash(path), "/mcptest/") {
			return nil // fake servers, not mcpdoctor's own checks
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		lit := func(e ast.Expr) (string, bool) {
			b, ok := e.(*ast.BasicLit)
			if !ok || b.Kind != token.STRING {
				return "", false
			}
			s, err := strconv.Unquote(b.Value)
			return s, err == nil
		}
		at := func(n ast.Node) string { return fset.Position(n.Pos()).String() }
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				if f.Name.Name != "config" {
					break
				}
				for i, name := range n.Names {
					if strings.HasPrefix(name.Name, "Code") && i < len(n.Values) {
						if s, ok := lit(n.Values[i]); ok {
							codes[s] = at(n)
						}
					}
				}
			case *ast.CallExpr:
				var name string
				switch fun := n.Fun.(type) {
				case *ast.Ident:
					name = fun.Name
				case *ast.SelectorExpr:
					name = fun.Sel.Name
				}
				if name == "finding" && len(n.Args) > 0 {
					if s, ok := lit(n.Args[0]); ok {
						codes[s] = at(n)
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Code" {
					if s, ok := lit(n.Value); ok {
						codes[s] = at(n)
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return codes
}

// TestEveryCodeHasARule: SARIF gives each code its help, so a code added
// without a rule in rules.go fails here, and so does a rule whose code no
// longer exists.
func TestEveryCodeHasARule(t *testing.T) {
	codes := reportedCodes(t)
	// The scan must see both kinds, or it proves nothing.
	for _, known := range []string{"env_unset", "syntax", "codex_hides_tools", "stdout_not_jsonrpc", "cross_origin_redirect"} {
		if _, ok := codes[known]; !ok {
			t.Fatalf("the source scan missed %s: it found %d codes", known, len(codes))
		}
	}
	for code, where := range codes {
		if _, ok := rules[code]; !ok {
			t.Errorf("%s: the code %q has no rule in rules.go: add its title and help", where, code)
		}
	}
	for code, r := range rules {
		if _, ok := codes[code]; !ok && code != ruleProbeFailed {
			t.Errorf("rules.go has a rule for %q, which nothing reports", code)
		}
		if r.Title == "" || r.Help == "" || strings.HasSuffix(r.Title, ".") || !strings.HasSuffix(r.Help, ".") {
			t.Errorf("rule %q: a title without a full stop and a help of sentences, please: %+v", code, r)
		}
	}
	if r := RuleFor("brand_new_code"); r.ID != "brand_new_code" || r.Title == "" || r.Help == "" {
		t.Errorf("a code without a rule gets %+v, want a usable rule", r)
	}
}
