package salebot_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/internal/golden"
	"github.com/fakebots/fakebots/emulator/internal/spectest"
	"github.com/fakebots/fakebots/emulator/platform"
)

// env is one test's emulator, tenant and Salebot project.
type env struct {
	t  testing.TB
	f  *fakebotstest.Fake
	sb *fakebotstest.SalebotProject
}

// newEnv starts an emulator with a tenant made from the fixture (nil for
// an empty one).
func newEnv(t testing.TB, fixture any) *env {
	t.Helper()
	var opts []fakebotstest.Option
	if fixture != nil {
		opts = append(opts, fakebotstest.WithFixture(fixture))
	}
	f := fakebotstest.New(t, opts...)
	return &env{t: t, f: f, sb: &f.Tenant.Salebot}
}

// call invokes an action with the main key: params as a JSON body (POST)
// or nil; the response is checked against the spec.
func (e *env) call(method, action string, params any) *fakebotstest.Response {
	e.t.Helper()
	return e.callKey(e.sb.APIKey, method, action, params)
}

func (e *env) callKey(key, method, action string, params any) *fakebotstest.Response {
	e.t.Helper()
	r := e.raw(key, method, action, params)
	e.checkSpec(method, action, r)
	return r
}

// raw calls without checking the answer against the spec (for answers a
// test configured outside it).
func (e *env) raw(key, method, action string, params any) *fakebotstest.Response {
	e.t.Helper()
	return e.f.Do(e.t, method, e.sb.KeyURL(key, action), params)
}

// get invokes an action with a query string.
func (e *env) get(action, query string) *fakebotstest.Response {
	e.t.Helper()
	r := e.f.Do(e.t, "GET", e.sb.URL(action)+"?"+query, nil)
	e.checkSpec("GET", action, r)
	return r
}

// post sends a raw body with a content type.
func (e *env) post(action, query, contentType, body string) *fakebotstest.Response {
	e.t.Helper()
	u := e.sb.URL(action)
	if query != "" {
		u += "?" + query
	}
	r := e.f.Do(e.t, "POST", u, body, "Content-Type", contentType)
	e.checkSpec("POST", action, r)
	return r
}

// checkSpec validates the response against the operation of method+action
// (an action may carry a query string). An action the spec does not know
// fails the test: calls meant to reach no operation go through raw.
func (e *env) checkSpec(method, action string, r *fakebotstest.Response) {
	e.t.Helper()
	spectest.ValidateRoute(e.t, e.platform().Spec(), method, "/api/key/"+action, r.Status, r.Header, r.Body)
}

func (e *env) platform() platform.Platform {
	p := e.f.Emulator.Platform("salebot")
	require.NotNil(e.t, p)
	return p
}

// ok calls and requires a 200, returning the decoded body.
func (e *env) ok(method, action string, params any) map[string]any {
	e.t.Helper()
	r := e.call(method, action, params)
	require.Equal(e.t, 200, r.Status, "%s: %s", action, r.Body)
	var out map[string]any
	r.JSON(e.t, &out)
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// id reads a JSON number as an int64.
func id(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

// goldenHeaders are the headers every golden response file shows.
var goldenHeaders = []string{"Content-Type", "Allow"}

func assertGolden(t testing.TB, name string, r *fakebotstest.Response) {
	t.Helper()
	golden.Assert(t, name, golden.Response(r.Status, r.Header, r.Body, goldenHeaders...))
}

// assertDocumented checks that a body is, byte for byte, the documented
// example in testdata/docs/name with its insignificant whitespace removed
// (the docs pretty-print; Python-repr examples are kept there as JSON).
func assertDocumented(t testing.TB, name string, body []byte) {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("testdata", "docs", name))
	require.NoError(t, err)
	var compact bytes.Buffer
	require.NoError(t, json.Compact(&compact, doc))
	require.Equal(t, compact.String(), string(body))
}
