package main

// TestReadmeSnippets runs the shell snippets of README.md against the freshly
// built command, so the README cannot drift from what fakebots does.
//
// A fenced block is chosen by its language and by an HTML comment on the last
// non-blank line before it:
//
//   - Every ```sh or ```bash block runs: bash -euo pipefail in a temporary
//     directory, with `fakebots` (the built command) on PATH and a fresh
//     emulator (demo tenant seeded) on a free port, which FAKEBOTS_ADDR names
//     and to which 127.0.0.1:8080 and localhost:8080 in the block are
//     rewritten. It must exit 0.
//   - <!-- snippet: skip REASON --> before a block: it is not run. A reason
//     is required.
//   - <!-- snippet: output --> before a sh block: the ```text block right
//     after it is what the block must print, exactly but for trailing
//     newlines (after the same rewrite).
//   - <!-- snippet: github-actions skip-step="NAME" --> before a ```yaml
//     block: a GitHub Actions workflow. It must have `on:`; the --health-cmd
//     of its fakebots service must pass; its run steps run in order as the
//     runner runs them (bash -e, $GITHUB_ENV carried to later steps) except
//     the step named NAME (the user's own tests), must succeed, and must fail
//     when the emulator is down or answers an error; the variables they
//     export must work on every platform.
//
// Blocks in other languages (yaml, go, text…) without a marker are not run.
// An unknown marker fails the test.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// snippet is a fenced block of the README with the marker before it.
type snippet struct {
	line     int    // of the opening fence
	lang     string // the fence's info string
	body     string
	marker   string // "", "skip", "output" or "github-actions"
	args     string // what follows the marker's kind
	expected *snippet
}

var markerRE = regexp.MustCompile(`^<!-- snippet: ([a-z-]+)\s*(.*?)\s*-->$`)

// readSnippets returns the fenced blocks of a Markdown document; a block
// marked as another's expected output is attached to it.
func readSnippets(t *testing.T, doc string) []*snippet {
	t.Helper()
	var (
		blocks  []*snippet
		current *snippet
		last    string // the last non-blank line outside a block
	)
	for i, line := range strings.Split(doc, "\n") {
		switch {
		case current != nil && strings.TrimSpace(line) == "```":
			blocks = append(blocks, current)
			current, last = nil, line
		case current != nil:
			current.body += line + "\n"
		case strings.HasPrefix(line, "```"):
			current = &snippet{line: i + 1, lang: strings.TrimPrefix(line, "```")}
			if m := markerRE.FindStringSubmatch(strings.TrimSpace(last)); m != nil {
				current.marker, current.args = m[1], m[2]
			}
		case strings.TrimSpace(line) != "":
			last = line
		}
	}
	require.Nil(t, current, "README.md: a fenced block is not closed")
	var out []*snippet
	for i := 0; i < len(blocks); i++ {
		b := blocks[i]
		switch b.marker {
		case "", "github-actions":
		case "skip":
			require.NotEmpty(t, b.args, "README.md:%d: a skipped snippet says why", b.line)
		case "output":
			require.True(t, i+1 < len(blocks) && blocks[i+1].lang == "text", "README.md:%d: an output snippet is followed by a ```text block", b.line)
			b.expected = blocks[i+1]
			i++
		default:
			t.Fatalf("README.md:%d: unknown snippet marker %q", b.line, b.marker)
		}
		out = append(out, b)
	}
	return out
}

func TestReadmeSnippets(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	var ran int
	for _, s := range readSnippets(t, string(readme)) {
		name := fmt.Sprintf("README.md:%d", s.line)
		switch {
		case s.marker == "skip":
		case s.marker == "github-actions":
			require.Equal(t, "yaml", s.lang, name)
			t.Run(name, func(t *testing.T) { runWorkflow(t, s) })
			ran++
		case s.lang == "sh" || s.lang == "bash":
			t.Run(name, func(t *testing.T) { runShellSnippet(t, s) })
			ran++
		default:
			require.Empty(t, s.marker, "%s: only sh blocks take %q", name, s.marker)
		}
	}
	require.GreaterOrEqual(t, ran, 3, "the README's snippets are found")
}

