package salebot_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// TestStateTables reads the project's deals with their funnel, its lists
// and its channels as the dashboard shows them, byte for byte.
func TestStateTables(t *testing.T) {
	f := fakebotstest.New(t, fakebotstest.WithFixture("demo"))
	base := "/__fakebots/tenants/" + f.Tenant.ID + "/salebot/"
	for _, table := range []string{"deals", "lists", "channels"} {
		assertGolden(t, "state/"+table+".golden", f.Do(t, http.MethodGet, base+table, nil))
	}
	empty := f.NewTenant(t)
	r := f.Do(t, http.MethodGet, "/__fakebots/tenants/"+empty.ID+"/salebot/deals", nil)
	require.Equal(t, http.StatusOK, r.Status)
	var deals struct {
		States []struct{ Name string } `json:"states"`
		Data   []any                   `json:"data"`
	}
	r.JSON(t, &deals)
	require.NotNil(t, deals.Data, "no deals: an empty list")
	require.Empty(t, deals.Data)
	require.Len(t, deals.States, 4, "the default funnel")
}

// TestRedeliver sends a logged delivery's event again: the same payload
// once more to the webhook as it is now, logged as a delivery of its own;
// an event nothing was sent for is built again from its message.
func TestRedeliver(t *testing.T) {
	e := newEnv(t, hookFixture)
	w := e.webhookTo(t)
	w.SetStatus(http.StatusInternalServerError)
	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "first try fails"})
	log := e.sb.Deliveries(t)
	require.Len(t, log, 1)
	require.Equal(t, "failed", log[0].Outcome)

	w.SetStatus(http.StatusOK)
	base := "/__fakebots/tenants/" + e.f.Tenant.ID + "/salebot/webhook/deliveries/"
	r := e.f.Do(t, http.MethodPost, fmt.Sprintf("%s%d/redeliver", base, log[0].ID), nil)
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
	require.JSONEq(t, fmt.Sprintf(`{"delivery":%d,"message_id":%d,"url":%q}`, log[0].ID, log[0].MessageID, w.URL+"/hook?secret=s3"), string(r.Body))
	log = e.sb.Deliveries(t)
	require.Len(t, log, 2)
	require.Equal(t, "delivered", log[0].Outcome)
	require.Equal(t, log[1].MessageID, log[0].MessageID)
	require.JSONEq(t, string(log[1].Payload), string(log[0].Payload), "the same event")
	got := w.Received()
	require.Len(t, got, 2)
	require.Equal(t, got[0].Body, got[1].Body)

	// A delivery the emulator refused sent nothing: its event is built again.
	e.sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: e.f.URL + "/salebot/loop"})
	e.ok("POST", "message", map[string]any{"client_id": 77, "message": "refused"})
	log = e.sb.Deliveries(t)
	require.Equal(t, "refused", log[0].Outcome)
	require.Equal(t, "null", string(log[0].Payload))
	refused := log[0]
	e.sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: w.URL})
	r = e.f.Do(t, http.MethodPost, fmt.Sprintf("%s%d/redeliver", base, refused.ID), nil)
	require.Equal(t, http.StatusAccepted, r.Status, string(r.Body))
	log = e.sb.Deliveries(t)
	require.Equal(t, "delivered", log[0].Outcome)
	require.Equal(t, refused.MessageID, log[0].MessageID)
	require.Contains(t, string(log[0].Payload), `"message":"refused"`)
	require.Len(t, w.Received(), 3)

	for _, tt := range []struct {
		path   string
		status int
		body   string
	}{
		{base + "999/redeliver", http.StatusNotFound, `{"error":"no webhook delivery 999"}`},
		{base + "x/redeliver", http.StatusBadRequest, `{"error":"delivery must be a number"}`},
	} {
		r := e.f.Do(t, http.MethodPost, tt.path, nil)
		require.Equal(t, tt.status, r.Status, tt.path)
		require.JSONEq(t, tt.body, string(r.Body), tt.path)
	}
	e.sb.SetWebhook(t, fakebotstest.SalebotWebhook{})
	r = e.f.Do(t, http.MethodPost, fmt.Sprintf("%s%d/redeliver", base, refused.ID), nil)
	require.Equal(t, http.StatusConflict, r.Status)
	require.JSONEq(t, `{"error":"the project has no webhook URL: set one with PUT …/salebot/webhook"}`, string(r.Body))
}
