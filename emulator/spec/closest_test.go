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
	} {
		op, edits := tt.spec.Closest(tt.method, tt.path)
		require.NotNil(t, op, tt.path)
		require.Contains(t, op.ID, tt.want, "%s %s", tt.method, tt.path)
		require.Equal(t, tt.edits, edits, "%s %s → %s", tt.method, tt.path, op.ID)
	}
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
	} {
		require.Equal(t, tt.want, spec.Levenshtein(tt.a, tt.b), "%q %q", tt.a, tt.b)
	}
}
