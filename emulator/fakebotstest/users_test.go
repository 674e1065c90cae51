package fakebotstest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// The end-user helpers act as a Salebot client and read back exactly what
// the control API answers: the user, the list, the thread, presses of a
// given message or the latest, blocking and unblocking the bot.
func TestEndUserHelpers(t *testing.T) {
	fake := fakebotstest.New(t)
	users := fake.Tenant.Users(t, fakebotstest.Salebot)
	u := users.Create(t, fakebotstest.NewEndUser{Name: "Ann", PlatformID: "555", Phone: "79990001122"})
	phone := "79990001122"
	require.Equal(t, fakebotstest.EndUser{ID: 100001, Name: "Ann", Messenger: "telegram", Phone: &phone, CreatedAt: fakebotstest.Epoch,
		Subscribed: true, Platform: u.Platform}, u)
	require.Contains(t, string(u.Platform), `"platform_id":"555"`)
	require.Equal(t, u, users.Get(t, u.ID))
	require.Equal(t, []fakebotstest.EndUser{u}, users.List(t, "Ann"))
	require.Empty(t, users.List(t, "Bob"))

	image := fakebotstest.ThreadAttachment{Type: "image", URL: "https://files.example/a.jpg"}
	wrote := users.Write(t, u.ID, "hi", image)
	image.Name = "a.jpg"
	written := fakebotstest.ThreadEvent{ID: "salebot:history:104001", At: fakebotstest.Epoch, Direction: "in", Kind: "image", Text: "hi",
		Attachments: []fakebotstest.ThreadAttachment{image}, Source: "history"}
	require.Equal(t, fakebotstest.EndUserReaction{Event: written}, wrote)

	buttons := map[string]any{"buttons": []any{map[string]any{"type": "reply", "text": "Да"}, map[string]any{"type": "reply", "text": "Нет"}}}
	for _, text := range []string{"first", "second"} {
		r := fake.Do(t, http.MethodPost, fake.Salebot.URL("message"), map[string]any{"client_id": u.ID, "message": text, "buttons": buttons})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	}
	sent := func(n int, text string) fakebotstest.ThreadEvent {
		return fakebotstest.ThreadEvent{ID: fmt.Sprintf("salebot:outbox:%d", n), At: fakebotstest.Epoch, Direction: "out", Kind: "buttons", Text: text,
			Buttons:     []fakebotstest.ThreadButton{{Text: "Да", Data: "Да"}, {Text: "Нет", Data: "Нет"}},
			Attachments: []fakebotstest.ThreadAttachment{}, Source: "outbox", Operation: "message", Status: "delivered"}
	}
	require.Equal(t, []fakebotstest.ThreadEvent{written, sent(1, "first"), sent(2, "second")}, users.Thread(t, u.ID))

	require.Equal(t, "salebot:outbox:2", users.Press(t, u.ID, "Да").Event.ReplyTo, "the latest message with buttons")
	require.Equal(t, "salebot:outbox:1", users.PressOn(t, u.ID, "salebot:outbox:1", "Нет").Event.ReplyTo)

	u.Subscribed = false
	require.Equal(t, u, users.Unsubscribe(t, u.ID))
	require.Equal(t, u, users.Get(t, u.ID))
	u.Subscribed = true
	require.Equal(t, u, users.Subscribe(t, u.ID))
}

// A tenant made by hand has no server to reach its end users through.
func TestUsersOfATenantNotFromAServerFailTheTest(t *testing.T) {
	tn := &fakebotstest.Tenant{ID: "t_1"}
	require.Equal(t, "fakebotstest: tenant t_1 was not created through a Server",
		fatal(t, func(tb testing.TB) { tn.Users(tb, fakebotstest.Salebot) }))
}
