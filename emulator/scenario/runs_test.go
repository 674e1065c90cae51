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
	"github.com/fakebots/fakebots/emulator/scenario"
)

func newRunsHandler(t *testing.T) http.Handler {
	t.Helper()
	e, err := emulator.New(emulator.WithSeed("none"), emulator.WithTick(0))
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	return scenario.NewRunsHandler(&http.Client{Transport: scenario.HandlerTransport(tenantEndpoints(e))}, "http://fakebots.internal")
}

func serve(h http.Handler, method, path, body string) (int, map[string]any) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, strings.NewReader(body)))
	var out map[string]any
	json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

// finished polls a run until it leaves "running", for at most 20 seconds.
func finished(t *testing.T, h http.Handler, id string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		code, run := serve(h, http.MethodGet, "/__fakebots/scenarios/runs/"+id, "")
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
}
