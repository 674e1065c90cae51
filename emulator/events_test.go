package emulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/events"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// stream opens a tenant's event stream; its frames arrive on the channel,
// which closes when the stream ends.
type stream struct {
	frames <-chan events.Frame
	resp   *http.Response
}

func openStream(t *testing.T, s *fakebotstest.Server, tenant string, headers ...string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/__fakebots/tenants/"+tenant+"/events", nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	out := make(chan events.Frame, 256)
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
	return &stream{frames: out, resp: resp}
}

// until returns the next event of that type (see each).
func (st *stream) until(t *testing.T, typ string) map[string]any {
	t.Helper()
	return st.each(t, typ)[typ]
}

// each waits for the first event of every one of types, in whatever
// order they come, and returns their data by type. It fails on an end it
// was not asked for, and after 10s.
func (st *stream) each(t *testing.T, types ...string) map[string]map[string]any {
	t.Helper()
	want := map[string]bool{}
	for _, typ := range types {
		want[typ] = true
	}
	seen := map[string]map[string]any{}
	timeout := time.After(10 * time.Second)
	for len(seen) < len(want) {
		select {
		case f, ok := <-st.frames:
			require.True(t, ok, "the stream closed before events %v", types)
			if f.Event == events.End && !want[events.End] {
				t.Fatalf("the stream ended (%s) before events %v", f.Data, types)
			}
			if !want[f.Event] || seen[f.Event] != nil {
				continue
			}
			var data map[string]any
			require.NoError(t, json.Unmarshal(f.Data, &data))
			seen[f.Event] = data
		case <-timeout:
			t.Fatalf("of events %v only %d came within 10s", types, len(seen))
		}
	}
	return seen
}

// closed waits for the stream to close.
func (st *stream) closed(t *testing.T) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-st.frames:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("the stream is still open after 10s")
		}
	}
}

func salebotAPIKey(t *testing.T, tn *fakebotstest.Tenant) string {
	t.Helper()
	var sb struct {
		APIKey string `json:"api_key"`
	}
	require.NoError(t, json.Unmarshal(tn.Raw["salebot"], &sb))
	return sb.APIKey
}

