package main

import (
	"context"
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
	for more() {
	}
	return n, nil
}
`

// Each kind of mutant is made where it applies, and only there: the
// comparison in the if is gremlins' to mutate, the unlock is left alone.
func TestFindMakesEachKindOfMutant(t *testing.T) {
	mutants, err := FindFile("p/p.go", []byte(sample))
	require.NoError(t, err)
	var got []string
	for _, m := range mutants {
		got = append(got, m.ID+" "+line(m.Apply([]byte(sample)), m.Start))
	}
	require.Equal(t, []string{
		"p/p.go:6:5:REMOVE_NEGATION if ok || m[\"k\"] {",
		"p/p.go:6:12:NEGATE_CONDITION if !ok || !m[\"k\"] {",
		"p/p.go:7:13:RETURN_NIL_ERROR return 0, nil",
		"p/p.go:10:7:NEGATE_CASE case !(n < 2 && ready()):",
		"p/p.go:10:9:CONDITIONALS_BOUNDARY case n <= 2 && ready():",
		"p/p.go:10:9:CONDITIONALS_NEGATION case n >= 2 && ready():",
		"p/p.go:10:16:NEGATE_CONDITION case n < 2 && !ready():",
		"p/p.go:12:7:NEGATE_CONDITION case !done:",
		"p/p.go:13:3:REMOVE_CALL ",
		"p/p.go:15:6:NEGATE_CONDITION for !more() {",
	}, got)
}

// line is the trimmed line of src around offset.
func line(src []byte, offset int) string {
	start := strings.LastIndexByte(string(src[:offset]), '\n') + 1
	end := strings.IndexByte(string(src[offset:]), '\n')
	return strings.TrimSpace(string(src[start : offset+end]))
}

// Returns of a function literal belong to it, and a call returning every
// result, or a function whose last result is no error, gets no mutant.
func TestReturnNilErrorOnlyWhereTheErrorIsAValue(t *testing.T) {
	src := `package p

