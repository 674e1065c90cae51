package salebot_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// hookClient77 is the webhook's client object of hookFixture's client 77.
const hookClient77 = `"client":{"id":77,"recepient":"146467928","client_type":1,"name":"Ольга","avatar":"https://files.example/a.jpg",` +
	`"created_at":"2020-04-30T15:09:59+03:00","tag":"promo","group":"shop_bot","variables":{"tg_username":"@olga"}}`

// hookBody is the documented webhook body of history message id.
func hookBody(id int64, message, attachments string, input, delivered int, errorMessage string) string {
	return fmt.Sprintf(`{"id":%d,%s,"message":%q,"attachments":%s,"message_id":null,"project_id":4242,"is_input":%d,"delivered":%d,"error_message":%s}`,
		id, hookClient77, message, attachments, input, delivered, errorMessage)
}

// usersPath is a control path of the tenant's end users.
func (e *env) usersPath(rest string) string {
	return "/__fakebots/tenants/" + e.f.Tenant.ID + "/salebot/users" + rest
}

// TestClientWritesAsUser: a client writing through the end-user endpoints
// is what POST …/salebot/inbound does: the history keeps it as the client's,
// unanswered, and the webhook carries it with is_input 1.
func TestClientWritesAsUser(t *testing.T) {
	e := newEnv(t, hookFixture)
	e.frozenAt(moscowOnePM)
	w := e.webhookTo(t)
	users := e.f.Tenant.Users(t, "salebot")

	got := users.Write(t, 77, "Вот фото", fakebotstest.ThreadAttachment{Type: "image", URL: "https://files.example/p/dress.jpg"})
	require.True(t, got.Webhook)
	require.Equal(t, fakebotstest.ThreadEvent{
		ID: "salebot:history:104001", At: moscowOnePM, Direction: "in", Kind: "image", Text: "Вот фото",
		Attachments: []fakebotstest.ThreadAttachment{{Type: "image", URL: "https://files.example/p/dress.jpg", Name: "dress.jpg"}},
		Source:      "history",
	}, got.Event)
	e.sb.Flush(t)
	require.Len(t, w.Received(), 1)
	require.Equal(t, hookBody(104001, "Вот фото", `["https://files.example/p/dress.jpg"]`, 1, 1, "null"), string(w.Received()[0].Body))

	h := e.history(77)
	require.Len(t, h, 1)
	require.Equal(t, "Вот фото", h[0]["text"])
	require.Equal(t, true, h[0]["client_replica"])
	require.Equal(t, false, h[0]["answered"])
	require.Equal(t, []any{map[string]any{"attachment_url": "https://files.example/p/dress.jpg", "attachment_type": "image"}}, h[0]["attachments"])
}

// buttonsMessage is a message with two reply buttons and a link button,
// in the documented {"hint", "buttons"} form.
var buttonsMessage = map[string]any{"client_id": 77, "message": "Подтвердите заказ", "buttons": map[string]any{
	"hint": "Ответьте «Да» или «Нет»",
	"buttons": []any{
		map[string]any{"type": "reply", "text": "Да", "line": 0, "index_in_line": 0},
		map[string]any{"type": "reply", "text": "Нет", "line": 0, "index_in_line": 1},
		map[string]any{"type": "url", "text": "Сайт", "url": "https://shop.example", "line": 1, "index_in_line": 0},
	},
}}

