package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/clock"
	"github.com/fakebots/fakebots/emulator/webhook"
)

// bound is how long a test waits for what should happen at once.
const bound = 5 * time.Second

// receiver records requests and answers statuses in turn (200 once they run out).
type receiver struct {
	mu       sync.Mutex
	bodies   []string
	ids      []string
	statuses []int
	srv      *httptest.Server
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{statuses: statuses}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies = append(r.bodies, req.Header.Get("Content-Type")+" "+string(body))
		r.ids = append(r.ids, req.Header.Get(webhook.DeliveryHeader))
		status := http.StatusOK
		if len(r.statuses) > 0 {
			status, r.statuses = r.statuses[0], r.statuses[1:]
		}
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) got() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.bodies...)
}

// hangingServer answers nothing until the test ends or the sender gives up;
// arrived gets a value per request.
func hangingServer(t *testing.T) (srv *httptest.Server, arrived chan struct{}) {
	release := make(chan struct{})
	arrived = make(chan struct{}, 100)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // before Close, which waits for handlers
	return srv, arrived
}

// await receives n values, failing after bound.
func await[T any](t *testing.T, ch <-chan T, n int) []T {
	t.Helper()
	deadline := time.After(bound)
	var out []T
	for len(out) < n {
		select {
		case v := <-ch:
			out = append(out, v)
		case <-deadline:
			t.Fatalf("%d of %d arrived within %v", len(out), n, bound)
		}
	}
	return out
}

// results collects Done outcomes.
type results struct {
	mu  sync.Mutex
	out []webhook.Result
	ch  chan webhook.Result
}

func newResults() *results { return &results{ch: make(chan webhook.Result, 1000)} }

func (r *results) done(res webhook.Result) {
	r.mu.Lock()
	r.out = append(r.out, res)
	r.mu.Unlock()
	r.ch <- res
}

func (r *results) all() []webhook.Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]webhook.Result(nil), r.out...)
}

func newDispatcher(t *testing.T, opts ...webhook.Option) *webhook.Dispatcher {
	d := webhook.New(opts...)
	t.Cleanup(func() { d.Close() })
	return d
}

func flush(t *testing.T, d *webhook.Dispatcher, key string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()
	require.NoError(t, d.Flush(ctx, key))
}

func TestDeliveriesOfAKeyKeepTheirOrder(t *testing.T) {
	recv := newReceiver(t)
	d := newDispatcher(t, webhook.WithLimits(webhook.Limits{InFlight: 4}))
	res := newResults()
	for i := 0; i < 20; i++ {
		require.True(t, d.Send(webhook.Delivery{Key: "a", URL: recv.srv.URL, Body: []byte{byte('a' + i)}, Done: res.done}))
	}
	flush(t, d, "a")
	got := recv.got()
	require.Len(t, got, 20)
	for i, body := range got {
		require.Equal(t, "application/json "+string(rune('a'+i)), body)
	}
	require.Len(t, res.all(), 20)
	require.Zero(t, d.Pending(""))
	for i, r := range res.all() {
		require.NoError(t, r.Err)
		require.Equal(t, webhook.Delivered, r.Outcome())
		require.Equal(t, 200, r.Status())
		require.Len(t, r.Attempts, 1)
		require.Equal(t, fmt.Sprint(r.ID), recv.ids[i], "each request names its delivery")
	}
	require.NotEqual(t, recv.ids[0], recv.ids[1])
}

// Retries wait on the delivery's clock: with the clock frozen, Flush
// returns while a retry waits, and the retry goes out exactly when the
// clock reaches it.
func TestRetriesWaitOnTheDeliveryClock(t *testing.T) {
	recv := newReceiver(t, 500, 502, 200, 500, 500)
	start := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	clk := clock.New(nil)
	clk.Freeze()
	clk.Set(start)
	d := newDispatcher(t)
	res := newResults()
	d.Send(webhook.Delivery{Key: "k", URL: recv.srv.URL, Retries: 2, Backoff: time.Second, Clock: clk, Done: res.done})
	d.Send(webhook.Delivery{Key: "k", URL: recv.srv.URL, Retries: 1, Clock: clk, Done: res.done})

	flush(t, d, "k")
	require.Len(t, recv.got(), 1, "the retry waits for the clock")
	require.Equal(t, 2, d.Pending("k"))
	clk.Advance(999 * time.Millisecond)
	flush(t, d, "k")
	require.Len(t, recv.got(), 1)
	clk.Advance(time.Millisecond)
	flush(t, d, "k")
	require.Len(t, recv.got(), 2)
	clk.Advance(time.Second)
	flush(t, d, "k")
	require.Len(t, recv.got(), 5, "the third attempt succeeds; the next delivery retries at once (no backoff)")

	all := res.all()
	require.Len(t, all, 2)
	require.NoError(t, all[0].Err)
	var at []time.Time
	var statuses []int
	for _, a := range all[0].Attempts {
		at, statuses = append(at, a.At), append(statuses, a.Status)
	}
	require.Equal(t, []time.Time{start, start.Add(time.Second), start.Add(2 * time.Second)}, at)
	require.Equal(t, []int{500, 502, 200}, statuses)
	var se *webhook.StatusError
	require.ErrorAs(t, all[1].Err, &se)
	require.Equal(t, 500, se.Code)
	require.Len(t, all[1].Attempts, 2)
	require.Equal(t, webhook.Failed, all[1].Outcome())
	require.Equal(t, 500, all[1].Status())
}

