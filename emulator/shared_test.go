package emulator_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
)

// TestEmulatorsInOneProcessKeepTheirOwnState: emulators built in one process
// share what never changes (parsed specs, the control API's router), and
// every call still reaches the emulator it was sent to: its tenants, its
// control token, its path variables.
func TestEmulatorsInOneProcessKeepTheirOwnState(t *testing.T) {
	open, guarded := newServer(t), newServer(t, emulator.WithControlToken("s3cret"))
	admin := []string{"Authorization", "Bearer s3cret"}

	created := open.Do(t, http.MethodPost, "/__fakebots/tenants", `{"id":"only-here"}`)
	require.Equal(t, http.StatusCreated, created.Status, string(created.Body))
	require.Equal(t, http.StatusOK, open.Do(t, http.MethodGet, "/__fakebots/tenants/only-here", nil).Status)
	require.Equal(t, http.StatusNotFound, guarded.Do(t, http.MethodGet, "/__fakebots/tenants/only-here", nil, admin...).Status)

	require.Equal(t, http.StatusUnauthorized, guarded.Do(t, http.MethodGet, "/__fakebots/tenants", nil).Status)
	require.Equal(t, http.StatusOK, open.Do(t, http.MethodGet, "/__fakebots/tenants", nil).Status)

	other := guarded.Do(t, http.MethodPost, "/__fakebots/tenants", `{"id":"over-there"}`, admin...)
	require.Equal(t, http.StatusCreated, other.Status, string(other.Body))
	missing := open.Do(t, http.MethodGet, "/__fakebots/tenants/over-there", nil)
	require.Equal(t, http.StatusNotFound, missing.Status)
	require.JSONEq(t, `{"error":"tenant not found"}`, string(missing.Body))
	require.Equal(t, http.StatusOK, guarded.Do(t, http.MethodGet, "/__fakebots/tenants/over-there", nil, admin...).Status)
	require.Equal(t, open.Emulator.ControlRoutes(), guarded.Emulator.ControlRoutes())
}
