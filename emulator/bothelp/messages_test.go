package bothelp_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/store"
)

// outbox is the tenant's delivered messages, oldest first.
func (c *client) outbox() []store.Message {
	c.t.Helper()
	return c.tenant.Outbox(c.t, fakebotstest.OutboxFilter{Platform: fakebotstest.BotHelp})
}

func TestSendMessagesInBothShapes(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	s := c.seed(fakebotstest.BotHelpSubscriber{Name: "Иван", ChannelType: "telegram", UserID: "123456789"})[0]
	for _, tc := range []struct {
		name, op, path, contentType, body string
		want                              [][2]string // kind, text or url
	}{
		{"the SDK's array as application/json", "sendMessage", "/v1/subscribers/" + itoa(s.ID) + "/messages", "application/json",
			`[{"content":"hello world"},{"content":"строка 1\nстрока 2"}]`, [][2]string{{"text", "hello world"}, {"text", "строка 1\nстрока 2"}}},
		{"the array as vnd.api+json by CUID", "sendMessageByCuid", "/v1/subscribers/cuid/" + s.CUID + "/messages", "application/vnd.api+json",
			`[{"content":"по CUID"}]`, [][2]string{{"text", "по CUID"}}},
		{"the data wrapper with every block", "sendMessage", "/v1/subscribers/" + itoa(s.ID) + "/messages", "application/vnd.api+json",
			`{"data":{"content":["text",{"type":"text","text":"Привет"},{"type":"image","url":"https://example.com/a.png"},{"message":"Пока"}]}}`,
			[][2]string{{"text", "text"}, {"text", "Привет"}, {"image", "https://example.com/a.png"}, {"text", "Пока"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(c.outbox())
			r := c.call(tc.op, http.MethodPost, tc.path, tc.body, "Content-Type", tc.contentType)
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
			assertGolden(t, "success_200.golden", r)
			got := c.outbox()[before:]
			require.Len(t, got, len(tc.want))
			for i, m := range got {
				var payload struct{ CUID, URL string }
				require.NoError(t, json.Unmarshal(m.Payload, &payload))
				require.Equal(t, tc.want[i][0], m.Kind)
				if m.Kind == "image" {
					require.Equal(t, tc.want[i][1], payload.URL)
				} else {
					require.Equal(t, tc.want[i][1], m.Text)
				}
				require.Equal(t, itoa(s.ID), m.Recipient)
				require.Equal(t, s.CUID, payload.CUID)
				require.Equal(t, "telegram", m.Messenger)
				require.Equal(t, tc.op, m.Operation)
				require.Equal(t, store.StatusDelivered, m.Status)
			}
		})
	}
}

func TestSendMessagesRejectsOtherShapes(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	s := c.seed(fakebotstest.BotHelpSubscriber{Name: "Иван"})[0]
	path := "/v1/subscribers/" + itoa(s.ID) + "/messages"
	for _, tc := range []struct{ golden, body string }{
		{"expected_array_400.golden", `{"content":"hello"}`},
		{"expected_array_400.golden", `{"content":["hello"]}`},
		{"expected_array_400.golden", `{"content":[{"text":"hello"}]}`},
		{"expected_array_400.golden", `{"data":{"content":"hello"}}`},
		{"expected_array_400.golden", `"hello"`},
		{"content_only_400.golden", `{"data":{"type":"message","attributes":{"text":"hello"}}}`},
		{"content_only_400.golden", `[{"text":"hello"}]`},
		{"content_only_400.golden", `[{"content":"hello","buttons":[]}]`},
		{"content_only_400.golden", `["hello"]`},
		{"expected_string_400.golden", `[{"content":["hello"]}]`},
		{"unknown_block_400.golden", `{"data":{"content":[{"type":"video","url":"https://example.com/a.mp4"}]}}`},
		{"unknown_block_400.golden", `{"data":{"content":[{"type":"image","text":"a text is no image"}]}}`},
		{"unknown_block_400.golden", `{"data":{"content":[{"type":"image","message":"nor is a message"}]}}`},
		{"json_decode_400.golden", ``},
		{"json_decode_400.golden", `[{"content":`},
	} {
		t.Run(tc.body, func(t *testing.T) {
			assertGolden(t, tc.golden, c.call("sendMessage", http.MethodPost, path, tc.body, "Content-Type", "application/vnd.api+json"))
		})
	}
	require.Empty(t, c.outbox(), "nothing was delivered")
	assertGolden(t, "subscriber_404.golden", c.call("sendMessage", http.MethodPost, "/v1/subscribers/404/messages", `[{"content":"x"}]`))
	assertGolden(t, "subscriber_404.golden", c.call("sendMessageByCuid", http.MethodPost, "/v1/subscribers/cuid/x.1/messages", `[{"content":"x"}]`))
}

// Messages to a subscriber who has unsubscribed all land in the outbox,
// failed, and the API still answers success.
func TestMessagesToAnUnsubscribedSubscriberFail(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	no := false
	s := c.seed(fakebotstest.BotHelpSubscriber{Name: "Ушёл", Subscribed: &no})[0]
	r := c.call("sendMessage", http.MethodPost, "/v1/subscribers/"+itoa(s.ID)+"/messages", `[{"content":"первое"},{"content":"второе"}]`, "Content-Type", "application/json")
	assertGolden(t, "success_200.golden", r)
	var got [][2]string
	for _, m := range c.outbox() {
		got = append(got, [2]string{m.Text, m.Status})
	}
	require.Equal(t, [][2]string{{"первое", store.StatusFailed}, {"второе", store.StatusFailed}}, got)
}
