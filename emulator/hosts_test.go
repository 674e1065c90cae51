package emulator_test

import (
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
