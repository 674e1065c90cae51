package salebot_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// shopFixture is a project with a few channels, lists, managers and a funnel.
var shopFixture = map[string]any{"salebot": map[string]any{
	"channels": []any{
		map[string]any{"type": "telegram", "id": 23, "group_id": "shop_bot"},
		map[string]any{"type": "whatsapp", "id": 41, "group_id": "wa=="},
		map[string]any{"type": "vkontakte", "id": 33, "group_id": "143414131"},
	},
	"lists":    []any{map[string]any{"id": 7, "name": "VIP"}},
	"managers": []any{map[string]any{"id": 1, "email": "anna@shop.example"}, map[string]any{"id": 2, "email": "oleg@shop.example"}},
	"funnel": []any{
		map[string]any{"id": 10, "name": "Новая"}, map[string]any{"id": 11, "name": "В работе"},
		map[string]any{"id": 12, "name": "Оплачено", "outcome": 1},
	},
}}

func clientIDs(body map[string]any) []int64 {
	var out []int64
	for _, c := range body["clients"].([]any) {
		out = append(out, id(c.(map[string]any)["id"]))
	}
	return out
}

func TestLoadClients(t *testing.T) {
	e := newEnv(t, shopFixture)
	// The documented top-level array, WhatsApp with and without its suffix.
	body := e.ok("POST", "load_clients", []any{
		map[string]any{"platform_id": 274827917, "group_id": "143414131", "client_type": 0},
		map[string]any{"platform_id": "79538550785@s.whatsapp.net", "group_id": "wa==", "client_type": 6},
		map[string]any{"platform_id": "79538550786", "group_id": "wa==", "client_type": 6},
		map[string]any{"platform_id": "79001112233", "group_id": "", "client_type": 13},
		map[string]any{"platform_id": "1", "group_id": "unknown", "client_type": 1},
		map[string]any{"platform_id": "2", "group_id": "shop_bot", "client_type": 99},
	})
	items := body["items"].([]any)
	require.Len(t, items, 6)
	first := items[0].(map[string]any)
	require.Equal(t, float64(274827917), first["platform_id"], "the input's type is echoed")
	require.Equal(t, "success", first["status"])
	require.Equal(t, "79538550786@s.whatsapp.net", items[2].(map[string]any)["platform_id"])
	require.Equal(t, "success", items[3].(map[string]any)["status"], "telephony needs no group")
	for _, i := range []int{4, 5} {
		require.Equal(t, "fail", items[i].(map[string]any)["status"])
		require.Nil(t, items[i].(map[string]any)["id"])
	}

	// {"clients": [...]} (another client's shape): existing clients keep their id.
	again := e.ok("POST", "load_clients", map[string]any{"clients": []any{
		map[string]any{"platform_id": "274827917", "group_id": 143414131, "client_type": "0"},
	}})
	item := again["items"].([]any)[0].(map[string]any)
	require.Equal(t, first["id"], item["id"])
	require.Equal(t, "274827917", item["platform_id"])
	require.Equal(t, float64(143414131), item["group_id"])

	listed := e.ok("GET", "get_clients", nil)
	require.Len(t, listed["clients"], 4)
}

func TestLoadClientsBadInput(t *testing.T) {
	e := newEnv(t, shopFixture)
	r := e.call("POST", "load_clients", map[string]any{})
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.JSONEq(t, `{"status":"fail","message":"Parameter \"clients\" required"}`, string(r.Body))
	r = e.call("POST", "load_clients", map[string]any{"clients": "nope"})
	require.Equal(t, http.StatusBadRequest, r.Status)
}

// newClients loads n telegram clients and returns their ids, oldest first.
func (e *env) newClients(n int) []int64 {
	e.t.Helper()
	var items []any
	for i := 0; i < n; i++ {
		items = append(items, map[string]any{"platform_id": fmt.Sprint(1000 + i), "group_id": "shop_bot", "client_type": 1})
	}
	body := e.ok("POST", "load_clients", items)
	var ids []int64
	for _, it := range body["items"].([]any) {
		ids = append(ids, id(it.(map[string]any)["id"]))
	}
	return ids
}

func TestGetClientsPagingOrderAndLists(t *testing.T) {
	e := newEnv(t, shopFixture)
	ids := e.newClients(5)
	newest := []int64{ids[4], ids[3], ids[2], ids[1], ids[0]}
	require.Equal(t, newest, clientIDs(e.ok("GET", "get_clients", nil)), "newest first")
	require.Equal(t, ids, clientIDs(e.ok("POST", "get_clients", map[string]any{"reverse": true})))
	require.Equal(t, newest[1:3], clientIDs(e.ok("POST", "get_clients", map[string]any{"offset": 1, "limit": 2})))
	require.Equal(t, newest, clientIDs(e.ok("POST", "get_clients", map[string]any{"limit": 5000})), "limit above 500 is clamped")

	e.ok("POST", "add_to_list", map[string]any{"list_id": 7, "clients": []any{ids[0], ids[2], 424242}})
	require.Equal(t, []int64{ids[2], ids[0]}, clientIDs(e.ok("POST", "get_clients", map[string]any{"list": 7, "reverse": true})), "reverse is ignored with list")
	e.ok("POST", "remove_from_list", map[string]any{"list_id": "7", "clients": []any{fmt.Sprint(ids[2])}})
	require.Equal(t, []int64{ids[0]}, clientIDs(e.ok("GET", "get_clients", map[string]any{"list": 7})))

	for _, action := range []string{"add_to_list", "remove_from_list"} {
		r := e.call("POST", action, map[string]any{"list_id": 8, "clients": []any{ids[0]}})
		require.Equal(t, http.StatusNotFound, r.Status)
		require.JSONEq(t, `{"status":"list_not_found"}`, string(r.Body))
		r = e.call("POST", action, map[string]any{"clients": []any{ids[0]}})
		require.Equal(t, http.StatusBadRequest, r.Status)
	}
	r := e.get("get_clients", "list=8")
	require.Equal(t, http.StatusNotFound, r.Status)
	r = e.get("get_clients", "offset=x")
	require.Equal(t, http.StatusBadRequest, r.Status)
}

