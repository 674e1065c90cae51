// Package testwait bounds the waits of tests: a wait that does not end
// fails its test within Bound, not at go test's ten-minute timeout.
package testwait

import (
	"context"
	"testing"
	"time"
)

// Bound is how long any one wait may take: generous, because a server that
// starts in a second alone can take over ten on a busy two-core machine
// under the race detector, and still a small part of go test's timeout.
const Bound = 30 * time.Second

// Context returns a context that ends after Bound, for calls that take
// one: such a call fails with the context's error instead of hanging.
func Context(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Bound)
	t.Cleanup(cancel)
	return ctx
}

// Receive returns the next value from ch, failing the test when none comes
// within Bound; what names the awaited event in the failure.
func Receive[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	return receive(t, ch, what, Bound)
}

// Do runs f (a wg.Wait, a Close) and fails the test when it has not
// returned within Bound. f goes on running in the background then.
func Do(t testing.TB, what string, f func()) {
	t.Helper()
	do(t, what, f, Bound)
}

func receive[T any](t testing.TB, ch <-chan T, what string, bound time.Duration) T {
	t.Helper()
	timer := time.NewTimer(bound)
	defer timer.Stop()
	select {
	case v := <-ch:
		return v
	case <-timer.C:
		t.Fatalf("waited %s for %s", bound, what)
		var zero T
		return zero // FailNow stops the test before this
	}
}

func do(t testing.TB, what string, f func(), bound time.Duration) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	receive(t, done, what, bound)
}
