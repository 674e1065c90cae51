package events_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/events"
)

func TestHubDeliversInOrderToTheTenantsSubscribersOnly(t *testing.T) {
	h := events.New(4, 8)
	a1, a2, b := h.Subscribe("a"), h.Subscribe("a"), h.Subscribe("b")
	for i := range 3 {
		h.Publish(events.Event{Tenant: "a", Type: events.Journal, Data: i})
	}
	for _, s := range []*events.Subscription{a1, a2} {
		for i := range 3 {
			require.Equal(t, i, (<-s.Events()).Data)
		}
	}
	require.Empty(t, b.Events(), "tenant b heard nothing of a's")
	require.Equal(t, 2, h.Subscribers("a"))
	a1.Cancel()
	require.Equal(t, 1, h.Subscribers("a"))
	require.Equal(t, events.Unsubscribed, a1.Reason())
}

// TestHubSubscriberThatFallsBehind: a subscriber that does not read never
// blocks publishing nor holds more than its buffer; it is told it lost
// events, and its stale events are dropped.
func TestHubSubscriberThatFallsBehind(t *testing.T) {
	h := events.New(4, 8)
	slow, fast := h.Subscribe("a"), h.Subscribe("a")
	got := 0
	for i := range 100_000 {
		h.Publish(events.Event{Tenant: "a", Type: events.Journal, Data: i})
		select { // fast keeps up
		case <-fast.Events():
			got++
		default:
		}
	}
	require.Equal(t, 100_000, got, "a subscriber that reads loses nothing")
	require.False(t, fast.CatchUp())
	require.Len(t, slow.Events(), 8, "the slow one holds its buffer, no more")
	select {
	case <-slow.Behind():
	default:
		t.Fatal("the slow subscriber was not told it fell behind")
	}
	require.True(t, slow.CatchUp())
	require.Empty(t, slow.Events(), "what predates the resync is dropped")
	require.False(t, slow.CatchUp(), "told once")
	h.Publish(events.Event{Tenant: "a", Type: events.Clock, Data: "after"})
	require.Equal(t, "after", (<-slow.Events()).Data)
}

func TestHubBoundsSubscriptionsAndEndsThem(t *testing.T) {
	h := events.New(2, 8)
	a1, a2 := h.Subscribe("a"), h.Subscribe("a")
	require.Nil(t, h.Subscribe("a"), "a third is refused")
	b := h.Subscribe("b")
	h.End("a", events.TenantDeleted)
	for _, s := range []*events.Subscription{a1, a2} {
		requireClosed(t, s.Done())
		require.Equal(t, events.TenantDeleted, s.Reason())
	}
	require.Empty(t, b.Reason(), "b's goes on")
	require.NotNil(t, h.Subscribe("a"), "room again once they ended")
	h.Close()
	requireClosed(t, b.Done())
	require.Equal(t, events.ShuttingDown, b.Reason())
	late := h.Subscribe("b")
	requireClosed(t, late.Done())
}

func requireClosed(t *testing.T, c <-chan struct{}) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(5 * time.Second):
		t.Fatal("not closed")
	}
}

// streamServer serves one stream of sub per request, on a server with the
// given write timeout.
func streamServer(t *testing.T, st events.Stream, writeTimeout time.Duration, sub func() *events.Subscription) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st.Serve(w, r, sub(), events.Event{Type: events.Ready, Data: map[string]bool{"ok": true}})
	}))
	srv.Config.WriteTimeout = writeTimeout
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// frames reads a stream's frames into a channel, closed at its end.
func frames(t *testing.T, url string) (<-chan events.Frame, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	out := make(chan events.Frame, 1024)
	go func() {
		defer close(out)
		for d := events.NewDecoder(resp.Body); ; {
			f, err := d.Next()
			if err != nil {
				return
			}
			out <- f
		}
	}()
	t.Cleanup(func() {
		cancel()
		resp.Body.Close()
	})
	return out, resp
}

// next is the next frame, as "event data" or ": comment".
func next(t *testing.T, c <-chan events.Frame) string {
	t.Helper()
	select {
	case f, ok := <-c:
		require.True(t, ok, "the stream ended")
		if f.Comment != "" {
			return ": " + f.Comment
		}
		return f.Event + " " + string(f.Data)
	case <-time.After(5 * time.Second):
		t.Fatal("no frame within 5s")
		return ""
	}
}

