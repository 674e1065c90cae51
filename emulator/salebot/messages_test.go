package salebot_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/store"
)

// outbox lists the tenant's outbox, oldest first.
func (e *env) outbox() []store.Message {
	e.t.Helper()
	return e.f.Outbox(e.t, fakebotstest.OutboxFilter{Platform: fakebotstest.Salebot})
}

func (e *env) history(clientID int64) []map[string]any {
	e.t.Helper()
	var out []map[string]any
	for _, m := range e.ok("GET", "get_history?client_id="+itoa(clientID), nil)["result"].([]any) {
		out = append(out, m.(map[string]any))
	}
	return out
}

var blocksFixture = map[string]any{"salebot": map[string]any{
	"channels": []any{map[string]any{"type": "telegram", "group_id": "shop_bot"}, map[string]any{"type": "whatsapp", "id": 41, "group_id": "wa=="}},
	"blocks":   []any{map[string]any{"id": 390, "condition": "Старт", "answer": "Добро пожаловать"}},
	"lists":    []any{map[string]any{"id": 7}},
}}

func TestMessageContentShapes(t *testing.T) {
	e := newEnv(t, blocksFixture)
	cid := e.newClients(1)[0]
	e.ok("POST", "message", map[string]any{"client_id": itoa(cid), "message": "some_text"})
	e.ok("POST", "message", map[string]any{"client_id": cid, "attachment_type": "image", "attachment_url": "https://x.example/a.png"})
	e.ok("POST", "message", map[string]any{"client_id": cid, "message_id": 390})
	// Both button shapes: with a hint, and a bare list.
	e.ok("POST", "message", map[string]any{"client_id": cid, "message": "choose", "attachment_type": "file", "attachment_url": "https://x.example/a.pdf",
		"buttons": map[string]any{"hint": "Этот текст будет отображен в вотсапе", "buttons": []any{
			map[string]any{"type": "reply", "text": "Расскажи об услугах", "line": 0, "index_in_line": 0}}}})
	e.ok("GET", "message?client_id="+itoa(cid)+"&message=via+get", nil)
	e.ok("POST", "message", map[string]any{"client_id": cid, "message": "bare", "buttons": []any{
		map[string]any{"type": "reply", "text": "Ha", "line": 0, "index_in_line": 0, "color": "green", "one_time": 1}}})

	out := e.outbox()
	require.Len(t, out, 6)
	kinds := []string{}
	for _, m := range out {
		kinds = append(kinds, m.Kind)
		require.Equal(t, "delivered", m.Status)
		require.Equal(t, "shop_bot", m.BotID)
		require.Equal(t, "telegram", m.Messenger)
	}
	require.Equal(t, []string{"text", "image", "text", "mixed", "text", "text"}, kinds)
	require.Equal(t, "Добро пожаловать", out[2].Text, "message_id sends the block's answer")
	var payload map[string]any
	require.NoError(t, json.Unmarshal(out[3].Payload, &payload))
	require.Equal(t, "Этот текст будет отображен в вотсапе", payload["buttons"].(map[string]any)["hint"])

	h := e.history(cid)
	require.Len(t, h, 6)
	require.Equal(t, "bare", h[0]["text"], "newest first")
	require.Equal(t, []any{map[string]any{"attachment_url": "https://x.example/a.png", "attachment_type": "image"}}, h[4]["attachments"])
	require.EqualValues(t, 390, h[3]["message_id"])
	require.EqualValues(t, 1, h[0]["message_from_outside"], "sent through the API")
}

func TestMessageErrors(t *testing.T) {
	e := newEnv(t, blocksFixture)
	cid := e.newClients(1)[0]
	cases := []struct {
		params map[string]any
		status int
		body   string
	}{
		{map[string]any{"client_id": 424242, "message": "x"}, 404, `{"status":"client_not_found"}`},
		{map[string]any{"message": "x"}, 400, `{"status":"fail","message":"Parameter \"client_id\" required"}`},
		{map[string]any{"client_id": cid}, 400, `{"status":"fail","message":"Parameter \"message\", \"attachment_url\" or \"message_id\" required"}`},
		{map[string]any{"client_id": cid, "attachment_url": "https://x"}, 400, `{"status":"fail","message":"Parameter \"attachment_type\" required"}`},
		{map[string]any{"client_id": cid, "attachment_url": "https://x", "attachment_type": "video/image/file"}, 400, `{"status":"fail","message":"Error in parameter format"}`},
		{map[string]any{"client_id": cid, "message": "x", "buttons": "yes"}, 400, `{"status":"fail","message":"Error in parameter format"}`},
		{map[string]any{"client_id": cid, "message": "x", "time_shift": "soon"}, 400, `{"status":"fail","message":"Error in parameter format"}`},
		{map[string]any{"client_id": cid, "message": "x", "send_time": "16.10.2024 13:15"}, 400, `{"status":"fail","message":"Error in parameter format"}`},
	}
	for _, c := range cases {
		r := e.call("POST", "message", c.params)
		require.Equal(t, c.status, r.Status, "%v: %s", c.params, r.Body)
		require.JSONEq(t, c.body, string(r.Body))
	}
	require.Empty(t, e.outbox())
}

