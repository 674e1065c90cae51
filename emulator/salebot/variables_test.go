package salebot_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSaveVariablesDealByDefaultClientWithPrefix(t *testing.T) {
	e := newEnv(t, shopFixture)
	ids := e.newClients(1)
	// The documented example: {"client_id":49177759, "variables":{"client.phone":"88888888888"}}.
	e.ok("POST", "save_variables", map[string]any{"client_id": ids[0], "variables": map[string]any{"client.phone": "88888888888"}})
	e.ok("POST", "save_variables", map[string]any{"client_id": ids[0], "variables": map[string]any{"var_name": "var_value", "sum": 1500}})

	card := e.sb.ClientCard(t, ids[0])
	require.Equal(t, map[string]any{"phone": "88888888888"}, card.Variables)
	require.Len(t, card.Orders, 1)
	require.Equal(t, map[string]any{"var_name": "var_value", "sum": float64(1500)}, card.Orders[0].Variables, "deal variables keep their types")

	vars := e.ok("GET", "get_variables", map[string]any{"client_id": ids[0]})
	require.Equal(t, "88888888888", vars["phone"])
	require.Equal(t, "var_value", vars["var_name"])
	require.Equal(t, float64(1500), vars["sum"])
	require.Equal(t, "1000", vars["platform_id"])
	require.Equal(t, "NONE", vars["avatar"], "empty system variables read NONE (observed)")
	require.NotContains(t, vars, "status", "a flat object without status")
}

// The system fields read what the client has: "NONE" is only for an empty
// one.
func TestGetVariablesSystemFieldsWhenSet(t *testing.T) {
	e := newEnv(t, map[string]any{"salebot": map[string]any{
		"channels": []any{map[string]any{"type": "telegram", "id": 23, "group_id": "shop_bot"}},
		"clients": []any{map[string]any{
			"id": 7, "platform_id": "500", "name": "Анна", "avatar": "https://cdn.example/anna.jpg", "tag": "vip", "message_id": 3,
		}},
	}})
	r := e.get("get_variables", "client_id=7")
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, `{"platform_id":"500","client_type":"1","name":"Анна","avatar":"https://cdn.example/anna.jpg","tag":"vip",`+
		`"group":"shop_bot","main_client_id":"7","message_id":"3"}`, string(r.Body))
}

func TestGetVariablesDealWinsAndOrder(t *testing.T) {
	e := newEnv(t, shopFixture)
	ids := e.newClients(1)
	e.ok("POST", "save_variables", map[string]any{"client_id": ids[0], "variables": map[string]any{"client.city": "Казань", "client.b": "1"}})
	e.ok("POST", "save_variables", map[string]any{"client_id": ids[0], "variables": map[string]any{"city": "Москва"}})
	r := e.get("get_variables", "client_id="+itoa(ids[0]))
	require.Equal(t, http.StatusOK, r.Status)
	assertGolden(t, "get_variables.golden", r)
}

func TestSaveVariablesBulk(t *testing.T) {
	e := newEnv(t, shopFixture)
	ids := e.newClients(3)
	e.ok("POST", "save_variables", map[string]any{"clients": []any{ids[0], itoa(ids[1]), 424242}, "variables": map[string]any{"client.tag": "promo"}})
	for i, want := range []any{"promo", "promo", nil} {
		require.Equal(t, want, e.sb.ClientCard(t, ids[i]).Variables["tag"], "client %d", i)
	}
}

func TestSaveVariablesErrors(t *testing.T) {
	e := newEnv(t, shopFixture)
	ids := e.newClients(1)
	cases := []struct {
		params any
		status int
		body   string
	}{
		{map[string]any{"client_id": 424242, "variables": map[string]any{"a": 1}}, 404, `{"status":"client_not_found"}`},
		{map[string]any{"client_id": ids[0]}, 400, `{"status":"fail","message":"Parameter \"variables\" required"}`},
		{map[string]any{"variables": map[string]any{"a": 1}}, 400, `{"status":"fail","message":"Parameter \"client_id\" or \"clients\" required"}`},
		{map[string]any{"client_id": ids[0], "variables": "a=1"}, 400, `{"status":"fail","message":"Error in parameter format"}`},
	}
	for _, c := range cases {
		r := e.call("POST", "save_variables", c.params)
		require.Equal(t, c.status, r.Status, "%v", c.params)
		require.JSONEq(t, c.body, string(r.Body))
	}
	r := e.get("get_variables", "client_id=424242")
	require.Equal(t, http.StatusNotFound, r.Status)
	r = e.get("get_variables", "")
	require.Equal(t, http.StatusBadRequest, r.Status)
}

// Variables sent as a form arrive as JSON text and are decoded.
func TestSaveVariablesFromAForm(t *testing.T) {
	e := newEnv(t, shopFixture)
	ids := e.newClients(1)
	r := e.post("save_variables", "", "application/x-www-form-urlencoded", "client_id="+itoa(ids[0])+"&variables=%7B%22client.city%22%3A%22%D0%A1%D0%BE%D1%87%D0%B8%22%7D")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "Сочи", e.sb.ClientCard(t, ids[0]).Variables["city"])
	// PHP-style nested keys work too.
	r = e.post("save_variables", "", "application/x-www-form-urlencoded", "client_id="+itoa(ids[0])+"&variables[client.city]=Omsk")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "Omsk", e.sb.ClientCard(t, ids[0]).Variables["city"])
}
