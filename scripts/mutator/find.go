package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Kinds of mutant this tool makes: what gremlins does not.
const (
	// NegateCondition turns a boolean operand of an if, for or tagless
	// switch case condition that is not a comparison (ok, f(x), m[k]) into
	// its negation; RemoveNegation drops a "!" there.
	NegateCondition = "NEGATE_CONDITION"
	RemoveNegation  = "REMOVE_NEGATION"
	// NegateCase negates a whole tagless switch case condition.
	NegateCase = "NEGATE_CASE"
	// ReturnNilError returns nil where a function returns an error value.
	ReturnNilError = "RETURN_NIL_ERROR"
	// RemoveCall deletes a call used as a statement.
	RemoveCall = "REMOVE_CALL"
	// Gremlins' own names, for the comparisons inside case conditions: Go's
	// coverage blocks leave case lists out, so gremlins reports every mutant
	// there as not covered and runs none of them.
	ConditionalsBoundary = "CONDITIONALS_BOUNDARY"
	ConditionalsNegation = "CONDITIONALS_NEGATION"
)

// Mutant is one change to one file: the bytes [Start, End) replaced by
// Replacement.
type Mutant struct {
	ID          string `json:"id"` // file:line:column:kind, file relative to the module root
	Kind        string `json:"kind"`
	Start       int    `json:"-"`
	End         int    `json:"-"`
	Replacement string `json:"-"`
	Status      string `json:"status,omitempty"`
}

