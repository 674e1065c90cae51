package salebot_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

var brokenClientsFixture = map[string]any{"salebot": map[string]any{
	"channels": []any{map[string]any{"type": "telegram", "group_id": "shop_bot"}, map[string]any{"type": "online_chat", "id": 51}},
	"lists":    []any{map[string]any{"id": 7, "name": "VIP"}, map[string]any{"id": 8, "name": "Опт"}},
	"managers": []any{map[string]any{"id": 1, "email": "anna@shop.example"}},
	"clients":  []any{map[string]any{"id": 1, "type": "telegram", "platform_id": "407184121", "variables": map[string]any{"city": "Тверь"}}},
}}

func TestClientActionsFailWholeOnABrokenDatabase(t *testing.T) {
	b := newBrokenEnv(t, brokenClientsFixture)
	newTelegram := []any{map[string]any{"platform_id": "5", "group_id": "shop_bot", "client_type": 1}}
	for _, c := range []struct {
		name, method, action string
		params               any
		breaks, repairs      string
		cause                string
	}{
		// First: once a read connection has prepared get_clients' statement,
		// renaming the table away does not stop it (observed).
		{"get_clients", "GET", "get_clients", nil, gone("sb_clients"), back("sb_clients"), "no such table: sb_clients"},
		{"load_clients channel", "POST", "load_clients", newTelegram, gone("sb_channels"), back("sb_channels"), "no such table: sb_channels"},
		{"load_clients client made", "POST", "load_clients", newTelegram, refusing("INSERT", "sb_clients"), allowing("sb_clients"), "integer overflow"},
		{"add_to_list list", "POST", "add_to_list", map[string]any{"list_id": 7, "clients": []any{1}}, gone("sb_lists"), back("sb_lists"), "no such table: sb_lists"},
		{"add_to_list member", "POST", "add_to_list", map[string]any{"list_id": 7, "clients": []any{1}}, refusing("INSERT", "sb_list_members"), allowing("sb_list_members"), "integer overflow"},
		{"get_clients list", "GET", "get_clients?list=7", nil, gone("sb_lists"), back("sb_lists"), "no such table: sb_lists"},
		{"delete_clients", "POST", "delete_clients", map[string]any{"client_ids": []any{1}}, refusing("DELETE", "sb_clients"), allowing("sb_clients"), "integer overflow"},
		{"assign_to_user client", "POST", "assign_to_user", map[string]any{"client_id": 1}, gone("sb_clients"), back("sb_clients"), "no such table: sb_clients"},
		{"assign_to_user manager", "POST", "assign_to_user", map[string]any{"client_id": 1}, gone("sb_managers"), back("sb_managers"), "no such table: sb_managers"},
		{"assign_to_user assigned", "POST", "assign_to_user", map[string]any{"client_id": 1}, refusing("UPDATE", "sb_clients"), allowing("sb_clients"), "integer overflow"},
		{"find_client_id_by_platform_id client", "POST", "find_client_id_by_platform_id", map[string]any{"platform_ids": []any{"407184121"}}, gone("sb_clients"), back("sb_clients"), "no such table: sb_clients"},
		{"find_client_id_by_platform_id variables", "POST", "find_client_id_by_platform_id", map[string]any{"platform_ids": []any{"407184121"}}, gone("sb_client_vars"), back("sb_client_vars"), "no such table: sb_client_vars"},
		{"online_chat_client_id channel", "POST", "online_chat_client_id", map[string]any{"recipient": "dialog-1"}, gone("sb_channels"), back("sb_channels"), "no such table: sb_channels"},
		{"online_chat_client_id client made", "POST", "online_chat_client_id", map[string]any{"recipient": "dialog-1"}, refusing("INSERT", "sb_clients"), allowing("sb_clients"), "integer overflow"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b.exec(c.breaks)
			b.failsInternally(t, c.method, c.action, c.params, c.cause)
			b.exec(c.repairs)
			require.Equal(t, []int64{1}, clientIDs(b.ok("GET", "get_clients", nil)), "nothing half-written")
			card := b.sb.ClientCard(t, 1)
			require.Empty(t, card.Lists)
			require.Nil(t, card.Manager)
		})
	}
}

func TestClientLookupsFailOnUnreadableClients(t *testing.T) {
	b := newBrokenEnv(t, brokenClientsFixture)
	known := []any{map[string]any{"platform_id": "407184121", "group_id": "shop_bot", "client_type": 1}}
	byPlatformID := map[string]any{"platform_ids": []any{"407184121"}}
	b.ok("POST", "load_clients", []any{map[string]any{"platform_id": "407184122", "group_id": "shop_bot", "client_type": 1}})
	both := map[string]any{"platform_ids": []any{"407184121", "407184122"}}
	for _, c := range []struct {
		name, action string
		params       any
		breaks       func(table, column string)
		column       string
		cause        string
	}{
		{"known client unreadable", "load_clients", known, b.overflowing, "name", "integer overflow"},
		{"client row unscannable", "find_client_id_by_platform_id", byPlatformID, b.nulled, "group_id", "converting NULL"},
		{"clients unreadable", "find_client_id_by_platform_id", byPlatformID, b.overflowing, "group_id", "integer overflow"},
		{"clients fail midway", "find_client_id_by_platform_id", both, b.failingAfterFirst, "group_id", "integer overflow"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.breaks("sb_clients", c.column)
			b.failsInternally(t, "POST", c.action, c.params, c.cause)
			b.exec(unviewed("sb_clients"))
			require.Len(t, b.ok("GET", "get_clients", nil)["clients"], 2, "no client made")
		})
	}
}

func TestLoadClientsMakesNoClientWithoutItsDeal(t *testing.T) {
	b := newBrokenEnv(t, brokenClientsFixture)
	b.exec(refusing("INSERT", "sb_orders"))
	b.failsInternally(t, "POST", "load_clients", []any{map[string]any{"platform_id": "5", "group_id": "shop_bot", "client_type": 1}}, "integer overflow")
	b.exec(allowing("sb_orders"))
	require.Equal(t, []int64{1}, clientIDs(b.ok("GET", "get_clients", nil)))
}
