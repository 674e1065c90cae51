package webhook_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/clock"
	"github.com/fakebots/fakebots/emulator/webhook"
	"github.com/fakebots/fakebots/internal/testwait"
)

// Every 2xx answer delivers, 299 included, and is not retried; 300 is the
// first status that fails.
func TestEvery2xxStatusDeliversAnd300Fails(t *testing.T) {
	for _, c := range []struct {
		status   int
		outcome  string
		attempts int
	}{
		{299, webhook.Delivered, 1},
		{300, webhook.Failed, 2},
	} {
		recv := newReceiver(t, c.status, c.status)
		d := newDispatcher(t)
		res := newResults()
		require.True(t, d.Send(webhook.Delivery{Key: "k", URL: recv.srv.URL, Retries: 1, Done: res.done}))
		got := testwait.Receive(t, res.ch, "the delivery's end")
		require.Equal(t, c.outcome, got.Outcome(), "status %d", c.status)
		require.Len(t, got.Attempts, c.attempts, "status %d", c.status)
		require.Equal(t, c.status, got.Status())
	}
}

// A retry due exactly when the delivery's Duration runs out (on its clock)
// is still made: only a later one is not.
func TestARetryDueExactlyAtTheDurationIsMade(t *testing.T) {
	recv := newReceiver(t, http.StatusInternalServerError)
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	clk := clock.New(nil)
	clk.Freeze()
	clk.Set(start)
	d := newDispatcher(t, webhook.WithLimits(webhook.Limits{Duration: 3 * time.Second}))
	res := newResults()
	require.True(t, d.Send(webhook.Delivery{Key: "k", URL: recv.srv.URL, Retries: 1, Backoff: 3 * time.Second, Clock: clk, Done: res.done}))
	flush(t, d, "k")
	require.Equal(t, 1, d.Pending("k"), "the retry waits for the clock")
	clk.Advance(3 * time.Second)
	got := testwait.Receive(t, res.ch, "the retried delivery's end")
	require.NoError(t, got.Err)
	require.Len(t, got.Attempts, 2)
	require.Equal(t, start.Add(3*time.Second), got.Attempts[1].At)
}

// A URL that does not parse fails the delivery before any attempt: nothing
// is sent, and the log shows no attempt.
func TestAnUnparsableURLFailsWithoutAnAttempt(t *testing.T) {
	d := newDispatcher(t)
	res := newResults()
	require.True(t, d.Send(webhook.Delivery{Key: "k", URL: "://bad", Retries: 2, Done: res.done}))
	got := testwait.Receive(t, res.ch, "the delivery's end")
	require.EqualError(t, got.Err, `parse "://bad": missing protocol scheme`)
	require.Empty(t, got.Attempts)
	require.Equal(t, webhook.Failed, got.Outcome())
	require.Zero(t, got.Status())
}

// Flush of one key ignores the other keys, and Flush of "" waits for every
// key: with a key stuck, only the latter is still waiting when its context
// ends.
func TestFlushWaitsForItsKeyOrForEveryKey(t *testing.T) {
	stuck, arrived := hangingServer(t)
	d := newDispatcher(t)
	require.True(t, d.Send(webhook.Delivery{Key: "stuck", URL: stuck.URL, Timeout: time.Minute}))
	testwait.Receive(t, arrived, "the stuck delivery to arrive")
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	require.NoError(t, d.Flush(ended, "other"), "another key has nothing to wait for")
	require.ErrorIs(t, d.Flush(ended, ""), context.Canceled, "every key includes the stuck one")
	require.ErrorIs(t, d.Flush(ended, "stuck"), context.Canceled)
}
