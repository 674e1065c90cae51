package cleverapp_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/internal/golden"
	"github.com/fakebots/fakebots/emulator/internal/spectest"
)

// newFake starts an emulator with a fresh tenant. Rate limits are off unless
// a test asks for them, so tests may call as often as they like.
func newFake(t *testing.T, opts ...fakebotstest.Option) *fakebotstest.Fake {
	t.Helper()
	return fakebotstest.New(t, append([]fakebotstest.Option{
		fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false)),
	}, opts...)...)
}

// call invokes a CleverApp method the way the docs ask: api_token in the
// query, X-Requested-With set, parameters as a JSON body (nil for none).
// The answer, whatever its status, is checked against the spec: a method's
// path is its operation id, and the spec declares every status of it.
func call(t *testing.T, f *fakebotstest.Fake, method, op string, params any) *fakebotstest.Response {
	t.Helper()
	r := f.Do(t, method, f.Tenant.CleverApp.BaseURL+"/"+op+"?api_token="+f.Tenant.CleverApp.APIToken, params,
		"X-Requested-With", "XMLHttpRequest")
	checkSpec(t, f, op, r)
	return r
}

// goldenHeaders are the headers every golden response file shows.
var goldenHeaders = []string{"Content-Type", "Location", "Allow", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining"}

// assertGolden compares a response with testdata/name.
func assertGolden(t *testing.T, name string, r *fakebotstest.Response) {
	t.Helper()
	golden.Assert(t, name, golden.Response(r.Status, r.Header, r.Body, goldenHeaders...))
}

// assertDocumented checks that a body is, byte for byte, the documented
// example in testdata/docs/name with its insignificant whitespace removed
// (the service sends compact JSON; the docs pretty-print it).
func assertDocumented(t *testing.T, name string, body []byte) {
	t.Helper()
	require.Equal(t, documented(t, name), string(body))
}

// checkSpec validates a response against the operation in specs/cleverapp.yaml.
func checkSpec(t *testing.T, f *fakebotstest.Fake, op string, r *fakebotstest.Response) {
	t.Helper()
	checkSpecOf(t, f, "cleverapp", op, r)
}

// checkSpecOf validates a response against a brand's spec (Onebot's is
// CleverApp's with the overlay applied).
func checkSpecOf(t *testing.T, f *fakebotstest.Fake, brand, op string, r *fakebotstest.Response) {
	t.Helper()
	p := f.Emulator.Platform(brand)
	require.NotNil(t, p, brand)
	spectest.ValidateResponse(t, p.Spec(), op, r.Status, r.Header, r.Body)
}

// callAs invokes a method as a tenant of a shared server: JSON body, token
// in the query, X-Requested-With set.
func callAs(t *testing.T, s *fakebotstest.Server, tn *fakebotstest.Tenant, method, op string, params any) *fakebotstest.Response {
	t.Helper()
	r := s.Do(t, method, tn.CleverApp.BaseURL+"/"+op+"?api_token="+tn.CleverApp.APIToken, params,
		"X-Requested-With", "XMLHttpRequest")
	spectest.ValidateResponse(t, s.Emulator.Platform("cleverapp").Spec(), op, r.Status, r.Header, r.Body)
	return r
}

// callForm invokes a method with a urlencoded form body, as PHP clients do.
func callForm(t *testing.T, f *fakebotstest.Fake, op string, form url.Values) *fakebotstest.Response {
	t.Helper()
	return callRaw(t, f, op, "application/x-www-form-urlencoded", form.Encode())
}

// callRaw POSTs a body as it is, for bodies whose key order matters.
func callRaw(t *testing.T, f *fakebotstest.Fake, op, contentType, body string) *fakebotstest.Response {
	t.Helper()
	r := f.Do(t, http.MethodPost, f.Tenant.CleverApp.BaseURL+"/"+op+"?api_token="+f.Tenant.CleverApp.APIToken, body,
		"X-Requested-With", "XMLHttpRequest", "Content-Type", contentType)
	checkSpec(t, f, op, r)
	return r
}

// ok calls a method that must succeed and decodes the answer into out
// (when not nil).
func ok(t *testing.T, f *fakebotstest.Fake, method, op string, params, out any) *fakebotstest.Response {
	t.Helper()
	r := call(t, f, method, op, params)
	require.Equal(t, http.StatusOK, r.Status, "%s: %s", op, r.Body)
	if out != nil {
		r.JSON(t, out)
	}
	return r
}

// assertAnswer checks a response's status and exact body, and the spec.
func assertAnswer(t *testing.T, f *fakebotstest.Fake, op string, r *fakebotstest.Response, status int, body string) {
	t.Helper()
	require.Equal(t, status, r.Status, "%s: %s", op, r.Body)
	require.Equal(t, body, string(r.Body), op)
	checkSpec(t, f, op, r)
}

// at freezes the emulator's clock at an RFC 3339 instant.
func at(t *testing.T, f *fakebotstest.Fake, instant string) time.Time {
	t.Helper()
	now, err := time.Parse(time.RFC3339, instant)
	require.NoError(t, err)
	f.SetTime(t, now)
	return now
}

// withPlatformBase replaces the documented examples' host (the docs link to
// watbot.ru, the backend they were copied from) by the emulator's.
func withPlatformBase(doc string, f *fakebotstest.Fake) string {
	return strings.ReplaceAll(doc, `https:\/\/watbot.ru\/api\/v1`, strings.ReplaceAll(f.Tenant.CleverApp.BaseURL, "/", `\/`))
}

// documented reads a documented body from testdata/docs, compacted.
func documented(t *testing.T, name string) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("testdata", "docs", name))
	require.NoError(t, err)
	var compact bytes.Buffer
	require.NoError(t, json.Compact(&compact, doc))
	return compact.String()
}
