package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The shipped scenarios that need no system under test.
var standalone = []string{
	"../../scenarios/bothelp-subscriber.yaml",
	"../../scenarios/cleverapp-whatsapp-limit.yaml",
	"../../scenarios/onebot-contact-variables.yaml",
}

// scenarioCLI runs `fakebots scenario args...`.
func scenarioCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(append([]string{"scenario"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// tenants lists a served emulator's tenants with the control token.
func tenants(t *testing.T, addr, token string) []any {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://"+addr+"/__fakebots/tenants", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var page struct{ Data []any }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
	return page.Data
}

// Against a shared emulator started with --control-token, scenarios run in
// parallel with the token, each in its own tenant, removed afterwards; the
// reports have a suite per file and a case per step.
func TestScenarioRunAgainstASidecarWithAControlToken(t *testing.T) {
	s := serveFor(t, "--control-token", "s3cret", "--seed", "none")
	dir := t.TempDir()
	junit, result := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "result.json")
	code, out, errOut := scenarioCLI(append([]string{"run", "--target", "http://" + s.main, "--control-token", "s3cret",
		"--parallel", "3", "--junit", junit, "--json", result}, standalone...)...)
	require.Equal(t, 0, code, "%s\n%s", out, errOut)
	require.True(t, strings.HasSuffix(out, "\n3 passed, 0 failed\n"), out)
	// Not a terminal: plain lines, each naming its scenario.
	require.Regexp(t, `(?m)^PASS CleverApp contact tagged and the WhatsApp send limit / 8\. the second one hits the WhatsApp limit \(\d+(\.\d+)?m?s\)$`, out)
	require.Regexp(t, `(?m)^--- PASS BotHelp subscriber synced, tagged and messaged \(`, out)
	require.Empty(t, tenants(t, s.main, "s3cret"), "every run removed its tenant")

	raw, err := os.ReadFile(junit)
	require.NoError(t, err)
	var doc struct {
		Suites []struct {
			File  string `xml:"file,attr"`
			Tests int    `xml:"tests,attr"`
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(raw, &doc))
	require.Len(t, doc.Suites, 3)
	for i, suite := range doc.Suites {
		require.Equal(t, standalone[i], suite.File)
		require.Equal(t, len(suite.Cases), suite.Tests)
	}
	require.Len(t, doc.Suites[1].Cases, 11)
	require.Equal(t, "08 the second one hits the WhatsApp limit", doc.Suites[1].Cases[7].Name)

	raw, err = os.ReadFile(result)
	require.NoError(t, err)
	var report struct {
		Passed, Failed int
		Scenarios      []struct{ Status string }
	}
	require.NoError(t, json.Unmarshal(raw, &report))
	require.Equal(t, 3, report.Passed)
	require.Len(t, report.Scenarios, 3)

	code, out, _ = scenarioCLI("run", "--target", "http://"+s.main, standalone[0])
	require.Equal(t, 1, code)
	require.Contains(t, out, `error: create the tenant: POST /__fakebots/tenants: 401 {"error":"this emulator's control API needs Authorization: Bearer <token>"}`)
	require.True(t, strings.HasSuffix(out, "0 passed, 1 failed\n"), out)
}

// FAKEBOTS_CONTROL_TOKEN sets the token of both sides.
func TestScenarioControlTokenFromTheEnvironment(t *testing.T) {
	t.Setenv("FAKEBOTS_CONTROL_TOKEN", "from-env")
	s := serveFor(t, "--seed", "none")
	code, out, errOut := scenarioCLI("run", "--target", "http://"+s.main, standalone[2])
	require.Equal(t, 0, code, "%s\n%s", out, errOut)
	require.Empty(t, tenants(t, s.main, "from-env"))
}

// Without --target an emulator starts in the process; a failing scenario
// exits 1 and shows its near miss; usage mistakes exit 2.
func TestScenarioRunExitCodes(t *testing.T) {
	code, out, _ := scenarioCLI("run", "../../emulator/scenario/testdata/failing.yaml")
	require.Equal(t, 1, code)
	require.Contains(t, out, "FAIL the system under test answers the wrong client / 2. the thank-you message")
	require.Contains(t, out, "expected exactly 1 matching call of salebot message from the system under test, got 0")
	require.Contains(t, out, "SKIP the system under test answers the wrong client / 3. clock\n")

	for _, args := range [][]string{{}, {"run"}, {"run", "--parallel", "0", standalone[0]}, {"launch"}, {"record"}} {
		code, _, _ := scenarioCLI(args...)
		require.Equal(t, 2, code, args)
	}
	code, _, errOut := scenarioCLI("run", "no-such-dir")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "no-such-dir")
}

// Flags may follow the files, as in `scenario run scenarios/ --junit
// out.xml`; after "--" every argument is a file.
func TestScenarioRunFlagsAfterTheFiles(t *testing.T) {
	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, out, errOut := scenarioCLI("run", standalone[2], "--junit", junit)
	require.Equal(t, 0, code, "%s\n%s", out, errOut)
	raw, err := os.ReadFile(junit)
	require.NoError(t, err)
	require.Contains(t, string(raw), `file="../../scenarios/onebot-contact-variables.yaml"`)

	code, _, errOut = scenarioCLI("run", "--", standalone[2], "--junit")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "--junit")
}

func TestParseInterspersed(t *testing.T) {
	for _, c := range []struct {
		args, paths []string
		junit       string
	}{
		{[]string{"a", "--junit", "j", "b"}, []string{"a", "b"}, "j"},
		{[]string{"--junit", "j", "a"}, []string{"a"}, "j"},
		{[]string{"a", "--", "--junit", "j"}, []string{"a", "--junit", "j"}, ""},
		{nil, nil, ""},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		junit := fs.String("junit", "", "")
		paths, err := parseInterspersed(fs, c.args)
		require.NoError(t, err, c.args)
		require.Equal(t, c.paths, paths, c.args)
		require.Equal(t, c.junit, *junit, c.args)
	}
}

func TestScenarioLint(t *testing.T) {
	code, out, _ := scenarioCLI("lint", "../../scenarios")
	require.Equal(t, 0, code)
	require.Equal(t, "5 scenarios are valid\n", out)

	code, _, errOut := scenarioCLI("lint", "../../emulator/scenario/testdata/lint-errors.yaml")
	require.Equal(t, 1, code)
	require.Regexp(t, `^\.\./\.\./emulator/scenario/testdata/lint-errors\.yaml:\d+:\d+: `, errOut)
}

// A tenant's journal recorded through the command replays green on the
// same sidecar.
func TestScenarioRecordThroughTheCommand(t *testing.T) {
	s := serveFor(t, "--control-token", "s3cret", "--seed", "none")
	dir := t.TempDir()
	flow := filepath.Join(dir, "flow.yaml")
	require.NoError(t, os.WriteFile(flow, []byte(`
version: 1
name: getMe twice
tenant: demo
steps:
  - clock: {freeze: true}
  - call: {platform: cleverapp, operation: getMe, params: {api_token: "{{tenant.cleverapp.api_token}}"}}
  - call: {platform: onebot, operation: getMe, params: {api_token: "{{tenant.onebot.api_token}}"}}
`), 0o644))
	code, out, errOut := scenarioCLI("run", "--target", "http://"+s.main, "--control-token", "s3cret", "--keep-tenant", flow)
	require.Equal(t, 0, code, "%s\n%s", out, errOut)
	list := tenants(t, s.main, "s3cret")
	require.Len(t, list, 1)
	id := list[0].(map[string]any)["id"].(string)

	code, recorded, errOut := scenarioCLI("record", "--target", "http://"+s.main, "--control-token", "s3cret", "--tenant", id)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, 2, strings.Count(recorded, "- call:"), recorded)
	require.Equal(t, 2, strings.Count(recorded, "path: /api/v1/getMe"), recorded)
	replay := filepath.Join(dir, "replay.yaml")
	require.NoError(t, os.WriteFile(replay, []byte(recorded), 0o644))
	code, out, errOut = scenarioCLI("run", "--target", "http://"+s.main, "--control-token", "s3cret", replay)
	require.Equal(t, 0, code, "%s\n%s\n%s", recorded, out, errOut)
}
