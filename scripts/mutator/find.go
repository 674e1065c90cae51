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

// Kinds of mutant. The operator ones keep gremlins' names, which the
// equivalents file and earlier scores use.
const (
	// ArithmeticBase swaps + and -, * and /, % for *.
	ArithmeticBase = "ARITHMETIC_BASE"
	// ConditionalsBoundary moves a comparison's boundary (< to <=);
	// ConditionalsNegation negates it (< to >=, == to !=).
	ConditionalsBoundary = "CONDITIONALS_BOUNDARY"
	ConditionalsNegation = "CONDITIONALS_NEGATION"
	// IncrementDecrement swaps ++ and --.
	IncrementDecrement = "INCREMENT_DECREMENT"
	// InvertNegatives drops a unary minus (-x to +x).
	InvertNegatives = "INVERT_NEGATIVES"
	// InvertLogical swaps && and ||.
	InvertLogical = "INVERT_LOGICAL"
	// InvertLoopControl swaps break and continue inside a loop.
	InvertLoopControl = "INVERT_LOOPCTRL"
	// NegateCondition turns a boolean operand of an if, for or tagless
	// switch case condition that is not a comparison (ok, f(x), m[k]) into
	// its negation; RemoveNegation drops a "!" there.
	NegateCondition = "NEGATE_CONDITION"
	RemoveNegation  = "REMOVE_NEGATION"
	// NegateCase negates a whole tagless switch case condition made of
	// && or ||.
	NegateCase = "NEGATE_CASE"
	// ReturnNilError returns nil where a function returns an error value.
	ReturnNilError = "RETURN_NIL_ERROR"
	// RemoveCall deletes a call used as a statement.
	RemoveCall = "REMOVE_CALL"
)

// operators are the replacements of each operator mutant kind.
var operators = map[string]map[token.Token]string{
	ArithmeticBase:       {token.ADD: "-", token.SUB: "+", token.MUL: "/", token.QUO: "*", token.REM: "*"},
	ConditionalsBoundary: {token.LSS: "<=", token.LEQ: "<", token.GTR: ">=", token.GEQ: ">"},
	ConditionalsNegation: {token.EQL: "!=", token.NEQ: "==", token.LSS: ">=", token.LEQ: ">", token.GTR: "<=", token.GEQ: "<"},
	InvertLogical:        {token.LAND: "||", token.LOR: "&&"},
}

// binaryKinds is the order a binary operator's mutants are made in.
var binaryKinds = []string{ArithmeticBase, ConditionalsBoundary, ConditionalsNegation, InvertLogical}

// Mutant is one change to one file: the bytes [Start, End) replaced by
// Replacement. Line and Col say where the tests that can reach the change
// are found: the position itself, the switch statement for a case
// condition (Go's coverage leaves case lists out), or 0, 0 for package
// level code, which every test's start runs.
type Mutant struct {
	ID          string `json:"id"` // file:line:column:kind, file relative to the module root
	Kind        string `json:"kind"`
	Start       int    `json:"-"`
	End         int    `json:"-"`
	Replacement string `json:"-"`
	Line        int    `json:"-"`
	Col         int    `json:"-"`
	Status      string `json:"status,omitempty"`
}

// deadlocking calls are not removed: the mutant only hangs until the
// timeout, which tells nothing a test did not already.
var deadlocking = map[string]bool{"Lock": true, "Unlock": true, "RLock": true, "RUnlock": true}

// source is one non-test Go file of a package.
type source struct {
	name string // relative to the module root, slash-separated
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
		out = append(out, source{name: filepath.ToSlash(filepath.Join(pkg, filepath.Base(path))), src: src})
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
	fset  *token.FileSet
	src   []byte
	name  string
	out   []Mutant
	seen  map[string]bool // one mutant per id and replacement
	stack []ast.Node      // the nodes enclosing the one visited, itself last
}

func (f *finder) visit(n ast.Node) bool {
	if n == nil {
		f.stack = f.stack[:len(f.stack)-1]
		return true
	}
	f.stack = append(f.stack, n)
	switch n := n.(type) {
	case *ast.IfStmt:
		f.condition(n.Cond)
	case *ast.ForStmt:
		if n.Cond != nil {
			f.condition(n.Cond)
		}
	case *ast.CaseClause:
		if switchStmt, ok := f.parent(2).(*ast.SwitchStmt); ok && switchStmt.Tag == nil {
			f.caseConditions(n)
		}
	case *ast.ReturnStmt:
		f.errorReturn(n)
	case *ast.ExprStmt:
		f.call(n)
	case *ast.BinaryExpr:
		f.binary(n)
	case *ast.UnaryExpr:
		if n.Op == token.SUB {
			f.add(n.OpPos, InvertNegatives, n.OpPos, n.OpPos+1, "+")
		}
	case *ast.IncDecStmt:
		f.add(n.TokPos, IncrementDecrement, n.TokPos, n.TokPos+2, map[token.Token]string{token.INC: "--", token.DEC: "++"}[n.Tok])
	case *ast.BranchStmt:
		f.loopControl(n)
	}
	return true
}

// parent is the node up levels above the one visited, or nil.
func (f *finder) parent(up int) ast.Node {
	if i := len(f.stack) - 1 - up; i >= 0 {
		return f.stack[i]
	}
	return nil
}

