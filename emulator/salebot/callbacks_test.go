package salebot_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

var callbackFixture = map[string]any{"salebot": map[string]any{
	"channels": []any{
		map[string]any{"type": "telegram", "group_id": "shop_bot"},
		map[string]any{"type": "vkontakte", "group_id": "143414131"},
		map[string]any{"type": "ok", "group_id": "555"},
		map[string]any{"type": "whatsapp", "id": 41, "group_id": "wa=="},
		map[string]any{"type": "email", "group_id": "bot@shop.example"},
	},
	"clients": []any{
		map[string]any{"id": 1, "type": "telegram", "platform_id": "407184121", "variables": map[string]any{"phone": "79990001122", "email": "ivan@example.com"}},
		map[string]any{"id": 2, "type": "vkontakte", "platform_id": "146467928"},
		map[string]any{"id": 3, "type": "ok", "platform_id": "900"},
		map[string]any{"id": 4, "type": "telegram", "platform_id": "79609879898"},
	},
}}

func TestCallbackSelectorsAndExtras(t *testing.T) {
	e := newEnv(t, callbackFixture)
	// The docs' example: {"message": "some_text", "client_id": "25554"} (here 1).
	e.ok("POST", "callback", map[string]any{"message": "some_text", "client_id": "1", "resume_bot": "True", "sheetUrl": "https://docs.example/s", "source": 5})
	e.ok("POST", "callback", map[string]any{"message": "by phone", "client_phone": "+7 999 000-11-22"})
	e.ok("GET", "callback?client_email=IVAN%40example.com&message=by+email", nil)
	texts := []string{}
	for _, m := range e.history(1) {
		texts = append(texts, m["text"].(string))
	}
	require.Equal(t, []string{"by email", "by phone", "some_text"}, texts)
	vars := e.sb.ClientCard(t, 1).Variables
	require.Equal(t, "https://docs.example/s", vars["sheetUrl"])
	require.Equal(t, 5.0, vars["source"])
	require.NotContains(t, vars, "resume_bot", "declared parameters are not variables")
	out := e.outbox()
	require.Contains(t, string(out[0].Payload), `"resume_bot":true`)
	require.Equal(t, "callback", out[0].Operation)

	for _, c := range []struct {
		params map[string]any
		status int
	}{
		{map[string]any{"message": "x", "client_id": 999}, http.StatusNotFound},
		{map[string]any{"message": "x", "client_phone": "70000000000"}, http.StatusNotFound},
		{map[string]any{"message": "x", "client_email": "no@example.com"}, http.StatusNotFound},
		{map[string]any{"message": "x"}, http.StatusBadRequest},
		{map[string]any{"client_id": 1}, http.StatusBadRequest},
		{map[string]any{"client_id": 1, "message": "x", "time_shift": "later"}, http.StatusBadRequest},
	} {
		require.Equal(t, c.status, e.call("POST", "callback", c.params).Status, "%v", c.params)
	}
}

func TestMessengerCallbacks(t *testing.T) {
	e := newEnv(t, callbackFixture)
	e.ok("POST", "vk_callback", map[string]any{"user_id": "146467928", "group_id": "143414131", "message": "test"})
	e.ok("GET", "ok_callback?user_id=900&group_id=555&message=ok&name=X", nil)
	// A Go client's tg_callback: {"user_id": <int>, "message": ..., "group_id": ...}.
	e.ok("POST", "tg_callback", map[string]any{"user_id": 407184121, "message": "tg", "group_id": "shop_bot"})
	e.ok("POST", "tg_callback", map[string]any{"client_id": 1, "message": "tg by id"})
	require.Equal(t, "test", e.history(2)[0]["text"])
	require.Equal(t, "ok", e.history(3)[0]["text"])
	require.Equal(t, "tg by id", e.history(1)[0]["text"])
	require.NotContains(t, e.sb.ClientCard(t, 3).Variables, "name", "a declared parameter, not a variable")

	for _, c := range []struct {
		action string
		params map[string]any
		status int
	}{
		{"vk_callback", map[string]any{"user_id": "146467928", "group_id": "other", "message": "x"}, http.StatusNotFound},
		{"vk_callback", map[string]any{"user_id": "407184121", "group_id": "143414131", "message": "x"}, http.StatusNotFound},
		{"vk_callback", map[string]any{"user_id": "146467928", "message": "x"}, http.StatusBadRequest},
		{"tg_callback", map[string]any{"group_id": "shop_bot", "message": "x"}, http.StatusBadRequest},
		{"ok_callback", map[string]any{"user_id": "146467928", "group_id": "143414131", "message": "x"}, http.StatusNotFound},
	} {
		r := e.call("POST", c.action, c.params)
		require.Equal(t, c.status, r.Status, "%s %v: %s", c.action, c.params, r.Body)
	}
}