// TestEventStreamTellsWhatChanges: every kind of change of the tenant's
// reaches its stream, in order, and none of another tenant's does.
func TestEventStreamTellsWhatChanges(t *testing.T) {
	s := newServer(t, emulator.WithRateLimits(false))
	tn, other := s.NewTenant(t), s.NewTenant(t)
	base := "/__fakebots/tenants/" + tn.ID
	st := openStream(t, s, tn.ID)
	require.Equal(t, http.StatusOK, st.resp.StatusCode)
	require.Equal(t, "text/event-stream", st.resp.Header.Get("Content-Type"))
	ready := st.until(t, events.Ready)
	require.Equal(t, false, ready["frozen"])
	require.Contains(t, ready, "now")

	key := salebotAPIKey(t, tn)
	s.Do(t, http.MethodGet, fmt.Sprintf("/salebot/api/%s/connected_channels", salebotAPIKey(t, other)), nil)
	r := s.Do(t, http.MethodGet, fmt.Sprintf("/salebot/api/%s/connected_channels", key), nil)
	require.Equal(t, http.StatusOK, r.Status)
	call := st.until(t, events.Journal)
	require.Equal(t, "salebot", call["platform"])
	require.Equal(t, "connected_channels", call["operation"])
	require.Equal(t, "GET", call["method"])
	require.Equal(t, "/salebot/api/"+key+"/connected_channels", call["path"])
	require.EqualValues(t, 200, call["status"])
	entry := s.Do(t, http.MethodGet, fmt.Sprintf("%s/journal/%v", base, call["id"]), nil)
	require.Equal(t, http.StatusOK, entry.Status, "the event names the entry")

	freeze := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	clockCall(t, s, http.MethodPost, base+"/clock/set", map[string]any{"now": freeze, "freeze": true})
	require.Equal(t, true, st.until(t, events.Clock)["frozen"], "set with freeze: frozen first")
	require.Equal(t, map[string]any{"now": "2031-05-06T07:08:09Z", "frozen": true}, st.until(t, events.Clock), "then set")
	require.Equal(t, map[string]any{"method": "POST", "path": base + "/clock/set", "status": 200.0}, st.until(t, events.Control))

	got := make(chan []byte, 1)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body [1 << 14]byte
		n, _ := r.Body.Read(body[:])
		got <- body[:n]
	}))
	t.Cleanup(receiver.Close)
	require.Equal(t, http.StatusOK, s.Do(t, http.MethodPut, base+"/salebot/webhook", map[string]any{"url": receiver.URL}).Status)
	require.Equal(t, base+"/salebot/webhook", st.until(t, events.Control)["path"])
	in := s.Do(t, http.MethodPost, base+"/salebot/inbound", map[string]any{"platform_id": "777", "text": "hello"})
	require.Equal(t, http.StatusCreated, in.Status, string(in.Body))
	<-got
	// The delivery runs beside the inbound call: its event may come before
	// or after the call's own.
	seen := st.each(t, events.Control, events.Webhook)
	require.Equal(t, base+"/salebot/inbound", seen[events.Control]["path"])
	hook := seen[events.Webhook]
	require.Equal(t, "salebot", hook["platform"])
	require.Equal(t, "delivered", hook["outcome"])
	require.EqualValues(t, 200, hook["status"])

	var client struct {
		ClientID int64 `json:"client_id"`
	}
	in.JSON(t, &client)
	sent := s.Do(t, http.MethodPost, fmt.Sprintf("/salebot/api/%s/message", key),
		map[string]any{"client_id": client.ClientID, "message": "later", "time_shift": 60})
	require.Equal(t, http.StatusOK, sent.Status, string(sent.Body))
	clockCall(t, s, http.MethodPost, base+"/clock/advance", map[string]any{"by": "1m"})
	delivered := st.until(t, events.Outbox)["delivered"].([]any)
	require.Len(t, delivered, 1)
	require.Equal(t, "salebot", delivered[0].(map[string]any)["platform"])
	require.Equal(t, "delivered", delivered[0].(map[string]any)["status"])

	require.Equal(t, http.StatusOK, s.Do(t, http.MethodPost, base+"/reset", nil).Status)
	require.Equal(t, map[string]any{"tenant": tn.ID}, st.until(t, events.Reset))
	clockCall(t, s, http.MethodPost, base+"/clock/freeze", nil)
	require.Equal(t, true, st.until(t, events.Clock)["frozen"], "the clock the tenant has after its reset is followed")

	require.Equal(t, http.StatusNoContent, s.Do(t, http.MethodDelete, base, nil).Status)
	require.Equal(t, map[string]any{"reason": events.TenantDeleted}, st.until(t, events.End))
	st.closed(t)
}

// TestEventStreamFollowsTheGlobalClock: a tenant without a clock of its own
// hears of the global clock's changes.
func TestEventStreamFollowsTheGlobalClock(t *testing.T) {
	s := newServer(t)
	tn := s.NewTenant(t)
	st := openStream(t, s, tn.ID)
	st.until(t, events.Ready)
	clockCall(t, s, http.MethodPost, "/__fakebots/clock/freeze", nil)
	require.Equal(t, true, st.until(t, events.Clock)["frozen"])
}

func TestEventStreamAccess(t *testing.T) {
	s := newServer(t, emulator.WithControlToken("secret"))
	admin := []string{"Authorization", "Bearer secret"}
	var a, b struct {
		ID    string `json:"id"`
		Token string `json:"control_token"`
	}
	s.Do(t, http.MethodPost, "/__fakebots/tenants", map[string]any{}, admin...).JSON(t, &a)
	s.Do(t, http.MethodPost, "/__fakebots/tenants", map[string]any{}, admin...).JSON(t, &b)
	events := "/__fakebots/tenants/" + a.ID + "/events"
	require.Equal(t, http.StatusUnauthorized, s.Do(t, http.MethodGet, events, nil).Status)
	require.Equal(t, http.StatusForbidden, s.Do(t, http.MethodGet, events, nil, "Authorization", "Bearer "+b.Token).Status, "another tenant's token")
	require.Equal(t, http.StatusNotFound, s.Do(t, http.MethodGet, "/__fakebots/tenants/nobody/events", nil, admin...).Status)
	for _, token := range []string{"secret", a.Token} {
		st := openStream(t, s, a.ID, "Authorization", "Bearer "+token)
		require.Equal(t, http.StatusOK, st.resp.StatusCode)
		st.until(t, "ready")
	}
}

