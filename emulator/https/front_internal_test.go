package https

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestHTTPSServerTimeouts: a client has ten seconds for its handshake and
// headers, and an idle connection or tunnel is closed after two minutes.
func TestHTTPSServerTimeouts(t *testing.T) {
	f := New(http.NotFoundHandler(), Config{})
	defer f.Close()
	require.Equal(t, 10*time.Second, f.server.ReadHeaderTimeout)
	require.Equal(t, 2*time.Minute, f.server.IdleTimeout)
}