func TestWhatsAppAndEmailCallbacksCreateClients(t *testing.T) {
	e := newEnv(t, callbackFixture)
	// A real client: {phone, bot_id: int, message, resume_bot: true, ...extras}.
	e.ok("POST", "whatsapp_callback", map[string]any{"phone": "+7 900 111-22-33", "bot_id": 41, "message": "start", "resume_bot": true, "name": "Анна", "utm": "vk"})
	e.ok("POST", "whatsapp_callback", map[string]any{"phone": "79001112233", "message": "again"})
	cid := id(e.ok("GET", "whatsapp_client_id?phone=79001112233", nil)["client_id"])
	card := e.sb.ClientCard(t, cid)
	require.Equal(t, "Анна", *card.Name)
	require.Equal(t, "vk", card.Variables["utm"])
	require.Len(t, e.history(cid), 2)
	r := e.call("POST", "whatsapp_callback", map[string]any{"phone": "79001112233", "bot_id": 99, "message": "x"})
	require.Equal(t, http.StatusBadRequest, r.Status)

	e.ok("POST", "email_callback", map[string]any{"email": "New@Mail.ru", "message": "welcome", "name": "Пётр"})
	e.ok("POST", "email_callback", map[string]any{"email": "new@mail.ru", "message": "again", "email_id_bot": "bot@shop.example"})
	found := e.ok("GET", "find_client_id_by_email?email=new%40mail.ru", nil)
	card = e.sb.ClientCard(t, id(found["client_id"]))
	require.Equal(t, 14, card.ClientType)
	require.Equal(t, "bot@shop.example", card.Group)
	require.Len(t, e.history(card.ID), 2)
}

func TestSendCallbackByPlatformID(t *testing.T) {
	e := newEnv(t, callbackFixture)
	// The docs' example body.
	e.ok("POST", "send_callback_by_platform_id", map[string]any{"platform_ids": []any{407184121, "79609879898", "2rwewefw"}, "callback_text": "test_callback"})
	require.Equal(t, "test_callback", e.history(1)[0]["text"])
	require.Equal(t, "test_callback", e.history(4)[0]["text"])
	e.ok("POST", "send_callback_by_platform_id", map[string]any{"platform_ids": []any{"146467928", "407184121"}, "callback_text": "vk only", "group_id": "143414131"})
	require.Equal(t, "vk only", e.history(2)[0]["text"])
	require.Equal(t, "test_callback", e.history(1)[0]["text"])

	ids := make([]any, 301)
	for i := range ids {
		ids[i] = fmt.Sprint(i)
	}
	r := e.call("POST", "send_callback_by_platform_id", map[string]any{"platform_ids": ids, "callback_text": "x"})
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.JSONEq(t, `{"status":"fail","message":"Parameter \"platform_ids\": maximum number of items is 300"}`, string(r.Body))
	r = e.call("POST", "send_callback_by_platform_id", map[string]any{"platform_ids": ids[:300], "callback_text": "x"})
	require.Equal(t, http.StatusOK, r.Status, "300 is allowed")
	r = e.call("POST", "send_callback_by_platform_id", map[string]any{"platform_ids": ids[:1]})
	require.Equal(t, http.StatusBadRequest, r.Status)
}

func TestCallbacksRefuseAddressesWithNothingInThem(t *testing.T) {
	e := newEnv(t, callbackFixture)
	for _, c := range []struct {
		action string
		params map[string]any
		status int
		body   string
	}{
		{"callback", map[string]any{"message": "x", "client_phone": "no digits"}, http.StatusNotFound, `{"status":"client_not_found"}`},
		{"whatsapp_callback", map[string]any{"message": "x", "phone": "no digits"}, http.StatusBadRequest, `{"status":"fail","message":"Error in parameter format"}`},
		{"send_callback_by_platform_id", map[string]any{"callback_text": "x", "platform_ids": []any{"407184121"}, "send_time": "tomorrow"}, http.StatusBadRequest, `{"status":"fail","message":"Error in parameter format"}`},
	} {
		r := e.call("POST", c.action, c.params)
		require.Equal(t, c.status, r.Status, "%s %v: %s", c.action, c.params, r.Body)
		require.Equal(t, c.body, string(r.Body), c.action)
	}
	require.Empty(t, e.history(1), "nothing sent")
	require.Len(t, e.ok("GET", "get_clients", nil)["clients"], 4, "no client made")
}
