package fakebotstest_test

// These tests need the emulator's per-tenant control endpoints (the
// tenant's journal, clock and base URLs); until it serves them they skip.

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/scenario"
)

func requirePerTenantEndpoints(t *testing.T, f *fakebotstest.Fake) {
	r := f.Do(t, http.MethodGet, "/__fakebots/tenants/"+f.Tenant.ID+"/journal", nil)
	if r.Status == http.StatusNotFound {
		t.Skip("the emulator has no per-tenant journal yet")
	}
}

func TestRunScenario(t *testing.T) {
	f := fakebotstest.New(t)
	requirePerTenantEndpoints(t, f)
	res := fakebotstest.RunScenario(t, "../../scenarios/cleverapp-whatsapp-limit.yaml", fakebotstest.OnServer(f.Server))
	require.True(t, res.Passed())
}

func TestVerify(t *testing.T) {
	f := fakebotstest.New(t, fakebotstest.WithFixture("demo"))
	requirePerTenantEndpoints(t, f)
	r := f.Do(t, http.MethodPost, f.Tenant.CleverApp.BaseURL+"/getMe?api_token="+f.Tenant.CleverApp.APIToken, nil)
	require.Equal(t, http.StatusOK, r.Status)
	f.Verify(t, "cleverapp", "getMe", map[string]any{"api_token": scenario.Type("string")}).Once()
	f.Verify(t, "cleverapp", "sendMessage", nil).Never()

	one := 1
	res := scenario.VerifyCalls(t.Context(), f.Client(), f.URL, f.Tenant.ID, "", scenario.CallCheck{
		Platform: "cleverapp", Operation: "getMe", Params: map[string]any{"api_token": "wrong"}, Count: scenario.Count{Times: &one},
	})
	require.Equal(t, scenario.StatusFailed, res.Status)
	require.Contains(t, res.Text(), "closest of 1 calls the system under test made:")
	require.Contains(t, res.Text(), `✗ params.api_token: expected "wrong", got "demo-cleverapp-token"`)
}