// A delivery may not outlast Limits.Duration: a retry that would come
// later on its clock is not made, and a clock that never reaches the retry
// is given up on in wall time.
func TestDeliveryTimeIsBounded(t *testing.T) {
	recv := newReceiver(t, 500, 500, 500, 500)
	clk := clock.New(nil)
	clk.Freeze()
	d := newDispatcher(t, webhook.WithLimits(webhook.Limits{Duration: 3 * time.Second}))
	res := newResults()
	d.Send(webhook.Delivery{Key: "k", URL: recv.srv.URL, Retries: 10, Backoff: 2 * time.Second, Clock: clk, Done: res.done})
	flush(t, d, "k")
	clk.Advance(2 * time.Second)
	got := await(t, res.ch, 1)[0]
	require.Len(t, got.Attempts, 2)
	require.EqualError(t, got.Err, "receiver answered 500 (no retry: it would come after the 3s a delivery may last)")

	d = newDispatcher(t, webhook.WithLimits(webhook.Limits{Duration: 500 * time.Millisecond}))
	d.Send(webhook.Delivery{Key: "k", URL: recv.srv.URL, Retries: 1, Backoff: time.Millisecond, Clock: clk, Done: res.done})
	got = await(t, res.ch, 1)[0] // the frozen clock never moves
	require.Len(t, got.Attempts, 1)
	require.EqualError(t, got.Err, "receiver answered 500 (no retry: gave up waiting for the retry's time (a delivery may last 500ms))")
	require.Equal(t, webhook.Failed, got.Outcome())
}

// An attempt ends at Limits.AttemptTimeout whatever the delivery asks for.
func TestAttemptTimeoutIsClamped(t *testing.T) {
	srv, _ := hangingServer(t)
	d := newDispatcher(t, webhook.WithLimits(webhook.Limits{AttemptTimeout: 20 * time.Millisecond}))
	res := newResults()
	d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Timeout: time.Hour, Done: res.done})
	got := await(t, res.ch, 1)[0]
	require.ErrorIs(t, got.Err, context.DeadlineExceeded)
	require.Len(t, got.Attempts, 1)
	require.Zero(t, got.Status())
}

// Receivers that hang hold one in-flight slot per key at most: as many
// stuck keys as the whole emulator once had slots for, and another key's
// deliveries still go out at once.
func TestStuckKeysDelayOnlyThemselves(t *testing.T) {
	stuck, arrived := hangingServer(t)
	recv := newReceiver(t)
	d := newDispatcher(t)
	res := newResults()
	for k := 0; k < 8; k++ {
		for i := 0; i < 3; i++ {
			require.True(t, d.Send(webhook.Delivery{Key: fmt.Sprint("stuck", k), URL: stuck.URL, Timeout: time.Minute}))
		}
	}
	await(t, arrived, 8)
	for i := 0; i < 20; i++ {
		require.True(t, d.Send(webhook.Delivery{Key: "healthy", URL: recv.srv.URL, Done: res.done}))
	}
	got := await(t, res.ch, 20)
	for _, r := range got {
		require.NoError(t, r.Err)
	}
	for k := 0; k < 8; k++ {
		require.Equal(t, 3, d.Pending(fmt.Sprint("stuck", k)), "the stuck keys still wait, one attempt each")
	}
	select {
	case <-arrived:
		t.Fatal("a stuck key sent a second delivery while its first hangs")
	default:
	}
}