func g() (int, error) {
	h := func() error { return errX }
	_ = h
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

func TestGremlinsIDsFollowItsMutators(t *testing.T) {
	src := "package p\n\nfunc f(a, b int) bool {\n\ta++\n\tfor {\n\t\tbreak\n\t}\n\treturn a-b < -1 || a == b\n}\n"
	ids, err := GremlinsIDs("p/p.go", []byte(src))
	require.NoError(t, err)
	require.Equal(t, []string{
		"p/p.go:4:3:INCREMENT_DECREMENT",
		"p/p.go:6:3:INVERT_LOOPCTRL",
		"p/p.go:8:18:INVERT_LOGICAL",
		"p/p.go:8:13:CONDITIONALS_BOUNDARY",
		"p/p.go:8:13:CONDITIONALS_NEGATION",
		"p/p.go:8:10:INVERT_NEGATIVES",
		"p/p.go:8:10:ARITHMETIC_BASE",
		"p/p.go:8:15:INVERT_NEGATIVES",
		"p/p.go:8:15:ARITHMETIC_BASE",
		"p/p.go:8:23:CONDITIONALS_NEGATION",
	}, ids)
}

// What gremlins logs after it was told to stop is not a result.
func TestReadGremlinsStopsAtShutdown(t *testing.T) {
	log := "Gathering coverage... done\n" +
		"      KILLED CONDITIONALS_NEGATION at jsonx.go:27:18\n" +
		"\x1b[33m       LIVED\x1b[0m ARITHMETIC_BASE at jsonx.go:190:8\n" +
		" NOT COVERED CONDITIONALS_BOUNDARY at jsonx.go:60:14\n" +
		"\nShutting down gracefully...\n" +
		"       LIVED CONDITIONALS_NEGATION at jsonx.go:191:6\n"
	got, err := readGremlins(strings.NewReader(log), "emulator/jsonx")
	require.NoError(t, err)
	require.Equal(t, []Mutant{
		{ID: "emulator/jsonx/jsonx.go:27:18:CONDITIONALS_NEGATION", Kind: "CONDITIONALS_NEGATION", Status: Killed},
		{ID: "emulator/jsonx/jsonx.go:190:8:ARITHMETIC_BASE", Kind: "ARITHMETIC_BASE", Status: Lived},
		{ID: "emulator/jsonx/jsonx.go:60:14:CONDITIONALS_BOUNDARY", Kind: "CONDITIONALS_BOUNDARY", Status: NotCovered},
	}, got)
}

func TestGremlinsMutantIsRebuiltFromItsID(t *testing.T) {
	src := []byte("package p\n\nfunc f(a, b int) bool {\n\ta--\n\tfor a > 0 {\n\t\tcontinue\n\t}\n\treturn a-b <= -1 && b != 0\n}\n")
	for id, want := range map[string]string{
		"p.go:4:3:INCREMENT_DECREMENT":    "a++",
		"p.go:6:3:INVERT_LOOPCTRL":        "break",
		"p.go:8:10:ARITHMETIC_BASE":       "return a+b <= -1 && b != 0",
		"p.go:8:13:CONDITIONALS_BOUNDARY": "return a-b < -1 && b != 0",
		"p.go:8:13:CONDITIONALS_NEGATION": "return a-b > -1 && b != 0",
		"p.go:8:16:INVERT_NEGATIVES":      "return a-b <= +1 && b != 0",
		"p.go:8:19:INVERT_LOGICAL":        "return a-b <= -1 || b != 0",
	} {
		m, err := GremlinsMutant(id, src)
		require.NoError(t, err, id)
		require.Equal(t, want, line(m.Apply(src), m.Start), id)
	}
	_, err := GremlinsMutant("p.go:8:2:ARITHMETIC_BASE", src)
	require.ErrorContains(t, err, "no operator")
	_, err = GremlinsMutant("p.go:50:2:ARITHMETIC_BASE", src)
	require.ErrorContains(t, err, "no such position")
}

func TestReadEquivalentsWantsAReason(t *testing.T) {
	eq, err := readEquivalents(strings.NewReader("# why\n\np/p.go:1:2:REMOVE_CALL  pooling only\n"))
	require.NoError(t, err)
	require.Equal(t, Equivalents{"p/p.go:1:2:REMOVE_CALL": "pooling only"}, eq)
	_, err = readEquivalents(strings.NewReader("p/p.go:1:2:REMOVE_CALL\n"))
	require.ErrorContains(t, err, "line 1")
}

// Our result on a mutant gremlins also names stands; timeouts are kills,
// but gremlins' own only once tested again; equivalents leave the total;
// not viable mutants do not count; what the budget left out, ours or
// gremlins', is not run rather than survived; stale or wrong equivalents
// are reported.
func TestScore(t *testing.T) {
	gremlins := []Mutant{
		{ID: "p/a.go:1:1:CONDITIONALS_NEGATION", Status: NotCovered},
		{ID: "p/a.go:2:1:ARITHMETIC_BASE", Status: Lived},
		{ID: "p/a.go:3:1:ARITHMETIC_BASE", Status: TimedOut},
		{ID: "p/a.go:4:1:ARITHMETIC_BASE", Status: NotViable},
		{ID: "p/a.go:10:1:ARITHMETIC_BASE", Status: Killed},
		{ID: "p/a.go:11:1:ARITHMETIC_BASE", Status: TimedOut},
		{ID: "p/a.go:12:1:ARITHMETIC_BASE", Status: TimedOut},
		{ID: "p/a.go:13:1:CONDITIONALS_NEGATION", Status: NotCovered},
	}
	own := Run{
		Mutants: []Mutant{
			{ID: "p/a.go:12:1:ARITHMETIC_BASE", Status: Lived},
			{ID: "p/a.go:1:1:CONDITIONALS_NEGATION", Status: Killed},
			{ID: "p/a.go:5:1:REMOVE_CALL", Status: Lived},
			{ID: "p/a.go:6:1:REMOVE_CALL", Status: Lived},
		},
		Unrun: []string{"p/a.go:13:1:CONDITIONALS_NEGATION", "p/a.go:14:1:REMOVE_CALL"},
	}
	expected := []string{"p/a.go:1:1:CONDITIONALS_NEGATION", "p/a.go:2:1:ARITHMETIC_BASE", "p/a.go:20:1:ARITHMETIC_BASE"}
	eq := Equivalents{
		"p/a.go:6:1:REMOVE_CALL":      "a cache",
		"p/a.go:10:1:ARITHMETIC_BASE": "claimed",
		"p/a.go:99:1:REMOVE_CALL":     "gone",
		"q/b.go:1:1:REMOVE_CALL":      "another package",
	}
	s := score("p", gremlins, own, expected, eq)
	require.Equal(t, Score{
		Package: "p", Killed: 2, Total: 5, Equivalents: 1, Unrun: 5, // 3, 11, 13, 14 and 20
		Survivors: []string{"LIVED       p/a.go:2:1:ARITHMETIC_BASE", "LIVED       p/a.go:5:1:REMOVE_CALL", "LIVED       p/a.go:12:1:ARITHMETIC_BASE"},
		Warnings: []string{
			"p/a.go:10:1:ARITHMETIC_BASE is listed as equivalent (claimed) but a test kills it",
		},
	}, s)
	require.InDelta(t, 40.0, s.Percent(), 0.001)

	complete := score("p", gremlins[:5], Run{Mutants: append(own.Mutants[1:], Mutant{ID: "p/a.go:3:1:ARITHMETIC_BASE", Status: TimedOut})}, nil, eq)
	require.Zero(t, complete.Unrun)
	require.Equal(t, 3, complete.Killed, "a timeout tested again counts as killed")
	require.Contains(t, complete.Warnings, "p/a.go:99:1:REMOVE_CALL is listed as equivalent but no such mutant was made: has the code moved?",
		"a stale line is reported when every mutant ran")
}

// A mutant is killed when its tests fail, lives when they pass, is not
// viable when it does not build, and times out when they hang.
func TestRunnerStatuses(t *testing.T) {
	for _, c := range []struct{ script, want string }{
		{"exit 0", Lived},
		{"exit 1", Killed},
		{"echo 'FAIL p [build failed]'; exit 1", NotViable},
		{"sleep 5", TimedOut},
	} {
		r := newRunner(".", "p", t.TempDir())
		r.timeout = 200 * time.Millisecond
		r.testCommand = func(ctx context.Context, _ string) *exec.Cmd { return exec.CommandContext(ctx, "sh", "-c", c.script) }
		start := time.Now()
		status, _, err := r.test("")
		require.NoError(t, err)
		require.Equal(t, c.want, status, c.script)
		require.Less(t, time.Since(start), 3*time.Second, "a hang is ended at the timeout")
	}
}