// gremlinsTables are the operator replacements of the gremlins mutators
// scripts/mutation.sh enables: the defaults, INVERT_LOGICAL and
// INVERT_LOOPCTRL.
var gremlinsTables = map[string]map[string]string{
	"ARITHMETIC_BASE":     {"+": "-", "-": "+", "*": "/", "/": "*", "%": "*"},
	ConditionalsBoundary:  {"<": "<=", "<=": "<", ">": ">=", ">=": ">"},
	ConditionalsNegation:  {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"},
	"INCREMENT_DECREMENT": {"++": "--", "--": "++"},
	"INVERT_NEGATIVES":    {"-": "+"},
	"INVERT_LOGICAL":      {"&&": "||", "||": "&&"},
	"INVERT_LOOPCTRL":     {"break": "continue", "continue": "break"},
}

// deadlocking calls are not removed: the mutant only hangs until the
// timeout, which tells nothing a test did not already.
var deadlocking = map[string]bool{"Lock": true, "Unlock": true, "RLock": true, "RUnlock": true}

// source is one non-test Go file of a package.
type source struct {
	name string // relative to the module root, slash-separated
	path string
	src  []byte
}

// packageSources reads the non-test Go files directly in root/pkg whose
// names only matches (every one when only is nil).
func packageSources(root, pkg string, only *regexp.Regexp) ([]source, error) {
	paths, err := filepath.Glob(filepath.Join(root, pkg, "*.go"))
	if err != nil {
		return nil, err
	}
	var out []source
	for _, path := range paths {
		if strings.HasSuffix(path, "_test.go") || only != nil && !only.MatchString(filepath.Base(path)) {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		out = append(out, source{name: filepath.ToSlash(filepath.Join(pkg, filepath.Base(path))), path: path, src: src})
	}
	return out, nil
}

// FindPackage returns the mutants of the package's non-test files (those
// whose names only matches, when not nil).
func FindPackage(root, pkg string, only *regexp.Regexp) ([]Mutant, error) {
	sources, err := packageSources(root, pkg, only)
	if err != nil {
		return nil, err
	}
	var all []Mutant
	for _, s := range sources {
		found, err := FindFile(s.name, s.src)
		if err != nil {
			return nil, err
		}
		all = append(all, found...)
	}
	return all, nil
}

// FindFile returns the mutants of one file's source, named by name.
func FindFile(name string, src []byte) ([]Mutant, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	f := &finder{fset: fset, src: src, name: name, seen: map[string]bool{}}
	ast.Inspect(file, f.visit)
	sort.SliceStable(f.out, func(a, b int) bool { return f.out[a].Start < f.out[b].Start })
	return f.out, nil
}

type finder struct {
	fset *token.FileSet
	src  []byte
	name string
	out  []Mutant
	seen map[string]bool // one mutant per id and replacement
}

func (f *finder) visit(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.IfStmt:
		f.condition(n.Cond)
	case *ast.ForStmt:
		if n.Cond != nil {
			f.condition(n.Cond)
		}
	case *ast.SwitchStmt:
		if n.Tag == nil {
			f.cases(n.Body)
		}
	case *ast.FuncDecl:
		if n.Body != nil {
			f.errorReturns(n.Type, n.Body)
		}
	case *ast.FuncLit:
		f.errorReturns(n.Type, n.Body)
	case *ast.ExprStmt:
		f.call(n)
	}
	return true
}

// cases mutates each condition of a tagless switch: the whole condition
// negated, its boolean operands, and its comparisons.
func (f *finder) cases(body *ast.BlockStmt) {
	for _, stmt := range body.List {
		clause := stmt.(*ast.CaseClause)
		for _, cond := range clause.List {
			if b, ok := ast.Unparen(cond).(*ast.BinaryExpr); ok && (b.Op == token.LAND || b.Op == token.LOR) {
				// Single operands and comparisons get their negation below.
				f.add(cond.Pos(), NegateCase, cond.Pos(), cond.End(), "!("+f.text(cond)+")")
			}
			f.condition(cond)
			ast.Inspect(cond, func(n ast.Node) bool {
				if _, ok := n.(*ast.FuncLit); ok {
					return false
				}
				if b, ok := n.(*ast.BinaryExpr); ok {
					f.comparison(b)
				}
				return true
			})
		}
	}
}

func (f *finder) comparison(b *ast.BinaryExpr) {
	op := b.Op.String()
	end := b.OpPos + token.Pos(len(op))
	for _, kind := range []string{ConditionalsBoundary, ConditionalsNegation} {
		if r, ok := gremlinsTables[kind][op]; ok {
			f.add(b.OpPos, kind, b.OpPos, end, r)
		}
	}
}

// condition mutates the boolean operands of a condition, looking through
// &&, || and parentheses. Comparisons are gremlins' to mutate.
func (f *finder) condition(e ast.Expr) {
	switch e := e.(type) {
	case *ast.ParenExpr:
		f.condition(e.X)
	case *ast.BinaryExpr:
		if e.Op == token.LAND || e.Op == token.LOR {
			f.condition(e.X)
			f.condition(e.Y)
		}
	case *ast.UnaryExpr:
		if e.Op == token.NOT {
			f.add(e.Pos(), RemoveNegation, e.Pos(), e.End(), f.text(e.X))
		}
	case *ast.Ident:
		if e.Name != "true" && e.Name != "false" {
			f.add(e.Pos(), NegateCondition, e.Pos(), e.End(), "!"+e.Name)
		}
	case *ast.CallExpr, *ast.SelectorExpr, *ast.IndexExpr:
		f.add(e.Pos(), NegateCondition, e.Pos(), e.End(), "!"+f.text(e))
	}
}

// errorReturns makes every return of fn whose last result is an error
// value return nil there instead. Returns of nested function literals are
// theirs.
func (f *finder) errorReturns(fn *ast.FuncType, body *ast.BlockStmt) {
	if fn.Results == nil || len(fn.Results.List) == 0 {
		return
	}
	last := fn.Results.List[len(fn.Results.List)-1]
	if id, ok := last.Type.(*ast.Ident); !ok || id.Name != "error" {
		return
	}
	results := 0
	for _, field := range fn.Results.List {
		results += max(1, len(field.Names))
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(n.Results) != results {
				return true // naked, or a call returning every result
			}
			errExpr := n.Results[results-1]
			if id, ok := errExpr.(*ast.Ident); ok && id.Name == "nil" {
				return true
			}
			f.add(errExpr.Pos(), ReturnNilError, errExpr.Pos(), errExpr.End(), "nil")
		}
		return true
	})
}

func (f *finder) call(stmt *ast.ExprStmt) {
	call, ok := stmt.X.(*ast.CallExpr)
	if !ok {
		return
	}
	if sel, ok := call.Fun.(*ast.SelectorExpr); ok && deadlocking[sel.Sel.Name] {
		return
	}
	f.add(stmt.Pos(), RemoveCall, stmt.Pos(), stmt.End(), "")
}

func (f *finder) add(at token.Pos, kind string, start, end token.Pos, replacement string) {
	p := f.fset.Position(at)
	id := fmt.Sprintf("%s:%d:%d:%s", f.name, p.Line, p.Column, kind)
	if f.seen[id+"\x00"+replacement] {
		return
	}
	f.seen[id+"\x00"+replacement] = true
	f.out = append(f.out, Mutant{
		ID: id, Kind: kind, Replacement: replacement,
		Start: f.fset.Position(start).Offset, End: f.fset.Position(end).Offset,
	})
}

