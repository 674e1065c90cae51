package emulator

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// reachesSelf knows the platforms' real hosts from the start, and the
// emulator's own addresses once a platform request arrived at them.
func TestReachesSelf(t *testing.T) {
	e, err := New()
	require.NoError(t, err)
	defer e.Close()
	srv := httptest.NewServer(e)
	defer srv.Close()
	check := func(raw string) error {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		return e.reachesSelf(context.Background(), u)
	}

	require.EqualError(t, check("https://chatter.salebot.pro/api/k/callback"),
		"chatter.salebot.pro is a host of salebot, which this emulator answers for (it never calls the real platforms)")
	require.EqualError(t, check("https://API.bothelp.io:8443/anything"),
		"api.bothelp.io is a host of bothelp, which this emulator answers for (it never calls the real platforms)")

	callback := srv.URL + "/salebot/api/k/callback"
	require.NoError(t, check(callback), "no request has arrived at the address yet")
	resp, err := http.Get(srv.URL + "/salebot/api/k/connected_channels")
	require.NoError(t, err)
	resp.Body.Close()

	require.EqualError(t, check(callback), callback+" is the emulator's own salebot API")
	alias := strings.Replace(callback, "127.0.0.1", "localhost", 1)
	require.EqualError(t, check(alias), alias+" is the emulator's own salebot API")
	require.EqualError(t, check(srv.URL+"/__fakebots/tenants/x/salebot/inbound"),
		srv.URL+"/__fakebots/tenants/x/salebot/inbound is the emulator's own control API")
	require.EqualError(t, check(srv.URL+"/cleverapp/api/v1/getMe"), srv.URL+"/cleverapp/api/v1/getMe is the emulator's own cleverapp API")

	require.NoError(t, check(srv.URL+"/hook"), "a path the emulator does not serve")
	other := httptest.NewServer(http.NotFoundHandler())
	defer other.Close()
	require.NoError(t, check(other.URL+"/salebot/api/k/callback"), "another server")
	require.NoError(t, check("http://receiver.invalid/salebot/api/k/callback"), "a name that does not resolve")
}

// TestSelfAddrsAreBounded: the addresses learnt from arriving requests stop
// at maxSelfAddrs, however many a host is reached at.
func TestSelfAddrsAreBounded(t *testing.T) {
	var s selfAddrs
	arrive := func(port uint16) netip.AddrPort {
		ap := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), port)
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		s.note(r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, net.TCPAddrFromAddrPort(ap))))
		return ap
	}
	for port := uint16(1); port <= maxSelfAddrs; port++ {
		require.True(t, s.has(arrive(port)), "port %d", port)
	}
	require.False(t, s.has(arrive(maxSelfAddrs+1)))
	require.False(t, s.hasPort(maxSelfAddrs+1))
}
