package salebot_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestProjectControlFailsOnABrokenDatabase(t *testing.T) {
	b := newBrokenEnv(t, nil)
	for _, c := range []struct {
		name, method, path, body string
		breaks, repairs, cause   string
	}{
		{"keys", "GET", "keys", "", gone("credentials"), back("credentials"), "no such table: credentials"},
		{"settings read", "GET", "settings", "", gone("sb_projects"), back("sb_projects"), "no such table: sb_projects"},
		{"webhook read", "GET", "webhook", "", gone("sb_projects"), back("sb_projects"), "no such table: sb_projects"},
		{"settings loaded to change", "PATCH", "settings", `{"fail_status": 422}`, gone("sb_projects"), back("sb_projects"), "no such table: sb_projects"},
		{"settings saved", "PATCH", "settings", `{"fail_status": 422}`, refusing("UPDATE", "sb_projects"), allowing("sb_projects"), "integer overflow"},
		{"webhook saved", "PUT", "webhook", `{"url": "http://hooks.example/sb"}`, refusing("UPDATE", "sb_projects"), allowing("sb_projects"), "integer overflow"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b.exec(c.breaks)
			b.controlFails(t, c.method, c.path, c.body, c.cause)
			b.exec(c.repairs)
			require.Equal(t, 400.0, b.sb.PatchSettings(t, map[string]any{})["fail_status"], "nothing saved")
		})
	}
}

// The card's statements are broken in the order the card reads them: a
// statement a read connection has prepared keeps reading a table renamed
// away after it (observed).
func TestClientCardFailsOnABrokenDatabase(t *testing.T) {
	b := newBrokenEnv(t, brokenClientsFixture)
	b.ok("POST", "assign_to_user", map[string]any{"client_id": 1})
	b.ok("POST", "add_to_list", map[string]any{"list_id": 7, "clients": []any{1}})
	b.ok("POST", "add_to_list", map[string]any{"list_id": 8, "clients": []any{1}})
	b.ok("POST", "create_order", map[string]any{"client_id": 1})
	for _, c := range []struct {
		name, table, column string
		breaks              func(table, column string)
		cause               string
	}{
		{"project", "sb_projects", "", nil, "no such table: sb_projects"},
		{"client", "sb_clients", "", nil, "no such table: sb_clients"},
		{"manager", "sb_managers", "", nil, "no such table: sb_managers"},
		{"variables", "sb_client_vars", "", nil, "no such table: sb_client_vars"},
		{"lists fail midway", "sb_list_members", "list_id", b.failingAfterFirst, "integer overflow"},
		{"lists", "sb_list_members", "", nil, "no such table: sb_list_members"},
		{"deals fail midway", "sb_orders", "name", b.failingAfterFirst, "integer overflow"},
		{"deals", "sb_orders", "", nil, "no such table: sb_orders"},
		{"deal variables", "sb_order_vars", "", nil, "no such table: sb_order_vars"},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer b.breakTable(c.table, c.column, c.breaks)()
			b.controlFails(t, "GET", "clients/1", "", c.cause)
		})
	}
}

// TestStateViewsFailOnABrokenDatabase breaks the deals' statements in the
// order the view reads them (see TestClientCardFailsOnABrokenDatabase).
func TestStateViewsFailOnABrokenDatabase(t *testing.T) {
	b := newBrokenEnv(t, map[string]any{"salebot": map[string]any{
		"channels": []any{map[string]any{"type": "telegram", "group_id": "shop_bot"}},
		"lists":    []any{map[string]any{"id": 7, "name": "VIP"}, map[string]any{"id": 8, "name": "Опт"}},
		"funnel":   []any{map[string]any{"id": 10, "name": "Новая"}, map[string]any{"id": 11, "name": "В работе"}},
		"clients":  []any{map[string]any{"id": 1, "type": "telegram", "platform_id": "407184121"}},
	}})
	b.ok("POST", "create_order", map[string]any{"client_id": 1})
	b.ok("POST", "set_order_vars", map[string]any{"client_id": 1, "variables": map[string]any{"a": "1", "b": "2"}})
	for _, c := range []struct {
		name, path, table, column string
		breaks                    func(table, column string)
		cause                     string
	}{
		{"states' order unreadable", "deals", "sb_states", "position", b.overflowing, "integer overflow"},
		{"states fail midway", "deals", "sb_states", "name", b.failingAfterFirst, "integer overflow"},
		{"states", "deals", "sb_states", "", nil, "no such table: sb_states"},
		{"deal variables fail midway", "deals", "sb_order_vars", "value", b.failingAfterFirst, "integer overflow"},
		{"deal variables", "deals", "sb_order_vars", "", nil, "no such table: sb_order_vars"},
		{"deals fail midway", "deals", "sb_orders", "name", b.failingAfterFirst, "integer overflow"},
		{"deals", "deals", "sb_orders", "", nil, "no such table: sb_orders"},
		{"lists fail midway", "lists", "sb_lists", "name", b.failingAfterFirst, "integer overflow"},
		{"lists", "lists", "sb_lists", "", nil, "no such table: sb_lists"},
		{"channels", "channels", "sb_channels", "", nil, "no such table: sb_channels"},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer b.breakTable(c.table, c.column, c.breaks)()
			b.controlFails(t, "GET", c.path, "", c.cause)
		})
	}
}
