package salebot_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

func TestDealLifecycle(t *testing.T) {
	e := newEnv(t, shopFixture)
	cid := e.newClients(1)[0]
	// Every new client has an active deal in the funnel's first state.
	current := id(e.ok("GET", "get_current_order_id?client_id="+itoa(cid), nil)["order_id"])
	require.EqualValues(t, 10, e.ok("POST", "get_order_state", map[string]any{"client_id": cid})["state_id"])

	created := id(e.ok("POST", "create_order", map[string]any{"client_id": cid, "name": "Заказ", "budget": "1500.50", "state_id": 11})["order_id"])
	require.Greater(t, created, current)
	require.Equal(t, created, id(e.ok("GET", "get_current_order_id?client_id="+itoa(cid), nil)["order_id"]), "the newest active deal is current")
	require.EqualValues(t, 11, e.ok("GET", "get_order_state?client_id="+itoa(cid), nil)["state_id"])

	// Forward through the funnel: the last state closes the deal as successful and stays.
	require.EqualValues(t, 12, e.ok("POST", "move_order_to_next_state", map[string]any{"client_id": cid, "order_id": created})["state_id"])
	require.EqualValues(t, 12, e.ok("POST", "move_order_to_next_state", map[string]any{"client_id": cid, "order_id": created})["state_id"])
	require.Equal(t, []any{float64(created)}, e.ok("GET", "get_orders?client_id="+itoa(cid)+"&order_status=1", nil)["order_id"])
	require.Equal(t, []any{float64(current)}, e.ok("GET", "get_orders?client_id="+itoa(cid)+"&order_status=0", nil)["order_id"])
	require.Equal(t, []any{float64(current), float64(created)}, e.ok("GET", "get_orders?client_id="+itoa(cid), nil)["order_id"])
	require.Equal(t, current, id(e.ok("GET", "get_current_order_id?client_id="+itoa(cid), nil)["order_id"]))

	// set_order_state moves the current deal without order_id.
	e.ok("POST", "set_order_state", map[string]any{"client_id": cid, "state_id": "11"})
	require.EqualValues(t, 11, e.ok("GET", "get_order_state?client_id="+itoa(cid), nil)["state_id"])

	// Deal variables, read back all or by name (unset names are null).
	e.ok("POST", "set_order_vars", map[string]any{"client_id": cid, "order_id": created, "variables": map[string]any{"a": "1", "b": 2}})
	require.Equal(t, map[string]any{"a": "1", "b": 2.0}, e.ok("POST", "get_order_vars", map[string]any{"client_id": cid, "order_id": created})["result"])
	require.Equal(t, map[string]any{"b": 2.0, "zzz": nil}, e.ok("POST", "get_order_vars", map[string]any{"client_id": cid, "order_id": created, "variables": []any{"b", "zzz"}})["result"])
	card := e.sb.ClientCard(t, cid)
	require.Len(t, card.Orders, 2)
	require.Equal(t, "Заказ", card.Orders[1].Name)
}

func TestCreateOrderClientPriority(t *testing.T) {
	e := newEnv(t, shopFixture)
	cid := e.newClients(1)[0]
	e.ok("POST", "save_variables", map[string]any{"client_id": cid, "variables": map[string]any{"client.phone": "+7 900 000-00-01", "client.email": "a@b.ru"}})
	ownerOf := func(orderID int64) int64 {
		for _, c := range e.clientCards() {
			for _, o := range c.Orders {
				if o.ID == orderID {
					return c.ID
				}
			}
		}
		return 0
	}
	// client_id > phone > email.
	o := id(e.ok("POST", "create_order", map[string]any{"client_id": cid, "phone": "70000000000", "email": "x@y.ru"})["order_id"])
	require.Equal(t, cid, ownerOf(o))
	o = id(e.ok("POST", "create_order", map[string]any{"phone": "79000000001", "email": "x@y.ru"})["order_id"])
	require.Equal(t, cid, ownerOf(o))
	o = id(e.ok("POST", "create_order", map[string]any{"email": "A@B.ru"})["order_id"])
	require.Equal(t, cid, ownerOf(o))

	// An unknown phone or e-mail makes a new client, whose only deal is this one.
	o = id(e.ok("POST", "create_order", map[string]any{"phone": "+7 911 111-11-11"})["order_id"])
	fresh := ownerOf(o)
	require.NotEqual(t, cid, fresh)
	card := e.sb.ClientCard(t, fresh)
	require.Equal(t, 13, card.ClientType)
	require.Equal(t, "79111111111", card.Variables["phone"])
	require.Len(t, card.Orders, 1)
	o = id(e.ok("POST", "create_order", map[string]any{"email": "new@shop.example"})["order_id"])
	require.Equal(t, 14, e.sb.ClientCard(t, ownerOf(o)).ClientType)

	r := e.call("POST", "create_order", map[string]any{"name": "nobody"})
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.JSONEq(t, `{"status":"fail","message":"Parameter \"client_id\", \"phone\" or \"email\" required"}`, string(r.Body))
	r = e.call("POST", "create_order", map[string]any{"client_id": cid, "state_id": 999})
	require.Equal(t, http.StatusNotFound, r.Status)
	require.JSONEq(t, `{"status":"state not found"}`, string(r.Body))
}

