package salebot_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAKeyIsResolvedOnceUntilKeysOrSettingsChange: a key's project is
// remembered after its first call, so a later call does not read the
// project again; another key still has to, and fails whole when it cannot
// (or when its stored permissions cannot be read).
func TestAKeyIsResolvedOnceUntilKeysOrSettingsChange(t *testing.T) {
	b := newBrokenEnv(t, nil)
	other := b.sb.CreateKey(t, "other", "clients_read")
	garbled := b.sb.CreateKey(t, "garbled", "clients_read")
	first := b.call("GET", "connected_channels", nil)
	require.Equal(t, http.StatusOK, first.Status, "%s", first.Body)
	b.exec(gone("sb_projects"))
	again := b.call("GET", "connected_channels", nil)
	require.Equal(t, http.StatusOK, again.Status, "%s", again.Body)
	require.Equal(t, string(first.Body), string(again.Body))
	b.failsWithKey(t, other, "GET", "connected_channels", nil, "no such table: sb_projects")
	b.exec(back("sb_projects"))
	b.exec(`UPDATE credentials SET data = 'not json' WHERE secret = '` + garbled + `'`)
	b.failsWithKey(t, garbled, "GET", "connected_channels", nil, "invalid character")
}
