package cleverapp_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

func TestSendMessageEmptyRequestIsTheDocumented422(t *testing.T) {
	f := newFake(t)
	r := call(t, f, http.MethodPost, "sendMessage", nil)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assertDocumented(t, "sendMessage_422.json", r.Body)
	assertGolden(t, "sendMessage_422.golden", r)
	checkSpec(t, f, "sendMessage", r)
}

func TestSendMessageByContactID(t *testing.T) {
	f := newFake(t)
	created := call(t, f, http.MethodPost, "createOrUpdateContact", map[string]any{
		"bot_id": f.Tenant.CleverApp.BotID, "messenger": "telegram", "name": "Иван", "telegram_id": 123456,
	})
	require.Equal(t, http.StatusOK, created.Status, string(created.Body))
	var contact struct{ Data struct{ ID int64 } }
	created.JSON(t, &contact)

	r := call(t, f, http.MethodPost, "sendMessage", map[string]any{"contact_id": contact.Data.ID, "text": "Привет"})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	assertDocumented(t, "sendMessage_200.json", r.Body)
	checkSpec(t, f, "sendMessage", r)

	out := f.Outbox(t, fakebotstest.OutboxFilter{})
	require.Len(t, out, 1)
	require.Equal(t, "Привет", out[0].Text)
	require.Equal(t, "telegram", out[0].Messenger)
	require.Equal(t, "delivered", out[0].Status)
}

func TestSendMessagePerMessengerLimit(t *testing.T) {
	f := fakebotstest.New(t)
	f.Freeze(t)
	created := call(t, f, http.MethodPost, "sendMessageToWhatsApp", map[string]any{
		"bot_id": f.Tenant.CleverApp.BotID, "phone": "+7 999 123-45-67", "text": "Здравствуйте", "name": "Иван Иванов",
	})
	require.Equal(t, http.StatusOK, created.Status, string(created.Body))
	var contact struct{ Data struct{ ID int64 } }
	created.JSON(t, &contact)

	f.Advance(t, time.Second) // the general 2-a-second limit
	first := call(t, f, http.MethodPost, "sendMessage", map[string]any{"contact_id": contact.Data.ID, "text": "1"})
	require.Equal(t, http.StatusOK, first.Status, string(first.Body))
	f.Advance(t, time.Second)
	second := call(t, f, http.MethodPost, "sendMessage", map[string]any{"contact_id": contact.Data.ID, "text": "2"})
	require.Equal(t, http.StatusTooManyRequests, second.Status)
	assertDocumented(t, "sendMessage_limit.json", second.Body)

	f.Advance(t, 10*time.Second)
	third := call(t, f, http.MethodPost, "sendMessage", map[string]any{"contact_id": contact.Data.ID, "text": "3"})
	require.Equal(t, http.StatusOK, third.Status, string(third.Body))
}

// A contact named by its messenger id that the bot does not have is
// findOrFail's 404, named by that id; one known by its phone is found.
func TestSendMessageByMessengerID(t *testing.T) {
	f := newFake(t)
	bot := f.Tenant.CleverApp.BotID
	ok(t, f, http.MethodPost, "createOrUpdateContact", map[string]any{"bot_id": bot, "messenger": "telegram", "name": "Иван", "telegram_id": 123456, "phone": "+7 999 000-11-22"}, nil)
	send := func(external string) *fakebotstest.Response {
		return call(t, f, http.MethodPost, "sendMessage", map[string]any{"bot_id": bot, "messenger": "telegram", "contact_external_id": external, "text": "Привет"})
	}
	assertAnswer(t, f, "sendMessage", send("999"), http.StatusNotFound, `{"message":"No query results for model [App\\Contact] 999"}`)
	assertAnswer(t, f, "sendMessage", send("123456"), http.StatusOK, `{"success":true}`)
	assertAnswer(t, f, "sendMessage", send("79990001122"), http.StatusOK, `{"success":true}`)
	require.Len(t, f.Outbox(t, fakebotstest.OutboxFilter{}), 2)
}

// A WhatsApp number needs digits.
func TestSendMessageToWhatsAppRefusesANumberWithoutDigits(t *testing.T) {
	f := newFake(t)
	r := call(t, f, http.MethodPost, "sendMessageToWhatsApp", map[string]any{"bot_id": f.Tenant.CleverApp.BotID, "phone": "нет", "text": "Привет"})
	assertAnswer(t, f, "sendMessageToWhatsApp", r, http.StatusUnprocessableEntity,
		`{"message":"The given data was invalid.","errors":{"phone":["Поле phone имеет ошибочный формат."]}}`)
	require.Empty(t, f.Outbox(t, fakebotstest.OutboxFilter{}))
}

// A message is text, an image, a file, or mixed when it has more than one.
func TestMessageKindsFollowWhatIsSent(t *testing.T) {
	f := newFake(t)
	contact := newContact(t, f, "Иван Иванов")
	for _, send := range []map[string]any{
		{"text": "Привет"},
		{"image": "https://example.com/a.png"},
		{"file": "https://example.com/a.pdf"},
		{"text": "Смотрите", "image": "https://example.com/a.png"},
		{"text": "Счёт", "file": "https://example.com/a.pdf"},
		{"image": "https://example.com/a.png", "file": "https://example.com/a.pdf"},
	} {
		send["contact_id"] = contact
		ok(t, f, http.MethodPost, "sendMessage", send, nil)
	}
	var kinds []string
	for _, m := range f.Outbox(t, fakebotstest.OutboxFilter{}) {
		kinds = append(kinds, m.Kind)
	}
	require.Equal(t, []string{"text", "image", "file", "mixed", "mixed", "mixed"}, kinds)
}
