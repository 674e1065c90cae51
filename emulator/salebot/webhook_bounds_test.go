package salebot_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// waitBound is how long a test waits for something that should happen at once.
const waitBound = 5 * time.Second

// arrivals is a receiver that counts requests on a channel and answers
// each as answer says (nil: 200 at once).
type arrivals struct {
	URL  string
	got  chan *http.Request
	body chan []byte
}

func newArrivals(t *testing.T, answer func(w http.ResponseWriter, r *http.Request)) *arrivals {
	t.Helper()
	a := &arrivals{got: make(chan *http.Request, 1000), body: make(chan []byte, 1000)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a.got <- r
		a.body <- body
		if answer != nil {
			answer(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	a.URL = srv.URL
	return a
}

// hanging answers nothing until release is called (at the latest when the
// test ends) or the sender gives up; then 200.
func hanging(t *testing.T) (a *arrivals, release func()) {
	gate := make(chan struct{})
	var once sync.Once
	release = func() { once.Do(func() { close(gate) }) }
	a = newArrivals(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-gate:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(release) // runs before the server's Close
	return a, release
}

// await waits for n requests, failing the test after bound.
func (a *arrivals) await(t *testing.T, n int, bound time.Duration) {
	t.Helper()
	deadline := time.After(bound)
	for i := 0; i < n; i++ {
		select {
		case <-a.got:
		case <-deadline:
			t.Fatalf("%d of %d requests arrived within %v", i, n, bound)
		}
	}
}

// none checks that no request is waiting to be counted.
func (a *arrivals) none(t *testing.T) {
	t.Helper()
	select {
	case r := <-a.got:
		t.Fatalf("unexpected request %s %s", r.Method, r.URL)
	default:
	}
}

// flushWithin waits for the tenant's deliveries, failing after bound.
func flushWithin(t *testing.T, s *fakebotstest.Server, tenantID string, bound time.Duration) {
	t.Helper()
	r := s.Do(t, "POST", "/__fakebots/tenants/"+tenantID+"/salebot/webhook/flush", map[string]any{"timeout_ms": bound.Milliseconds()})
	require.Equal(t, http.StatusOK, r.Status, "flush: %s", r.Body)
}

// deliveryLog is the delivery log as the control API answers it.
func deliveryLog(t *testing.T, s *fakebotstest.Server, tenantID string) []map[string]any {
	t.Helper()
	flushWithin(t, s, tenantID, waitBound)
	r := s.Do(t, "GET", "/__fakebots/tenants/"+tenantID+"/salebot/webhook/deliveries", nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	var out struct{ Data []map[string]any }
	r.JSON(t, &out)
	return out.Data
}

func tenantClock(t *testing.T, s *fakebotstest.Server, tenantID, call string, body any) {
	t.Helper()
	r := s.Do(t, "POST", "/__fakebots/tenants/"+tenantID+"/clock/"+call, body)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
}

// Eight tenants whose receivers hang (as many as there once were delivery
// slots for the whole emulator) do not hold up another tenant's deliveries.
func TestStuckReceiversDelayOnlyTheirOwnTenants(t *testing.T) {
	srv := fakebotstest.NewServer(t)
	stuck, _ := hanging(t)
	for i := 0; i < 8; i++ {
		sb := srv.NewTenant(t, fakebotstest.WithFixture(hookFixture)).Salebot
		sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: stuck.URL, TimeoutMS: 30000})
		for j := 0; j < 3; j++ {
			r := srv.Do(t, "POST", sb.URL("message"), map[string]any{"client_id": 77, "message": "into the hang"})
			require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		}
	}
	stuck.await(t, 8, waitBound) // every stuck tenant has an attempt hanging

	healthy := newArrivals(t, nil)
	tn := srv.NewTenant(t, fakebotstest.WithFixture(hookFixture))
	sb := tn.Salebot
	sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: healthy.URL})
	for j := 0; j < 5; j++ {
		r := srv.Do(t, "POST", sb.URL("message"), map[string]any{"client_id": 77, "message": "fine"})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	}
	healthy.await(t, 5, 3*time.Second)
	log := deliveryLog(t, srv, tn.ID)
	require.Len(t, log, 5)
	for _, d := range log {
		require.Equal(t, "delivered", d["outcome"])
	}
	stuck.none(t) // each stuck tenant sends one delivery at a time
}

func TestWebhookBoundsAreChecked(t *testing.T) {
	e := newEnv(t, hookFixture)
	for _, c := range []struct {
		body any
		want string
	}{
		{map[string]any{"url": "http://x", "timeout_ms": 30001}, `{"error":"webhook: timeout_ms must be between 1 and 30000, got 30001"}`},
		{map[string]any{"url": "http://x", "retries": 11}, `{"error":"webhook: retries must be between 0 and 10, got 11"}`},
		{map[string]any{"url": "http://x", "retry_backoff_ms": 60001}, `{"error":"webhook: retry_backoff_ms must be between 0 and 60000, got 60001"}`},
		{map[string]any{"url": "http://x", "timeout_ms": 30000, "retries": 10, "retry_backoff_ms": 30000},
			`{"error":"webhook: a delivery could take 630 s ((retries+1)×timeout_ms + retries×retry_backoff_ms), more than the 600 s a delivery may last"}`},
	} {
		r := e.f.Do(t, "PUT", "/__fakebots/tenants/"+e.f.Tenant.ID+"/salebot/webhook", c.body)
		require.Equal(t, http.StatusBadRequest, r.Status, "%v", c.body)
		require.Equal(t, c.want, strings.TrimSpace(string(r.Body)))
	}
	ok := map[string]any{"url": "http://x", "timeout_ms": 30000, "retries": 10, "retry_backoff_ms": 27000}
	r := e.f.Do(t, "PUT", "/__fakebots/tenants/"+e.f.Tenant.ID+"/salebot/webhook", ok)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
}

// A retry waits on the tenant's clock: with the clock frozen it happens
// exactly when the clock is advanced to it, and the log shows each
// attempt at its time on that clock.
func TestRetryWaitsForTheTenantClock(t *testing.T) {
	e := newEnv(t, hookFixture)
	var mu sync.Mutex
	statuses := []int{500}
	recv := newArrivals(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		status := http.StatusOK
		if len(statuses) > 0 {
			status, statuses = statuses[0], statuses[1:]
		}
		w.WriteHeader(status)
	})
	id := e.f.Tenant.ID
	tenantClock(t, e.f.Server, id, "set", map[string]any{"now": moscowOnePM, "freeze": true})
	e.sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: recv.URL, Retries: 2, RetryBackoffMS: 5000})
	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "hi"})

	flushWithin(t, e.f.Server, id, waitBound)
	recv.await(t, 1, waitBound)
	tenantClock(t, e.f.Server, id, "advance", map[string]any{"by": "4999ms"})
	flushWithin(t, e.f.Server, id, waitBound)
	recv.none(t)
	tenantClock(t, e.f.Server, id, "advance", map[string]any{"by": "1ms"})
	flushWithin(t, e.f.Server, id, waitBound)
	recv.await(t, 1, waitBound)

	log := deliveryLog(t, e.f.Server, id)
	require.Len(t, log, 1)
	require.Equal(t, "delivered", log[0]["outcome"])
	require.EqualValues(t, 2, log[0]["attempts"])
	tries := log[0]["attempt_log"].([]any)
	require.Len(t, tries, 2)
	first, second := tries[0].(map[string]any), tries[1].(map[string]any)
	require.Equal(t, moscowOnePM.UTC().Format(time.RFC3339Nano), first["at"])
	require.EqualValues(t, 500, first["status"])
	require.Equal(t, "receiver answered 500", first["error"])
	require.Equal(t, moscowOnePM.Add(5*time.Second).UTC().Format(time.RFC3339Nano), second["at"])
	require.EqualValues(t, 200, second["status"])
	require.Equal(t, "", second["error"])
}

