package bothelp_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// apiSubscribers is the subscribers list of the API, as "id:subscribed".
func (c *client) apiSubscribers() []string {
	c.t.Helper()
	r := c.call("listSubscribers", http.MethodGet, "/v1/subscribers/", nil)
	require.Equal(c.t, http.StatusOK, r.Status, string(r.Body))
	var page struct {
		Data []struct {
			ID         int64
			UserID     string
			Name       string
			Subscribed bool
		}
	}
	r.JSON(c.t, &page)
	var out []string
	for _, s := range page.Data {
		out = append(out, fmt.Sprintf("%d:%s:%s:%t", s.ID, s.UserID, s.Name, s.Subscribed))
	}
	return out
}

// TestSubscriberUser: a user made through the control API is a subscriber
// the API lists; the thread shows the API's messages (images as such) and
// what the subscriber wrote.
func TestSubscriberUser(t *testing.T) {
	// An emulator of its own: thread ids count the emulator's messages.
	f := newFake(t, nil, emulator.WithRateLimits(false))
	c := newClient(t, f, f.Tenant)
	users := f.Tenant.Users(t, "bothelp")
	u := users.Create(t, fakebotstest.NewEndUser{Name: "Ольга", Messenger: "telegram", PlatformID: "123456789", Phone: "79990001122"})
	require.Equal(t, []string{fmt.Sprintf("%d:123456789:Ольга:true", u.ID)}, c.apiSubscribers())

	users.Write(t, u.ID, "Хочу на курс")
	r := c.call("sendMessage", http.MethodPost, "/v1/subscribers/"+itoa(u.ID)+"/messages",
		`{"data":{"content":[{"type":"text","text":"Вот программа"},{"type":"image","url":"https://files.example/program.png"}]}}`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	users.Write(t, u.ID, "", fakebotstest.ThreadAttachment{Type: "audio", URL: "https://files.example/voice.ogg"})
	assertGolden(t, "users_thread.golden", f.Do(t, http.MethodGet, fmt.Sprintf("/__fakebots/tenants/%s/bothelp/users/%d/thread", f.Tenant.ID, u.ID), nil))

	for _, tc := range []struct {
		body   map[string]any
		status int
		want   string
	}{
		{map[string]any{"messenger": "icq"}, 400, `{"error":"unknown messenger \"icq\" (telegram, facebook, instagram, vk, whatsapp, viber)"}`},
		{map[string]any{"messenger": "telegram", "platform_id": "123456789"}, 409, fmt.Sprintf(`{"error":"subscriber %d already has user_id 123456789"}`, u.ID)},
	} {
		r := f.Do(t, http.MethodPost, "/__fakebots/tenants/"+f.Tenant.ID+"/bothelp/users", tc.body)
		require.Equal(t, tc.status, r.Status, "%v: %s", tc.body, r.Body)
		require.Equal(t, tc.want, string(r.Body))
	}
}

// TestUnsubscribedSubscriber: unsubscribing shows in the API's subscribed
// field; messages the API sends meanwhile answer success and fail in the
// outbox; subscribing again restores delivery.
func TestUnsubscribedSubscriber(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	users := f.Tenant.Users(t, "bothelp")
	u := users.Create(t, fakebotstest.NewEndUser{Name: "Пётр", PlatformID: "555"})
	send := func(text string) {
		t.Helper()
		r := c.call("sendMessage", http.MethodPost, "/v1/subscribers/"+itoa(u.ID)+"/messages", []any{map[string]any{"content": text}})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		assertGolden(t, "success_200.golden", r)
	}

	require.False(t, users.Unsubscribe(t, u.ID).Subscribed)
	require.Equal(t, []string{fmt.Sprintf("%d:555:Пётр:false", u.ID)}, c.apiSubscribers())
	require.False(t, *c.detail(u.ID).Subscribed)
	send("Вебинар сегодня")
	require.True(t, users.Subscribe(t, u.ID).Subscribed)
	require.Equal(t, []string{fmt.Sprintf("%d:555:Пётр:true", u.ID)}, c.apiSubscribers())
	send("Запись вебинара")

	var got []string
	for _, m := range c.outbox() {
		got = append(got, m.Text+":"+m.Status)
	}
	require.Equal(t, []string{"Вебинар сегодня:failed", "Запись вебинара:delivered"}, got)
	var kinds []string
	for _, ev := range users.Thread(t, u.ID) {
		kinds = append(kinds, ev.Kind+":"+ev.Status)
	}
	require.Equal(t, []string{"unsubscribe:", "text:failed", "subscribe:", "text:delivered"}, kinds)
}
