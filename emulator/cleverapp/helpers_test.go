package cleverapp_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

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
func call(t *testing.T, f *fakebotstest.Fake, method, op string, params any) *fakebotstest.Response {
	t.Helper()
	return f.Do(t, method, f.Tenant.CleverApp.BaseURL+"/"+op+"?api_token="+f.Tenant.CleverApp.APIToken, params,
		"X-Requested-With", "XMLHttpRequest")
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
	doc, err := os.ReadFile(filepath.Join("testdata", "docs", name))
	require.NoError(t, err)
	var compact bytes.Buffer
	require.NoError(t, json.Compact(&compact, doc))
	require.Equal(t, compact.String(), string(body))
}

// checkSpec validates a response against the operation in specs/cleverapp.yaml.
func checkSpec(t *testing.T, f *fakebotstest.Fake, op string, r *fakebotstest.Response) {
	t.Helper()
	for _, p := range f.Emulator.Platforms() {
		if p.Name() == "cleverapp" {
			spectest.ValidateResponse(t, p.Spec(), op, r.Status, r.Header, r.Body)
			return
		}
	}
	t.Fatal("no cleverapp platform")
}
