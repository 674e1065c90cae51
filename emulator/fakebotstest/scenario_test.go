package fakebotstest_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/scenario"
)

// scenarioCase names, in a child process of TestRunScenario, the failing
// run the child makes.
const scenarioCase = "FAKEBOTS_TEST_SCENARIO_CASE"

// TestRunScenario runs a passing scenario in process and, each in a child
// process (a failing test fails the whole test binary), runs that fail:
// each step is a subtest named after it, a failed step fails its subtest
// with the explanation and the steps after it are skipped; a scenario that
// cannot be read, a system under test that never starts and a run whose
// tenant cannot be deleted at the end fail the test at the line that ran it.
func TestRunScenario(t *testing.T) {
	if name := os.Getenv(scenarioCase); name != "" {
		failingRuns[name](t)
		return
	}
	f := fakebotstest.New(t)
	res := fakebotstest.RunScenario(t, "../../scenarios/cleverapp-whatsapp-limit.yaml", fakebotstest.OnServer(f.Server))
	require.True(t, res.Passed())

	atLine := `    scenario_test\.go:\d+: `
	for _, tc := range []struct{ name, want string }{
		{"a step fails", `=== RUN   TestRunScenario
=== RUN   TestRunScenario/01_a_missing_endpoint
    scenario.go:62: the answer (404) differs: status: expected a 2xx status, got 404
        answer: {"error":"no control endpoint at /__fakebots/tenants/<tenant>/nope"}
=== RUN   TestRunScenario/02_clock
    scenario.go:60: an earlier step failed
--- FAIL: TestRunScenario (…)
    --- FAIL: TestRunScenario/01_a_missing_endpoint (…)
    --- SKIP: TestRunScenario/02_clock (…)
`},
		{"no file", "<at>fakebotstest: stat nope.yaml: no such file or directory\n"},
		{"no system under test", `<at>fakebotstest: scenario a step fails: exec "exit 3": it ended before it was ready (exit status 3)` + "\n"},
		{"no tenant to delete", `<at>fakebotstest: scenario the tenant goes: DELETE /__fakebots/tenants/<tenant>: 404 {"error":"tenant not found"}` + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestRunScenario$", "-test.v=true", "-test.count=1", "-test.timeout=1m")
			cmd.Env = append(os.Environ(), scenarioCase+"="+tc.name)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit, "the run fails its test: %s", out)
			want := strings.NewReplacer("<at>", atLine, "<tenant>", `t_[0-9a-f]+`, `\(…\)`, `\(\d+\.\d+s\)`).Replace(regexp.QuoteMeta(tc.want))
			require.Regexp(t, want, string(out))
		})
	}
}

// failingRuns are the runs the child processes of TestRunScenario make.
var failingRuns = map[string]func(t *testing.T){
	"a step fails":         func(t *testing.T) { fakebotstest.RunScenario(t, aStepFails(t)) },
	"no file":              func(t *testing.T) { fakebotstest.RunScenario(t, "nope.yaml") },
	"no system under test": func(t *testing.T) { fakebotstest.RunScenario(t, aStepFails(t), fakebotstest.WithExec("exit 3")) },
	"no tenant to delete": func(t *testing.T) {
		s := fakebotstest.NewServer(t)
		fakebotstest.RunScenario(t, tenantGoes(t, s), fakebotstest.OnServer(s))
	},
}

// aStepFails is a scenario whose first step fails.
func aStepFails(t *testing.T) string {
	t.Helper()
	return writeScenario(t, `version: 1
name: a step fails
steps:
  - name: a missing endpoint
    control: {path: nope}
  - clock: {advance: 1s}
`)
}

func writeScenario(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.yaml")
	require.NoError(t, os.WriteFile(path, []byte(yaml), 0o600))
	return path
}

// tenantGoes is a scenario whose tenant is deleted while it runs, by the
// webhook it makes Salebot send.
func tenantGoes(t *testing.T, s *fakebotstest.Server) string {
	t.Helper()
	hook := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		s.Control.Call(r.Context(), http.MethodDelete, "/tenants"+r.URL.Path, nil, nil)
	}))
	t.Cleanup(hook.Close)
	return writeScenario(t, `version: 1
name: the tenant goes
steps:
  - webhook: {platform: salebot, url: "`+hook.URL+`/{{tenant.id}}"}
  - user: {platform: salebot, appears: {name: Анна, messenger: telegram, platform_id: "777001"}}
    capture: {client: body.id}
  - user: {platform: salebot, id: "{{client}}", writes: hi}
  - name: the tenant is gone
    expect_state: {control: clock, status: 404, within: 5s}
`)
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