// documentedAddrs are the addresses the README shows the emulator at.
var documentedAddrs = regexp.MustCompile(`(127\.0\.0\.1|localhost):8080\b`)

func runShellSnippet(t *testing.T, s *snippet) {
	p := startProcess(t)
	addr := strings.TrimPrefix(p.base, "http://")
	script := documentedAddrs.ReplaceAllString(s.body, addr)
	cmd := bashCommand(t, "-euo", "pipefail", "-c", script)
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(binary(t))+string(os.PathListSeparator)+os.Getenv("PATH"), "FAKEBOTS_ADDR="+addr)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "the snippet fails:\n%s\nstdout:\n%s\nstderr:\n%s", script, out, stderr.String())
	if s.expected != nil {
		want := documentedAddrs.ReplaceAllString(s.expected.body, addr)
		require.Equal(t, strings.TrimRight(want, "\n"), strings.TrimRight(string(out), "\n"), "what the snippet prints, as the README shows it")
	}
}

// bashCommand is bash with args in a temporary directory, stopped after 30s.
func bashCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to run the README's snippets")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, bash, args...)
	cmd.Dir = t.TempDir()
	return cmd
}

// workflow is what the test reads of a GitHub Actions workflow.
type workflow struct {
	On   any `yaml:"on"`
	Jobs map[string]struct {
		Services map[string]struct {
			Image   string
			Options string
		}
		Steps []struct {
			Name string
			Uses string
			Run  string
		}
	}
}

