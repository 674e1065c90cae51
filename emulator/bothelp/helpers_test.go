package bothelp_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/internal/golden"
	"github.com/fakebots/fakebots/emulator/internal/spectest"
	"github.com/fakebots/fakebots/emulator/platform"
)

// epoch is where tests that care about time set the clock.
var epoch = time.Date(2026, 5, 6, 12, 0, 0, 0, time.UTC)

// shared is the emulator most tests use, each with its own tenant: tenants
// are isolated, and one emulator per test would spend the test time loading
// specs. Each test sets its own tenant's clock.
var shared *fakebotstest.Server

func TestMain(m *testing.M) {
	s, err := fakebotstest.StartServer(fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shared = s
	code := m.Run()
	s.Close()
	os.Exit(code)
}

// newFake gives a test a fresh tenant (from fixture, when not nil) on the
// shared emulator, with the tenant's clock frozen at epoch. Rate limits are off;
// with options, the test gets an emulator of its own instead.
func newFake(t testing.TB, fixture any, opts ...emulator.Option) *fakebotstest.Fake {
	t.Helper()
	var f *fakebotstest.Fake
	if len(opts) == 0 {
		f = &fakebotstest.Fake{Server: shared, Tenant: shared.NewTenant(t, fakebotstest.WithFixture(fixture))}
	} else {
		f = fakebotstest.New(t, fakebotstest.WithEmulatorOptions(opts...), fakebotstest.WithFixture(fixture))
	}
	f.SetTime(t, epoch)
	return f
}

// client calls the BotHelp API of one tenant with an access token, and
// checks every answer against the spec.
type client struct {
	t      testing.TB
	f      *fakebotstest.Fake
	tenant *fakebotstest.Tenant
	bh     fakebotstest.BotHelpAccount
	token  string
}

func newClient(t testing.TB, f *fakebotstest.Fake, tn *fakebotstest.Tenant) *client {
	t.Helper()
	bh := tn.BotHelp
	return &client{t: t, f: f, tenant: tn, bh: bh, token: tn.BotHelp.Token(t)}
}

// call sends method path (the real path, e.g. /v1/bots/) with the token,
// body as JSON (nil for none) and headers in name, value pairs, and
// validates the answer as one of operation.
func (c *client) call(operation, method, path string, body any, headers ...string) *fakebotstest.Response {
	c.t.Helper()
	headers = append([]string{"Authorization", "Bearer " + c.token}, headers...)
	r := c.f.Do(c.t, method, "/bothelp"+path, body, headers...)
	checkSpec(c.t, c.f, operation, r)
	return r
}

// seed creates subscribers in the client's tenant.
func (c *client) seed(subs ...fakebotstest.BotHelpSubscriber) []fakebotstest.BotHelpSubscriber {
	c.t.Helper()
	return c.tenant.BotHelp.AddSubscribers(c.t, subs...)
}

// detail reads a subscriber through the control API.
func (c *client) detail(id int64) fakebotstest.BotHelpSubscriberDetail {
	c.t.Helper()
	return c.tenant.BotHelp.Subscriber(c.t, id)
}

// settings changes the tenant's settings.
func (c *client) settings(s map[string]any) {
	c.t.Helper()
	require.NoError(c.t, c.f.Control.Call(context.Background(), http.MethodPatch, "/tenants/"+c.tenant.ID+"/bothelp/settings", s, nil))
}

// token posts a token request with a body of contentType.
func token(t testing.TB, f *fakebotstest.Fake, contentType, body string) *fakebotstest.Response {
	t.Helper()
	r := f.Do(t, http.MethodPost, "/bothelp/oauth2/token", body, "Content-Type", contentType)
	checkSpec(t, f, "getToken", r)
	return r
}

func thePlatform(t testing.TB, f *fakebotstest.Fake) platform.Platform {
	t.Helper()
	p := f.Emulator.Platform("bothelp")
	require.NotNil(t, p)
	return p
}

// checkSpec validates a response against the operation in specs/bothelp.yaml.
func checkSpec(t testing.TB, f *fakebotstest.Fake, operation string, r *fakebotstest.Response) {
	t.Helper()
	spectest.ValidateResponse(t, thePlatform(t, f).Spec(), operation, r.Status, r.Header, r.Body)
}

// goldenHeaders are the headers every golden response file shows.
var goldenHeaders = []string{"Content-Type", "Location", "Allow", "Retry-After", "Www-Authenticate"}

var accessToken = regexp.MustCompile(`"access_token":"[A-Za-z0-9]{40}"`)

// assertGolden compares a response with testdata/name; access tokens,
// random by nature, are masked.
func assertGolden(t testing.TB, name string, r *fakebotstest.Response) {
	t.Helper()
	body := accessToken.ReplaceAll(r.Body, []byte(`"access_token":"`+strings.Repeat("x", 40)+`"`))
	golden.Assert(t, name, golden.Response(r.Status, r.Header, body, goldenHeaders...))
}

// exchange sends req without following redirects.
func exchange(t testing.TB, req *http.Request) *fakebotstest.Response {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return &fakebotstest.Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