func TestGetClientsPagesOf500(t *testing.T) {
	e := newEnv(t, map[string]any{"salebot": map[string]any{"generate": map[string]any{"clients": 501}}})
	first := e.ok("GET", "get_clients", nil)
	require.Len(t, first["clients"], 500)
	second := e.ok("GET", "get_clients", map[string]any{"offset": 500})
	require.Len(t, second["clients"], 1)
}

func TestDeleteClients(t *testing.T) {
	e := newEnv(t, shopFixture)
	ids := e.newClients(3)
	e.ok("POST", "save_variables", map[string]any{"client_id": ids[0], "variables": map[string]any{"a": 1}})
	e.ok("POST", "message", map[string]any{"client_id": ids[0], "message": "bye"})
	e.ok("POST", "delete_clients", map[string]any{"client_ids": []any{ids[0], fmt.Sprint(ids[1]), 99999999}})
	require.Equal(t, []int64{ids[2]}, clientIDs(e.ok("GET", "get_clients", nil)))
	for _, action := range []string{"get_variables", "get_history", "get_current_order_id"} {
		require.Equal(t, http.StatusNotFound, e.call("POST", action, map[string]any{"client_id": ids[0]}).Status, action)
	}

	var tooMany []int64
	for i := 0; i < 501; i++ {
		tooMany = append(tooMany, int64(i))
	}
	r := e.call("POST", "delete_clients", map[string]any{"client_ids": tooMany})
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.JSONEq(t, `{"status":"fail","message":"Parameter \"client_ids\": maximum number of items is 500"}`, string(r.Body))
	r = e.call("POST", "delete_clients", map[string]any{})
	require.Equal(t, http.StatusBadRequest, r.Status)
}

func TestAssignToUser(t *testing.T) {
	e := newEnv(t, shopFixture)
	ids := e.newClients(3)
	e.ok("POST", "assign_to_user", map[string]any{"client_id": ids[0], "email": "OLEG@shop.example"})
	// Without an e-mail the system picks the manager with the fewest clients.
	e.ok("POST", "assign_to_user", map[string]any{"client_id": ids[1]})
	e.ok("POST", "assign_to_user", map[string]any{"client_id": ids[2]})
	managers := map[int64]int64{}
	for _, cid := range ids {
		managers[cid] = e.managerOf(cid)
	}
	require.Equal(t, map[int64]int64{ids[0]: 2, ids[1]: 1, ids[2]: 1}, managers)

	r := e.call("POST", "assign_to_user", map[string]any{"client_id": ids[0], "email": "nobody@shop.example"})
	require.Equal(t, http.StatusNotFound, r.Status)
	require.JSONEq(t, `{"status":"user_not_found"}`, string(r.Body))
	r = e.call("POST", "assign_to_user", map[string]any{"client_id": 1})
	require.Equal(t, http.StatusNotFound, r.Status)
	require.JSONEq(t, `{"status":"client_not_found"}`, string(r.Body))
	r = e.call("POST", "assign_to_user", map[string]any{"email": "anna@shop.example"})
	require.Equal(t, http.StatusBadRequest, r.Status)
}

// managerOf reads the client's manager from the control API's client card.
func (e *env) managerOf(clientID int64) int64 {
	e.t.Helper()
	card := e.sb.ClientCard(e.t, clientID)
	if card.Manager == nil {
		return 0
	}
	return card.Manager.ID
}

func TestLoadClientsFailsAnItemWithAMessengerThatIsNoNumber(t *testing.T) {
	e := newEnv(t, shopFixture)
	item := e.ok("POST", "load_clients", []any{map[string]any{"platform_id": "5", "group_id": "143414131", "client_type": "vk"}})["items"].([]any)[0]
	require.Equal(t, map[string]any{"platform_id": "5", "group_id": "143414131", "client_type": "vk", "status": "fail", "id": nil}, item)
}

// TestNewIDsStartPastTheFloor: a tenant's ids below the realistic floor
// (100000 for clients) do not pull new ids under it, even from just below.
func TestNewIDsStartPastTheFloor(t *testing.T) {
	e := newEnv(t, map[string]any{"salebot": map[string]any{
		"channels": []any{map[string]any{"type": "telegram", "group_id": "shop_bot"}},
		"clients":  []any{map[string]any{"id": 99999, "type": "telegram", "platform_id": "1"}},
	}})
	item := e.ok("POST", "load_clients", []any{map[string]any{"platform_id": "2", "group_id": "shop_bot", "client_type": 1}})["items"].([]any)[0]
	require.Equal(t, 100001.0, item.(map[string]any)["id"])
}
