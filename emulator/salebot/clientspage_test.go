package salebot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// pageFixture has clients whose text needs every kind of JSON escaping and
// whose creation order differs from their ids' order.
var pageFixture = map[string]any{"salebot": map[string]any{
	"channels": []any{map[string]any{"type": "telegram", "id": 23, "group_id": "shop/bot"}},
	"lists":    []any{map[string]any{"id": 7, "name": "VIP"}},
	"clients": []any{
		map[string]any{"id": 101, "platform_id": "p\u2028x\u2029y", "name": `Иван "Ваня" \ Петров`, "avatar": "https://cdn.example/a.png",
			"tag": "tab\there\nnl\x01", "message_id": 380, "created_at": 1700000300, "lists": []int{7}},
		map[string]any{"id": 102, "platform_id": "42", "name": "<b>Tom & Jerry</b> 👍", "created_at": 1700000100},
		map[string]any{"id": 103, "platform_id": "43", "created_at": 1700000200, "lists": []int{7}},
		map[string]any{"id": 104, "platform_id": "44", "name": "same second", "created_at": 1700000200},
	},
}}

// TestGetClientsPageBytes pins every byte of get_clients pages: key order,
// nulls, escaping, the order (newest first, ties by id) and paging.
func TestGetClientsPageBytes(t *testing.T) {
	e := newEnv(t, pageFixture)
	pid := itoa(e.sb.ProjectID)
	c101 := `{"id":101,"platform_id":"p\u2028x\u2029y","client_type":1,"name":"Иван \"Ваня\" \\ Петров","avatar":"https://cdn.example/a.png","message_id":380,"project_id":` + pid +
		`,"created_at":1700000300,"updated_at":1700000300,"custom_answer":null,"tag":"tab\there\nnl\u0001","group":"shop/bot","operator_start_dialog":null}`
	c102 := `{"id":102,"platform_id":"42","client_type":1,"name":"<b>Tom & Jerry</b> 👍","avatar":null,"message_id":null,"project_id":` + pid +
		`,"created_at":1700000100,"updated_at":1700000100,"custom_answer":null,"tag":null,"group":"shop/bot","operator_start_dialog":null}`
	c103 := `{"id":103,"platform_id":"43","client_type":1,"name":null,"avatar":null,"message_id":null,"project_id":` + pid +
		`,"created_at":1700000200,"updated_at":1700000200,"custom_answer":null,"tag":null,"group":"shop/bot","operator_start_dialog":null}`
	c104 := `{"id":104,"platform_id":"44","client_type":1,"name":"same second","avatar":null,"message_id":null,"project_id":` + pid +
		`,"created_at":1700000200,"updated_at":1700000200,"custom_answer":null,"tag":null,"group":"shop/bot","operator_start_dialog":null}`
	page := func(clients ...string) string {
		out := `{"status":"success","clients":[`
		for i, c := range clients {
			if i > 0 {
				out += ","
			}
			out += c
		}
		return out + "]}"
	}
	for _, tc := range []struct {
		query string
		want  string
	}{
		{"", page(c101, c104, c103, c102)},
		{"reverse=1", page(c102, c103, c104, c101)},
		{"offset=1&limit=2", page(c104, c103)},
		{"offset=9", page()},
		{"list=7", page(c101, c103)},
		{"list=7&offset=1", page(c103)},
	} {
		r := e.get("get_clients", tc.query)
		require.Equal(t, 200, r.Status, tc.query)
		require.Equal(t, tc.want, string(r.Body), tc.query)
	}

	// A write that touches a client shows in its updated_at.
	e.f.SetTime(t, time.Unix(1700000900, 0))
	e.ok("POST", "save_variables", map[string]any{"client_id": 102, "variables": map[string]any{"city": "Москва"}})
	r := e.get("get_clients", "reverse=1&limit=1")
	require.Equal(t, page(strings.Replace(c102, `"updated_at":1700000100`, `"updated_at":1700000900`, 1)), string(r.Body))
}

// TestGetClientsLimitOutsideItsRangeMeansAPage: a limit of 0 or less, or
// past 500, gives the whole page of 500.
func TestGetClientsLimitOutsideItsRangeMeansAPage(t *testing.T) {
	e := newEnv(t, pageFixture)
	for query, want := range map[string][]int64{
		"limit=0": {101, 104, 103, 102}, "limit=-1": {101, 104, 103, 102}, "limit=501": {101, 104, 103, 102}, "limit=1": {101},
	} {
		require.Equal(t, want, clientIDs(e.ok("GET", "get_clients?"+query, nil)), query)
	}
}
