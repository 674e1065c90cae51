package cleverapp_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// statuses lists a brand's outbox for the tenant as "text:status", oldest first.
func statuses(t *testing.T, f *fakebotstest.Fake, brand string) []string {
	t.Helper()
	msgs := f.Outbox(t, fakebotstest.OutboxFilter{Platform: fakebotstest.Platform(brand)})
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Text + ":" + m.Status
	}
	return out
}

// TestCreatedUserIsAContact: a user made through the control API is a
// contact the API finds and can write to by its messenger id.
func TestCreatedUserIsAContact(t *testing.T) {
	f := newFake(t)
	at(t, f, "2026-03-02T09:30:00Z")
	users := f.Tenant.Users(t, "cleverapp")
	u := users.Create(t, fakebotstest.NewEndUser{Name: "Мария", Messenger: "whatsapp", PlatformID: "+7 (916) 555-01-02", Email: "maria@example.com"})
	require.Equal(t, "79165550102", *u.Phone)

	r := ok(t, f, http.MethodGet, "getContacts", nil, nil)
	require.Contains(t, string(r.Body), fmt.Sprintf(`"data":[{"id":%d,"bot_id":%d,"phone":"79165550102","email":"maria@example.com","name":"Мария","messenger":"whatsapp","address":null,"utm":null,"created_at":"2026-03-02T09:30:00+00:00"}]`,
		u.ID, f.Tenant.CleverApp.BotID))
	assertAnswer(t, f, "sendMessage", call(t, f, http.MethodPost, "sendMessage", map[string]any{
		"bot_id": f.Tenant.CleverApp.BotID, "messenger": "whatsapp", "contact_external_id": "79165550102", "text": "Здравствуйте, Мария",
	}), http.StatusOK, `{"success":true}`)

	tg := users.Create(t, fakebotstest.NewEndUser{Messenger: "telegram", PlatformID: "146467928"})
	r = ok(t, f, http.MethodGet, "getContacts", map[string]any{"page": 1}, nil)
	require.Contains(t, string(r.Body), `"messenger":"telegram","telegram_id":"146467928","telegram_username":null`)
	require.NotEqual(t, u.ID, tg.ID)

	for _, tc := range []struct {
		body   map[string]any
		status int
		want   string
	}{
		{map[string]any{"messenger": "max"}, 400, `{"error":"unknown messenger \"max\" (whatsapp, telegram, viber, vk, icq)"}`},
		{map[string]any{"bot": "1"}, 400, `{"error":"the account has no bot 1"}`},
		{map[string]any{"bot": "first"}, 400, `{"error":"bot must be a bot id"}`},
		{map[string]any{"bot": "0"}, 400, `{"error":"bot must be a bot id"}`},
		{map[string]any{"bot": "-5"}, 400, `{"error":"bot must be a bot id"}`},
		{map[string]any{"messenger": "telegram", "platform_id": "146467928"}, 409,
			fmt.Sprintf(`{"error":"contact %d of bot %d already has telegram_id 146467928"}`, tg.ID, f.Tenant.CleverApp.BotID)},
	} {
		r := f.Do(t, http.MethodPost, "/__fakebots/tenants/"+f.Tenant.ID+"/cleverapp/users", tc.body)
		require.Equal(t, tc.status, r.Status, "%v: %s", tc.body, r.Body)
		require.Equal(t, tc.want, string(r.Body))
	}
}

// TestContactThread: the thread merges what every send operation put in the
// outbox (images and files as attachments) with what the contact wrote,
// oldest first, and within one instant in the order it happened.
func TestContactThread(t *testing.T) {
	f := newFake(t)
	at(t, f, "2026-03-02T09:30:00Z")
	users := f.Tenant.Users(t, "cleverapp")
	u := users.Create(t, fakebotstest.NewEndUser{Name: "Иван", PlatformID: "146467928", Phone: "79991234567"})
	users.Write(t, u.ID, "Пришлите каталог")
	ok(t, f, http.MethodPost, "sendMessage", map[string]any{"contact_id": u.ID, "text": "Каталог", "file": "https://files.example/catalog.pdf"}, nil)
	ok(t, f, http.MethodPost, "sendMessage", map[string]any{"contact_id": u.ID, "image": "https://files.example/img/cover.png"}, nil)
	users.Write(t, u.ID, "Спасибо", fakebotstest.ThreadAttachment{Type: "file", URL: "https://files.example/u/order.docx"})
	f.Advance(t, time.Minute)
	ok(t, f, http.MethodPost, "sendMessageToQueue", map[string]any{"contact_id": u.ID, "message_id": "m-1", "text": "Ваш заказ принят"}, nil)
	r := f.Do(t, http.MethodGet, "/__fakebots/tenants/"+f.Tenant.ID+"/cleverapp/users/"+fmt.Sprint(u.ID)+"/thread", nil)
	assertGolden(t, "users_thread.golden", r)

	// Nothing the API sends carries buttons.
	r = f.Do(t, http.MethodPost, "/__fakebots/tenants/"+f.Tenant.ID+"/cleverapp/users/"+fmt.Sprint(u.ID)+"/buttons", map[string]any{"button": "Да"})
	require.Equal(t, http.StatusNotFound, r.Status)
	require.Equal(t, fmt.Sprintf(`{"error":"user %d has got no message with buttons"}`, u.ID), string(r.Body))
}

