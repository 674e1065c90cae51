package salebot_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// remapFixture has the client of the docs' value_* example.
var remapFixture = map[string]any{"salebot": map[string]any{
	"channels": []any{
		map[string]any{"type": "telegram", "group_id": "shop_bot"},
		map[string]any{"type": "whatsapp", "id": 41},
	},
	"clients": []any{
		map[string]any{"id": 49177759, "type": "telegram", "platform_id": "777", "variables": map[string]any{"phone": "+7 (999) 000-11-22"}},
		map[string]any{"id": 500, "type": "telegram", "platform_id": "500"},
	},
}}

// lastText is the newest history entry of a client.
func (e *env) lastText(clientID int64) string {
	e.t.Helper()
	h := e.ok("POST", "get_history", map[string]any{"client_id": clientID, "limit": 1})
	result := h["result"].([]any)
	if len(result) == 0 {
		return ""
	}
	return result[0].(map[string]any)["text"].(string)
}

func TestValueRemapDocumentedExample(t *testing.T) {
	e := newEnv(t, remapFixture)
	// https://chatter.salebot.pro/api/<key>/callback?value_client_id=my_client
	// {"my_client":49177759, "message":"Hello world"} ...
	r := e.post("callback", "value_client_id=my_client", "application/json", `{"my_client":49177759, "message":"Hello world"}`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "Hello world", e.lastText(49177759))
	// ... is the same as {"client_id":49177759, "message":"Hello world"}.
	direct := e.post("callback", "", "application/json", `{"client_id":49177759, "message":"Hello again"}`)
	require.Equal(t, r.Body, direct.Body)
	require.Equal(t, "Hello again", e.lastText(49177759))

	vars := e.ok("GET", "get_variables", map[string]any{"client_id": 49177759})
	require.EqualValues(t, 49177759, vars["my_client"], "an extra parameter, saved as a variable")
	require.NotContains(t, vars, "value_client_id", "the remapping parameters are not variables")
}

func TestValueRemapEveryCanonical(t *testing.T) {
	e := newEnv(t, remapFixture)
	// phone and message by other names, from a query string only.
	r := e.get("callback", "value_phone=tel&tel=%2B79990001122&value_message=text&text=by+phone")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "by phone", e.lastText(49177759))

	r = e.post("message", "value_client_id=id&value_message=body", "application/json", `{"id":"500","body":"remapped"}`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "remapped", e.lastText(500))

	r = e.post("vk_callback", "value_user_id=uid&value_group_id=gid", "application/json", `{"uid":"1","gid":"2","message":"x"}`)
	require.Equal(t, http.StatusNotFound, r.Status, "remapped to an unknown VK user: %s", r.Body)

	r = e.post("whatsapp_message", "value_phone=to", "application/json", `{"to":"79990002233","message":"hi"}`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
}

// value_* exists only on the six documented actions.
func TestValueRemapOnlyWhereDocumented(t *testing.T) {
	e := newEnv(t, remapFixture)
	r := e.get("get_variables", "value_client_id=x&x=49177759")
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.JSONEq(t, `{"status":"fail","message":"Parameter \"client_id\" required"}`, string(r.Body))

	r = e.post("tg_callback", "value_client_id=x", "application/json", `{"x":49177759,"message":"m"}`)
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.JSONEq(t, `{"status":"fail","message":"Parameter \"client_id\" or \"user_id\" required"}`, string(r.Body))
}

func TestDelimiterDocumentedExample(t *testing.T) {
	e := newEnv(t, remapFixture)
	// ?delimiter=1&delimiter_value_client_id={key1}1{key2}&delimiter_value_phone={key1}1{key2}
	r := e.post("callback", "delimiter=1&delimiter_value_client_id=data1client&delimiter_value_phone=data1phone", "application/json",
		`{"data":{"client":49177759,"phone":"79990001122"},"message":"nested"}`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "nested", e.lastText(49177759))

	// Only the phone: the client is found by it.
	r = e.post("callback", "delimiter=1&delimiter_value_phone=data1phone", "application/json",
		`{"data":{"phone":"+7 999 000 11 22"},"message":"phone only"}`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "phone only", e.lastText(49177759))
}

func TestDelimiterDepthsSeparatorsAndActions(t *testing.T) {
	e := newEnv(t, remapFixture)
	r := e.post("message", "delimiter=5&delimiter_value_client_id=a5b5c5d", "application/json", `{"a":{"b":{"c":{"d":"500"}}},"message":"deep"}`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "deep", e.lastText(500))

	r = e.post("save_variables", "delimiter=.&delimiter_value_client_id=event.user.0", "application/json",
		`{"event":{"user":[500]},"variables":{"client.source":"site"}}`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "site", e.ok("GET", "get_variables", map[string]any{"client_id": 500})["source"])

	r = e.post("broadcast", "delimiter=1&delimiter_value_client_id=who1id", "application/json", `{"who":{"id":49177759},"message":"to one"}`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "to one", e.lastText(49177759))

	// A path that leads nowhere leaves the parameter missing.
	r = e.post("message", "delimiter=1&delimiter_value_client_id=a1x", "application/json", `{"a":{"b":1},"message":"m"}`)
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.JSONEq(t, `{"status":"fail","message":"Parameter \"client_id\" required"}`, string(r.Body))

	// get_history is not a delimiter action.
	r = e.get("get_history", "delimiter=1&delimiter_value_client_id=a1b&a[b]=500")
	require.Equal(t, http.StatusBadRequest, r.Status)
}

func TestForgivingRequestShapes(t *testing.T) {
	e := newEnv(t, remapFixture)
	// PHP http_build_query with a bogus Content-Type (a real client's).
	r := e.post("whatsapp_message", "", "Massange", "phone=79990002233&message=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	// JSON labelled text/plain; ids as strings and numbers.
	r = e.post("broadcast", "", "text/plain", `{"message":"all","clients":["500",49177759]}`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "all", e.lastText(500))
	// PHP-style arrays and JSON text inside a form.
	r = e.post("broadcast", "", "application/x-www-form-urlencoded",
		`clients[]=500&message=form&buttons=`+`%7B%22buttons%22%3A%5B%7B%22type%22%3A%22reply%22%2C%22text%22%3A%22Ok%22%7D%5D%7D`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "form", e.lastText(500))
	// Python requests.post(url, data=dict) to callback.
	r = e.post("callback", "", "application/x-www-form-urlencoded", "client_id=500&message=cb&source=landing")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, "landing", e.ok("GET", "get_variables", map[string]any{"client_id": 500})["source"])

	r = e.post("message", "", "application/json", `{"client_id": 500, "message": `)
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.JSONEq(t, `{"status":"fail","message":"Error in parameter format"}`, string(r.Body))

	r = e.post("message", "", "application/json", `[{"client_id": 500}]`)
	require.Equal(t, http.StatusBadRequest, r.Status, "a top-level array is load_clients' only")

	r = e.post("message", "", "application/json", `{"client_id": "abc", "message": "m"}`)
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.JSONEq(t, `{"status":"fail","message":"Error in parameter format"}`, string(r.Body))
}
