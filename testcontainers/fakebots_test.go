package fakebots

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/testcontainers/testcontainers-go"
)

// TestRun starts the image (FAKEBOTS_IMAGE, or one built from this
// repository's Dockerfile) where a Docker engine runs.
func TestRun(t *testing.T) {
	testcontainers.SkipIfProviderIsNotHealthy(t)
	ctx := context.Background()
	var opts []testcontainers.ContainerCustomizer
	img := os.Getenv("FAKEBOTS_IMAGE")
	if img == "" {
		opts = append(opts, testcontainers.WithDockerfile(testcontainers.FromDockerfile{Context: ".."}))
	}
	fake, err := Run(ctx, img, append(opts, WithSeed("none"), WithRateLimits(false))...)
	testcontainers.CleanupContainer(t, fake)
	require.NoError(t, err)
	tenant, err := fake.NewTenant(ctx, nil)
	require.NoError(t, err)
	requireWorkingTenant(t, tenant)
}

// TestNewTenant creates tenants on the command built from this repository,
// which the image runs, so the control API's answer is read right without
// a Docker engine.
func TestNewTenant(t *testing.T) {
	base := startCommand(t)
	ctx := context.Background()

	tenant, err := newTenant(ctx, base, nil)
	require.NoError(t, err)
	requireWorkingTenant(t, tenant)
	var answer map[string]any
	require.NoError(t, json.Unmarshal(tenant.Answer, &answer))
	require.Equal(t, tenant.ID, answer["id"])
	require.Equal(t, base+"/t/"+tenant.ID+"/salebot/api/"+tenant.Salebot.APIKey, tenant.Salebot.BaseURL, "the tenant's own base URL")
	require.Regexp(t, `^ct_[0-9a-f]{32}$`, tenant.ControlToken)
	require.NotZero(t, tenant.CleverApp.BotID)
	require.NotZero(t, tenant.Onebot.BotID)
	require.NotZero(t, tenant.Salebot.ProjectID)

	demo, err := newTenant(ctx, base, "demo")
	require.NoError(t, err)
	requireWorkingTenant(t, demo)
	require.Equal(t, "demo-cleverapp-token", demo.CleverApp.APIToken, "the fixture's own credentials")

	inline, err := newTenant(ctx, base, map[string]any{"cleverapp": map[string]any{"api_token": "inline-token"}})
	require.NoError(t, err)
	require.Equal(t, "inline-token", inline.CleverApp.APIToken)

	_, err = newTenant(ctx, base, "nope")
	require.EqualError(t, err, `create a fakebots tenant: 400 Bad Request: {"error":"unknown fixture \"nope\" (known: demo)"}`)
}

// requireWorkingTenant calls every platform with the tenant's URLs and
// credentials.
func requireWorkingTenant(t *testing.T, tn *Tenant) {
	t.Helper()
	call := func(req *http.Request) string {
		t.Helper()
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s %s: %s", req.Method, req.URL, body)
		return string(body)
	}
	for _, account := range []CleverApp{tn.CleverApp, tn.Onebot} {
		req, _ := http.NewRequest(http.MethodGet, account.BaseURL+"/getMe?api_token="+url.QueryEscape(account.APIToken), nil)
		req.Header.Set("X-Requested-With", "XMLHttpRequest")
		call(req)
	}
	req, _ := http.NewRequest(http.MethodGet, tn.Salebot.BaseURL+"/connected_channels", nil)
	call(req)
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {tn.BotHelp.ClientID}, "client_secret": {tn.BotHelp.ClientSecret}}
	req, _ = http.NewRequest(http.MethodPost, tn.BotHelp.TokenURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var token struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.Unmarshal([]byte(call(req)), &token))
	req, _ = http.NewRequest(http.MethodGet, tn.BotHelp.APIURL+"/v1/bots/", nil)
	req.Header.Set("Authorization", "Bearer "+token.AccessToken)
	call(req)
}

// startCommand builds fakebots from this repository, runs it on a free port
// until the test ends, and returns its base URL.
func startCommand(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("../cmd/fakebots"); err != nil {
		t.Skip("not in the fakebots repository: ../cmd/fakebots is missing")
	}
	bin := filepath.Join(t.TempDir(), "fakebots")
	build := exec.Command("go", "build", "-o", bin, "./cmd/fakebots")
	build.Dir = ".."
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--seed", "none", "--rate-limits", "off")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	listening := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(lines.Text()); m != nil {
				listening <- m[1]
			}
		}
	}()
	select {
	case base := <-listening:
		return base
	case <-time.After(15 * time.Second):
		t.Fatal("fakebots printed no banner in 15s")
		return ""
	}
}
