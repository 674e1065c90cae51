package spec_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/spec"
	"github.com/fakebots/fakebots/specs"
)

func loadPlatform(t *testing.T, name string) *spec.Spec {
	t.Helper()
	raw, err := specs.Platform(name)
	require.NoError(t, err)
	s, err := spec.Load(name, raw)
	require.NoError(t, err)
	return s
}

func TestClosestOperation(t *testing.T) {
	cleverapp, salebot, bothelp := loadPlatform(t, "cleverapp"), loadPlatform(t, "salebot"), loadPlatform(t, "bothelp")
	for _, tt := range []struct {
		spec         *spec.Spec
		method, path string
		want         string
		edits        int
	}{
		{cleverapp, "POST", "/api/v1/sendMesage", "sendMessage", 1},
		{cleverapp, "GET", "/api/v1/getcontacts", "getContacts", 1},
		{cleverapp, "POST", "/api/v1/getContacts", "getContacts", 1}, // only the method differs
		{cleverapp, "GET", "/api/v2/getMe", "getMe", 1},
		{salebot, "POST", "/api/KEY/mesage", "message", 1},
		{salebot, "GET", "/api/KEY/get_client", "get_clients", 1},
		{bothelp, "GET", "/v1/subscriber/", "listSubscribers", 1},
		// The cost of each kind of edit, exactly: a segment too many costs its
		// length and its slash, a missing one the same, a missing template one.
		{cleverapp, "GET", "/api/v1/getMe/extra", "getMe", 6},
		{cleverapp, "GET", "/api/getMe", "getMe", 3},
		{cleverapp, "GET", "/api/v1/getMe/extra/more", "getMe", 11},
		{salebot, "GET", "/api/message", "message", 1},
		{cleverapp, "HEAD", "/api/v1/getMe", "getMe", 0}, // HEAD is answered by GET
		{cleverapp, "GET", "/v1/getMe", "getMe", 4},
		{cleverapp, "GET", "/extra/api/v1/getMe", "getMe", 6}, // a leading segment too many
	} {
		op, edits := tt.spec.Closest(tt.method, tt.path)
		require.NotNil(t, op, tt.path)
		require.Contains(t, op.ID, tt.want, "%s %s", tt.method, tt.path)
		require.Equal(t, tt.edits, edits, "%s %s → %s", tt.method, tt.path, op.ID)
	}
}

// TestClosestTieGoesToTheFirstOperation: equally close operations are
// decided by the spec's order, so the hint for a request never changes
// from one run to the next (the GET form of message is listed first).
func TestClosestTieGoesToTheFirstOperation(t *testing.T) {
	op, edits := loadPlatform(t, "salebot").Closest("PUT", "/api/KEY/message")
	require.Equal(t, "message_get", op.ID)
	require.Equal(t, 1, edits)
}

func TestClosestOnALongPathIsBounded(t *testing.T) {
	op, _ := loadPlatform(t, "cleverapp").Closest("GET", "/api/v1/"+strings.Repeat("x", 1<<20))
	require.NotNil(t, op)
}

func TestLevenshtein(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "abc", 3}, {"kitten", "sitting", 3},
		{"sendMesage", "sendMessage", 1}, {"привет", "привед", 1}, {"same", "same", 0},
		{"ab", "ba", 2}, {"abc", "abd", 1}, {"abc", "xabc", 1},
		{strings.Repeat("x", 300), "", 256}, // cut to 256 first
		{strings.Repeat("x", 300), strings.Repeat("x", 257), 0},
	} {
		require.Equal(t, tt.want, spec.Levenshtein(tt.a, tt.b), "%q %q", tt.a, tt.b)
	}
}
