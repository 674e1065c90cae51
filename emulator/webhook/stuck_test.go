package webhook_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/webhook"
	"github.com/fakebots/fakebots/internal/testwait"
)

// stuckTransport answers 200 at once, except to /stuck, where it holds the
// request until release is closed whatever its context says: an attempt
// that keeps its in-flight slot as long as the test wants.
type stuckTransport struct {
	arrived chan struct{}
	release chan struct{}
}

// newStuckTransport's caller closes release (a defer runs before the
// dispatcher's Close, which waits for the held attempt).
func newStuckTransport() *stuckTransport {
	return &stuckTransport{arrived: make(chan struct{}, 10), release: make(chan struct{})}
}

func (s *stuckTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	if r.URL.Path == "/stuck" {
		s.arrived <- struct{}{}
		<-s.release
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
}

// A delivery that cannot get an in-flight slot within Limits.Duration
// gives up with that reason, unsent: it is neither closed nor cancelled.
func TestADeliveryGivesUpWaitingForAFreeSlot(t *testing.T) {
	tr := newStuckTransport()
	defer close(tr.release)
	d := newDispatcher(t, webhook.WithLimits(webhook.Limits{InFlight: 1, Duration: 100 * time.Millisecond}),
		webhook.WithClient(&http.Client{Transport: tr}))
	res := newResults()
	require.True(t, d.Send(webhook.Delivery{Key: "holder", URL: "http://receiver.test/stuck"}))
	testwait.Receive(t, tr.arrived, "the first delivery to take the only slot")
	require.True(t, d.Send(webhook.Delivery{Key: "waiter", URL: "http://receiver.test/ok", Done: res.done}))
	got := testwait.Receive(t, res.ch, "the waiting delivery to give up")
	require.EqualError(t, got.Err, "gave up waiting for a free slot (a delivery may last 100ms)")
	require.Empty(t, got.Attempts)
	require.Equal(t, webhook.Failed, got.Outcome())
}

// stuckClock runs (it is not frozen) but never reaches a retry: WaitUntil
// holds until release is closed whatever its context says, so a key can be
// cancelled while its worker still waits. looked gets a value per State.
type stuckClock struct {
	now     time.Time
	looked  chan struct{}
	waiting chan struct{}
	release chan struct{}
}

func (c *stuckClock) State() (time.Time, bool) {
	select {
	case c.looked <- struct{}{}:
	default:
	}
	return c.now, false
}

func (c *stuckClock) WaitUntil(ctx context.Context, _ time.Time) error {
	c.waiting <- struct{}{}
	<-c.release
	return ctx.Err()
}

// Cancel forgets a key at once, even while its worker is still stuck in a
// delivery: a Flush waiting for the key returns, Pending counts nothing,
// and a new delivery for the key goes out on a queue of its own. The stuck
// delivery ends cancelled when it notices.
func TestCancelForgetsAKeyWhileItsWorkerIsStuck(t *testing.T) {
	recv := newReceiver(t, http.StatusInternalServerError)
	clk := &stuckClock{looked: make(chan struct{}, 1), waiting: make(chan struct{}, 1), release: make(chan struct{})}
	d := newDispatcher(t)
	defer close(clk.release)
	old, fresh := newResults(), newResults()
	require.True(t, d.Send(webhook.Delivery{Key: "k", URL: recv.srv.URL, Retries: 1, Backoff: time.Minute, Clock: clk, Done: old.done}))
	testwait.Receive(t, clk.waiting, "the delivery to wait for its retry")

	select { // what the worker looked at before it waited
	case <-clk.looked:
	default:
	}
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()
	flushed := make(chan error, 1)
	go func() { flushed <- d.Flush(ctx, "k") }()
	testwait.Receive(t, clk.looked, "Flush to find the key busy") // it checks the retry's clock under the lock Cancel takes
	d.Cancel("k")
	require.NoError(t, testwait.Receive(t, flushed, "Flush to return"), "the cancelled key is not waited for")
	require.Zero(t, d.Pending("k"))
	require.Zero(t, d.Pending(""))

	require.True(t, d.Send(webhook.Delivery{Key: "k", URL: recv.srv.URL, Done: fresh.done}))
	require.NoError(t, testwait.Receive(t, fresh.ch, "the new delivery's end").Err)
	require.Empty(t, old.all(), "the old delivery is still stuck")

	clk.release <- struct{}{}
	got := testwait.Receive(t, old.ch, "the cancelled delivery's end")
	require.ErrorIs(t, got.Err, webhook.ErrCancelled)
	require.Len(t, got.Attempts, 1)
}

// Close lets go of the connections kept open to receivers.
func TestCloseClosesIdleConnections(t *testing.T) {
	states := make(chan http.ConnState, 100)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) { states <- s }
	srv.Start()
	t.Cleanup(srv.Close)
	d := webhook.New()
	res := newResults()
	require.True(t, d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Done: res.done}))
	require.NoError(t, testwait.Receive(t, res.ch, "the delivery's end").Err)
	for testwait.Receive(t, states, "the connection to go idle") != http.StateIdle { // new, active, then idle
	}
	testwait.Do(t, "Close", func() { require.NoError(t, d.Close()) })
	require.Equal(t, http.StateClosed, await(t, states, 1)[0], "the idle connection closes at once")
}
