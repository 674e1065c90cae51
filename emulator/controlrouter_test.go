package emulator_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/control"
)

// named is a handler that answers with its name.
func named(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(name)) })
}

// controlCall sends method path to api and returns the status and body.
func controlCall(api *control.API, method, path string) (int, string) {
	w := httptest.NewRecorder()
	api.ServeHTTP(w, httptest.NewRequest(method, path, nil))
	return w.Code, w.Body.String()
}

// TestControlAPIsShareARouterOnlyForTheSameRoutes: control APIs share the
// router of their routes, so routes that differ only in a method, a path, or
// being a prefix each get their own.
func TestControlAPIsShareARouterOnlyForTheSameRoutes(t *testing.T) {
	get := control.New(control.Config{Mounts: []control.Mount{{Method: "GET", Path: "/x", Handler: named("get x")}}})
	post := control.New(control.Config{Mounts: []control.Mount{{Method: "POST", Path: "/x", Handler: named("post x")}}})
	other := control.New(control.Config{Mounts: []control.Mount{{Method: "GET", Path: "/y", Handler: named("get y")}}})
	again := control.New(control.Config{Mounts: []control.Mount{{Method: "GET", Path: "/x", Handler: named("get x again")}}})

	for _, c := range []struct {
		api          *control.API
		method, path string
		status       int
		body         string
	}{
		{get, "GET", "/__fakebots/x", 200, "get x"},
		{get, "POST", "/__fakebots/x", 405, `{"error":"POST is not allowed on /__fakebots/x"}`},
		{post, "POST", "/__fakebots/x", 200, "post x"},
		{post, "GET", "/__fakebots/x", 405, `{"error":"GET is not allowed on /__fakebots/x"}`},
		{other, "GET", "/__fakebots/y", 200, "get y"},
		{other, "GET", "/__fakebots/x", 404, `{"error":"no control endpoint at /__fakebots/x"}`},
		{again, "GET", "/__fakebots/x", 200, "get x again"},
	} {
		status, body := controlCall(c.api, c.method, c.path)
		require.Equal(t, c.status, status, "%s %s", c.method, c.path)
		require.Equal(t, c.body, body, "%s %s", c.method, c.path)
	}

	// The dashboard's files are under a prefix; the same paths mounted
	// one by one are not.
	withUI := control.New(control.Config{UI: named("ui")})
	mounted := control.New(control.Config{Mounts: []control.Mount{
		{Method: "GET", Path: "/ui", Handler: named("mounted ui")},
		{Method: "GET", Path: "/ui/", Handler: named("mounted ui/")},
	}})
	status, body := controlCall(withUI, "GET", "/__fakebots/ui/app.js")
	require.Equal(t, 200, status)
	require.Equal(t, "ui", body)
	status, _ = controlCall(mounted, "GET", "/__fakebots/ui/app.js")
	require.Equal(t, 404, status)
	status, body = controlCall(mounted, "GET", "/__fakebots/ui/")
	require.Equal(t, 200, status)
	require.Equal(t, "mounted ui/", body)
}