// A delivery the dispatcher can no longer take is logged as dropped, with
// its reason and without the payload it never sent.
func TestDroppedDeliveryKeepsNoPayload(t *testing.T) {
	e := newEnv(t, hookFixture)
	recv := newArrivals(t, nil)
	e.sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: recv.URL})
	closer, ok := e.platform().(io.Closer)
	require.True(t, ok)
	require.NoError(t, closer.Close()) // as when the emulator shuts down
	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "too late"})

	log := deliveryLog(t, e.f.Server, e.f.Tenant.ID)
	require.Len(t, log, 1)
	require.Equal(t, "dropped", log[0]["outcome"])
	require.Nil(t, log[0]["payload"])
	require.Equal(t, "dropped: webhook dispatcher closed", log[0]["error"])
	require.EqualValues(t, 0, log[0]["attempts"])
	recv.none(t)
}

// A tenant's queued deliveries are bounded in bytes: with a receiver that
// hangs and clients whose variables are large, what does not fit is dropped
// (and says why) instead of filling memory.
func TestQueuedBytesAreBoundedPerTenant(t *testing.T) {
	e := newEnv(t, hookFixture)
	stuck, release := hanging(t)
	big := strings.Repeat("x", 1<<20)
	e.ok("POST", "save_variables", map[string]any{"client_id": 77, "variables": map[string]any{"client.note": big}})
	e.sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: stuck.URL, TimeoutMS: 30000})
	for i := 0; i < 10; i++ {
		e.ok("POST", "message", map[string]any{"client_id": 77, "message": "m"})
	}
	stuck.await(t, 1, waitBound)
	release()
	log := deliveryLog(t, e.f.Server, e.f.Tenant.ID)
	require.Len(t, log, 10)
	for _, d := range log { // 7 of about 1 MiB fit in 8 MiB, the last 3 did not
		if id(d["message_id"]) > 104007 {
			require.Equal(t, "dropped", d["outcome"], "message %v", d["message_id"])
			require.Nil(t, d["payload"])
			require.Equal(t, "dropped: queue full (8 MiB)", d["error"])
			require.EqualValues(t, 0, d["attempts"])
			continue
		}
		require.Equal(t, "delivered", d["outcome"], "message %v", d["message_id"])
		var body struct {
			Client struct{ Variables map[string]string }
		}
		raw, err := json.Marshal(d["payload"])
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &body))
		require.Equal(t, big, body.Client.Variables["note"])
	}
}

// A reset tenant starts afresh: deliveries of before the reset, queued
// behind one that hangs, never go out and never land in the fresh log.
func TestResetCancelsTheTenantsQueuedDeliveries(t *testing.T) {
	e := newEnv(t, hookFixture)
	recv, release := hanging(t)
	id := e.f.Tenant.ID
	e.sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: recv.URL})
	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "first"})
	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "second"})
	recv.await(t, 1, waitBound) // the first hangs; the second waits its turn

	e.f.Tenant.Reset(t)
	release()
	flushWithin(t, e.f.Server, id, waitBound)
	recv.none(t)
	require.Empty(t, deliveryLog(t, e.f.Server, id), "the fresh tenant's log holds nothing of before")
}
