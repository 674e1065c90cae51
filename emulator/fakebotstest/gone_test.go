package fakebotstest_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// Every helper that acts on the tenant fails the test, at the line of the
// test that called it, with the request it sent and the emulator's answer:
// here the tenant is gone, so each answer is a 404.
func TestHelpersOfAGoneTenantFailTheTestAtTheCallersLine(t *testing.T) {
	s := fakebotstest.NewServer(t)
	tn := s.NewTenant(t)
	require.NoError(t, s.Control.Call(t.Context(), http.MethodDelete, "/tenants/"+tn.ID, nil, nil))
	users := tn.Users(t, fakebotstest.Salebot)
	sb, bh := &tn.Salebot, &tn.BotHelp

	for _, tc := range []struct {
		name, method, path string // the request, below the tenant's control endpoints
		call               func(testing.TB)
	}{
		{"Clock", "GET", "/clock", func(tb testing.TB) { tn.Clock(tb) }},
		{"Now", "GET", "/clock", func(tb testing.TB) { tn.Now(tb) }},
		{"Freeze", "POST", "/clock/freeze", func(tb testing.TB) { tn.Freeze(tb) }},
		{"Resume", "POST", "/clock/resume", func(tb testing.TB) { tn.Resume(tb) }},
		{"Advance", "POST", "/clock/advance", func(tb testing.TB) { tn.Advance(tb, time.Second) }},
		{"SetTime", "POST", "/clock/set", func(tb testing.TB) { tn.SetTime(tb, fakebotstest.Epoch) }},
		{"SetRateLimits", "PUT", "/rate-limits", func(tb testing.TB) { tn.SetRateLimits(tb, false) }},
		{"FailNext", "POST", "/faults", func(tb testing.TB) { tn.FailNext(tb, fakebotstest.Salebot, "", 1, 500, nil) }},
		{"AddFault", "POST", "/faults", func(tb testing.TB) { tn.AddFault(tb, fakebotstest.Fault{Platform: "salebot", Status: 500}) }},
		{"Faults", "GET", "/faults", func(tb testing.TB) { tn.Faults(tb) }},
		{"ClearFaults", "DELETE", "/faults", func(tb testing.TB) { tn.ClearFaults(tb) }},
		{"Journal", "GET", "/journal?limit=1000&operation=get_clients&platform=salebot&q=x&status=4xx", func(tb testing.TB) {
			tn.Journal(tb, fakebotstest.JournalFilter{Platform: fakebotstest.Salebot, Operation: fakebotstest.SalebotGetClients, Status: "4xx", Text: "x"})
		}},
		{"Unmatched", "GET", "/requests/unmatched?limit=1000", func(tb testing.TB) { tn.Unmatched(tb) }},
		{"Outbox", "GET", "/outbox?limit=1000&platform=salebot&recipient=77&status=scheduled", func(tb testing.TB) {
			tn.Outbox(tb, fakebotstest.OutboxFilter{Platform: fakebotstest.Salebot, Recipient: "77", Status: fakebotstest.Scheduled})
		}},
		{"SetPlan", "PUT", "/onebot/plan", func(tb testing.TB) { tn.Onebot.SetPlan(tb, "free") }},
		{"Reset", "POST", "/reset", func(tb testing.TB) { tn.Reset(tb) }},
		{"CreateKey", "POST", "/salebot/keys", func(tb testing.TB) { sb.CreateKey(tb, "k", "clients_read") }},
		{"RevokeKey", "DELETE", "/salebot/keys/k1", func(tb testing.TB) { sb.RevokeKey(tb, "k1") }},
		{"ListKeys", "GET", "/salebot/keys", func(tb testing.TB) { sb.ListKeys(tb) }},
		{"PatchSettings", "PATCH", "/salebot/settings", func(tb testing.TB) { sb.PatchSettings(tb, map[string]any{}) }},
		{"SetWebhook", "PUT", "/salebot/webhook", func(tb testing.TB) { sb.SetWebhook(tb, fakebotstest.SalebotWebhook{}) }},
		{"Flush", "POST", "/salebot/webhook/flush", func(tb testing.TB) { sb.Flush(tb) }},
		{"Deliveries", "POST", "/salebot/webhook/flush", func(tb testing.TB) { sb.Deliveries(tb) }},
		{"Inbound", "POST", "/salebot/inbound", func(tb testing.TB) { sb.Inbound(tb, fakebotstest.SalebotInbound{ClientID: 1}) }},
		{"ClientCard", "GET", "/salebot/clients/7", func(tb testing.TB) { sb.ClientCard(tb, 7) }},
		{"AddSubscribers", "POST", "/bothelp/subscribers", func(tb testing.TB) { bh.AddSubscribers(tb, fakebotstest.BotHelpSubscriber{}) }},
		{"GenerateSubscribers", "POST", "/bothelp/subscribers", func(tb testing.TB) { bh.GenerateSubscribers(tb, 1) }},
		{"Subscriber", "GET", "/bothelp/subscribers/7", func(tb testing.TB) { bh.Subscriber(tb, 7) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := fmt.Sprintf(`fakebotstest: tenant %[1]s: %[2]s /__fakebots/tenants/%[1]s%[3]s: 404 {"error":"tenant not found"}`, tn.ID, tc.method, tc.path)
			require.Equal(t, want, fatal(t, tc.call))
		})
	}

	for _, tc := range []struct {
		name, method, path string // the request, below the platform's end users
		call               func(testing.TB)
	}{
		{"Create", "POST", "", func(tb testing.TB) { users.Create(tb, fakebotstest.NewEndUser{}) }},
		{"List", "GET", "?limit=1000&after=0&q=ann+b", func(tb testing.TB) { users.List(tb, "ann b") }},
		{"Get", "GET", "/7", func(tb testing.TB) { users.Get(tb, 7) }},
		{"Thread", "GET", "/7/thread?limit=1000&after=", func(tb testing.TB) { users.Thread(tb, 7) }},
		{"Write", "POST", "/7/messages", func(tb testing.TB) { users.Write(tb, 7, "hi") }},
		{"Press", "POST", "/7/buttons", func(tb testing.TB) { users.Press(tb, 7, "Да") }},
		{"PressOn", "POST", "/7/buttons", func(tb testing.TB) { users.PressOn(tb, 7, "salebot:outbox:1", "Да") }},
		{"Subscribe", "POST", "/7/subscribe", func(tb testing.TB) { users.Subscribe(tb, 7) }},
		{"Unsubscribe", "POST", "/7/unsubscribe", func(tb testing.TB) { users.Unsubscribe(tb, 7) }},
	} {
		t.Run("Users."+tc.name, func(t *testing.T) {
			want := fmt.Sprintf(`fakebotstest: %s /__fakebots/tenants/%s/salebot/users%s: 404 {"error":"tenant not found"}`, tc.method, tn.ID, tc.path)
			require.Equal(t, want, fatal(t, tc.call))
		})
	}

	t.Run("Token", func(t *testing.T) {
		want := fmt.Sprintf(`fakebotstest: bothelp token: 404 {"error":"no tenant %s","path":"/t/%[1]s/bothelp/oauth2/token"}`, tn.ID)
		require.Equal(t, want, fatal(t, func(tb testing.TB) { bh.Token(tb) }))
	})
}
