package emulator_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
)

// TestHostsAreTheSpecsServers keeps each platform's routed hosts and the
// servers its spec documents the same list.
func TestHostsAreTheSpecsServers(t *testing.T) {
	e, err := emulator.New(emulator.WithTick(0))
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	var all []string
	for _, p := range e.Platforms() {
		var servers []string
		for _, s := range p.Spec().Doc.Servers {
			u, err := url.Parse(s.URL)
			require.NoError(t, err)
			require.Equal(t, "https", u.Scheme, s.URL)
			servers = append(servers, u.Host)
		}
		require.Equal(t, servers, p.Hosts(), p.Name())
		all = append(all, servers...)
	}
	require.Equal(t, all, e.Hosts())
}

// TestRedirectsKeepTheForwardedScheme: behind a TLS terminator that says
// X-Forwarded-Proto: https, BotHelp's 301 points to https, as it does for a
// request that came over TLS (see emulator/https).
func TestRedirectsKeepTheForwardedScheme(t *testing.T) {
	e, err := emulator.New(emulator.WithTick(0))
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	for _, tc := range []struct{ host, path, proto, location string }{
		{"api.bothelp.io", "/v1/bots", "https", "https://api.bothelp.io/v1/bots/"},
		{"api.bothelp.io", "/v1/bots", "", "http://api.bothelp.io/v1/bots/"},
		{"fakebots.internal:8080", "/bothelp/v1/funnels", "https", "https://fakebots.internal:8080/bothelp/v1/funnels/"},
	} {
		req := httptest.NewRequest(http.MethodGet, tc.path, nil)
		req.Host = tc.host
		if tc.proto != "" {
			req.Header.Set("X-Forwarded-Proto", tc.proto)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		require.Equal(t, http.StatusMovedPermanently, rec.Code)
		require.Equal(t, tc.location, rec.Header().Get("Location"))
	}
}
