package salebot_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var allPermissions = []string{"clients_read", "clients_write", "clients_delete", "crm_read", "crm_write"}

// TestEveryActionNeedsItsPermission runs every operation of the spec with
// a key lacking its permission (403, the forbidden answer) and with a key
// holding only that permission (anything but 403).
func TestEveryActionNeedsItsPermission(t *testing.T) {
	e := newEnv(t, nil)
	without, only := map[string]string{}, map[string]string{}
	for _, perm := range allPermissions {
		rest := slices.DeleteFunc(slices.Clone(allPermissions), func(p string) bool { return p == perm })
		without[perm] = e.sb.CreateKey(t, "without "+perm, rest...)
		only[perm] = e.sb.CreateKey(t, "only "+perm, perm)
	}
	spec := e.platform().Spec()
	require.Len(t, spec.Operations, 82)
	for _, op := range spec.Operations {
		var perm string
		_, err := op.Extension("x-permission", &perm)
		require.NoError(t, err)
		action := op.Path[len("/api/{api_key}/"):]
		denied := e.callKey(without[perm], op.Method, action, nil)
		require.Equal(t, http.StatusForbidden, denied.Status, "%s needs %s", op.ID, perm)
		require.JSONEq(t, `{"status":"error","message":"permission denied"}`, string(denied.Body), op.ID)
		allowed := e.callKey(only[perm], op.Method, action, nil)
		require.NotEqual(t, http.StatusForbidden, allowed.Status, "%s with %s: %s", op.ID, perm, allowed.Body)
	}
}

func TestUnknownAndRevokedKeys(t *testing.T) {
	e := newEnv(t, nil)
	r := e.callKey("0123456789abcdef0123456789abcdef", "GET", "connected_channels", nil)
	require.Equal(t, http.StatusForbidden, r.Status)
	assertGolden(t, "unknown_key.golden", r)

	key := e.sb.CreateKey(t, "temporary", "clients_read")
	require.Equal(t, http.StatusOK, e.callKey(key, "GET", "connected_channels", nil).Status)
	e.sb.RevokeKey(t, key)
	r = e.callKey(key, "GET", "connected_channels", nil)
	require.Equal(t, http.StatusForbidden, r.Status)
	require.JSONEq(t, `{"status":"error","message":"invalid api key"}`, string(r.Body))

	keys := e.sb.ListKeys(t)
	require.Len(t, keys, 2)
	require.True(t, keys[0].Main && keys[0].Legacy, "the provisioned key is the old-style main key")
	require.Equal(t, allPermissions, keys[0].Permissions)
	require.True(t, keys[1].Revoked)
}

// A revoked key still belongs to its tenant, whose settings shape the answer.
func TestErrorAnswersAreConfigurable(t *testing.T) {
	e := newEnv(t, nil)
	e.sb.PatchSettings(t, map[string]any{"errors": map[string]any{
		"unknown_key":    map[string]any{"status": 401, "body": "Unauthorized"},
		"forbidden":      map[string]any{"status": 401},
		"unknown_action": map[string]any{"body": map[string]any{"error": "no such method"}},
	}, "content_type": "application/json"})
	key := e.sb.CreateKey(t, "reader", "clients_read")
	r := e.raw(key, "POST", "message", map[string]any{"client_id": 1, "message": "x"})
	require.Equal(t, http.StatusUnauthorized, r.Status)
	require.JSONEq(t, `{"status":"error","message":"permission denied"}`, string(r.Body), "the body keeps its default")

	r = e.raw(key, "GET", "subscribers", nil)
	require.Equal(t, http.StatusNotFound, r.Status)
	require.Equal(t, `{"error":"no such method"}`, string(r.Body))
	require.Equal(t, "application/json", r.Header.Get("Content-Type"), "the tenant's label too")
	// The key alone, with no action, is the tenant's too.
	r = e.f.Do(t, "GET", strings.TrimSuffix(e.sb.KeyURL(key, ""), "/"), nil)
	require.Equal(t, http.StatusNotFound, r.Status)
	require.Equal(t, `{"error":"no such method"}`, string(r.Body))
	// Outside /api/ a key in the path is not read: the default answer.
	r = e.f.Do(t, "GET", strings.Replace(e.sb.KeyURL(key, "get_clients"), "/api/", "/other/", 1), nil)
	require.Equal(t, http.StatusNotFound, r.Status)
	require.Equal(t, `{"status":"error","message":"unknown action"}`, string(r.Body))

	e.sb.RevokeKey(t, key)
	r = e.raw(key, "GET", "get_clients", nil)
	require.Equal(t, http.StatusUnauthorized, r.Status)
	require.Equal(t, "Unauthorized", string(r.Body))
}

func TestUnknownActionAndMethod(t *testing.T) {
	e := newEnv(t, nil)
	r := e.raw(e.sb.APIKey, "GET", "vk_subscribers", nil)
	require.Equal(t, http.StatusNotFound, r.Status)
	assertGolden(t, "unknown_action.golden", r)

	r = e.raw(e.sb.APIKey, "PUT", "message", map[string]any{})
	require.Equal(t, http.StatusMethodNotAllowed, r.Status)
	assertGolden(t, "method_not_allowed.golden", r)
}

func TestContentTypeIsConfigurable(t *testing.T) {
	e := newEnv(t, nil)
	require.Equal(t, "text/html; charset=utf-8", e.call("GET", "get_clients", nil).Header.Get("Content-Type"))
	e.sb.PatchSettings(t, map[string]any{"content_type": "application/json"})
	r := e.call("GET", "get_clients", nil)
	require.Equal(t, "application/json", r.Header.Get("Content-Type"))
	unknown := e.callKey("nope", "GET", "get_clients", nil)
	require.Equal(t, "text/html; charset=utf-8", unknown.Header.Get("Content-Type"), "an unknown key gets the defaults")
}
