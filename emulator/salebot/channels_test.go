package salebot_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestConnectedChannelsWhatsAppStatusAndOtherMessengers(t *testing.T) {
	e := newEnv(t, map[string]any{"salebot": map[string]any{
		"project_id": 9,
		"channels": []any{
			map[string]any{"type": "whatsapp", "id": 41, "name": "Продажи", "group_id": "wa1==", "status": 2},
			map[string]any{"type": "whatsapp", "id": 42, "group_id": "wa2==", "enabled": false},
			map[string]any{"type": "instagram", "id": 50, "group_id": "shop.insta"},
			map[string]any{"type": "online_chat", "id": 51},
		},
	}})
	r := e.call("GET", "connected_channels", nil)
	require.Equal(t, http.StatusOK, r.Status)
	assertGolden(t, "connected_channels_whatsapp.golden", r)
}

func TestCheckWhatsApp(t *testing.T) {
	e := newEnv(t, map[string]any{"salebot": map[string]any{
		"channels": []any{map[string]any{"type": "whatsapp"}},
		"settings": map[string]any{"no_whatsapp": []any{"+7 900 000-00-00"}},
	}})
	for query, want := range map[string]bool{
		"phone=%2B7+(999)+123-45-67": true, "phone=79000000000": false, "phone=123": false,
		// a number has 10 to 15 digits
		"phone=123456789": false, "phone=1234567890": true, "phone=123456789012345": true, "phone=1234567890123456": false,
	} {
		require.Equal(t, want, e.ok("GET", "check_whatsapp?"+query, nil)["result"], query)
	}
	require.Equal(t, true, e.ok("POST", "check_whatsapp", map[string]any{"phone": 79991234567})["result"], "a JSON POST (observed)")
	require.Equal(t, http.StatusBadRequest, e.get("check_whatsapp", "").Status)

	plain := newEnv(t, nil)
	r := plain.get("check_whatsapp", "phone=79991234567")
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.JSONEq(t, `{"status":"fail","message":"WhatsApp is not connected"}`, string(r.Body))
}

func TestGetMessagesListsTheFixtureBlocks(t *testing.T) {
	e := newEnv(t, map[string]any{"salebot": map[string]any{"blocks": []any{
		map[string]any{"id": 390, "condition": "Старт", "answer": "Привет", "message_type": 0, "description": "Первый блок"},
		map[string]any{"condition": "Цена", "answer": "1000 ₽", "message_type": 1},
	}}})
	r := e.call("GET", "get_messages", nil)
	require.Equal(t, http.StatusOK, r.Status)
	assertGolden(t, "get_messages.golden", r)
	require.Equal(t, r.Body, e.call("POST", "get_messages", nil).Body)
}
