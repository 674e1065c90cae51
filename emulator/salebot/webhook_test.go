package salebot_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/internal/golden"
	"github.com/fakebots/fakebots/internal/testwait"
)

// webhookTo points the project's webhook at a new recording receiver.
func (e *env) webhookTo(t testing.TB) *fakebotstest.WebhookReceiver {
	t.Helper()
	w := fakebotstest.NewWebhookReceiver(t)
	e.sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: w.URL + "/hook?secret=s3"})
	return w
}

var hookFixture = map[string]any{"salebot": map[string]any{
	"project_id": 4242,
	"settings":   map[string]any{"timezone": "Europe/Moscow"},
	"channels":   []any{map[string]any{"type": "telegram", "group_id": "shop_bot"}},
	"blocks":     []any{map[string]any{"id": 390, "answer": "Меню"}},
	"clients": []any{map[string]any{
		"id": 77, "type": "telegram", "platform_id": "146467928", "name": "Ольга", "avatar": "https://files.example/a.jpg",
		"tag": "promo", "created_at": 1588248599, "variables": map[string]any{"tg_username": "@olga"},
	}},
}}

// TestWebhookPayloads checks the documented body, «recepient» included,
// for a message to the client and one from the client.
func TestWebhookPayloads(t *testing.T) {
	e := newEnv(t, hookFixture)
	e.frozenAt(moscowOnePM)
	w := e.webhookTo(t)

	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "Смотрите/каталог", "message_id": 390,
		"attachment_type": "image", "attachment_url": "https://files.example/c.png"})
	in := e.sb.Inbound(t, fakebotstest.SalebotInbound{ClientID: 77, Text: "Хочу платье"})
	require.True(t, in.Webhook)
	e.sb.Flush(t)

	got := w.Received()
	require.Len(t, got, 2)
	require.Equal(t, http.MethodPost, got[0].Method)
	require.Equal(t, "application/json", got[0].Header.Get("Content-Type"))
	assertWebhookBody(t, "webhook/message.json", got[0].Body)
	assertWebhookBody(t, "webhook/inbound.json", got[1].Body)
	require.Equal(t, "fakebots-salebot-webhook/1", got[0].Header.Get("User-Agent"))
	require.NotEmpty(t, got[0].Header.Get("X-Fakebots-Delivery"))

	log := e.sb.Deliveries(t)
	require.Len(t, log, 2)
	require.Equal(t, int64(104002), log[0].MessageID, "newest first")
	require.Equal(t, "delivered", log[0].Outcome)
	require.Equal(t, 200, log[0].Status)
	require.Equal(t, 1, log[0].Attempts)
	require.Len(t, log[0].AttemptLog, 1)
	require.True(t, log[0].AttemptLog[0].At.Equal(moscowOnePM), "on the tenant's clock")
	require.Equal(t, 200, log[0].AttemptLog[0].Status)
	require.Empty(t, log[0].Error)
	require.Equal(t, w.URL+"/hook?secret=s3", log[0].URL)
	require.Equal(t, string(got[1].Body), string(log[0].Payload))
	require.True(t, log[0].CreatedAt.Equal(moscowOnePM))

	// The inbound message is in the history as the client's, unanswered.
	h := e.history(77)
	require.Equal(t, "Хочу платье", h[0]["text"])
	require.Equal(t, true, h[0]["client_replica"])
	require.Equal(t, false, h[0]["answered"])
	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "Есть!"})
	require.Equal(t, true, e.history(77)[1]["answered"], "a reply answers it")
}

func TestInboundCreatesTheClient(t *testing.T) {
	e := newEnv(t, hookFixture)
	w := e.webhookTo(t)
	in := e.sb.Inbound(t, fakebotstest.SalebotInbound{PlatformID: "5550001", Name: "Новый", Text: "/start"})
	require.NotZero(t, in.ClientID)
	again := e.sb.Inbound(t, fakebotstest.SalebotInbound{PlatformID: "5550001", Type: "telegram", Text: "ещё"})
	require.Equal(t, in.ClientID, again.ClientID)
	e.sb.Flush(t)
	require.Len(t, w.Received(), 2)
	var hook struct {
		Client struct {
			Variables json.RawMessage `json:"variables"`
		} `json:"client"`
	}
	w.Received()[0].JSON(t, &hook)
	require.Equal(t, "{}", string(hook.Client.Variables), "a client without variables")
	card := e.sb.ClientCard(t, in.ClientID)
	require.Equal(t, "shop_bot", card.Group)
	require.Equal(t, "Новый", *card.Name)
}

