package emulator_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
)

// TestControlToken: with a control token the API answers only to it, and a
// tenant's own token opens that tenant's endpoints and nothing else.
func TestControlToken(t *testing.T) {
	s := newServer(t, emulator.WithControlToken("s3cret"))
	admin := []string{"Authorization", "Bearer s3cret"}

	require.Equal(t, http.StatusOK, s.Do(t, http.MethodGet, "/__fakebots/health", nil).Status, "health stays open")
	for _, headers := range [][]string{nil, {"Authorization", "Bearer wrong"}, {"Authorization", "Basic czNjcmV0"}, {"Authorization", "Basic s3cret"}} {
		r := s.Do(t, http.MethodGet, "/__fakebots/tenants", nil, headers...)
		require.Equal(t, http.StatusUnauthorized, r.Status, headers)
		require.Equal(t, `Bearer realm="fakebots"`, r.Header.Get("WWW-Authenticate"))
	}
	require.Equal(t, http.StatusUnauthorized, s.Do(t, http.MethodPost, "/__fakebots/tenants", `{}`).Status)

	created := s.Do(t, http.MethodPost, "/__fakebots/tenants", `{}`, admin...)
	require.Equal(t, http.StatusCreated, created.Status, string(created.Body))
	var mine struct {
		ID           string `json:"id"`
		ControlToken string `json:"control_token"`
	}
	created.JSON(t, &mine)
	other := s.Do(t, http.MethodPost, "/__fakebots/tenants", `{}`, admin...)
	var theirs struct {
		ID string `json:"id"`
	}
	other.JSON(t, &theirs)

	own := []string{"Authorization", "Bearer " + mine.ControlToken}
	for _, call := range []struct{ method, path, body string }{
		{http.MethodGet, "/__fakebots/tenants/" + mine.ID, ""},
		{http.MethodGet, "/__fakebots/tenants/" + mine.ID + "/journal", ""},
		{http.MethodGet, "/__fakebots/tenants/" + mine.ID + "/outbox", ""},
		{http.MethodPost, "/__fakebots/tenants/" + mine.ID + "/clock/advance", `{"by":"1h"}`},
		{http.MethodPut, "/__fakebots/tenants/" + mine.ID + "/rate-limits", `{"enabled":false}`},
		{http.MethodPost, "/__fakebots/tenants/" + mine.ID + "/faults", `{"platform":"cleverapp","status":503}`},
		{http.MethodGet, "/__fakebots/tenants/" + mine.ID + "/salebot/settings", ""},
		{http.MethodPost, "/__fakebots/tenants/" + mine.ID + "/reset", ""},
	} {
		r := s.Do(t, call.method, call.path, call.body, own...)
		require.Less(t, r.Status, 300, "%s %s: %s", call.method, call.path, r.Body)
	}
	for _, call := range []struct{ method, path string }{
		{http.MethodGet, "/__fakebots/tenants/" + theirs.ID},
		{http.MethodGet, "/__fakebots/tenants/" + theirs.ID + "/journal"},
		{http.MethodDelete, "/__fakebots/tenants/" + theirs.ID},
		{http.MethodGet, "/__fakebots/tenants"},
		{http.MethodPost, "/__fakebots/tenants"},
		{http.MethodGet, "/__fakebots/journal"},
		{http.MethodPost, "/__fakebots/clock/freeze"},
		{http.MethodPost, "/__fakebots/reset"},
	} {
		r := s.Do(t, call.method, call.path, nil, own...)
		require.Equal(t, http.StatusForbidden, r.Status, "%s %s", call.method, call.path)
		require.JSONEq(t, `{"error":"tenant `+mine.ID+`'s control token opens only /__fakebots/tenants/`+mine.ID+`/…"}`, string(r.Body))
	}
	require.Equal(t, http.StatusOK, s.Do(t, http.MethodGet, "/__fakebots/tenants/"+theirs.ID, nil, admin...).Status, "untouched")

	for headers, want := range map[*[]string]string{&admin: `{"access":"admin"}`, &own: `{"access":"tenant","tenant":"` + mine.ID + `"}`} {
		r := s.Do(t, http.MethodGet, "/__fakebots/whoami", nil, *headers...)
		require.Equal(t, http.StatusOK, r.Status)
		require.JSONEq(t, want, string(r.Body))
	}
	require.Equal(t, http.StatusUnauthorized, s.Do(t, http.MethodGet, "/__fakebots/whoami", nil).Status)
	require.Equal(t, http.StatusUnauthorized, s.Do(t, http.MethodGet, "/__fakebots/whoami", nil, "Authorization", "Bearer wrong").Status)

	// The dashboard's files hold no data: they need no token.
	page := s.Do(t, http.MethodGet, "/__fakebots/ui/tenants/"+mine.ID+"/salebot", nil)
	require.Equal(t, http.StatusOK, page.Status)
	require.Equal(t, "text/html; charset=utf-8", page.Header.Get("Content-Type"))

	require.Equal(t, http.StatusNoContent, s.Do(t, http.MethodDelete, "/__fakebots/tenants/"+mine.ID, nil, own...).Status)
	r := s.Do(t, http.MethodGet, "/__fakebots/tenants/"+mine.ID, nil, own...)
	require.Equal(t, http.StatusUnauthorized, r.Status, "a deleted tenant's token opens nothing")
}

func TestWithoutAControlTokenTheAPIIsOpen(t *testing.T) {
	s := newServer(t)
	require.Equal(t, http.StatusOK, s.Do(t, http.MethodGet, "/__fakebots/tenants", nil).Status)
	require.Equal(t, http.StatusOK, s.Do(t, http.MethodGet, "/__fakebots/tenants", nil, "Authorization", "Bearer anything").Status)
	r := s.Do(t, http.MethodGet, "/__fakebots/whoami", nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.JSONEq(t, `{"access":"open"}`, string(r.Body))
}
