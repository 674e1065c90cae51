package salebot_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// findFixture: two clients with the same variable, created a day apart, a
// WhatsApp client and an e-mail client.
var findFixture = map[string]any{"salebot": map[string]any{
	"settings": map[string]any{"auto_order": false},
	"channels": []any{
		map[string]any{"type": "telegram", "group_id": "shop_bot"},
		map[string]any{"type": "telegram", "group_id": "other_bot"},
		map[string]any{"type": "whatsapp", "id": 41, "group_id": "wa=="},
	},
	"clients": []any{
		map[string]any{"id": 1, "type": "telegram", "platform_id": "11", "created_at": 1700000000,
			"variables": map[string]any{"phone": "+7 (912) 345-67-89", "email": "Ivan@Example.com", "city": "Москва", "age": 30}},
		map[string]any{"id": 2, "type": "telegram", "group": "other_bot", "platform_id": "22", "created_at": 1700086400,
			"variables": map[string]any{"city": "Москва", "age": "30"},
			"orders":    []any{map[string]any{"variables": map[string]any{"promo": "SPRING"}}}},
		map[string]any{"id": 3, "type": "whatsapp", "platform_id": "79001234567", "created_at": 1700000500},
		map[string]any{"id": 4, "type": "telegram", "platform_id": "44", "created_at": 1600000000,
			"orders": []any{map[string]any{"variables": map[string]any{"city": "Москва"}}}},
	},
}}

func TestFindClientIDByPhoneAndEmail(t *testing.T) {
	e := newEnv(t, findFixture)
	for query, want := range map[string]int64{
		"phone=79123456789":              1, // a variable, compared by digits
		"phone=%2B7+912+345-67-89":       1,
		"phone=79001234567":              3, // a WhatsApp client
		"phone=+7%20900%20123%2045%2067": 3,
	} {
		body := e.ok("GET", "find_client_id_by_phone?"+query, nil)
		require.Equal(t, map[string]any{"status": "success", "client_id": float64(want)}, body, query)
	}
	require.Equal(t, http.StatusNotFound, e.get("find_client_id_by_phone", "phone=70000000000").Status)
	require.Equal(t, http.StatusBadRequest, e.get("find_client_id_by_phone", "").Status)

	require.EqualValues(t, 1, e.ok("POST", "find_client_id_by_email", map[string]any{"email": "ivan@example.COM"})["client_id"])
	r := e.get("find_client_id_by_email", "email=nobody%40example.com")
	require.Equal(t, http.StatusNotFound, r.Status)
	require.JSONEq(t, `{"status":"client_not_found"}`, string(r.Body))
}

func TestWhatsAppClientID(t *testing.T) {
	e := newEnv(t, findFixture)
	require.Equal(t, map[string]any{"client_id": float64(3)}, e.ok("GET", "whatsapp_client_id?phone=79001234567", nil))
	require.Equal(t, map[string]any{"client_id": float64(3)}, e.ok("POST", "whatsapp_client_id", map[string]any{"phone": 79001234567, "group_id": "wa=="}))
	for _, q := range []string{"phone=89001234567", "phone=79001234567&group_id=other", "phone=abc"} {
		r := e.get("whatsapp_client_id", q)
		require.Equal(t, http.StatusNotFound, r.Status, "documented 404: %s", q)
	}
	// The documented 404 does not follow not_found_status.
	e.sb.PatchSettings(t, map[string]any{"not_found_status": 200})
	require.Equal(t, http.StatusNotFound, e.get("whatsapp_client_id", "phone=1").Status)
}

func TestFindClientIDByVar(t *testing.T) {
	e := newEnv(t, findFixture)
	find := func(action, query string) *map[string]any {
		r := e.get(action, query)
		if r.Status != http.StatusOK {
			return nil
		}
		var body map[string]any
		r.JSON(t, &body)
		return &body
	}
	require.EqualValues(t, 1, (*find("find_client_id_by_var", "var=city&val=%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0"))["client_id"], "the oldest")
	require.EqualValues(t, 2, (*find("find_client_id_by_var", "var=city&val=%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0&group_id=other_bot"))["client_id"])
	require.EqualValues(t, 1, (*find("find_client_id_by_var", "var=age&val=30"))["client_id"], "numbers compare as text")
	require.EqualValues(t, 2, (*find("find_client_id_by_var", "var=promo&val=SPRING&search_in=order"))["client_id"])
	require.Nil(t, find("find_client_id_by_var", "var=promo&val=SPRING"), "deal variables only with search_in=order")

	// latest: client and deal variables, the most recently created client.
	require.EqualValues(t, 2, (*find("find_latest_client_id_by_var", "var=city&val=%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0"))["client_id"])
	require.EqualValues(t, 2, (*find("find_latest_client_id_by_var", "var=promo&val=SPRING"))["client_id"])
	r := e.get("find_latest_client_id_by_var", "var=promo&val=WINTER")
	require.Equal(t, http.StatusNotFound, r.Status)

	all := find("find_all_client_id_by_var", "var=city&val=%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0")
	require.Equal(t, []any{float64(1), float64(2)}, (*all)["client_ids"])
	require.Equal(t, []any{}, (*find("find_all_client_id_by_var", "var=city&val=Omsk"))["client_ids"])
	require.Equal(t, http.StatusBadRequest, e.get("find_all_client_id_by_var", "var=city").Status)
}

func TestFindAllClientIDBySeveralVars(t *testing.T) {
	e := newEnv(t, findFixture)
	require.Equal(t, []any{float64(1)}, e.ok("GET", "find_all_client_id_by_several_vars?city=%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0&phone=%2B7+%28912%29+345-67-89", nil)["client_ids"])
	require.Equal(t, []any{float64(1), float64(2)}, e.ok("GET", "find_all_client_id_by_several_vars?age=30", nil)["client_ids"])
	for _, q := range []string{"", "a=1&b=2&c=3&d=4"} {
		r := e.get("find_all_client_id_by_several_vars", q)
		require.Equal(t, http.StatusBadRequest, r.Status, q)
		require.JSONEq(t, `{"status":"fail","message":"Error in parameter format"}`, string(r.Body))
	}
}

func TestFindClientIDByPlatformID(t *testing.T) {
	e := newEnv(t, findFixture)
	r := e.call("POST", "find_client_id_by_platform_id", map[string]any{"platform_ids": []any{11, "79001234567", "nope"}})
	require.Equal(t, http.StatusOK, r.Status)
	var found []map[string]any
	r.JSON(t, &found)
	require.Len(t, found, 2)
	require.EqualValues(t, 1, found[0]["id"])
	require.EqualValues(t, 3, found[1]["id"], "WhatsApp numbers match without their suffix")
	require.Equal(t, "[]", string(e.call("POST", "find_client_id_by_platform_id", map[string]any{"platform_ids": []any{11}, "group_id": "other_bot"}).Body))
	require.Equal(t, http.StatusBadRequest, e.call("POST", "find_client_id_by_platform_id", map[string]any{}).Status)
}

func TestOnlineChatClientIDCreatesTheClient(t *testing.T) {
	e := newEnv(t, findFixture)
	first := e.ok("GET", "online_chat_client_id?recipient=abc-123&name=Гость&tag=promo", nil)
	again := e.ok("POST", "online_chat_client_id", map[string]any{"recipient": "abc-123"})
	require.Equal(t, first, again)
	card := e.sb.ClientCard(t, id(first["client_id"]))
	require.Equal(t, 5, card.ClientType)
	require.Equal(t, "Гость", *card.Name)
	require.Equal(t, http.StatusBadRequest, e.get("online_chat_client_id", "").Status)
}
