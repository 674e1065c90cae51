package webhook_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/webhook"
	"github.com/fakebots/fakebots/internal/testwait"
)

// receiver records bodies and answers statuses in turn (200 once they run out).
type receiver struct {
	mu       sync.Mutex
	bodies   []string
	statuses []int
	srv      *httptest.Server
}

func newReceiver(t *testing.T, statuses ...int) *receiver {
	r := &receiver{statuses: statuses}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies = append(r.bodies, req.Header.Get("Content-Type")+" "+string(body))
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

// results collects Done outcomes.
type results struct {
	mu  sync.Mutex
	out []webhook.Result
}

func (r *results) done(res webhook.Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.out = append(r.out, res)
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

func TestDeliveriesOfAKeyKeepTheirOrder(t *testing.T) {
	recv := newReceiver(t)
	d := newDispatcher(t, webhook.WithWorkers(4))
	var res results
	for i := 0; i < 20; i++ {
		require.True(t, d.Send(webhook.Delivery{Key: "a", URL: recv.srv.URL, Body: []byte{byte('a' + i)}, Done: res.done}))
	}
	require.NoError(t, d.Flush(testwait.Context(t), "a"))
	got := recv.got()
	require.Len(t, got, 20)
	for i, body := range got {
		require.Equal(t, "application/json "+string(rune('a'+i)), body)
	}
	require.Len(t, res.all(), 20)
	require.Zero(t, d.Pending(""))
	for _, r := range res.all() {
		require.NoError(t, r.Err)
		require.Equal(t, 200, r.Status)
		require.Equal(t, 1, r.Attempts)
	}
}

func TestRetriesUntilSuccessOrGivingUp(t *testing.T) {
	recv := newReceiver(t, 500, 502, 200, 500, 500)
	var slept []time.Duration
	d := newDispatcher(t, webhook.WithSleep(func(_ context.Context, d time.Duration) { slept = append(slept, d) }))
	var res results
	d.Send(webhook.Delivery{Key: "k", URL: recv.srv.URL, Retries: 2, Backoff: time.Second, Done: res.done})
	d.Send(webhook.Delivery{Key: "k", URL: recv.srv.URL, Retries: 1, Done: res.done})
	require.NoError(t, d.Flush(testwait.Context(t), ""))
	all := res.all()
	require.Len(t, all, 2)
	require.NoError(t, all[0].Err, "the third attempt got a 200")
	require.Equal(t, 3, all[0].Attempts)
	require.Equal(t, []time.Duration{time.Second, time.Second}, slept)
	var se *webhook.StatusError
	require.True(t, errors.As(all[1].Err, &se))
	require.Equal(t, 500, se.Code)
	require.Equal(t, 2, all[1].Attempts)
	require.Equal(t, 500, all[1].Status)
}

func TestFullQueueDropsWithoutBlocking(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{}, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
	}))
	defer srv.Close()
	defer close(release)
	d := newDispatcher(t, webhook.WithQueueSize(2))
	var res results
	require.True(t, d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Done: res.done}))
	testwait.Receive(t, arrived, "the first delivery") // in flight now
	require.True(t, d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Done: res.done}))
	require.True(t, d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Done: res.done}))
	require.False(t, d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Done: res.done}))
	require.Equal(t, 3, d.Pending("k"))
	require.Len(t, res.all(), 1)
	require.ErrorIs(t, res.all()[0].Err, webhook.ErrQueueFull)
	// Another key is not held up by the busy one.
	other := newReceiver(t)
	require.True(t, d.Send(webhook.Delivery{Key: "other", URL: other.srv.URL, Done: res.done}))
	require.NoError(t, d.Flush(testwait.Context(t), "other"))
	require.Len(t, other.got(), 1)
}

func TestTimeoutAndFlushDeadline(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	d := newDispatcher(t)
	var res results
	d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Timeout: 20 * time.Millisecond, Done: res.done})
	require.NoError(t, d.Flush(testwait.Context(t), "k"))
	require.ErrorIs(t, res.all()[0].Err, context.DeadlineExceeded)
	require.Zero(t, res.all()[0].Status)

	d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Timeout: time.Minute, Done: res.done})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, d.Flush(ctx, "k"), context.Canceled)
}

func TestCloseAbortsAndRefuses(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
	}))
	defer srv.Close()
	defer close(release)
	d := webhook.New()
	var res results
	d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Timeout: time.Minute, Done: res.done})
	d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Done: res.done})
	testwait.Receive(t, arrived, "the first delivery")
	var closeErr error
	testwait.Do(t, "Close", func() { closeErr = d.Close() })
	require.NoError(t, closeErr)
	all := res.all()
	require.Len(t, all, 2, "every delivery finished")
	require.Error(t, all[0].Err)
	require.ErrorIs(t, all[1].Err, webhook.ErrClosed)
	require.False(t, d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Done: res.done}))
	require.ErrorIs(t, res.all()[2].Err, webhook.ErrClosed)
}

func TestBadURLAndHeaders(t *testing.T) {
	var gotUA string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUA = r.Header.Get("User-Agent") + " " + r.Header.Get("Content-Type")
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	d := newDispatcher(t)
	var res results
	d.Send(webhook.Delivery{Key: "k", URL: "://bad", Done: res.done})
	d.Send(webhook.Delivery{Key: "k", URL: srv.URL, Header: http.Header{"User-Agent": {"ua"}, "Content-Type": {"text/plain"}}, Done: res.done})
	require.NoError(t, d.Flush(testwait.Context(t), "k"))
	require.Equal(t, "ua text/plain", gotUA)
	d.Send(webhook.Delivery{Key: "k", URL: srv.URL}) // no Done
	require.NoError(t, d.Flush(testwait.Context(t), "k"))
	require.Error(t, res.all()[0].Err)
	require.NoError(t, res.all()[1].Err)
	require.Equal(t, 204, res.all()[1].Status)
}
