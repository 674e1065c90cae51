package testwait

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fatalRecorder is a testing.TB whose Fatalf ends the goroutine, as the
// real one does, and keeps the message.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (r *fatalRecorder) Helper() {}

func (r *fatalRecorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// failure runs f as a test would and returns its Fatalf message, "" when
// it passed.
func failure(t *testing.T, f func(tb testing.TB)) string {
	rec := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(rec)
	}()
	Receive(t, done, "the test function to end")
	return rec.msg
}

func TestReceiveReturnsTheValue(t *testing.T) {
	ch := make(chan int, 1)
	ch <- 7
	require.Equal(t, 7, Receive(t, ch, "seven"))
}

func TestReceiveFailsAfterTheBound(t *testing.T) {
	start := time.Now()
	msg := failure(t, func(tb testing.TB) { receive(tb, make(chan int), "a value", 50*time.Millisecond) })
	require.Equal(t, "waited 50ms for a value", msg)
	require.Less(t, time.Since(start), Bound)
}

func TestDoFailsWhenTheCallHangs(t *testing.T) {
	hang := make(chan struct{})
	defer close(hang)
	msg := failure(t, func(tb testing.TB) { do(tb, "the close", func() { <-hang }, 50*time.Millisecond) })
	require.Equal(t, "waited 50ms for the close", msg)
	require.Empty(t, failure(t, func(tb testing.TB) { Do(tb, "a quick call", func() {}) }))
}

func TestContextEndsWithinTheBound(t *testing.T) {
	deadline, ok := Context(t).Deadline()
	require.True(t, ok)
	require.WithinDuration(t, time.Now().Add(Bound), deadline, time.Second)
}