// TestPressingAButton: the thread shows the message's buttons; pressing one
// sends its text as the client's message, with the webhook; presses of
// buttons that are not there are refused clearly.
func TestPressingAButton(t *testing.T) {
	e := newEnv(t, hookFixture)
	e.frozenAt(moscowOnePM)
	w := e.webhookTo(t)
	users := e.f.Tenant.Users(t, "salebot")

	e.ok("POST", "message", buttonsMessage)
	e.advance(time.Second)
	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "Без кнопок", "attachment_type": "file", "attachment_url": "https://files.example/price.pdf"})
	e.ok("POST", "callback", map[string]any{"client_id": 77, "message": "order_confirmed_wait"})
	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "Напоминание", "time_shift": 3600, "buttons": buttonsMessage["buttons"]})
	thread := e.f.Do(t, http.MethodGet, e.usersPath("/77/thread"), nil)
	assertGolden(t, "users_thread_buttons.golden", thread)
	outbox := e.outbox()
	buttons, plain, scheduled := outbox[0], outbox[1], outbox[3]

	e.advance(time.Second)
	pressed := users.Press(t, 77, "Да")
	require.Equal(t, fakebotstest.ThreadEvent{
		ID: "salebot:history:104004", At: moscowOnePM.Add(2 * time.Second), Direction: "in", Kind: "button_press", Text: "Да",
		Attachments: []fakebotstest.ThreadAttachment{}, Source: "history", ReplyTo: fmt.Sprintf("salebot:outbox:%d", buttons.ID),
	}, pressed.Event)
	require.True(t, pressed.Webhook)
	e.sb.Flush(t)
	hooks := w.Received()
	require.Equal(t, hookBody(104004, "Да", `[]`, 1, 1, "null"), string(hooks[len(hooks)-1].Body))
	require.Equal(t, "Да", e.history(77)[0]["text"], "the press is the client's message in the history")
	require.Equal(t, true, e.history(77)[0]["client_replica"])

	// The same message by its outbox id (a number or its digits) or event
	// id, the button by its data.
	for _, ref := range []any{buttons.ID, fmt.Sprint(buttons.ID), fmt.Sprintf("salebot:outbox:%d", buttons.ID)} {
		r := e.f.Do(t, http.MethodPost, e.usersPath("/77/buttons"), map[string]any{"message_id": ref, "button": "Нет"})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
		require.Contains(t, string(r.Body), `"text":"Нет"`)
	}

	for _, tc := range []struct {
		body   map[string]any
		status int
		want   string
	}{
		{map[string]any{"button": "Может быть"}, 404,
			fmt.Sprintf(`{"error":"message salebot:outbox:%d has no button \"Может быть\" (it has \"Да\", \"Нет\", \"Сайт\")"}`, buttons.ID)},
		{map[string]any{"button": "Сайт"}, 400, `{"error":"button \"Сайт\" opens https://shop.example: pressing it tells the bot nothing"}`},
		{map[string]any{"button": "Да", "message_id": plain.ID}, 404, fmt.Sprintf(`{"error":"message salebot:outbox:%d has no buttons"}`, plain.ID)},
		{map[string]any{"button": "Да", "message_id": "salebot:history:104004"}, 404, `{"error":"message salebot:history:104004 has no buttons"}`},
		{map[string]any{"button": "Да", "message_id": scheduled.ID}, 400, fmt.Sprintf(`{"error":"message salebot:outbox:%d is scheduled: the user has not got it"}`, scheduled.ID)},
		{map[string]any{"button": "Да", "message_id": 999999}, 404, `{"error":"no message salebot:outbox:999999 in the thread of user 77"}`},
	} {
		r := e.f.Do(t, http.MethodPost, e.usersPath("/77/buttons"), tc.body)
		require.Equal(t, tc.status, r.Status, "%v: %s", tc.body, r.Body)
		require.Equal(t, tc.want, string(r.Body))
	}

	// Once due, the reminder is delivered under the same id and is the
	// latest message with buttons.
	e.advance(time.Hour)
	pressed = users.Press(t, 77, "Нет")
	require.Equal(t, fmt.Sprintf("salebot:outbox:%d", scheduled.ID), pressed.Event.ReplyTo)
	last := users.Thread(t, 77)
	require.Equal(t, "button_press", last[len(last)-1].Kind)
	require.Equal(t, fmt.Sprintf("salebot:outbox:%d", scheduled.ID), last[len(last)-2].ID)
	require.Equal(t, "delivered", last[len(last)-2].Status)
}