func (f *finder) text(e ast.Node) string {
	return string(f.src[f.fset.Position(e.Pos()).Offset:f.fset.Position(e.End()).Offset])
}

// gremlinsKinds are the mutants the enabled gremlins mutators make of each
// token.
var gremlinsKinds = map[token.Token][]string{
	token.LAND: {"INVERT_LOGICAL"}, token.LOR: {"INVERT_LOGICAL"},
	token.BREAK: {"INVERT_LOOPCTRL"}, token.CONTINUE: {"INVERT_LOOPCTRL"},
	token.ADD: {"ARITHMETIC_BASE"}, token.SUB: {"INVERT_NEGATIVES", "ARITHMETIC_BASE"},
	token.MUL: {"ARITHMETIC_BASE"}, token.QUO: {"ARITHMETIC_BASE"}, token.REM: {"ARITHMETIC_BASE"},
	token.EQL: {ConditionalsNegation}, token.NEQ: {ConditionalsNegation},
	token.LSS: {ConditionalsBoundary, ConditionalsNegation}, token.LEQ: {ConditionalsBoundary, ConditionalsNegation},
	token.GTR: {ConditionalsBoundary, ConditionalsNegation}, token.GEQ: {ConditionalsBoundary, ConditionalsNegation},
	token.INC: {"INCREMENT_DECREMENT"}, token.DEC: {"INCREMENT_DECREMENT"},
}

// GremlinsIDs lists the ids of the mutants gremlins makes of one file's
// source, so a run the time budget cut short can tell how many it left.
func GremlinsIDs(name string, src []byte) ([]string, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var ids []string
	ast.Inspect(file, func(n ast.Node) bool {
		var tok token.Token
		var pos token.Pos
		switch n := n.(type) {
		case *ast.AssignStmt:
			tok, pos = n.Tok, n.TokPos
		case *ast.BranchStmt:
			tok, pos = n.Tok, n.TokPos
		case *ast.BinaryExpr:
			tok, pos = n.Op, n.OpPos
		case *ast.IncDecStmt:
			tok, pos = n.Tok, n.TokPos
		case *ast.UnaryExpr:
			tok, pos = n.Op, n.OpPos
		default:
			return true
		}
		p := fset.Position(pos)
		for _, kind := range gremlinsKinds[tok] {
			ids = append(ids, fmt.Sprintf("%s:%d:%d:%s", name, p.Line, p.Column, kind))
		}
		return true
	})
	return ids, nil
}

// GremlinsMutant rebuilds the mutant gremlins names by id in src, so that
// one gremlins gave up on (timed out, perhaps only because the machine was
// busy) can be tested again here.
func GremlinsMutant(id string, src []byte) (Mutant, error) {
	parts := strings.Split(id, ":")
	if len(parts) != 4 {
		return Mutant{}, fmt.Errorf("mutant id %q: want file:line:column:MUTATOR", id)
	}
	var line, col int
	if _, err := fmt.Sscan(parts[1], &line); err != nil {
		return Mutant{}, fmt.Errorf("mutant id %q: %w", id, err)
	}
	if _, err := fmt.Sscan(parts[2], &col); err != nil {
		return Mutant{}, fmt.Errorf("mutant id %q: %w", id, err)
	}
	offset, n := 0, 1
	for ; n < line && offset < len(src); offset++ {
		if src[offset] == '\n' {
			n++
		}
	}
	offset += col - 1
	if n != line || offset >= len(src) {
		return Mutant{}, fmt.Errorf("mutant id %q: no such position", id)
	}
	// The longest operator there: "<=" rather than "<".
	var found string
	for op := range gremlinsTables[parts[3]] {
		if len(op) > len(found) && strings.HasPrefix(string(src[offset:]), op) {
			found = op
		}
	}
	if found != "" {
		return Mutant{ID: id, Kind: parts[3], Start: offset, End: offset + len(found), Replacement: gremlinsTables[parts[3]][found]}, nil
	}
	return Mutant{}, fmt.Errorf("mutant id %q: no operator %s mutates there", id, parts[3])
}

// Apply returns src with the mutant's change made.
func (m Mutant) Apply(src []byte) []byte {
	out := make([]byte, 0, len(src)+len(m.Replacement))
	out = append(out, src[:m.Start]...)
	out = append(out, m.Replacement...)
	return append(out, src[m.End:]...)
}
