package salebot_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// An empty tenant has a project with a main key and one channel, usable at once.
func TestEmptyTenantIsUsableAtOnce(t *testing.T) {
	e := newEnv(t, nil)
	require.Regexp(t, `^[0-9a-f]{32}$`, e.sb.APIKey)
	require.NotZero(t, e.sb.ProjectID)
	require.Equal(t, e.f.URL+"/t/"+e.f.ID+"/salebot/api/"+e.sb.APIKey, e.sb.BaseURL)
	require.Len(t, e.sb.Channels, 1)
	require.Equal(t, e.sb.ChannelID, e.sb.Channels[0].ID)
	require.Equal(t, e.sb.GroupID, e.sb.Channels[0].GroupID)

	item := e.ok("POST", "load_clients", []any{map[string]any{"platform_id": 1, "group_id": e.sb.GroupID, "client_type": e.sb.Channels[0].ClientType}})["items"].([]any)[0]
	require.Equal(t, "success", item.(map[string]any)["status"])
	e.ok("POST", "message", map[string]any{"client_id": item.(map[string]any)["id"], "message": "works"})
}

func TestFixtureKeysAndResetKeepCredentials(t *testing.T) {
	e := newEnv(t, "demo")
	require.Equal(t, "d3f31dabef80ddeb73d43938b4ef8bb0", e.sb.APIKey)
	require.Len(t, e.sb.Keys, 1)
	reader := e.sb.Keys[0].Key
	require.Equal(t, http.StatusOK, e.callKey(reader, "GET", "get_clients", nil).Status)
	require.Equal(t, http.StatusForbidden, e.callKey(reader, "POST", "message", map[string]any{"client_id": 15099119, "message": "x"}).Status)

	e.ok("POST", "delete_clients", map[string]any{"client_ids": []any{15099119}})
	e.f.Tenant.Reset(t)
	require.Equal(t, "ОЛЬГА БЕЛИК", *e.sb.ClientCard(t, 15099119).Name, "a reset restores the fixture")
	require.Equal(t, http.StatusOK, e.callKey(reader, "GET", "get_clients", nil).Status)

}

// A second tenant from the same fixture gets a fresh key but the same ids.
func TestSameFixtureTwice(t *testing.T) {
	fixture := map[string]any{"salebot": map[string]any{"api_key": "0123456789abcdef0123456789abcdef",
		"clients": []any{map[string]any{"id": 49177759, "platform_id": "1"}}}}
	e := newEnv(t, fixture)
	require.Equal(t, "0123456789abcdef0123456789abcdef", e.sb.APIKey)
	other := e.f.NewTenant(t, fakebotstest.WithFixture(fixture)).Salebot
	require.NotEqual(t, e.sb.APIKey, other.APIKey)
	r := e.f.Do(t, "GET", other.URL("get_variables")+"?client_id=49177759", nil)
	require.Equal(t, http.StatusOK, r.Status)
}

func TestTenantsAreIsolated(t *testing.T) {
	e := newEnv(t, nil)
	cid := e.ok("POST", "load_clients", []any{map[string]any{"platform_id": 1, "group_id": e.sb.GroupID, "client_type": 1}})["items"].([]any)[0].(map[string]any)["id"]
	e.ok("POST", "save_variables", map[string]any{"client_id": cid, "variables": map[string]any{"client.secret": "A"}})

	other := e.f.NewTenant(t).Salebot
	r := e.f.Do(t, "GET", other.URL("get_variables")+"?client_id="+itoa(id(cid)), nil)
	require.Equal(t, http.StatusNotFound, r.Status)
	r = e.f.Do(t, "GET", other.URL("get_clients"), nil)
	require.JSONEq(t, `{"status":"success","clients":[]}`, string(r.Body))
}

func TestControlErrors(t *testing.T) {
	e := newEnv(t, nil)
	base := "/__fakebots/tenants/" + e.f.Tenant.ID + "/salebot/"
	cases := []struct {
		method, path string
		body         any
		status       int
	}{
		{"POST", "keys", map[string]any{"name": "x", "permissions": []any{"admin"}}, 400},
		{"POST", "keys", map[string]any{"name": "x"}, 400},
		{"POST", "keys", map[string]any{"nmae": "x", "permissions": []any{"crm_read"}}, 400},
		{"DELETE", "keys/nope", nil, 404},
		{"PATCH", "settings", map[string]any{"not_found_status": 42}, 400},
		{"PATCH", "settings", map[string]any{"timezone": "Mars/Olympus"}, 400},
		{"PATCH", "settings", map[string]any{"content_type": ""}, 400},
		{"PATCH", "settings", map[string]any{"errors": map[string]any{"forbidden": map[string]any{"status": 99}}}, 400},
		{"POST", "inbound", map[string]any{"client_id": 1, "text": "x"}, 404},
		{"POST", "inbound", map[string]any{"text": "x"}, 400},
		{"POST", "inbound", map[string]any{"client_id": 1}, 400},
		{"POST", "inbound", map[string]any{"platform_id": "1", "type": "pager", "text": "x"}, 400},
		{"GET", "clients/abc", nil, 400},
		{"GET", "clients/1", nil, 404},
		{"GET", "webhook/deliveries?limit=0", nil, 400},
	}
	for _, c := range cases {
		r := e.f.Do(t, c.method, base+c.path, c.body)
		require.Equal(t, c.status, r.Status, "%s %s: %s", c.method, c.path, r.Body)
	}
	r := e.f.Do(t, "GET", "/__fakebots/tenants/nobody/salebot/keys", nil)
	require.Equal(t, http.StatusNotFound, r.Status)

	// A failed patch changes nothing.
	settings := e.sb.PatchSettings(t, map[string]any{})
	require.EqualValues(t, 404, settings["not_found_status"])
}

func TestCreateKeyWithChosenValueAndMain(t *testing.T) {
	e := newEnv(t, nil)
	var k fakebotstest.SalebotKey
	require.NoError(t, e.f.Control.Call(t.Context(), "POST", "/tenants/"+e.f.Tenant.ID+"/salebot/keys",
		map[string]any{"key": "0000000000000000000000000000beef", "name": "main now", "permissions": []any{"crm_read"}, "main": true}, &k))
	require.Equal(t, "0000000000000000000000000000beef", k.Key)
	main := map[string]bool{}
	for _, key := range e.sb.ListKeys(t) {
		main[key.Key] = key.Main
	}
	require.Equal(t, map[string]bool{e.sb.APIKey: false, k.Key: true}, main, "the old main key is demoted")
	// A taken value is replaced by a fresh one.
	var again fakebotstest.SalebotKey
	require.NoError(t, e.f.Control.Call(t.Context(), "POST", "/tenants/"+e.f.Tenant.ID+"/salebot/keys",
		map[string]any{"key": k.Key, "name": "dup", "permissions": []any{"crm_read"}}, &again))
	require.NotEqual(t, k.Key, again.Key)
	require.Regexp(t, `^[0-9a-f]{32}$`, again.Key)
}