// With fewer slots than stuck keys the others wait their turn (FIFO), but
// one key never holds more than one slot however much it has queued.
func TestOneKeyHoldsOneSlot(t *testing.T) {
	stuck, arrived := hangingServer(t)
	recv := newReceiver(t)
	d := newDispatcher(t, webhook.WithLimits(webhook.Limits{InFlight: 2}))
	res := newResults()
	for i := 0; i < 5; i++ {
		d.Send(webhook.Delivery{Key: "stuck", URL: stuck.URL, Timeout: time.Minute})
	}
	await(t, arrived, 1)
	d.Send(webhook.Delivery{Key: "other", URL: recv.srv.URL, Done: res.done})
	require.NoError(t, await(t, res.ch, 1)[0].Err)
}

func TestWhatDoesNotFitIsDroppedWithoutBlocking(t *testing.T) {
	stuck, _ := hangingServer(t)
	for _, c := range []struct {
		name   string
		limits webhook.Limits
		keys   []string // a delivery per key given, all but the last fit
		size   int
		reason string
	}{
		{"length", webhook.Limits{QueueLength: 3}, []string{"a", "a", "a", "a"}, 100, "dropped: queue full (3 deliveries)"},
		{"queue bytes", webhook.Limits{QueueBytes: 250}, []string{"a", "a", "a"}, 100, "dropped: queue full (250 bytes)"},
		{"queue bytes exactly filled", webhook.Limits{QueueBytes: 200}, []string{"a", "a", "a"}, 100, "dropped: queue full (200 bytes)"},
		{"total bytes", webhook.Limits{TotalBytes: 3 << 20}, []string{"a", "b", "c", "d"}, 1 << 20, "dropped: all queues full (3 MiB)"},
		{"queues", webhook.Limits{Queues: 2}, []string{"a", "b", "c"}, 100, "dropped: too many queues (2)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := newDispatcher(t, webhook.WithLimits(c.limits))
			res := newResults()
			keys := c.keys
			for i, key := range keys { // the first ones hang: a delivery counts from Send until it ends
				sent := d.Send(webhook.Delivery{Key: key, URL: stuck.URL, Body: make([]byte, c.size), Timeout: time.Minute, Done: res.done})
				require.Equal(t, i < len(keys)-1, sent, "delivery %d", i)
			}
			require.Len(t, res.all(), 1, "the dropped one ended at once")
			dropped := res.all()[0]
			require.EqualError(t, dropped.Err, c.reason)
			require.ErrorIs(t, dropped.Err, webhook.ErrDropped)
			require.Equal(t, webhook.Dropped, dropped.Outcome())
			require.Empty(t, dropped.Attempts)
			require.Equal(t, len(keys)-1, d.Pending(""))
		})
	}
}

func TestTimeoutAndFlushDeadline(t *testing.T) {
	srv, _ := hangingServer(t)
	d := newDispatcher(t)
	res := newResults()
	d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Timeout: 20 * time.Millisecond, Done: res.done})
	flush(t, d, "k")
	require.ErrorIs(t, res.all()[0].Err, context.DeadlineExceeded)
	require.Zero(t, res.all()[0].Status())

	d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Timeout: time.Minute, Done: res.done})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, d.Flush(ctx, "k"), context.Canceled)
}

func TestCloseAbortsAndRefuses(t *testing.T) {
	srv, arrived := hangingServer(t)
	d := webhook.New()
	res := newResults()
	d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Timeout: time.Minute, Done: res.done})
	d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Done: res.done})
	await(t, arrived, 1)
	require.NoError(t, d.Close())
	all := res.all()
	require.Len(t, all, 2, "every delivery finished")
	require.ErrorIs(t, all[0].Err, context.Canceled)
	require.Equal(t, webhook.Failed, all[0].Outcome())
	require.ErrorIs(t, all[1].Err, webhook.ErrClosed)
	require.Equal(t, webhook.Dropped, all[1].Outcome())
	require.False(t, d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Done: res.done}))
	require.ErrorIs(t, res.all()[2].Err, webhook.ErrClosed)
}

