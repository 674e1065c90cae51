package control_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/clock"
	"github.com/fakebots/fakebots/emulator/control"
	"github.com/fakebots/fakebots/emulator/events"
	"github.com/fakebots/fakebots/emulator/faults"
	"github.com/fakebots/fakebots/emulator/journal"
	"github.com/fakebots/fakebots/emulator/limits"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/spec"
	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/emulator/tenant"
)

// epoch is the global clock's time in these tests: it stands still.
var epoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// plainPlatform is a platform with one operation and no control routes;
// the control API calls nothing of it but Name and Spec, and the tenant
// manager Provision.
type plainPlatform struct {
	platform.Platform
	name string
}

func (p *plainPlatform) Name() string { return p.name }

func (p *plainPlatform) Spec() *spec.Spec {
	return &spec.Spec{Platform: p.name, Operations: []*spec.Operation{{ID: "send", Method: "POST", Path: "/send", Fidelity: "documented"}}}
}

func (p *plainPlatform) Provision(_ *store.Tx, s platform.Setup) (any, error) {
	return map[string]string{"token": s.TenantID + "-" + p.name}, nil
}

// routedPlatform has a control route, POST settings, answered by handle.
type routedPlatform struct {
	plainPlatform
	handle func(c *platform.ControlRequest) (int, any, error)
}

func (p *routedPlatform) ControlRoutes() []platform.ControlRoute {
	return []platform.ControlRoute{{Method: "POST", Path: "settings", Handle: func(c *platform.ControlRequest) (int, any, error) {
		return p.handle(c)
	}}}
}

// harness is a control API over a fresh store with tenants acme and other,
// a platform without control routes (plain) and one with (alpha).
type harness struct {
	api      *control.API
	store    *store.Store
	tenants  *tenant.Manager
	runtime  *tenant.Runtime
	global   *clock.Clock
	journal  *journal.Journal
	limiter  *limits.Limiter
	hub      *events.Hub
	alpha    *routedPlatform
	log      bytes.Buffer
	due      []string // RunDue's calls, tenant@time
	resetErr error    // what ResetAll returns
}

func newHarness(t *testing.T, configure ...func(*control.Config)) *harness {
	t.Helper()
	st, err := store.Open("")
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	h := &harness{store: st, global: clock.New(func() time.Time { return epoch }), journal: journal.New(journal.Bounds{Entries: 100}),
		limiter: limits.New(), hub: control.NewHub()}
	t.Cleanup(h.hub.Close)
	h.global.Freeze()
	h.runtime = tenant.NewRuntime(h.global, true, nil)
	h.alpha = &routedPlatform{plainPlatform: plainPlatform{name: "alpha"}, handle: func(c *platform.ControlRequest) (int, any, error) {
		return http.StatusOK, map[string]string{"body": string(c.Body)}, nil
	}}
	platforms := []platform.Platform{&plainPlatform{name: "plain"}, h.alpha}
	h.tenants = &tenant.Manager{Store: st, Runtime: h.runtime, Platforms: platforms}
	for _, id := range []string{"acme", "other"} {
		_, err := h.tenants.Create(context.Background(), tenant.Request{ID: id})
		require.NoError(t, err)
	}
	cfg := control.Config{
		Store: st, Tenants: h.tenants, Runtime: h.runtime, Journal: h.journal, Faults: &faults.Set{}, Limiter: h.limiter,
		Platforms: platforms, Env: &platform.Env{Store: st}, MaxBodyBytes: 1024, Events: h.hub,
		Log: slog.New(slog.NewTextHandler(&h.log, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}})),
		RunDue: func(_ context.Context, id string, now time.Time) {
			h.due = append(h.due, id+"@"+now.Format(time.TimeOnly))
		},
		ResetAll: func(context.Context) error { return h.resetErr },
	}
	for _, c := range configure {
		c(&cfg)
	}
	h.api = control.New(cfg)
	return h
}

// do calls the control API and returns the status and body; headers are
// name, value pairs.
func (h *harness) do(t *testing.T, method, path, body string, headers ...string) (int, string) {
	t.Helper()
	r := httptest.NewRequest(method, control.Prefix+path, strings.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	h.api.ServeHTTP(w, r)
	return w.Code, w.Body.String()
}

// expect calls the control API and checks the answer's status and body.
func (h *harness) expect(t *testing.T, method, path, body string, status int, answer string) {
	t.Helper()
	got, out := h.do(t, method, path, body)
	require.Equal(t, status, got, "%s %s: %s", method, path, out)
	require.JSONEq(t, answer, out, "%s %s", method, path)
}

// internalError is the answer to a call the emulator could not complete.
const internalError = `{"error":"internal error: the emulator could not complete the call (see its log)"}`

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	out, err := json.Marshal(v)
	require.NoError(t, err)
	return string(out)
}
