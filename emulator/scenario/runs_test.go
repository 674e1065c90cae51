package scenario_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/scenarios"
)

// newRunsHandler is an emulator whose control API serves the runs.
func newRunsHandler(t *testing.T, opts ...emulator.Option) http.Handler {
	t.Helper()
	e, err := emulator.New(append([]emulator.Option{emulator.WithSeed("none"), emulator.WithTick(0)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	return e
}

// serve sends a control call; headers come in name, value pairs.
func serve(h http.Handler, method, path, body string, headers ...string) (int, map[string]any) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	h.ServeHTTP(rec, req)
	var out map[string]any
	json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

// finished polls a run until it leaves "running", for at most 20 seconds.
func finished(t *testing.T, h http.Handler, id string, headers ...string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		code, run := serve(h, http.MethodGet, "/__fakebots/scenarios/runs/"+id, "", headers...)
		require.Equal(t, http.StatusOK, code)
		if run["status"] != "running" {
			return run
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("run %s still running after 20s", id)
	return nil
}

func TestRunsEndpoints(t *testing.T) {
	h := newRunsHandler(t)
	code, started := serve(h, http.MethodPost, "/__fakebots/scenarios/runs", `
version: 1
name: through the control API
tenant: demo
steps:
  - call: {platform: salebot, operation: connected_channels, params: {api_key: "{{tenant.salebot.api_key}}"}}
    expect: {status: 200}
  - call: {platform: salebot, operation: connected_channels, params: {api_key: "{{tenant.salebot.api_key}}"}}
    expect: {status: 418}
  - clock: {freeze: true}
`)
	require.Equal(t, http.StatusAccepted, code)
	require.Equal(t, "running", started["status"])
	id := started["id"].(string)
	require.True(t, strings.HasPrefix(id, "run_"))

	run := finished(t, h, id)
	require.Equal(t, "failed", run["status"])
	steps := run["steps"].([]any)
	require.Len(t, steps, 3)
	statuses := []any{steps[0].(map[string]any)["status"], steps[1].(map[string]any)["status"], steps[2].(map[string]any)["status"]}
	require.Equal(t, []any{"passed", "failed", "skipped"}, statuses)
	require.Equal(t, "the answer (200) differs: status: expected 418, got 200", steps[1].(map[string]any)["message"])

	code, list := serve(h, http.MethodGet, "/__fakebots/scenarios/runs", "")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, id, list["data"].([]any)[0].(map[string]any)["id"])
}

func TestRunsRefuseWhatTheControlAPIMayNotDo(t *testing.T) {
	h := newRunsHandler(t)
	code, body := serve(h, http.MethodPost, "/__fakebots/scenarios/runs", "version: 1\nname: x\nexec: {command: rm -rf /}\nsteps:\n  - clock: {freeze: true}\n")
	require.Equal(t, http.StatusBadRequest, code)
	require.Contains(t, body["error"], "does not start processes")

	code, body = serve(h, http.MethodPost, "/__fakebots/scenarios/runs", "version: 1\nname: x\nsteps:\n  - control: {path: \"{{env.HOME}}\"}\n")
	require.Equal(t, http.StatusAccepted, code)
	run := finished(t, h, body["id"].(string))
	require.Equal(t, "{{env.HOME}}: the environment is not open to this run", run["steps"].([]any)[0].(map[string]any)["message"])

	code, body = serve(h, http.MethodPost, "/__fakebots/scenarios/runs", "version: 1\nname: x\nsteps:\n  - clock: {frezze: true}\n")
	require.Equal(t, http.StatusBadRequest, code)
	require.Contains(t, body["error"], "scenario:4:13: unknown key \"frezze\"")

	code, _ = serve(h, http.MethodGet, "/__fakebots/scenarios/runs/run_nope", "")
	require.Equal(t, http.StatusNotFound, code)
}

func TestShippedScenariosListed(t *testing.T) {
	code, body := serve(newRunsHandler(t), http.MethodGet, "/__fakebots/scenarios", "")
	require.Equal(t, http.StatusOK, code)
	var names []string
	for _, s := range body["data"].([]any) {
		names = append(names, s.(map[string]any)["file"].(string))
	}
	require.Contains(t, names, "salebot-lead-funnel.yaml")
	require.Len(t, names, 5)

	// Each is served as written, for a client to show or run it.
	h := newRunsHandler(t)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/__fakebots/scenarios/salebot-lead-funnel.yaml", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "application/yaml", rec.Header().Get("Content-Type"))
	want, err := scenarios.Read("salebot-lead-funnel.yaml")
	require.NoError(t, err)
	require.Equal(t, string(want), rec.Body.String())
	code, body = serve(h, http.MethodGet, "/__fakebots/scenarios/nope.yaml", "")
	require.Equal(t, http.StatusNotFound, code)
	require.Equal(t, map[string]any{"error": "no shipped scenario nope.yaml"}, body)
}

// A run started with the control token acts with it: it creates its tenant,
// calls the platforms and uses the tenant's control endpoints; without the
// token nothing starts.
func TestRunsBehindTheControlToken(t *testing.T) {
	h := newRunsHandler(t, emulator.WithControlToken("s3cret"))
	src := `
version: 1
name: behind the token
tenant: demo
steps:
  - clock: {freeze: true}
  - call: {platform: cleverapp, operation: getMe, params: {api_token: "{{tenant.cleverapp.api_token}}"}}
    expect: {status: 200}
  - expect_state: {control: "journal?platform=cleverapp", body: {data: [{operation: getMe}]}}
`
	code, body := serve(h, http.MethodPost, "/__fakebots/scenarios/runs", src)
	require.Equal(t, http.StatusUnauthorized, code)
	require.Equal(t, "this emulator's control API needs Authorization: Bearer <token>", body["error"])
	code, _ = serve(h, http.MethodGet, "/__fakebots/scenarios", "")
	require.Equal(t, http.StatusUnauthorized, code)

	code, body = serve(h, http.MethodPost, "/__fakebots/scenarios/runs", src, "Authorization", "Bearer s3cret")
	require.Equal(t, http.StatusAccepted, code)
	run := finished(t, h, body["id"].(string), "Authorization", "bearer s3cret")
	require.Equal(t, "passed", run["status"], "%v", run)
	require.Empty(t, run["error"], "the tenant was removed at the end")

	code, _ = serve(h, http.MethodGet, "/__fakebots/tenants/"+run["tenant"].(string), "", "Authorization", "Bearer s3cret")
	require.Equal(t, http.StatusNotFound, code, "the run's tenant is gone")
}

// Closing the emulator ends the runs in progress: they stop waiting, remove
// their tenants, and no new run starts.
func TestRunsEndWithTheEmulator(t *testing.T) {
	e, err := emulator.New(emulator.WithSeed("none"), emulator.WithTick(0))
	require.NoError(t, err)
	code, body := serve(e, http.MethodPost, "/__fakebots/scenarios/runs", `
version: 1
name: waits for a call that never comes
steps:
  - expect_calls: {platform: salebot, operation: message, within: 4m}
`)
	require.Equal(t, http.StatusAccepted, code)
	id := body["id"].(string)
	deadline := time.Now().Add(10 * time.Second)
	for { // the run has created its tenant and is waiting
		_, tenants := serve(e, http.MethodGet, "/__fakebots/tenants", "")
		if len(tenants["data"].([]any)) == 1 {
			break
		}
		require.True(t, time.Now().Before(deadline), "the run did not create its tenant")
		time.Sleep(5 * time.Millisecond)
	}
	closed := make(chan struct{})
	go func() {
		e.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("Close waited for a run of four minutes")
	}
	code, run := serve(e, http.MethodGet, "/__fakebots/scenarios/runs/"+id, "")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "failed", run["status"])
	require.Equal(t, "context canceled", run["steps"].([]any)[0].(map[string]any)["message"])
	require.Empty(t, run["error"], "the tenant was removed before the store closed")
}

// GET …/runs/{id} is live: the step in progress is running, the later ones
// pending, until the system under test (here, the test) does its part.
func TestRunsShowTheStepInProgress(t *testing.T) {
	h := newRunsHandler(t)
	code, body := serve(h, http.MethodPost, "/__fakebots/scenarios/runs", `
version: 1
name: live
tenant: demo
steps:
  - clock: {freeze: true}
  - expect_calls: {platform: salebot, operation: message, within: 20s}
  - clock: {resume: true}
`)
	require.Equal(t, http.StatusAccepted, code)
	id := body["id"].(string)
	var run map[string]any
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, run = serve(h, http.MethodGet, "/__fakebots/scenarios/runs/"+id, "")
		if steps := run["steps"].([]any); steps[1].(map[string]any)["status"] == "running" {
			require.Equal(t, "passed", steps[0].(map[string]any)["status"])
			require.Equal(t, "pending", steps[2].(map[string]any)["status"])
			require.Equal(t, "running", run["status"])
			break
		}
		require.True(t, time.Now().Before(deadline), "the second step never showed as running: %v", run)
		time.Sleep(5 * time.Millisecond)
	}
	code, _ = serve(h, http.MethodPost, "/t/"+run["tenant"].(string)+"/salebot/api/d3f31dabef80ddeb73d43938b4ef8bb0/message", `{"client_id": 21087377, "message": "hi"}`)
	require.Equal(t, http.StatusOK, code)
	run = finished(t, h, id)
	require.Equal(t, "passed", run["status"], "%v", run)
}