// TestClientWhoBlockedTheBot: unsubscribing is the client's system event
// (history and webhook); messages to the client then stay undelivered in
// the history and fail in the outbox, also those scheduled before; the
// callbacks still reach the bot; subscribing again restores delivery.
func TestClientWhoBlockedTheBot(t *testing.T) {
	e := newEnv(t, hookFixture)
	e.frozenAt(moscowOnePM)
	w := e.webhookTo(t)
	users := e.f.Tenant.Users(t, "salebot")

	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "Через минуту", "time_shift": 60})
	u := users.Unsubscribe(t, 77)
	require.False(t, u.Subscribed)
	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "Скидка 10%"})
	e.ok("POST", "callback", map[string]any{"client_id": 77, "message": "paid"})
	e.advance(time.Minute)
	e.sb.Flush(t)
	hooks := w.Received()
	require.Len(t, hooks, 3, "unsubscribed, and the two messages; not the callback")
	require.Equal(t, hookBody(104001, "client_unsubscribed", `[]`, 1, 1, "null"), string(hooks[0].Body))
	require.Equal(t, hookBody(104002, "Скидка 10%", `[]`, 0, 0, `"client unsubscribed"`), string(hooks[1].Body))
	require.Equal(t, hookBody(104004, "Через минуту", `[]`, 0, 0, `"client unsubscribed"`), string(hooks[2].Body))
	require.Equal(t, []string{"Через минуту:failed", "Скидка 10%:failed", "paid:delivered"}, e.statuses())
	h := e.history(77)
	require.Equal(t, false, h[0]["delivered"])
	require.Equal(t, "client unsubscribed", h[0]["error_message"])
	require.Equal(t, "client_unsubscribed", h[3]["text"])
	require.Equal(t, true, h[3]["client_replica"])

	u = users.Subscribe(t, 77)
	require.True(t, u.Subscribed)
	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "С возвращением"})
	require.Equal(t, "С возвращением:delivered", e.statuses()[3])
	require.Equal(t, "client_subscribed", e.history(77)[1]["text"])
	assertGolden(t, "users_thread_blocked.golden", e.f.Do(t, http.MethodGet, e.usersPath("/77/thread"), nil))
}

// TestCreatingClients: a new client is made in the channel the messenger
// and bot name, with its phone and e-mail variables, and the API finds it.
func TestCreatingClients(t *testing.T) {
	e := newEnv(t, blocksFixture)
	e.frozenAt(moscowOnePM)
	users := e.f.Tenant.Users(t, "salebot")
	u := users.Create(t, fakebotstest.NewEndUser{Name: "Анна", Messenger: "whatsapp", Phone: "+7 916 000-11-22", Email: "Anna@Example.com"})
	require.Equal(t, "whatsapp", u.Messenger)
	require.Equal(t, "79160001122", *u.Phone)
	card := e.sb.ClientCard(t, u.ID)
	require.Equal(t, "79160001122@s.whatsapp.net", card.PlatformID)
	require.Equal(t, "wa==", card.Group)
	require.Equal(t, map[string]any{"phone": "79160001122", "email": "anna@example.com"}, card.Variables)
	found := e.ok("POST", "whatsapp_client_id", map[string]any{"phone": "79160001122"})
	require.EqualValues(t, u.ID, found["client_id"])

	tg := users.Create(t, fakebotstest.NewEndUser{Bot: "shop_bot"})
	require.Equal(t, "telegram", tg.Messenger)
	require.Equal(t, "shop_bot", e.sb.ClientCard(t, tg.ID).Group)

	for _, tc := range []struct {
		body   map[string]any
		status int
		want   string
	}{
		{map[string]any{"messenger": "icq"}, 400, `{"error":"unknown messenger \"icq\" (connected_channels names it: telegram, whatsapp, vkontakte ...)"}`},
		{map[string]any{"messenger": "viber"}, 400, `{"error":"the project has no connected channel of messenger \"viber\" and bot \"\""}`},
		{map[string]any{"bot": "nope"}, 400, `{"error":"the project has no connected channel of messenger \"\" and bot \"nope\""}`},
		{map[string]any{"messenger": "whatsapp", "platform_id": "+7 916 000-11-22"}, 409,
			fmt.Sprintf(`{"error":"client %d already has platform_id 79160001122@s.whatsapp.net in bot wa=="}`, u.ID)},
	} {
		r := e.f.Do(t, http.MethodPost, e.usersPath(""), tc.body)
		require.Equal(t, tc.status, r.Status, "%v: %s", tc.body, r.Body)
		require.Equal(t, tc.want, string(r.Body))
	}
}
