package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const sample = `package p

import "errors"

var limit = 2 * 3

func f(ok bool, n int, m map[string]bool) (int, error) {
	if !ok || m["k"] {
		return 0, errors.New("no")
	}
	switch {
	case n < 2 && ready():
		mu.Unlock()
	case done:
		note(n)
	}
	for i := 0; more(); i++ {
		if i == -1 {
			continue
		}
		break
	}
	return n, nil
}
`

// Each kind of mutant is made where it applies, and only there, with the
// place whose coverage tells which tests reach it: the switch for a case
// condition, none (0:0) at package level.
func TestFindMakesEachKindOfMutant(t *testing.T) {
	mutants, err := FindFile("p/p.go", []byte(sample))
	require.NoError(t, err)
	var got []string
	for _, m := range mutants {
		got = append(got, fmt.Sprintf("%s %s @%d:%d", m.ID, line(m.Apply([]byte(sample)), m.Start), m.Line, m.Col))
	}
	require.Equal(t, []string{
		"p/p.go:5:15:ARITHMETIC_BASE var limit = 2 / 3 @0:0",
		"p/p.go:8:5:REMOVE_NEGATION if ok || m[\"k\"] { @8:5",
		"p/p.go:8:9:INVERT_LOGICAL if !ok && m[\"k\"] { @8:9",
		"p/p.go:8:12:NEGATE_CONDITION if !ok || !m[\"k\"] { @8:12",
		"p/p.go:9:13:RETURN_NIL_ERROR return 0, nil @9:13",
		"p/p.go:12:7:NEGATE_CASE case !(n < 2 && ready()): @11:2",
		"p/p.go:12:9:CONDITIONALS_BOUNDARY case n <= 2 && ready(): @11:2",
		"p/p.go:12:9:CONDITIONALS_NEGATION case n >= 2 && ready(): @11:2",
		"p/p.go:12:13:INVERT_LOGICAL case n < 2 || ready(): @11:2",
		"p/p.go:12:16:NEGATE_CONDITION case n < 2 && !ready(): @11:2",
		"p/p.go:14:7:NEGATE_CONDITION case !done: @11:2",
		"p/p.go:15:3:REMOVE_CALL  @15:3",
		"p/p.go:17:14:NEGATE_CONDITION for i := 0; !more(); i++ { @17:14",
		"p/p.go:17:23:INCREMENT_DECREMENT for i := 0; more(); i-- { @17:23",
		"p/p.go:18:8:CONDITIONALS_NEGATION if i != -1 { @18:8",
		"p/p.go:18:11:INVERT_NEGATIVES if i == +1 { @18:11",
		"p/p.go:19:4:INVERT_LOOPCTRL break @19:4",
		"p/p.go:21:3:INVERT_LOOPCTRL continue @21:3",
	}, got)
}

// No mutant that cannot build: a string sum made a difference, a break
// with no loop to continue, a labelled one. Returns of a function literal
// belong to it, and a call returning every result, or a function whose
// last result is no error, gets no mutant.
func TestFindLeavesOutWhatCannotBuild(t *testing.T) {
	src := `package p

func g(s string) (int, error) {
	h := func() error { return errX }
	_ = "a" + s + string(rune(1)) + fmt.Sprint(2)
	switch s {
	case "x":
		break
	}
outer:
	for {
		break outer
	}
	return two()
}

func k() (error, int) { return errX, 1 }
`
	mutants, err := FindFile("p.go", []byte(src))
	require.NoError(t, err)
	var ids []string
	for _, m := range mutants {
		ids = append(ids, m.ID)
	}
	require.Equal(t, []string{"p.go:4:29:RETURN_NIL_ERROR"}, ids)
}

// A package's mutants come from its own non-test files, those -files
// names when it is given.
func TestFindPackageReadsTheChosenFiles(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "p")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub"), 0o755))
	for _, name := range []string{"a.go", "b.go", "a_test.go", "sub/c.go"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("package p\n\nfunc f() { g() }\n"), 0o644))
	}
	ids := func(only *regexp.Regexp) []string {
		mutants, err := FindPackage(root, "p", only)
		require.NoError(t, err)
		var out []string
		for _, m := range mutants {
			out = append(out, m.ID)
		}
		return out
	}
	require.Equal(t, []string{"p/a.go:3:12:REMOVE_CALL", "p/b.go:3:12:REMOVE_CALL"}, ids(nil))
	require.Equal(t, []string{"p/b.go:3:12:REMOVE_CALL"}, ids(regexp.MustCompile("^b")))
}

