package control_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/control"
	"github.com/fakebots/fakebots/emulator/events"
	"github.com/fakebots/fakebots/emulator/journal"
	"github.com/fakebots/fakebots/emulator/platform"
)

func TestAJournalEventSummarisesTheEntry(t *testing.T) {
	e := journal.Entry{ID: 7, Time: epoch, TenantID: "acme", Platform: "alpha", Operation: "send",
		Request: journal.Request{Method: "POST", Path: "/send", Body: "not in the event"}, Response: journal.Response{Status: 200}, DurationMS: 1.5}
	plain := control.JournalEvent(e)
	require.Equal(t, "acme", plain.Tenant)
	require.Equal(t, events.Journal, plain.Type)
	summary := `"id":7,"time":"2026-03-01T09:00:00Z","platform":"alpha","operation":"send","method":"POST","path":"/send","status":200,"duration_ms":1.5`
	require.JSONEq(t, `{`+summary+`}`, jsonOf(t, plain.Data))

	e.Fault, e.Miss = "f3", &journal.Miss{Reason: journal.NoOperation}
	require.JSONEq(t, `{`+summary+`,"fault":"f3","miss":"no_operation"}`, jsonOf(t, control.JournalEvent(e).Data))
}

// Only a call that changed something of the tenant is announced to its
// streams: a tenant route's GET, a refused call and a platform route that
// answered 400 are not.
func TestOnlyControlCallsThatChangedTheTenantAreAnnounced(t *testing.T) {
	h := newHarness(t)
	sub := h.hub.Subscribe("acme")
	h.expect(t, "GET", "/tenants/acme/clock", "", http.StatusOK, `{"now":"2026-03-01T09:00:00Z","frozen":true}`)
	h.expect(t, "POST", "/tenants/acme/clock/advance", `{"by":"-1s"}`, http.StatusBadRequest, `{"error":"give a positive \"by\" (\"90s\") or \"seconds\""}`)
	h.alpha.handle = func(*platform.ControlRequest) (int, any, error) {
		return http.StatusBadRequest, map[string]string{"error": "mode must be strict or lax"}, nil
	}
	h.expect(t, "POST", "/tenants/acme/alpha/settings", `{}`, http.StatusBadRequest, `{"error":"mode must be strict or lax"}`)
	h.alpha.handle = func(*platform.ControlRequest) (int, any, error) { return http.StatusAccepted, map[string]string{}, nil }
	h.expect(t, "POST", "/tenants/acme/alpha/settings", `{}`, http.StatusAccepted, `{}`)

	var got []string
	for len(sub.Events()) > 0 {
		e := <-sub.Events()
		got = append(got, e.Type+" "+jsonOf(t, e.Data))
	}
	require.Equal(t, []string{`control {"method":"POST","path":"/__fakebots/tenants/acme/alpha/settings","status":202}`}, got)
}

// Resetting a tenant gives it a clock at once, so its watchers hear of the
// global clock's changes as before.
func TestAResetTenantsClockFollowsTheGlobalOneAtOnce(t *testing.T) {
	h := newHarness(t)
	var heard []string
	h.runtime.OnClockChange(func(id string, now time.Time) { heard = append(heard, id+"@"+now.Format(time.TimeOnly)) })
	status, body := h.do(t, "POST", "/tenants/acme/reset", "")
	require.Equal(t, http.StatusOK, status, body)
	h.global.Advance(time.Minute)
	require.Equal(t, []string{"acme@09:01:00"}, heard)
}

// A stream whose tenant was deleted behind the hub's back (by another
// emulator sharing the store, say) finds out at a keep-alive and ends; while
// the tenant exists it only keeps alive.
func TestAStreamEndsWhenItFindsItsTenantGone(t *testing.T) {
	h := newHarness(t, func(c *control.Config) { c.StreamKeepAlive = 5 * time.Millisecond })
	srv := httptest.NewServer(h.api)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+control.Prefix+"/tenants/acme/events", nil)
	require.NoError(t, err)
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		for sc := bufio.NewScanner(resp.Body); sc.Scan(); {
			if sc.Text() != "" {
				lines <- sc.Text()
			}
		}
	}()
	next := func() string {
		select {
		case line, ok := <-lines:
			require.True(t, ok, "the stream closed")
			return line
		case <-time.After(10 * time.Second):
			t.Fatal("no line from the stream in 10s")
			return ""
		}
	}
	require.Equal(t, "event: ready", next())
	require.True(t, strings.HasPrefix(next(), "data: "))
	require.Equal(t, ": keep-alive", next())
	require.Equal(t, ": keep-alive", next())

	require.NoError(t, h.tenants.Delete(context.Background(), "acme"))
	line := next()
	for line == ": keep-alive" {
		line = next()
	}
	require.Equal(t, "event: end", line)
	var data map[string]string
	require.NoError(t, json.Unmarshal([]byte(strings.TrimPrefix(next(), "data: ")), &data))
	require.Equal(t, map[string]string{"reason": events.TenantDeleted}, data)
}