func TestBadURLAndHeaders(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	d := newDispatcher(t)
	res := newResults()
	d.Send(webhook.Delivery{Key: "k", URL: "://bad", Done: res.done})
	d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Header: http.Header{"User-Agent": {"ua"}, "Content-Type": {"text/plain"}}, Done: res.done})
	flush(t, d, "k")
	require.Equal(t, "ua", got.Get("User-Agent"))
	require.Equal(t, "text/plain", got.Get("Content-Type"))
	require.Equal(t, fmt.Sprint(res.all()[1].ID), got.Get(webhook.DeliveryHeader))
	d.Send(webhook.Delivery{Key: "k", URL: srv.URL}) // no Done
	flush(t, d, "k")
	require.Error(t, res.all()[0].Err)
	require.Equal(t, webhook.Failed, res.all()[0].Outcome())
	require.NoError(t, res.all()[1].Err)
	require.Equal(t, 204, res.all()[1].Status())
}

// The guard refuses a URL before anything is sent; the delivery is not
// retried.
func TestGuardRefusesBeforeSending(t *testing.T) {
	recv := newReceiver(t)
	var checked []string
	d := newDispatcher(t, webhook.WithGuard(func(_ context.Context, u *url.URL) error {
		checked = append(checked, u.Path)
		if u.Path == "/self" {
			return errors.New("it is the emulator")
		}
		return nil
	}))
	res := newResults()
	d.Send(webhook.Delivery{Key: "k", URL: recv.srv.URL + "/self", Retries: 3, Done: res.done})
	d.Send(webhook.Delivery{Key: "k", URL: recv.srv.URL + "/hook", Done: res.done})
	flush(t, d, "k")
	require.Equal(t, []string{"/self", "/hook"}, checked)
	require.Len(t, recv.got(), 1)
	refused := res.all()[0]
	require.EqualError(t, refused.Err, "refused: it is the emulator")
	require.Equal(t, webhook.Refused, refused.Outcome())
	require.Empty(t, refused.Attempts)
	require.NoError(t, res.all()[1].Err)
}

// A receiver that refuses a delivery as its own (the emulator) ends it:
// no retry.
func TestRefusalByTheReceiverEndsTheDelivery(t *testing.T) {
	var calls int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		w.Header().Set(webhook.RefusedHeader, "a delivery came back to the emulator")
		w.WriteHeader(http.StatusLoopDetected)
	}))
	defer srv.Close()
	d := newDispatcher(t)
	res := newResults()
	d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Retries: 3, Done: res.done})
	flush(t, d, "k")
	require.Equal(t, 1, calls)
	got := res.all()[0]
	require.EqualError(t, got.Err, "refused: a delivery came back to the emulator")
	require.Equal(t, webhook.Refused, got.Outcome())
	require.Equal(t, http.StatusLoopDetected, got.Status())
}

func TestCancelEndsAKeysDeliveriesAndLeavesTheOthers(t *testing.T) {
	stuck, arrived := hangingServer(t)
	recv := newReceiver(t)
	d := newDispatcher(t)
	cancelled, kept := newResults(), newResults()
	for i := 0; i < 3; i++ {
		require.True(t, d.Send(webhook.Delivery{Key: "reset", URL: stuck.URL, Timeout: time.Minute, Done: cancelled.done}))
	}
	require.True(t, d.Send(webhook.Delivery{Key: "other", URL: recv.srv.URL, Done: kept.done}))
	await(t, arrived, 1) // the first is in flight, two wait their turn
	d.Cancel("reset")
	for _, r := range await(t, cancelled.ch, 3) {
		require.ErrorIs(t, r.Err, webhook.ErrCancelled, "in flight or queued, each ends cancelled")
	}
	require.Zero(t, d.Pending("reset"))
	require.NoError(t, await(t, kept.ch, 1)[0].Err, "another key is untouched")

	// The key starts afresh: what is sent now is delivered.
	again := newResults()
	require.True(t, d.Send(webhook.Delivery{Key: "reset", URL: recv.srv.URL, Done: again.done}))
	require.NoError(t, await(t, again.ch, 1)[0].Err)
	d.Cancel("nobody") // no queue: nothing happens
}

func TestCancelEndsAWaitForARetry(t *testing.T) {
	recv := newReceiver(t, http.StatusInternalServerError)
	d := newDispatcher(t)
	res := newResults()
	frozen := clock.New(nil)
	frozen.Freeze()
	require.True(t, d.Send(webhook.Delivery{Key: "k", URL: recv.srv.URL, Retries: 3, Backoff: time.Minute, Clock: frozen, Done: res.done}))
	flush(t, d, "k") // returns once the delivery waits for a retry on a clock that stands still
	d.Cancel("k")
	r := await(t, res.ch, 1)[0]
	require.ErrorIs(t, r.Err, webhook.ErrCancelled)
	require.Len(t, r.Attempts, 1, "the retry never went out")
}
