package fakebotstest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// shortBody is a server whose answer ends before its Content-Length.
func shortBody(t *testing.T) string {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "10")
		io.WriteString(w, "short")
	}))
	t.Cleanup(s.Close)
	return s.URL
}

// closedURL is an address nothing listens at.
func closedURL(t *testing.T) string {
	t.Helper()
	s := httptest.NewServer(http.NotFoundHandler())
	s.Close()
	return s.URL
}

// Do sends the body as it is (a string, bytes) or as JSON with its
// Content-Type, sets the headers given in name, value pairs (a name
// without a value is left out) and does not follow redirects.
func TestDoSendsWhatItIsGiven(t *testing.T) {
	s := fakebotstest.NewServer(t)
	hook := fakebotstest.NewWebhookReceiver(t)

	r := s.Do(t, http.MethodPost, hook.URL, map[string]int{"a": 1}, "X-One", "1", "X-Two", "2", "X-Dangling")
	require.Equal(t, http.StatusOK, r.Status)
	s.Do(t, http.MethodPut, hook.URL, "plain", "Content-Type", "text/plain")
	s.Do(t, http.MethodPatch, hook.URL, []byte("raw"))
	got := hook.Received()
	require.Len(t, got, 3)
	require.Equal(t, []string{http.MethodPost, `{"a":1}`, "application/json", "1", "2"},
		[]string{got[0].Method, string(got[0].Body), got[0].Header.Get("Content-Type"), got[0].Header.Get("X-One"), got[0].Header.Get("X-Two")})
	require.NotContains(t, got[0].Header, "X-Dangling")
	require.Equal(t, []string{http.MethodPut, "plain", "text/plain"}, []string{got[1].Method, string(got[1].Body), got[1].Header.Get("Content-Type")})
	require.Equal(t, http.MethodPatch, got[2].Method)
	require.Equal(t, "raw", string(got[2].Body))
	require.NotContains(t, got[2].Header, "Content-Type", "bytes are sent without a Content-Type")

	r = s.Do(t, http.MethodGet, "/", nil)
	require.Equal(t, http.StatusFound, r.Status, "the redirect itself")
	require.Equal(t, "/__fakebots/ui/", r.Header.Get("Location"))
}

// Do, Response.JSON and ReceivedWebhook.JSON fail the test at the
// caller's line when the exchange cannot happen or the body is not JSON.
func TestDoAndJSONFailTheTestAtTheCallersLine(t *testing.T) {
	s := fakebotstest.NewServer(t)
	closed, short := closedURL(t), shortBody(t)
	port := strings.TrimPrefix(closed, "http://127.0.0.1:")
	notJSON := "invalid character 'h' looking for beginning of value\nhello"
	for _, tc := range []struct {
		name string
		call func(testing.TB)
		want string
	}{
		{"body not encodable", func(tb testing.TB) { s.Do(tb, http.MethodPost, "/x", make(chan int)) },
			"fakebotstest: encode body: json: unsupported type: chan int"},
		{"bad method", func(tb testing.TB) { s.Do(tb, "bad method", "/x", nil) },
			`fakebotstest: net/http: invalid method "bad method"`},
		{"nothing listens", func(tb testing.TB) { s.Do(tb, http.MethodGet, closed+"/x", nil) },
			`fakebotstest: GET ` + closed + `/x: Get "` + closed + `/x": dial tcp 127.0.0.1:` + port + `: connect: connection refused`},
		{"body cut short", func(tb testing.TB) { s.Do(tb, http.MethodGet, short, nil) },
			"fakebotstest: read body: unexpected EOF"},
		{"Response.JSON", func(tb testing.TB) { (&fakebotstest.Response{Body: []byte("hello")}).JSON(tb, new(any)) },
			"fakebotstest: body is not JSON: " + notJSON},
		{"ReceivedWebhook.JSON", func(tb testing.TB) { fakebotstest.ReceivedWebhook{Body: []byte("hello")}.JSON(tb, new(any)) },
			"fakebotstest: webhook body is not JSON: " + notJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, fatal(t, tc.call))
		})
	}
}

// Control.Call sends its body as JSON with the token, decodes an answer
// (an empty one decodes to nothing) and returns every way it fails.
func TestControlCall(t *testing.T) {
	hook := fakebotstest.NewWebhookReceiver(t)
	c := &fakebotstest.Control{URL: hook.URL, Token: "tok"} // no Client: http.DefaultClient
	out := map[string]any{"kept": true}
	require.NoError(t, c.Call(t.Context(), http.MethodPut, "/x", map[string]int{"a": 1}, &out))
	require.Equal(t, map[string]any{"kept": true}, out, "an empty answer leaves out alone")
	require.NoError(t, (&fakebotstest.Control{URL: hook.URL}).Call(t.Context(), http.MethodDelete, "/x", nil, nil))
	got := hook.Received()
	require.Len(t, got, 2)
	require.Equal(t, []string{http.MethodPut, `{"a":1}`, "application/json", "Bearer tok"},
		[]string{got[0].Method, string(got[0].Body), got[0].Header.Get("Content-Type"), got[0].Header.Get("Authorization")})
	require.NotContains(t, got[1].Header, "Authorization", "no token, no Authorization")
	require.Empty(t, got[1].Body)

	require.EqualError(t, c.Call(t.Context(), http.MethodPost, "/x", make(chan int), nil), "json: unsupported type: chan int")
	require.EqualError(t, c.Call(t.Context(), "bad method", "/x", nil, nil), `net/http: invalid method "bad method"`)
	require.ErrorIs(t, (&fakebotstest.Control{URL: closedURL(t)}).Call(t.Context(), http.MethodGet, "/x", nil, nil), syscall.ECONNREFUSED)
	require.ErrorIs(t, (&fakebotstest.Control{URL: shortBody(t)}).Call(t.Context(), http.MethodGet, "/x", nil, nil), io.ErrUnexpectedEOF)
	hook.SetStatus(http.StatusTeapot)
	require.EqualError(t, c.Call(t.Context(), http.MethodGet, "/x", nil, nil), "GET /__fakebots/x: 418 ")
}