// TestEventStreamsEnd: a server shutting down and a whole reset end every
// stream, saying why; a tenant holds a bounded number open.
func TestEventStreamsEnd(t *testing.T) {
	s := newServer(t)
	tn := s.NewTenant(t)
	st := openStream(t, s, tn.ID)
	st.until(t, events.Ready)
	s.Emulator.EndStreams()
	require.Equal(t, map[string]any{"reason": events.ShuttingDown}, st.until(t, events.End))
	st.closed(t)

	st = openStream(t, s, tn.ID)
	st.until(t, events.Ready)
	require.Equal(t, http.StatusOK, s.Do(t, http.MethodPost, "/__fakebots/reset", nil).Status)
	require.Equal(t, map[string]any{"reason": events.EmulatorReset}, st.until(t, events.End))
	st.closed(t)

	tn = s.NewTenant(t)
	for range 32 {
		openStream(t, s, tn.ID).until(t, events.Ready)
	}
	refused := s.Do(t, http.MethodGet, "/__fakebots/tenants/"+tn.ID+"/events", nil)
	require.Equal(t, http.StatusTooManyRequests, refused.Status)
	require.JSONEq(t, `{"error":"tenant `+tn.ID+` has as many event streams open as it may; close one"}`, string(refused.Body))
}

// TestEventStreamAnnouncesChangesOnly: reading a tenant's state, or a call
// that failed, tells its streams nothing; the first control event is the
// first change. A journal event names the fault that answered.
func TestEventStreamAnnouncesChangesOnly(t *testing.T) {
	s := newServer(t)
	tn := s.NewTenant(t)
	base := "/__fakebots/tenants/" + tn.ID
	st := openStream(t, s, tn.ID)
	st.until(t, events.Ready)
	clockCall(t, s, http.MethodGet, base+"/clock", nil)
	require.Equal(t, http.StatusBadRequest, s.Do(t, http.MethodPost, base+"/clock/advance", `{"by":"never"}`).Status)
	clockCall(t, s, http.MethodPost, base+"/clock/freeze", nil)
	require.Equal(t, map[string]any{"method": "POST", "path": base + "/clock/freeze", "status": 200.0}, st.until(t, events.Control))

	fault := tn.FailNext(t, fakebotstest.CleverApp, fakebotstest.CleverAppGetMe, 1, http.StatusServiceUnavailable, nil)
	s.Do(t, http.MethodGet, tn.CleverApp.BaseURL+"/getMe?api_token="+tn.CleverApp.APIToken, nil, "X-Requested-With", xhr)
	require.Equal(t, fault.ID, st.until(t, events.Journal)["fault"])
}

// TestEventStreamFollowsTheGlobalClockAfterAReset: a reset tenant's clock
// follows the global one, and its streams hear of that clock's changes.
func TestEventStreamFollowsTheGlobalClockAfterAReset(t *testing.T) {
	s := newServer(t)
	tn := s.NewTenant(t)
	st := openStream(t, s, tn.ID)
	st.until(t, events.Ready)
	require.Equal(t, http.StatusOK, s.Do(t, http.MethodPost, "/__fakebots/tenants/"+tn.ID+"/reset", nil).Status)
	st.until(t, events.Reset)
	clockCall(t, s, http.MethodPost, "/__fakebots/clock/freeze", nil)
	require.Equal(t, true, st.until(t, events.Clock)["frozen"])
}