func TestWhatsAppMessage(t *testing.T) {
	e := newEnv(t, blocksFixture)
	e.ok("POST", "whatsapp_message", map[string]any{"message": "some_text", "phone": "79875146788"})
	e.ok("POST", "whatsapp_message", map[string]any{"message": "again", "phone": "+7 987 514-67-88", "whatsapp_bot_id": 41})
	found := e.ok("GET", "whatsapp_client_id?phone=79875146788", nil)
	h := e.history(id(found["client_id"]))
	require.Len(t, h, 2, "one client for both messages")
	require.Equal(t, "79875146788@s.whatsapp.net", e.sb.ClientCard(t, id(found["client_id"])).PlatformID)

	r := e.call("POST", "whatsapp_message", map[string]any{"message": "x", "phone": "79875146788", "whatsapp_bot_id": 42})
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.JSONEq(t, `{"status":"fail","message":"WhatsApp is not connected"}`, string(r.Body))
	r = e.call("POST", "whatsapp_message", map[string]any{"message": "x"})
	require.Equal(t, http.StatusBadRequest, r.Status)

	plain := newEnv(t, nil)
	r = plain.call("POST", "whatsapp_message", map[string]any{"message": "x", "phone": "79875146788"})
	require.Equal(t, http.StatusBadRequest, r.Status, "no WhatsApp channel")
}

func TestBroadcastAudiences(t *testing.T) {
	e := newEnv(t, blocksFixture)
	ids := e.newClients(3)
	e.ok("POST", "add_to_list", map[string]any{"list_id": 7, "clients": []any{ids[0], ids[1]}})
	e.ok("POST", "broadcast", map[string]any{"list": 7, "message": "to the list", "shift": 0})
	e.ok("POST", "broadcast", map[string]any{"clients": []any{"424242", itoa(ids[2]), ids[2]}, "message_id": 390})
	e.ok("POST", "broadcast", map[string]any{"platform_ids": []any{1000, "1001", "nope"}, "group_id": "shop_bot", "message": "by platform id", "shift": 0})
	texts := map[int64][]string{}
	for _, m := range e.outbox() {
		var p struct {
			ClientID int64 `json:"client_id"`
		}
		require.NoError(t, json.Unmarshal(m.Payload, &p))
		texts[p.ClientID] = append(texts[p.ClientID], m.Text)
	}
	require.Equal(t, map[int64][]string{
		ids[0]: {"to the list", "by platform id"},
		ids[1]: {"to the list", "by platform id"},
		ids[2]: {"Добро пожаловать"},
	}, texts)

	cases := []struct {
		params map[string]any
		body   string
	}{
		{map[string]any{"message": "x"}, `Parameter \"list\", \"clients\" or \"platform_ids\" required`},
		{map[string]any{"list": 7, "clients": []any{ids[0]}, "message": "x"}, `Parameters list, clients are mutually exclusive`},
		{map[string]any{"platform_ids": []any{1000}, "message": "x"}, `Parameter \"group_id\" required`},
		{map[string]any{"clients": []any{ids[0]}}, `Parameter \"message\", \"attachment_url\" or \"message_id\" required`},
	}
	for _, c := range cases {
		r := e.call("POST", "broadcast", c.params)
		require.Equal(t, http.StatusBadRequest, r.Status, "%v", c.params)
		require.JSONEq(t, `{"status":"fail","message":"`+c.body+`"}`, string(r.Body))
	}
	r := e.call("POST", "broadcast", map[string]any{"list": 8, "message": "x"})
	require.Equal(t, http.StatusNotFound, r.Status)
}

func TestGetHistoryLimitsAndDates(t *testing.T) {
	e := newEnv(t, map[string]any{"salebot": map[string]any{
		"settings": map[string]any{"timezone": "Europe/Moscow"},
		"clients": []any{map[string]any{"id": 1, "platform_id": "1", "history": []any{
			// 2024-10-15 23:30 MSK, 2024-10-16 00:30 MSK, 2024-10-16 23:59:59 MSK, 2024-10-17 00:00 MSK
			map[string]any{"id": 1, "text": "a", "created_at": 1729024200},
			map[string]any{"id": 2, "text": "b", "created_at": 1729027800, "client_replica": true},
			map[string]any{"id": 3, "text": "c", "created_at": 1729112399},
			map[string]any{"id": 4, "text": "d", "created_at": 1729112400},
		}}},
	}})
	texts := func(query string) []string {
		var out []string
		for _, m := range e.ok("GET", "get_history?client_id=1&"+query, nil)["result"].([]any) {
			out = append(out, m.(map[string]any)["text"].(string))
		}
		return out
	}
	require.Equal(t, []string{"d", "c", "b", "a"}, texts(""))
	require.Equal(t, []string{"d", "c"}, texts("limit=2"))
	require.Equal(t, []string{"d", "c", "b", "a"}, texts("limit=5000"))
	require.Equal(t, []string{"c", "b"}, texts("start_date=16.10.2024&stop_date=16.10.2024"))
	require.Equal(t, []string{"d", "c", "b", "a"}, texts("start_date=15.10.2024&stop_date=17.10.2024"))

	for _, q := range []string{"start_date=16.10.2024", "stop_date=16.10.2024", "start_date=2024-10-16&stop_date=2024-10-16", "start_date=32.10.2024&stop_date=16.10.2024"} {
		require.Equal(t, http.StatusBadRequest, e.get("get_history", "client_id=1&"+q).Status, q)
	}
	require.Equal(t, http.StatusNotFound, e.get("get_history", "client_id=2").Status)
}

func TestClearHistory(t *testing.T) {
	e := newEnv(t, blocksFixture)
	ids := e.newClients(2)
	e.ok("POST", "message", map[string]any{"client_id": ids[0], "message": "one"})
	e.ok("POST", "message", map[string]any{"client_id": ids[1], "message": "two"})
	e.ok("GET", "clear_history?client_id="+itoa(ids[0]), nil)
	require.Empty(t, e.history(ids[0]))
	require.Len(t, e.history(ids[1]), 1)
	require.Equal(t, http.StatusNotFound, e.get("clear_history", "client_id=1").Status)
	require.Equal(t, http.StatusBadRequest, e.get("clear_history", "").Status)
}