func runWorkflow(t *testing.T, s *snippet) {
	for _, tool := range []string{"curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the workflow needs %s, as GitHub's runners have it", tool)
		}
	}
	skipStep := regexp.MustCompile(`^skip-step="([^"]+)"$`).FindStringSubmatch(s.args)
	require.NotNil(t, skipStep, `the marker names the user's own step: skip-step="NAME"`)
	var wf workflow
	require.NoError(t, yaml.Unmarshal([]byte(s.body), &wf))
	require.NotNil(t, wf.On, "the workflow says when it runs (on:)")
	require.Len(t, wf.Jobs, 1)
	for _, job := range wf.Jobs {
		p := startProcess(t)
		addr := strings.TrimPrefix(p.base, "http://")

		// The service's health check, with the image's /fakebots.
		service, ok := job.Services["fakebots"]
		require.True(t, ok, "a fakebots service")
		healthCmd := regexp.MustCompile(`--health-cmd "([^"]+)"`).FindStringSubmatch(service.Options)
		require.NotNil(t, healthCmd, "the service's health check is in its options")
		argv := strings.Fields(healthCmd[1])
		require.Equal(t, "/fakebots", argv[0], "the image's binary")
		health := exec.Command(binary(t), argv[1:]...)
		health.Env = append(os.Environ(), "FAKEBOTS_ADDR="+addr)
		out, err := health.CombinedOutput()
		require.NoError(t, err, "the health command: %s", out)

		var steps []string
		skipped := false
		for _, step := range job.Steps {
			switch {
			case step.Name == skipStep[1]:
				skipped = true
			case step.Run != "":
				steps = append(steps, step.Run)
			}
		}
		require.True(t, skipped, "a step is named %q", skipStep[1])
		require.NotEmpty(t, steps)

		exported, err := runSteps(t, steps, addr)
		require.NoError(t, err)
		requireWorkingExports(t, exported)

		// With the emulator down or failing, the steps fail rather than
		// export empty or wrong credentials.
		down, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		down.Close()
		_, err = runSteps(t, steps, down.Addr().String())
		require.Error(t, err, "the steps fail when nothing listens")
		failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"error":"unavailable"}`, http.StatusServiceUnavailable)
		}))
		defer failing.Close()
		_, err = runSteps(t, steps, strings.TrimPrefix(failing.URL, "http://"))
		require.Error(t, err, "the steps fail when the emulator answers an error")
	}
}

// runSteps runs a job's run steps as GitHub's runner does (bash -e each,
// variables written to $GITHUB_ENV set for the steps after) against the
// emulator at addr, and returns the variables exported, or the first
// failure.
func runSteps(t *testing.T, steps []string, addr string) (map[string]string, error) {
	envFile := filepath.Join(t.TempDir(), "github_env")
	require.NoError(t, os.WriteFile(envFile, nil, 0o600))
	exported := map[string]string{}
	for i, run := range steps {
		script := documentedAddrs.ReplaceAllString(run, addr)
		cmd := bashCommand(t, "--noprofile", "--norc", "-e", "-c", script)
		cmd.Env = append(os.Environ(), "GITHUB_ENV="+envFile)
		for k, v := range exported {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("step %d fails: %w\n%s\n%s", i+1, err, script, out)
		}
		var err error
		if exported, err = readEnvFile(envFile); err != nil {
			return nil, err
		}
	}
	return exported, nil
}

// readEnvFile reads the NAME=value lines of a $GITHUB_ENV file.
func readEnvFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	vars := map[string]string{}
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		name, value, ok := strings.Cut(lines.Text(), "=")
		if !ok {
			return nil, fmt.Errorf("$GITHUB_ENV: %q is not NAME=value", lines.Text())
		}
		vars[name] = value
	}
	return vars, lines.Err()
}

// requireWorkingExports checks that the variables a workflow exported reach
// the tenant on every platform.
func requireWorkingExports(t *testing.T, env map[string]string) {
	t.Helper()
	get := func(name string) string {
		t.Helper()
		v := env[name]
		require.NotEmpty(t, v, "the workflow exports %s", name)
		return v
	}
	call := func(method, url, contentType, body string, header ...string) string {
		t.Helper()
		req, err := http.NewRequest(method, url, strings.NewReader(body))
		require.NoError(t, err)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s %s: %s", method, url, b)
		return string(b)
	}
	tenant := call(http.MethodGet, get("FAKEBOTS_URL")+"/__fakebots/tenants/"+get("FAKEBOTS_TENANT_ID"), "", "")
	for _, brand := range []string{"CLEVERAPP", "ONEBOT"} {
		token := get(brand + "_API_TOKEN")
		require.Contains(t, tenant, token)
		call(http.MethodGet, get(brand+"_BASE_URL")+"/getMe?api_token="+url.QueryEscape(token), "", "", "X-Requested-With", "XMLHttpRequest")
	}
	require.Contains(t, tenant, get("SALEBOT_API_KEY"))
	own := get("FAKEBOTS_URL") + "/t/" + get("FAKEBOTS_TENANT_ID") + "/"
	for _, name := range []string{"CLEVERAPP_BASE_URL", "ONEBOT_BASE_URL", "SALEBOT_BASE_URL", "BOTHELP_API_URL", "BOTHELP_TOKEN_URL"} {
		require.True(t, strings.HasPrefix(get(name), own), "%s is the tenant's own base URL: %s", name, get(name))
	}
	require.Equal(t, own+"salebot/api/"+get("SALEBOT_API_KEY"), get("SALEBOT_BASE_URL"))
	call(http.MethodGet, get("SALEBOT_BASE_URL")+"/connected_channels", "", "")
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {get("BOTHELP_CLIENT_ID")}, "client_secret": {get("BOTHELP_CLIENT_SECRET")}}
	token := regexp.MustCompile(`"access_token":"([^"]+)"`).FindStringSubmatch(
		call(http.MethodPost, get("BOTHELP_TOKEN_URL"), "application/x-www-form-urlencoded", form.Encode()))
	require.NotNil(t, token, "a BotHelp access token")
	call(http.MethodGet, get("BOTHELP_API_URL")+"/v1/bots/", "", "", "Authorization", "Bearer "+token[1])
	journal := call(http.MethodGet, get("FAKEBOTS_URL")+"/__fakebots/tenants/"+get("FAKEBOTS_TENANT_ID")+"/journal", "", "")
	for _, platform := range []string{"cleverapp", "onebot", "salebot", "bothelp"} {
		require.Contains(t, journal, `"platform":"`+platform+`"`, "the calls are the job's tenant's")
	}
}