// A coverage profile's blocks are filed under the module-relative file;
// code is reached by the tests that ran its innermost block, package level
// code and code in no block by every test.
func TestCoverageReaching(t *testing.T) {
	cov := &Coverage{Tests: []Test{{Name: "TestA"}, {Name: "TestB"}, {Name: "TestC"}}, Blocks: map[string][]Block{}}
	profiles := []string{
		"mode: set\nm.test/p/p.go:3.20,5.10 2 1\nm.test/p/p.go:4.30,4.50 1 0\nm.test/p/p.go:7.1,8.2 1 0\nother.test/q/q.go:1.1,2.2 1 1\n",
		"mode: set\nm.test/p/p.go:3.20,5.10 2 1\nm.test/p/p.go:4.30,4.50 1 1\nm.test/p/p.go:7.1,8.2 1 0\n",
		"mode: set\nm.test/p/p.go:3.20,5.10 2 0\nm.test/p/p.go:4.30,4.50 1 0\nm.test/p/p.go:7.1,8.2 1 0\n",
	}
	for i, p := range profiles {
		require.NoError(t, cov.addProfile(strings.NewReader(p), "m.test", i))
	}
	require.Len(t, cov.Blocks, 1, "files of other modules are not kept")
	require.Equal(t, []int{0, 1}, cov.Reaching("p/p.go", 3, 20), "a block's start is in it")
	require.Equal(t, []int{1}, cov.Reaching("p/p.go", 4, 40), "the innermost block stands")
	require.Equal(t, []int{0, 1}, cov.Reaching("p/p.go", 4, 50), "a block's end is past it")
	require.Empty(t, cov.Reaching("p/p.go", 7, 5), "a block no test ran")
	require.Equal(t, []int{0, 1, 2}, cov.Reaching("p/p.go", 6, 1), "code in no block")
	require.Equal(t, []int{0, 1, 2}, cov.Reaching("p/p.go", 0, 0), "package level code")
	require.Error(t, cov.addProfile(strings.NewReader("m.test/p/p.go:x\n"), "m.test", 0))
}

func TestReadEquivalentsWantsAReason(t *testing.T) {
	eq, err := readEquivalents(strings.NewReader("# why\n\np/p.go:1:2:REMOVE_CALL  pooling only\n"))
	require.NoError(t, err)
	require.Equal(t, Equivalents{"p/p.go:1:2:REMOVE_CALL": "pooling only"}, eq)
	_, err = readEquivalents(strings.NewReader("p/p.go:1:2:REMOVE_CALL\n"))
	require.ErrorContains(t, err, "line 1")
}

// Timeouts are kills; equivalents leave the total; not viable mutants do
// not count; what the budget left out is not run rather than survived;
// wrong equivalents are reported, and stale ones of the files measured
// once every mutant ran.
func TestScore(t *testing.T) {
	run := Run{
		Mutants: []Mutant{
			{ID: "p/a.go:12:1:ARITHMETIC_BASE", Status: Lived},
			{ID: "p/a.go:1:1:CONDITIONALS_NEGATION", Status: Killed},
			{ID: "p/a.go:3:1:ARITHMETIC_BASE", Status: TimedOut},
			{ID: "p/a.go:4:1:ARITHMETIC_BASE", Status: NotViable},
			{ID: "p/a.go:5:1:REMOVE_CALL", Status: NotCovered},
			{ID: "p/a.go:6:1:REMOVE_CALL", Status: Lived},
			{ID: "p/a.go:10:1:ARITHMETIC_BASE", Status: Killed},
		},
		Unrun: []string{"p/a.go:13:1:CONDITIONALS_NEGATION"},
	}
	eq := Equivalents{
		"p/a.go:6:1:REMOVE_CALL":      "a cache",
		"p/a.go:10:1:ARITHMETIC_BASE": "claimed",
		"p/a.go:99:1:REMOVE_CALL":     "gone",
		"p/b.go:99:1:REMOVE_CALL":     "another file",
		"q/b.go:1:1:REMOVE_CALL":      "another package",
	}
	s := score("p", run, eq, nil, true)
	require.Equal(t, Score{
		Package: "p", Killed: 3, Total: 5, Equivalents: 1, Unrun: 1,
		Survivors: []string{"NOT COVERED p/a.go:5:1:REMOVE_CALL", "LIVED       p/a.go:12:1:ARITHMETIC_BASE"},
		Warnings:  []string{"p/a.go:10:1:ARITHMETIC_BASE is listed as equivalent (claimed) but a test kills it"},
	}, s)
	require.InDelta(t, 60.0, s.Percent(), 0.001)

	run.Unrun = nil
	s = score("p", run, eq, regexp.MustCompile(`^a\.go$`), true)
	require.Equal(t, []string{
		"p/a.go:10:1:ARITHMETIC_BASE is listed as equivalent (claimed) but a test kills it",
		"p/a.go:99:1:REMOVE_CALL is listed as equivalent but no such mutant was made: has the code moved?",
	}, s.Warnings, "a stale line is reported when every mutant of its file ran")
	require.Len(t, score("p", run, eq, nil, false).Warnings, 1, "not when only some mutants were chosen")
}

