package salebot_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDealActionsFailWholeOnABrokenDatabase(t *testing.T) {
	b := newBrokenEnv(t, map[string]any{"salebot": map[string]any{
		"channels": []any{map[string]any{"type": "telegram", "group_id": "shop_bot"}},
		"funnel":   []any{map[string]any{"id": 10, "name": "Новая"}, map[string]any{"id": 11, "name": "В работе"}},
		"clients":  []any{map[string]any{"id": 1, "type": "telegram", "platform_id": "407184121"}},
	}})
	vars := map[string]any{"client_id": 1, "variables": map[string]any{"sum": 5}}
	for _, c := range []struct {
		name, method, action string
		params               any
		breaks, repairs      string
		cause                string
	}{
		{"current deal", "GET", "get_current_order_id?client_id=1", nil, gone("sb_orders"), back("sb_orders"), "no such table: sb_orders"},
		{"deals' client", "GET", "get_orders?client_id=1", nil, gone("sb_clients"), back("sb_clients"), "no such table: sb_clients"},
		{"deals", "GET", "get_orders?client_id=1", nil, gone("sb_orders"), back("sb_orders"), "no such table: sb_orders"},
		{"deal variables", "GET", "get_order_vars?client_id=1", nil, gone("sb_order_vars"), back("sb_order_vars"), "no such table: sb_order_vars"},
		{"deal variables saved", "POST", "set_order_vars", vars, refusing("INSERT", "sb_order_vars"), allowing("sb_order_vars"), "integer overflow"},
		{"deal made", "POST", "create_order", map[string]any{"client_id": 1}, refusing("INSERT", "sb_orders"), allowing("sb_orders"), "integer overflow"},
		{"state looked up", "POST", "set_order_state", map[string]any{"client_id": 1, "state_id": 11}, gone("sb_states"), back("sb_states"), "no such table: sb_states"},
		{"state to move from", "POST", "move_order_to_next_state", map[string]any{"client_id": 1}, gone("sb_states"), back("sb_states"), "no such table: sb_states"},
		{"state set", "POST", "set_order_state", map[string]any{"client_id": 1, "state_id": 11}, refusing("UPDATE", "sb_orders"), allowing("sb_orders"), "integer overflow"},
		{"deal's new client", "POST", "create_order", map[string]any{"phone": "79990001122"}, refusing("INSERT", "sb_clients"), allowing("sb_clients"), "integer overflow"},
		{"deal's new client's phone", "POST", "create_order", map[string]any{"phone": "79990001122"}, refusing("INSERT", "sb_client_vars"), allowing("sb_client_vars"), "integer overflow"},
		{"moved", "POST", "move_order_to_next_state", map[string]any{"client_id": 1}, refusing("UPDATE", "sb_orders"), allowing("sb_orders"), "integer overflow"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b.exec(c.breaks)
			b.failsInternally(t, c.method, c.action, c.params, c.cause)
			b.exec(c.repairs)
			card := b.sb.ClientCard(t, 1)
			require.Len(t, card.Orders, 1, "no deal made")
			require.Empty(t, card.Orders[0].Variables, "no variable saved")
			require.Equal(t, int64(10), *card.Orders[0].StateID, "the deal not moved")
			require.Len(t, b.ok("GET", "get_clients", nil)["clients"], 1, "no client made")
		})
	}
}
