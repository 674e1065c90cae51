package salebot_test

import (
	"encoding/json"
	"net/url"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/fixtures"
)

// docsEnv is a tenant holding the data of the docs' examples.
func docsEnv(t testing.TB) *env {
	t.Helper()
	raw, err := os.ReadFile("testdata/docs_fixture.yaml")
	require.NoError(t, err)
	fixture, err := fixtures.ToJSON(raw)
	require.NoError(t, err)
	return newEnv(t, json.RawMessage(fixture))
}

// TestDocumentedBodies reproduces every answer the docs show, in order (the
// deal calls build on each other), byte for byte.
func TestDocumentedBodies(t *testing.T) {
	e := docsEnv(t)
	missing := map[string]any{"client_id": 999}
	cases := []struct {
		name   string
		method string
		action string
		query  string
		params any
		status int
		doc    string
	}{
		{"load_clients", "POST", "load_clients", "", []any{map[string]any{"platform_id": "700000000", "group_id": "5kqchxwyvdvFZOsp80q2qw==", "client_type": 6}}, 200, "load_clients_200.json"},
		{"get_clients", "GET", "get_clients", "list=1", nil, 200, "get_clients_200.json"},
		{"find_client_id_by_platform_id", "POST", "find_client_id_by_platform_id", "", map[string]any{"platform_ids": []any{"2568652", 571830542}, "group_id": "Salebotpro_bot"}, 200, "find_client_id_by_platform_id_200.json"},
		{"online_chat_client_id", "GET", "online_chat_client_id", "recipient=dialog-36553", nil, 200, "online_chat_client_id_200.json"},
		{"get_history", "GET", "get_history", "client_id=25554", nil, 200, "get_history_200.json"},
		{"find_all_client_id_by_several_vars", "GET", "find_all_client_id_by_several_vars", "city=" + url.QueryEscape("Москва") + "&class=" + url.QueryEscape("ЕГЭ"), nil, 200, "find_all_client_id_by_several_vars_200.json"},
		{"find_clients", "POST", "find_clients", "", map[string]any{"q": map[string]any{"result": "ok"}}, 200, "find_clients_200.json"},
		{"find_clients_empty", "POST", "find_clients", "", map[string]any{"q": map[string]any{"result": "fail"}}, 200, "find_clients_200_empty.json"},
		{"find_clients_q_required", "POST", "find_clients", "", map[string]any{"search_in": "order"}, 400, "find_clients_q_required.json"},
		{"find_clients_format", "POST", "find_clients", "", map[string]any{"q": map[string]any{"result": map[string]any{"_like": "o"}}}, 400, "find_clients_format.json"},
		{"find_clients_went_wrong", "POST", "find_clients", "", map[string]any{"q": map[string]any{"class": map[string]any{"_gt": 5}}}, 400, "find_clients_went_wrong.json"},
		{"get_current_order_id", "GET", "get_current_order_id", "client_id=1001", nil, 200, "get_current_order_id_200.json"},
		{"get_current_order_id_404", "GET", "get_current_order_id", "client_id=999", nil, 404, "client_not_found.json"},
		{"get_orders", "GET", "get_orders", "client_id=1002&order_status=0", nil, 200, "get_orders_200.json"},
		{"get_orders_404", "GET", "get_orders", "client_id=999", nil, 404, "client_not_found.json"},
		{"move_order_to_next_state", "POST", "move_order_to_next_state", "", map[string]any{"client_id": 1001, "order_id": 40632}, 200, "move_order_to_next_state_200.json"},
		{"move_order_to_next_state_404", "POST", "move_order_to_next_state", "", missing, 404, "client_not_found.json"},
		{"get_order_vars", "POST", "get_order_vars", "", map[string]any{"client_id": 1001, "order_id": 40632, "variables": []string{"var_name1", "var_name2"}}, 200, "get_order_vars_200.json"},
		{"get_order_vars_404", "POST", "get_order_vars", "", missing, 404, "client_not_found.json"},
		{"set_order_vars", "POST", "set_order_vars", "", map[string]any{"client_id": 1001, "order_id": 40632, "variables": map[string]any{"var_name": "var_velue"}}, 200, "set_order_vars_200.json"},
		{"set_order_vars_order_not_found", "POST", "set_order_vars", "", map[string]any{"client_id": 1001, "order_id": 12345, "variables": map[string]any{"var_name": "var_velue"}}, 404, "set_order_vars_order_not_found.json"},
		{"create_order", "POST", "create_order", "", map[string]any{"client_id": 1001, "name": "Заказ"}, 200, "create_order_200.json"},
		{"create_order_404", "POST", "create_order", "", missing, 404, "client_not_found.json"},
		{"get_order_state", "GET", "get_order_state", "client_id=1003", nil, 200, "get_order_state_200.json"},
		{"get_order_state_order_not_found", "GET", "get_order_state", "client_id=1003&order_id=1", nil, 404, "get_order_state_order_not_found.json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r *fakebotstest.Response
			if c.query != "" {
				r = e.get(c.action, c.query)
			} else {
				r = e.call(c.method, c.action, c.params)
			}
			require.Equal(t, c.status, r.Status, string(r.Body))
			assertDocumented(t, c.doc, r.Body)
			assertGolden(t, c.name+".golden", r)
		})
	}
}

func TestConnectedChannelsIsTheDocumentedExample(t *testing.T) {
	e := newEnv(t, map[string]any{"salebot": map[string]any{
		"project_id": 1,
		"channels": []any{
			map[string]any{"type": "viber", "id": 14, "name": "salebotstage", "group_id": 11},
			map[string]any{"type": "telegram", "id": 23, "name": "bulls_vs_bears_bot", "group_id": "bulls_vs_bears_bot"},
			map[string]any{"type": "vkontakte", "id": 33, "group_id": "143414131"},
		},
	}})
	r := e.call("GET", "connected_channels", nil)
	require.Equal(t, 200, r.Status)
	assertDocumented(t, "connected_channels_200.json", r.Body)
	assertGolden(t, "connected_channels.golden", r)
}
