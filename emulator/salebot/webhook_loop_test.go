package salebot_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// A webhook pointed at the emulator's own callback action (with callbacks
// reported) would answer every event with another, without end: it is
// refused before it is sent.
func TestWebhookToTheEmulatorItselfIsRefused(t *testing.T) {
	e := newEnv(t, hookFixture)
	self := e.sb.URL("callback") + "?client_id=77"
	e.sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: self, Callbacks: true})
	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "hi"})

	log := deliveryLog(t, e.f.Server, e.f.Tenant.ID)
	require.Len(t, log, 1)
	require.Equal(t, "refused", log[0]["outcome"])
	require.Nil(t, log[0]["payload"], "a refused delivery keeps no payload")
	require.Empty(t, log[0]["attempt_log"], "nothing was sent")
	require.Equal(t, "refused: "+self+" is the emulator's own salebot API", log[0]["error"])
	require.Len(t, e.history(77), 1, "no message came back")
}

// A relay between the emulator and itself hides the loop from the sender:
// the delivery is refused when it arrives, and the sender records that.
func TestWebhookArrivingBackIsRefused(t *testing.T) {
	e := newEnv(t, hookFixture)
	target, err := url.Parse(e.f.URL)
	require.NoError(t, err)
	relay := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
	defer relay.Close()
	e.sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: relay.URL + strings.TrimPrefix(e.sb.BaseURL, e.f.URL) + "/callback?client_id=77", Callbacks: true, Retries: 3})
	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "hi"})

	log := deliveryLog(t, e.f.Server, e.f.Tenant.ID)
	require.Len(t, log, 1)
	require.Equal(t, "refused", log[0]["outcome"])
	require.Nil(t, log[0]["payload"])
	require.EqualValues(t, 508, log[0]["status"])
	require.Len(t, log[0]["attempt_log"], 1, "a refusal is not retried")
	require.Len(t, e.history(77), 1, "no message came back")

	var entries []map[string]any
	r := e.f.Do(t, "GET", "/__fakebots/journal?tenant="+e.f.Tenant.ID+"&operation=callback", nil)
	require.Equal(t, http.StatusOK, r.Status)
	r.JSON(t, &struct{ Data *[]map[string]any }{&entries})
	require.Len(t, entries, 1, "the refused delivery")
	refused := entries[0]["response"].(map[string]any)
	require.EqualValues(t, 508, refused["status"])
	require.Contains(t, refused["body"], "is a webhook delivery of this emulator")
}
