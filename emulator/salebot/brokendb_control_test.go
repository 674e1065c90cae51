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
	for _, c := range []struct {
		name, table, column string
		breaks              func(table, column string)
		cause               string
	}{
		{"project", "sb_projects", "", nil, "no such table: sb_projects"},
		{"client", "sb_clients", "", nil, "no such table: sb_clients"},
		{"manager", "sb_managers", "", nil, "no such table: sb_managers"},
		{"variables", "sb_client_vars", "", nil, "no such table: sb_client_vars"},
		{"list unreadable", "sb_list_members", "list_id", b.overflowing, "integer overflow"},
		{"lists", "sb_list_members", "", nil, "no such table: sb_list_members"},
		{"deal unreadable", "sb_orders", "name", b.overflowing, "integer overflow"},
		{"deals", "sb_orders", "", nil, "no such table: sb_orders"},
		{"deal variables", "sb_order_vars", "", nil, "no such table: sb_order_vars"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.breaks == nil {
				b.exec(gone(c.table))
				defer b.exec(back(c.table))
			} else {
				c.breaks(c.table, c.column)
				defer b.exec(unviewed(c.table))
			}
			b.controlFails(t, "GET", "clients/1", "", c.cause)
		})
	}
}