func TestStreamFramesEventsAndEndsWithTheReason(t *testing.T) {
	h := events.New(4, 8)
	subs := make(chan *events.Subscription, 1)
	srv := streamServer(t, events.Stream{KeepAlive: time.Hour, WriteTimeout: time.Second}, 0, func() *events.Subscription {
		s := h.Subscribe("a")
		subs <- s
		return s
	})
	c, resp := frames(t, srv.URL)
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	require.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	require.Equal(t, `ready {"ok":true}`, next(t, c))
	<-subs
	h.Publish(events.Event{Tenant: "a", Type: events.Journal, Data: map[string]any{"id": 1, "path": "/x\n/y"}})
	require.Equal(t, `journal {"id":1,"path":"/x\n/y"}`, next(t, c), "one data line: newlines stay escaped")
	h.End("a", events.TenantDeleted)
	require.Equal(t, `end {"reason":"tenant deleted"}`, next(t, c))
	_, open := <-c
	require.False(t, open, "the stream is closed after end")
	require.Zero(t, h.Subscribers("a"))
}

// TestStreamOutlivesTheServersWriteTimeout: the server's write timeout
// counts from the request; every write of the stream gets its own, so a
// stream lives as long as it writes.
func TestStreamOutlivesTheServersWriteTimeout(t *testing.T) {
	h := events.New(4, 8)
	const timeout = 100 * time.Millisecond
	srv := streamServer(t, events.Stream{KeepAlive: 20 * time.Millisecond, WriteTimeout: timeout}, timeout,
		func() *events.Subscription { return h.Subscribe("a") })
	c, _ := frames(t, srv.URL)
	next(t, c)
	started := time.Now()
	alive := 0
	for time.Since(started) < 5*timeout {
		require.Equal(t, ": keep-alive", next(t, c))
		alive++
	}
	require.Greater(t, alive, 5)
}

// TestStreamCheckEndsIt: what the hub is not told (a tenant deleted behind
// its back) ends the stream at the next keep-alive.
func TestStreamCheckEndsIt(t *testing.T) {
	h := events.New(4, 8)
	srv := streamServer(t, events.Stream{KeepAlive: 10 * time.Millisecond, WriteTimeout: time.Second,
		Check: func(context.Context) string { return "gone" }},
		0, func() *events.Subscription { return h.Subscribe("a") })
	c, _ := frames(t, srv.URL)
	next(t, c)
	require.Equal(t, `end {"reason":"gone"}`, next(t, c))
}

// TestStreamOfAClientThatStopsReading: a browser that stops reading makes
// the stream's writes wait, never the publisher; what it missed is
// replaced by a resync once it reads again.
func TestStreamOfAClientThatStopsReading(t *testing.T) {
	h := events.New(4, 64)
	srv := streamServer(t, events.Stream{KeepAlive: time.Hour, WriteTimeout: 30 * time.Second}, 0,
		func() *events.Subscription { return h.Subscribe("a") })
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	_, err = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	rd := bufio.NewReader(conn)
	for line := ""; line != "event: ready\n"; { // past the response's headers
		line, err = rd.ReadString('\n')
		require.NoError(t, err)
	}
	// 64 MiB of events: far more than the socket's buffers hold.
	payload := strings.Repeat("x", 1024)
	started := time.Now()
	const published = 64 << 10
	for i := range published {
		h.Publish(events.Event{Tenant: "a", Type: events.Journal, Data: map[string]any{"i": i, "pad": payload}})
	}
	require.Less(t, time.Since(started), 10*time.Second, "publishing never waits for the reader")
	received, resynced := 0, false
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	for !resynced {
		line, err := rd.ReadString('\n')
		require.NoError(t, err, "a resync comes")
		switch {
		case strings.HasPrefix(line, "event: journal"):
			received++
		case strings.HasPrefix(line, "event: resync"):
			resynced = true
		}
	}
	require.Less(t, received, published, "events were dropped, not held")
}
