package salebot_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCallbackFailsWholeOnABrokenDatabase(t *testing.T) {
	b := newBrokenEnv(t, callbackFixture)
	for _, c := range []struct {
		name, breaks, repairs, cause string
	}{
		{"client lookup", gone("sb_clients"), back("sb_clients"), "no such table: sb_clients"},
		{"extra variables", refusing("INSERT", "sb_client_vars"), allowing("sb_client_vars"), "integer overflow"},
		{"client touched", refusing("UPDATE", "sb_clients"), allowing("sb_clients"), "integer overflow"},
		{"message kept", refusing("INSERT", "sb_messages"), allowing("sb_messages"), "integer overflow"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b.exec(c.breaks)
			b.failsInternally(t, "POST", "callback", map[string]any{"message": "hi", "client_id": "1", "source": "ad"}, c.cause)
			b.exec(c.repairs)
			require.NotContains(t, b.sb.ClientCard(t, 1).Variables, "source", "nothing half-written")
			require.Empty(t, b.history(1))
		})
	}
}

func TestCallbacksFindingOrMakingTheClientFailOnABrokenDatabase(t *testing.T) {
	b := newBrokenEnv(t, callbackFixture)
	for _, c := range []struct {
		name, action string
		params       map[string]any
		breaks       string
		repairs      string
		cause        string
	}{
		{"tg client lookup", "tg_callback", map[string]any{"user_id": 407184121, "group_id": "shop_bot", "message": "x"}, gone("sb_clients"), back("sb_clients"), "no such table: sb_clients"},
		{"whatsapp channel", "whatsapp_callback", map[string]any{"phone": "79990001122", "message": "x"}, gone("sb_channels"), back("sb_channels"), "no such table: sb_channels"},
		{"whatsapp client made", "whatsapp_callback", map[string]any{"phone": "79990001122", "message": "x"}, refusing("INSERT", "sb_clients"), allowing("sb_clients"), "integer overflow"},
		{"email channel", "email_callback", map[string]any{"email": "new@example.com", "message": "x"}, gone("sb_channels"), back("sb_channels"), "no such table: sb_channels"},
		{"email client made", "email_callback", map[string]any{"email": "new@example.com", "message": "x"}, refusing("INSERT", "sb_clients"), allowing("sb_clients"), "integer overflow"},
		{"platform ids looked up", "send_callback_by_platform_id", map[string]any{"platform_ids": []any{"407184121"}, "callback_text": "x"}, gone("sb_clients"), back("sb_clients"), "no such table: sb_clients"},
		{"platform ids sent", "send_callback_by_platform_id", map[string]any{"platform_ids": []any{"407184121"}, "callback_text": "x"}, refusing("INSERT", "sb_messages"), allowing("sb_messages"), "integer overflow"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b.exec(c.breaks)
			b.failsInternally(t, "POST", c.action, c.params, c.cause)
			b.exec(c.repairs)
			require.Empty(t, b.history(1), "nothing half-written")
			require.Len(t, b.ok("GET", "get_clients", nil)["clients"], 4, "no client made")
		})
	}
}
