package salebot_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// TestEveryActionRefusesEmptyInput: every operation but the three that take
// no required parameter answers an empty call with a fail body.
func TestEveryActionRefusesEmptyInput(t *testing.T) {
	e := newEnv(t, nil)
	noInput := map[string]bool{"get_clients": true, "connected_channels": true, "get_messages": true}
	answered, refused := map[string]bool{}, 0
	for _, op := range e.platform().Spec().Operations {
		action := op.Path[len("/api/{api_key}/"):]
		r := e.call(op.Method, action, nil)
		if noInput[action] {
			require.Equal(t, http.StatusOK, r.Status, op.ID)
			answered[action] = true
			continue
		}
		require.Equal(t, http.StatusBadRequest, r.Status, "%s: %s", op.ID, r.Body)
		require.True(t, strings.HasPrefix(string(r.Body), `{"status":"fail","message":`), "%s: %s", op.ID, r.Body)
		refused++
	}
	require.Equal(t, noInput, answered, "the actions without input are in the spec")
	require.NotZero(t, refused, "the spec has actions that need input")
}

// TestEveryClientActionKnowsUnknownClients: an action addressed to a client
// that does not exist answers client_not_found, by GET as by POST.
func TestEveryClientActionKnowsUnknownClients(t *testing.T) {
	e := newEnv(t, shopFixture)
	params := map[string]map[string]any{
		"callback":                 {"message": "x"},
		"vk_callback":              {"message": "x"},
		"ok_callback":              {"message": "x"},
		"tg_callback":              {"message": "x"},
		"whatsapp_callback":        {"message": "x"},
		"email_callback":           {"message": "x"},
		"message":                  {"message": "x"},
		"get_history":              {},
		"clear_history":            {},
		"assign_to_user":           {},
		"save_variables":           {"variables": map[string]any{"a": 1}},
		"get_variables":            {},
		"get_current_order_id":     {},
		"get_orders":               {},
		"move_order_to_next_state": {},
		"get_order_vars":           {},
		"set_order_vars":           {"variables": map[string]any{"a": 1}},
		"create_order":             {},
		"set_order_state":          {"state_id": 10},
		"get_order_state":          {},
	}
	for action, p := range params {
		p["client_id"] = "424242"
		for _, method := range []string{"GET", "POST"} {
			var r *fakebotstest.Response
			if method == "GET" {
				r = e.get(action, query(p))
			} else {
				r = e.call(method, action, p)
			}
			require.Equal(t, http.StatusNotFound, r.Status, "%s %s: %s", method, action, r.Body)
			require.JSONEq(t, `{"status":"client_not_found"}`, string(r.Body), action)
		}
	}
}

// query encodes flat parameters, objects as JSON text.
func query(params map[string]any) string {
	var parts []string
	for k, v := range params {
		switch x := v.(type) {
		case string:
			parts = append(parts, k+"="+x)
		case int:
			parts = append(parts, k+"="+itoa(int64(x)))
		case map[string]any:
			parts = append(parts, k+"=%7B%22a%22%3A1%7D")
		}
	}
	return strings.Join(parts, "&")
}