// clientCards reads every client's card.
func (e *env) clientCards() []fakebotstest.SalebotClientCard {
	e.t.Helper()
	var out []fakebotstest.SalebotClientCard
	for _, cid := range clientIDs(e.ok("GET", "get_clients", nil)) {
		out = append(out, e.sb.ClientCard(e.t, cid))
	}
	return out
}

func TestDealErrors(t *testing.T) {
	e := newEnv(t, shopFixture)
	cid := e.newClients(2)
	other := id(e.ok("GET", "get_current_order_id?client_id="+itoa(cid[1]), nil)["order_id"])
	cases := []struct {
		action string
		params map[string]any
		status int
		body   string
	}{
		{"get_current_order_id", map[string]any{}, 400, `{"status":"fail","message":"Parameter \"client_id\" required"}`},
		{"get_orders", map[string]any{"client_id": cid[0], "order_status": 5}, 400, `{"status":"fail","message":"Error in parameter format"}`},
		{"move_order_to_next_state", map[string]any{"client_id": cid[0], "order_id": other}, 404, `{"status":"order not found"}`},
		{"get_order_vars", map[string]any{"client_id": cid[0], "order_id": other}, 404, `{"status":"order not found"}`},
		{"get_order_vars", map[string]any{"client_id": cid[0], "variables": "a"}, 400, `{"status":"fail","message":"Error in parameter format"}`},
		{"set_order_vars", map[string]any{"client_id": cid[0], "order_id": other, "variables": map[string]any{"a": 1}}, 404, `{"status":"order ` + itoa(other) + ` not found"}`},
		{"set_order_vars", map[string]any{"client_id": 1, "variables": map[string]any{"a": 1}}, 404, `{"status":"client_not_found"}`},
		{"set_order_state", map[string]any{"client_id": cid[0]}, 400, `{"status":"fail","message":"Parameter \"state_id\" required"}`},
		{"set_order_state", map[string]any{"client_id": cid[0], "state_id": 999}, 404, `{"status":"state not found"}`},
		{"set_order_state", map[string]any{"client_id": 1, "state_id": 10}, 404, `{"status":"client_not_found"}`},
		{"get_order_state", map[string]any{"client_id": cid[0], "order_id": other}, 404, `{"status":"order not found"}`},
	}
	for _, c := range cases {
		r := e.call("POST", c.action, c.params)
		require.Equal(t, c.status, r.Status, "%s %v: %s", c.action, c.params, r.Body)
		require.JSONEq(t, c.body, string(r.Body), c.action)
	}
	// The CRM actions' not-found code is a setting (the docs show no code).
	e.sb.PatchSettings(t, map[string]any{"crm_not_found_status": 200})
	r := e.raw(e.sb.APIKey, "GET", "get_current_order_id?client_id=1", nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.JSONEq(t, `{"status":"client_not_found"}`, string(r.Body))
	require.Equal(t, http.StatusNotFound, e.call("POST", "message", map[string]any{"client_id": 1, "message": "m"}).Status, "other actions keep 404")
}

// Without automatic deals, save_variables opens one and get_current_order_id
// reports none before.
func TestNoAutomaticDeals(t *testing.T) {
	e := newEnv(t, map[string]any{"salebot": map[string]any{"settings": map[string]any{"auto_order": false}}})
	cid := e.ok("POST", "load_clients", []any{map[string]any{"platform_id": 1, "group_id": "fakebots_bot", "client_type": 1}})["items"].([]any)[0].(map[string]any)["id"]
	r := e.call("POST", "get_current_order_id", map[string]any{"client_id": cid})
	require.Equal(t, http.StatusNotFound, r.Status)
	require.JSONEq(t, `{"status":"order not found"}`, string(r.Body))
	e.ok("POST", "save_variables", map[string]any{"client_id": cid, "variables": map[string]any{"x": 1}})
	require.NotNil(t, e.ok("POST", "get_current_order_id", map[string]any{"client_id": cid})["order_id"])
}

func TestCreateOrderRefusesAPhoneWithNoDigits(t *testing.T) {
	e := newEnv(t, map[string]any{"salebot": map[string]any{
		"channels": []any{map[string]any{"type": "telegram", "group_id": "shop_bot"}},
		"clients":  []any{map[string]any{"id": 1, "type": "telegram", "platform_id": "407184121"}},
	}})
	r := e.call("POST", "create_order", map[string]any{"phone": "no digits"})
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Equal(t, `{"status":"fail","message":"Error in parameter format"}`, string(r.Body))
	require.Len(t, e.ok("GET", "get_clients", nil)["clients"], 1, "no client made")
}