// A mutant no test reaches is not covered, without a build; one that does
// not compile is not viable; else it is killed when its tests fail, lives
// when they pass and times out when they hang. Only the tests that reach
// it run, each package's in its own binary.
func TestRunnerStatuses(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "p"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "p/p.go"), []byte("package p\n\nfunc f() { g() }\n"), 0o644))
	cov := &Coverage{
		Tests:  []Test{{Package: "p", Name: "TestA"}, {Package: "q", Name: "TestB"}, {Package: "p", Name: "TestC"}},
		Blocks: map[string][]Block{"p/p.go": {{StartLine: 3, StartCol: 10, EndLine: 3, EndCol: 17, Tests: []int{0, 1, 2}}, {StartLine: 4, StartCol: 1, EndLine: 5, EndCol: 1}}},
	}
	m := Mutant{ID: "p/p.go:3:12:REMOVE_CALL", Start: 22, End: 25, Line: 3, Col: 12}
	for _, c := range []struct {
		build, test string
		want        string
		runs        []string
	}{
		{"exit 0", "exit 0", Lived, []string{"p ^(TestA|TestC)$", "q ^(TestB)$"}},
		{"exit 0", "exit 1", Killed, []string{"p ^(TestA|TestC)$"}},
		{"echo 'p/p.go:3:12: undefined: g'; exit 1", "exit 0", NotViable, nil},
		{"exit 0", "sleep 5", TimedOut, []string{"p ^(TestA|TestC)$"}},
	} {
		r := newRunner(root, "p", t.TempDir(), 1)
		var runs []string
		r.buildCommand = func(testPkg, overlay, out string, cover bool) *exec.Cmd {
			require.False(t, cover)
			mutated, err := os.ReadFile(filepath.Join(filepath.Dir(overlay), "p.go"))
			require.NoError(t, err)
			require.Equal(t, "package p\n\nfunc f() {  }\n", string(mutated))
			return exec.Command("sh", "-c", c.build)
		}
		r.testCommand = func(testPkg, bin string, args []string) *exec.Cmd {
			runs = append(runs, testPkg+" "+args[1])
			return exec.Command("sh", "-c", c.test)
		}
		start := time.Now()
		r.minTimeout = 200 * time.Millisecond
		status, _, err := r.test(m, cov, t.TempDir())
		require.NoError(t, err)
		require.Equal(t, c.want, status, c.test)
		require.Equal(t, c.runs, runs, c.test)
		require.Less(t, time.Since(start), 3*time.Second, "a hang is ended at the timeout")
	}
	r := newRunner(root, "p", t.TempDir(), 1)
	status, _, err := r.test(Mutant{ID: "p/p.go:4:1:REMOVE_CALL", Line: 4, Col: 1}, cov, t.TempDir())
	require.NoError(t, err)
	require.Equal(t, NotCovered, status)
}

// On a real module: each test alone maps what it reaches, and a second
// run reads the map from the cache; each mutant runs only the tests that
// reach it, and the boundary no test pins lives.
func TestRunOnAModule(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"go.mod": "module m.test\n\ngo 1.22\n",
		"p/p.go": "package p\n\nfunc Abs(x int) int {\n\tif x < 0 {\n\t\treturn -x\n\t}\n\treturn x\n}\n\nfunc Double(x int) int { return x * 2 }\n",
		"p/p_test.go": "package p\n\nimport \"testing\"\n\n" +
			"func TestAbs(t *testing.T) {\n\tif Abs(-2) != 2 || Abs(3) != 3 {\n\t\tt.Fatal(Abs(-2), Abs(3))\n\t}\n}\n\n" +
			"func TestDouble(t *testing.T) {\n\tif Double(1) != 2 {\n\t\tt.Fatal(Double(1))\n\t}\n}\n",
	}
	for name, content := range files {
		require.NoError(t, os.MkdirAll(filepath.Join(root, filepath.Dir(name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(root, name), []byte(content), 0o644))
	}
	t.Setenv("GOWORK", "off")
	cache := t.TempDir()
	r := newRunner(root, "p", t.TempDir(), 5)
	cov, err := r.measureCoverage([]string{"p"}, 2, cache)
	require.NoError(t, err)
	var names []string
	for _, test := range cov.Tests {
		names = append(names, test.Name)
	}
	require.Equal(t, []string{"TestAbs", "TestDouble"}, names)
	cached, err := filepath.Glob(filepath.Join(cache, "*.json"))
	require.NoError(t, err)
	require.Len(t, cached, 1)
	again, err := newRunner(root, "p", t.TempDir(), 5).measureCoverage([]string{"p"}, 2, cache)
	require.NoError(t, err)
	require.Equal(t, cov, again)

	mutants, err := FindPackage(root, "p", nil)
	require.NoError(t, err)
	var ran []string
	r.progress = func(m Mutant, tests int, _ time.Duration) {
		ran = append(ran, fmt.Sprintf("%s %s %d", m.ID, m.Status, tests))
	}
	run, err := r.runAll(mutants, cov, 2, time.Time{})
	require.NoError(t, err)
	require.Empty(t, run.Unrun)
	require.ElementsMatch(t, []string{
		"p/p.go:4:7:CONDITIONALS_BOUNDARY LIVED 1",
		"p/p.go:4:7:CONDITIONALS_NEGATION KILLED 1",
		"p/p.go:5:10:INVERT_NEGATIVES KILLED 1",
		"p/p.go:10:35:ARITHMETIC_BASE KILLED 1",
	}, ran)
}