// TestBlockedContact: the API's sends to a contact who blocked the bot
// still answer success, and fail in the outbox; unblocking restores them.
func TestBlockedContact(t *testing.T) {
	f := newFake(t)
	users := f.Tenant.Users(t, "cleverapp")
	u := users.Create(t, fakebotstest.NewEndUser{Messenger: "whatsapp", Phone: "79991234567"})
	require.False(t, users.Unsubscribe(t, u.ID).Subscribed)
	assertAnswer(t, f, "sendMessage", call(t, f, http.MethodPost, "sendMessage", map[string]any{"contact_id": u.ID, "text": "Акция"}),
		http.StatusOK, `{"success":true}`)
	ok(t, f, http.MethodPost, "sendMessageToQueue", map[string]any{"contact_id": u.ID, "message_id": "q-1", "text": "Рассылка"}, nil)
	ok(t, f, http.MethodPost, "sendMessageToWhatsApp", map[string]any{"bot_id": f.Tenant.CleverApp.BotID, "phone": "79991234567", "text": "Напрямую"}, nil)
	require.True(t, users.Subscribe(t, u.ID).Subscribed)
	ok(t, f, http.MethodPost, "sendMessage", map[string]any{"contact_id": u.ID, "text": "Снова с нами"}, nil)
	require.Equal(t, []string{"Акция:failed", "Рассылка:failed", "Напрямую:failed", "Снова с нами:delivered"}, statuses(t, f, "cleverapp"))

	kinds := []string{}
	for _, ev := range users.Thread(t, u.ID) {
		kinds = append(kinds, ev.Kind+":"+ev.Status)
	}
	require.Equal(t, []string{"unsubscribe:", "text:failed", "text:failed", "text:failed", "subscribe:", "text:delivered"}, kinds)
}

// TestBrandsHaveTheirOwnUsers: a CleverApp contact is no Onebot user, even
// in the same tenant.
func TestBrandsHaveTheirOwnUsers(t *testing.T) {
	f := newFake(t)
	u := f.Tenant.Users(t, "cleverapp").Create(t, fakebotstest.NewEndUser{})
	require.Empty(t, f.Tenant.Users(t, "onebot").List(t, ""))
	r := f.Do(t, http.MethodGet, fmt.Sprintf("/__fakebots/tenants/%s/onebot/users/%d", f.Tenant.ID, u.ID), nil)
	require.Equal(t, http.StatusNotFound, r.Status)
	require.Equal(t, fmt.Sprintf(`{"error":"no user %d"}`, u.ID), string(r.Body))
	ob := f.Tenant.Users(t, "onebot").Create(t, fakebotstest.NewEndUser{})
	require.Equal(t, []int64{u.ID}, userIDs(f.Tenant.Users(t, "cleverapp").List(t, "")))
	require.Equal(t, []int64{ob.ID}, userIDs(f.Tenant.Users(t, "onebot").List(t, "")))
}

func userIDs(users []fakebotstest.EndUser) []int64 {
	out := make([]int64, len(users))
	for i, u := range users {
		out[i] = u.ID
	}
	return out
}

// A user made without a messenger id gets one in the messenger's style: a
// Viber id of 22 letters and "==", a number elsewhere, a phone for WhatsApp.
func TestCreatedUsersGetMessengerIDsInTheirStyle(t *testing.T) {
	f := newFake(t)
	users := f.Tenant.Users(t, "cleverapp")
	for messenger, pattern := range map[string]string{
		"viber":    `"viber_id":"[A-Za-z]{22}=="`,
		"vk":       `"vk_id":"[0-9]{7,9}"`,
		"telegram": `"telegram_id":"[0-9]{8,9}"`,
		"whatsapp": `"phone":"7[0-9]{10}"`,
	} {
		u := users.Create(t, fakebotstest.NewEndUser{Messenger: messenger})
		r := ok(t, f, http.MethodGet, "getContacts", map[string]any{"count": 100}, nil)
		require.Regexp(t, fmt.Sprintf(`\{"id":%d,[^{}]*%s`, u.ID, pattern), string(r.Body), messenger)
	}
}
