package fakebotstest_test

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// recorder is a testing.TB that records the failures a helper reports
// instead of failing the test. Like testing.T, its Fatalf stops the
// helper's goroutine, and it reports a failure at the first caller not
// marked with Helper: a test can check that a helper points at the line
// of the test that called it, not at a line inside the library. Cleanup
// and the rest are the real test's.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	helpers  map[string]bool // functions marked with Helper
	failures []failure
}

// failure is one reported failure.
type failure struct {
	msg   string
	file  string // where it is reported: base name and line
	line  int
	fatal bool
}

func (r *recorder) Helper() {
	var pc [1]uintptr
	runtime.Callers(2, pc[:])
	frame, _ := runtime.CallersFrames(pc[:]).Next()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.helpers[frame.Function] = true
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.report(true, format, args...)
	runtime.Goexit()
}

func (r *recorder) Errorf(format string, args ...any) { r.report(false, format, args...) }

func (r *recorder) report(fatal bool, format string, args ...any) {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)]) // from the caller of Fatalf or Errorf
	r.mu.Lock()
	defer r.mu.Unlock()
	f := failure{msg: fmt.Sprintf(format, args...), fatal: fatal}
	for {
		frame, more := frames.Next()
		if !r.helpers[frame.Function] || !more {
			f.file, f.line = filepath.Base(frame.File), frame.Line
			break
		}
	}
	r.failures = append(r.failures, f)
}

// record runs fn in a goroutine of its own with a recorder, waits for it
// to end (return or Fatalf) and returns what it reported, each failure
// checked to be reported in a test file.
func record(t *testing.T, fn func(testing.TB)) []failure {
	t.Helper()
	rec := &recorder{TB: t, helpers: map[string]bool{}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(rec)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the helper did not return")
	}
	for _, f := range rec.failures {
		require.True(t, strings.HasSuffix(f.file, "_test.go"),
			"%q is reported at %s:%d, inside the library, not at the line that called it", f.msg, f.file, f.line)
	}
	return rec.failures
}

// fatal runs fn with a recorder and returns the message of the Fatalf that
// stopped it.
func fatal(t *testing.T, fn func(testing.TB)) string {
	t.Helper()
	failures := record(t, fn)
	require.Len(t, failures, 1, "one failure")
	require.True(t, failures[0].fatal, "Fatalf, not Errorf: %q", failures[0].msg)
	return failures[0].msg
}

// errorsOf runs fn with a recorder and returns the messages of its Errorf
// calls (it must not call Fatalf).
func errorsOf(t *testing.T, fn func(testing.TB)) []string {
	t.Helper()
	var msgs []string
	for _, f := range record(t, fn) {
		require.False(t, f.fatal, "Errorf, not Fatalf: %q", f.msg)
		msgs = append(msgs, f.msg)
	}
	return msgs
}

// The recorder reports a failure where testing.T would: at the first
// caller not marked as a helper.
func TestRecorderReportsAtTheFirstCallerNotMarkedAsHelper(t *testing.T) {
	var line int
	failures := record(t, func(tb testing.TB) {
		_, _, line, _ = runtime.Caller(0)
		failAsHelper(tb) // reported here, the line after the one Caller read
	})
	require.Equal(t, []failure{{msg: "failed as a helper", file: "recorder_test.go", line: line + 1}}, failures)

	rec := &recorder{TB: t, helpers: map[string]bool{}}
	line = failUnmarked(rec)
	require.Equal(t, []failure{{msg: "failed unmarked", file: "recorder_test.go", line: line}}, rec.failures)
}

func failAsHelper(tb testing.TB) {
	tb.Helper()
	tb.Errorf("failed as a %s", "helper")
}

// failUnmarked fails without marking itself, and returns the line of its
// Errorf.
func failUnmarked(tb testing.TB) int {
	_, _, line, _ := runtime.Caller(0)
	tb.Errorf("failed %s", "unmarked")
	return line + 1
}
