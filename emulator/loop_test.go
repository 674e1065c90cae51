package emulator_test

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/webhook"
)

// A platform request carrying the emulator's own delivery header is one of
// its webhooks come back (through a relay, say): it is refused whatever it
// asks, with or without valid credentials, and journaled with the reason.
func TestOwnDeliveryIsRefusedOnArrival(t *testing.T) {
	f := fakebotstest.New(t)
	sb := f.Salebot
	const reason = "the request is a webhook delivery of this emulator (X-Fakebots-Delivery: 42) coming back to it"
	for _, path := range []string{
		sb.URL("callback"),
		"/salebot/api/unknown-key/callback",
		"/cleverapp/api/v1/createOrUpdateContact",
		"/onebot/api/v1/createOrUpdateContact",
		"/bothelp/v1/subscribers/1/messages",
	} {
		r := f.Do(t, "POST", path, map[string]any{"client_id": 1, "message": "again"}, webhook.DeliveryHeader, "42")
		require.Equal(t, http.StatusLoopDetected, r.Status, path)
		require.Equal(t, reason, r.Header.Get(webhook.RefusedHeader), path)
		require.Equal(t, "application/json", r.Header.Get("Content-Type"))
		require.Equal(t, `{"error":"refused: `+reason+`; point the webhook at a receiver of your own"}`, string(r.Body), path)
	}

	entries := f.Journal(t, fakebotstest.JournalFilter{})
	require.Len(t, entries, 1, "the call with the tenant's key")
	require.Equal(t, "callback", entries[0].Operation)
	require.Equal(t, http.StatusLoopDetected, entries[0].Response.Status)
	require.Contains(t, entries[0].Response.Body, reason)

	r := f.Do(t, "POST", sb.URL("callback"), map[string]any{"client_id": 1, "message": "first"})
	require.NotEqual(t, http.StatusLoopDetected, r.Status, "without the header the call goes through")
}

// TestOwnDeliveryRefusalIsLogged: the operator sees the refusal as a
// warning naming the delivery, before the request's own line.
func TestOwnDeliveryRefusalIsLogged(t *testing.T) {
	var out syncBuffer
	log := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr { return dropVolatile(a) },
	}))
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithLogger(log)))
	key := salebotKey(t, f.Tenant)
	r := f.Do(t, "POST", "/salebot/api/"+key+"/callback", map[string]any{"client_id": 1, "message": "again"}, webhook.DeliveryHeader, "42")
	require.Equal(t, http.StatusLoopDetected, r.Status)
	lines := out.lines()
	require.Len(t, lines, 2)
	require.JSONEq(t, `{"level":"WARN","msg":"webhook delivery refused on arrival","platform":"salebot","tenant":"`+f.Tenant.ID+`","path":"/api/`+key+`/callback","delivery":"42"}`, lines[0])
	require.Contains(t, lines[1], `"msg":"request"`)
}
