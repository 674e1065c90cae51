package salebot_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEmptyOptionalParametersAreAbsent sends what real clients send: an
// optional parameter that is "", null or an empty form value is absent,
// on every action.
func TestEmptyOptionalParametersAreAbsent(t *testing.T) {
	e := newEnv(t, blocksFixture)
	cid := itoa(e.newClients(1)[0])
	form := "application/x-www-form-urlencoded"

	// A PHP client library's message body.
	r := e.post("message", "", "application/json",
		`{"message_id":"","client_id":"`+cid+`","message":"Привет","attachment_type":null,"attachment_url":null,"buttons":[]}`)
	require.Equal(t, 200, r.Status, string(r.Body))
	// broadcast with "list":"", whatsapp_message with "whatsapp_bot_id":"".
	e.ok("POST", "broadcast", map[string]any{"clients": []any{cid}, "message": "всем", "list": ""})
	e.ok("POST", "whatsapp_message", map[string]any{"phone": "79875146788", "message": "hi", "whatsapp_bot_id": ""})
	// A production integration's form.
	r = e.post("whatsapp_message", "", form, "phone=79875146788&message=hi&attachment_url=&attachment_type=")
	require.Equal(t, 200, r.Status, string(r.Body))
	require.JSONEq(t, `{"status":"success"}`, string(r.Body))

	out := e.outbox()
	require.Len(t, out, 4)
	require.Equal(t, "Привет", out[0].Text)
}

// TestEmptyRequiredParameterStillFails keeps the answer of a parameter the
// action cannot do without.
func TestEmptyRequiredParameterStillFails(t *testing.T) {
	e := newEnv(t, blocksFixture)
	for _, body := range []string{`{"client_id":"","message":"hi"}`, `{"client_id":null,"message":"hi"}`} {
		r := e.post("message", "", "application/json", body)
		require.Equal(t, 400, r.Status, string(r.Body))
		require.Equal(t, `{"status":"fail","message":"Error in parameter format"}`, string(r.Body))
	}
	r := e.post("message", "", "application/x-www-form-urlencoded", "client_id=&message=hi")
	require.Equal(t, `{"status":"fail","message":"Error in parameter format"}`, string(r.Body))
	r = e.post("message", "", "application/json", `{"client_id":"1","message":"","attachment_url":""}`)
	require.Equal(t, `{"status":"fail","message":"Parameter \"message\", \"attachment_url\" or \"message_id\" required"}`, string(r.Body))
}