func TestWebhookCallbacksAndExtendedKeys(t *testing.T) {
	e := newEnv(t, hookFixture)
	w := e.webhookTo(t)
	e.ok("POST", "callback", map[string]any{"client_id": 77, "message": "paid"})
	e.sb.Flush(t)
	require.Empty(t, w.Received(), "callbacks are not messages")

	e.sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: w.URL, Callbacks: true, Extended: true})
	e.ok("POST", "save_variables", map[string]any{"client_id": 77, "variables": map[string]any{"sum": 100}})
	e.ok("POST", "callback", map[string]any{"client_id": 77, "message": "paid"})
	e.sb.Flush(t)
	got := w.Received()
	require.Len(t, got, 1)
	assertWebhookBody(t, "webhook/callback_extended.json", got[0].Body)
}

// assertWebhookBody compares a webhook's body with a golden file.
func assertWebhookBody(t *testing.T, name string, body []byte) {
	t.Helper()
	golden.Assert(t, name, append(append([]byte(nil), body...), '\n'))
}

// A receiver that hangs never holds up the API: the call answers while
// the receiver still holds its delivery (it is released only at the end).
func TestSlowReceiverDoesNotSlowTheAPI(t *testing.T) {
	e := newEnv(t, hookFixture)
	arrived, release := make(chan struct{}), make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
	}))
	defer slow.Close()
	defer close(release)
	e.sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: slow.URL, TimeoutMS: 30000})

	answered := make(chan int, 1)
	go func() {
		resp, err := e.f.Client().Post(e.sb.URL("message"), "application/json", strings.NewReader(`{"client_id":77,"message":"hi"}`))
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	testwait.Receive(t, arrived, "the delivery to reach the receiver")
	require.Equal(t, http.StatusOK, testwait.Receive(t, answered, "the API to answer while the receiver holds the delivery"))
	e.ok("GET", "get_history?client_id=77", nil)
}

func TestDeadAndFailingReceivers(t *testing.T) {
	e := newEnv(t, hookFixture)
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	e.sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: dead.URL})
	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "into the void"})
	log := e.sb.Deliveries(t)
	require.Len(t, log, 1)
	require.Equal(t, 0, log[0].Status)
	require.Equal(t, 1, log[0].Attempts, "no retry by default (documented)")
	require.Contains(t, log[0].Error, "connect")

	w := fakebotstest.NewWebhookReceiver(t)
	w.SetStatus(http.StatusInternalServerError)
	e.sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: w.URL})
	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "500"})
	e.sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: w.URL, Retries: 2, RetryBackoffMS: 1})
	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "500 again"})
	for retry := 0; retry < 2; retry++ { // each retry waits out its backoff on the tenant's clock
		e.sb.Flush(t)
		e.f.Advance(t, time.Second)
	}
	log = e.sb.Deliveries(t)
	require.Equal(t, 500, log[1].Status)
	require.Equal(t, 1, log[1].Attempts)
	require.Equal(t, 3, log[0].Attempts, "retries when asked to")
	require.Equal(t, "receiver answered 500", log[0].Error)
	require.Len(t, w.Received(), 4)
}

func TestWebhookTimeout(t *testing.T) {
	e := newEnv(t, hookFixture)
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer hang.Close()
	defer close(release)
	e.sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: hang.URL, TimeoutMS: 20})
	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "m"})
	log := e.sb.Deliveries(t)
	require.Len(t, log, 1)
	require.True(t, strings.Contains(log[0].Error, "deadline") || strings.Contains(log[0].Error, "Timeout"), log[0].Error)
	require.Less(t, log[0].DurationMS, float64(10*time.Second/time.Millisecond))
}

func TestWebhookSettingsAreChecked(t *testing.T) {
	e := newEnv(t, hookFixture)
	for _, body := range []any{
		map[string]any{"url": "ftp://x"},
		map[string]any{"url": "http://x", "timeout_ms": 0},
		map[string]any{"url": "http://x", "retries": 11},
		map[string]any{"bogus": true},
	} {
		r := e.f.Do(t, "PUT", "/__fakebots/tenants/"+e.f.Tenant.ID+"/salebot/webhook", body)
		require.Equal(t, http.StatusBadRequest, r.Status, "%v", body)
	}
	r := e.f.Do(t, "GET", "/__fakebots/tenants/"+e.f.Tenant.ID+"/salebot/webhook", nil)
	require.JSONEq(t, `{"url":"","timeout_ms":10000,"retries":0,"retry_backoff_ms":1000,"callbacks":false,"extended":false}`, string(r.Body))
}
