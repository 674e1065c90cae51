package fakebotstest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/scenario"
)

func TestRunScenario(t *testing.T) {
	f := fakebotstest.New(t)
	res := fakebotstest.RunScenario(t, "../../scenarios/cleverapp-whatsapp-limit.yaml", fakebotstest.OnServer(f.Server))
	require.True(t, res.Passed())
}

// The helpers keep working on a server whose control API needs a token,
// the scenario runner included.
func TestRunScenarioOnAServerWithAControlToken(t *testing.T) {
	s := fakebotstest.NewServer(t, fakebotstest.WithControlToken("secret"))
	res := fakebotstest.RunScenario(t, "../../scenarios/cleverapp-whatsapp-limit.yaml", fakebotstest.OnServer(s))
	require.True(t, res.Passed())
}

func TestVerify(t *testing.T) {
	f := fakebotstest.New(t, fakebotstest.WithFixture("demo"))
	r := f.Do(t, http.MethodGet, f.Tenant.CleverApp.BaseURL+"/getMe?api_token="+f.Tenant.CleverApp.APIToken, nil)
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