// caseConditions mutates each condition of a tagless switch case: the
// whole condition negated when made of && or ||, and its boolean operands.
func (f *finder) caseConditions(clause *ast.CaseClause) {
	for _, cond := range clause.List {
		if b, ok := ast.Unparen(cond).(*ast.BinaryExpr); ok && (b.Op == token.LAND || b.Op == token.LOR) {
			// Single operands and comparisons get their negation elsewhere.
			f.add(cond.Pos(), NegateCase, cond.Pos(), cond.End(), "!("+f.text(cond)+")")
		}
		f.condition(cond)
	}
}

func (f *finder) binary(b *ast.BinaryExpr) {
	if b.Op == token.ADD && (isString(b.X) || isString(b.Y)) {
		return // "a" - "b" does not compile
	}
	end := b.OpPos + token.Pos(len(b.Op.String()))
	for _, kind := range binaryKinds {
		if r, ok := operators[kind][b.Op]; ok {
			f.add(b.OpPos, kind, b.OpPos, end, r)
		}
	}
}

// isString tells a string operand by its look, without type checking: a
// literal, a sum with one, a conversion or fmt.Sprint*. Those it misses
// make mutants that do not build, which only costs a compile.
func isString(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		return e.Kind == token.STRING
	case *ast.BinaryExpr:
		return e.Op == token.ADD && (isString(e.X) || isString(e.Y))
	case *ast.CallExpr:
		switch fun := e.Fun.(type) {
		case *ast.Ident:
			return fun.Name == "string"
		case *ast.SelectorExpr:
			pkg, ok := fun.X.(*ast.Ident)
			return ok && pkg.Name == "fmt" && strings.HasPrefix(fun.Sel.Name, "Sprint")
		}
	}
	return false
}

// loopControl swaps an unlabelled break or continue whose function has a
// loop around it: a break out of a switch or select outside any loop has
// nothing to continue.
func (f *finder) loopControl(b *ast.BranchStmt) {
	if b.Label != nil || b.Tok != token.BREAK && b.Tok != token.CONTINUE {
		return
	}
	for i := len(f.stack) - 2; i >= 0; i-- {
		switch f.stack[i].(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			replacement := map[token.Token]string{token.BREAK: "continue", token.CONTINUE: "break"}[b.Tok]
			f.add(b.TokPos, InvertLoopControl, b.TokPos, b.TokPos+token.Pos(len(b.Tok.String())), replacement)
			return
		case *ast.FuncLit, *ast.FuncDecl:
			return
		}
	}
}

// condition mutates the boolean operands of a condition, looking through
// &&, || and parentheses. Comparisons get their operator mutants.
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

// errorReturn makes a return of an error value return nil there instead,
// when the function around it (a literal's returns are its own) has an
// error as its last result and the return lists every result.
func (f *finder) errorReturn(ret *ast.ReturnStmt) {
	var fn *ast.FuncType
	for i := len(f.stack) - 2; i >= 0 && fn == nil; i-- {
		switch n := f.stack[i].(type) {
		case *ast.FuncLit:
			fn = n.Type
		case *ast.FuncDecl:
			fn = n.Type
		}
	}
	if fn == nil || fn.Results == nil || len(fn.Results.List) == 0 {
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
	if len(ret.Results) != results {
		return // naked, or a call returning every result
	}
	errExpr := ret.Results[results-1]
	if id, ok := errExpr.(*ast.Ident); ok && id.Name == "nil" {
		return
	}
	f.add(errExpr.Pos(), ReturnNilError, errExpr.Pos(), errExpr.End(), "nil")
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
	line, col := f.reachedAt(at)
	f.out = append(f.out, Mutant{
		ID: id, Kind: kind, Replacement: replacement, Line: line, Col: col,
		Start: f.fset.Position(start).Offset, End: f.fset.Position(end).Offset,
	})
}

// reachedAt is the position whose coverage tells which tests reach code at
// pos, within the nodes being visited: pos itself inside a function, the
// switch or select statement for a case's condition, none (0, 0) at
// package level.
func (f *finder) reachedAt(pos token.Pos) (int, int) {
	for i := len(f.stack) - 1; i >= 0; i-- {
		at := pos
		switch n := f.stack[i].(type) {
		case *ast.CaseClause:
			if pos < n.Colon && i >= 2 {
				at = f.stack[i-2].Pos()
			} else {
				continue
			}
		case *ast.CommClause:
			if pos < n.Colon && i >= 2 {
				at = f.stack[i-2].Pos()
			} else {
				continue
			}
		case *ast.FuncDecl, *ast.FuncLit:
		default:
			continue
		}
		p := f.fset.Position(at)
		return p.Line, p.Column
	}
	return 0, 0
}

func (f *finder) text(e ast.Node) string {
	return string(f.src[f.fset.Position(e.Pos()).Offset:f.fset.Position(e.End()).Offset])
}

// Apply returns src with the mutant's change made.
func (m Mutant) Apply(src []byte) []byte {
	out := make([]byte, 0, len(src)+len(m.Replacement))
	out = append(out, src[:m.Start]...)
	out = append(out, m.Replacement...)
	return append(out, src[m.End:]...)
}
