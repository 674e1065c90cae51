package control_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/control"
)

func withToken(token string) func(*control.Config) {
	return func(c *control.Config) { c.Token = token }
}

// The control token opens the API only as a bearer token: the same
// secret under another scheme is no token at all.
func TestTheControlTokenOpensOnlyAsABearer(t *testing.T) {
	h := newHarness(t, withToken("secret"))
	for _, auth := range []string{"Basic secret", "secret", "Bearer "} {
		status, body := h.do(t, "GET", "/tenants", "", "Authorization", auth)
		require.Equal(t, http.StatusUnauthorized, status, auth)
		require.JSONEq(t, `{"error":"this emulator's control API needs Authorization: Bearer <token>"}`, body, auth)
	}
	status, _ := h.do(t, "GET", "/tenants", "", "Authorization", "bearer secret")
	require.Equal(t, http.StatusOK, status)
}

// A token the store cannot look up is neither let in nor called unknown:
// the call fails as the emulator's, with the cause in its log.
func TestATokenTheStoreCannotCheckIsTheEmulatorsFailure(t *testing.T) {
	h := newHarness(t, withToken("secret"))
	require.NoError(t, h.store.Close())
	status, body := h.do(t, "GET", "/tenants", "", "Authorization", "Bearer ct_someone")
	require.Equal(t, http.StatusInternalServerError, status)
	require.JSONEq(t, internalError, body)
	require.Equal(t, "level=ERROR msg=\"control call failed\" method=GET path=/__fakebots/tenants err=\"sql: database is closed\"\n", h.log.String())
}

// A list the store cannot read fails the call as the emulator's; a filter
// naming a tenant the store cannot look up does too, rather than list
// every tenant's entries.
func TestAListTheStoreCannotReadIsTheEmulatorsFailure(t *testing.T) {
	h := newHarness(t)
	require.NoError(t, h.store.Close())
	for _, path := range []string{"/journal?tenant=acme", "/outbox", "/tenants"} {
		h.expect(t, "GET", path, "", http.StatusInternalServerError, internalError)
	}
	require.Equal(t, 3, strings.Count(h.log.String(), `msg="control call failed"`))
	require.Equal(t, 3, strings.Count(h.log.String(), `sql: database is closed"`))
}

func TestAFailedResetOfTheEmulatorIsItsFailure(t *testing.T) {
	h := newHarness(t)
	h.expect(t, "POST", "/reset", "", http.StatusOK, `{"reset":true,"seed_tenant":""}`)
	h.resetErr = errors.New("seed: unknown fixture \"retired\"")
	h.expect(t, "POST", "/reset", "", http.StatusInternalServerError, internalError)
	require.Contains(t, h.log.String(), `path=/__fakebots/reset err="seed: unknown fixture \"retired\""`)
}
