package salebot_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// queryFixture: names and numbers in client and deal variables.
var queryFixture = map[string]any{"salebot": map[string]any{
	"settings": map[string]any{"auto_order": false},
	"clients": []any{
		map[string]any{"id": 1, "platform_id": "1", "variables": map[string]any{"name": "Joe", "result": "ok", "var": "дом", "score": 10},
			"orders": []any{map[string]any{"variables": map[string]any{"result": "ok", "var": "60"}}}},
		map[string]any{"id": 2, "platform_id": "2", "variables": map[string]any{"name": "Jane", "result": "ok", "score": 20}},
		map[string]any{"id": 3, "platform_id": "3", "variables": map[string]any{"name": "Bob", "var": "60", "score": 30},
			"orders": []any{map[string]any{"variables": map[string]any{"var": "дом"}}}},
		map[string]any{"id": 4, "platform_id": "4", "variables": map[string]any{"name": "Donald", "level": "high"}},
		map[string]any{"id": 5, "platform_id": "5"},
	},
}}

func TestFindClientsQueryLanguage(t *testing.T) {
	e := newEnv(t, queryFixture)
	cases := []struct {
		name   string
		params map[string]any
		want   []any
	}{
		// The docs' examples.
		{"all conditions", map[string]any{"q": map[string]any{"result": "ok", "var": "дом"}}, []any{1.0}},
		{"any condition in deals", map[string]any{"q": map[string]any{"result": "ok", "var": "дом"}, "search_in": "order", "include_all": false}, []any{1.0, 3.0}},
		{"_in", map[string]any{"q": map[string]any{"name": map[string]any{"_in": []any{"Joe", "Jane", "Donald"}}}}, []any{1.0, 2.0, 4.0}},
		{"_not_in", map[string]any{"q": map[string]any{"name": map[string]any{"_not_in": []any{"Joe", "Jane", "Donald"}}}}, []any{3.0}},
		{"_not", map[string]any{"q": map[string]any{"name": map[string]any{"_not": "Joe"}}}, []any{2.0, 3.0, 4.0}},
		// Numbers: every client holding score has a number.
		{"_gt", map[string]any{"q": map[string]any{"score": map[string]any{"_gt": 10}}}, []any{2.0, 3.0}},
		{"_gte and _lt", map[string]any{"q": map[string]any{"score": map[string]any{"_gte": 10, "_lt": 30}}}, []any{1.0, 2.0}},
		{"_lte as text", map[string]any{"q": map[string]any{"score": map[string]any{"_lte": "10"}}}, []any{1.0}},
		{"equal number", map[string]any{"q": map[string]any{"score": 20}}, []any{2.0}},
		{"include_all as text", map[string]any{"q": map[string]any{"name": "Bob", "level": "high"}, "include_all": "False"}, []any{3.0, 4.0}},
		{"nothing", map[string]any{"q": map[string]any{"name": "Nobody"}}, []any{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, e.ok("POST", "find_clients", c.params)["client_ids"])
		})
	}
}

func TestFindClientsFailures(t *testing.T) {
	e := newEnv(t, queryFixture)
	fail := func(msg string) string { return `{"status":"fail","message":"` + msg + `"}` }
	cases := []struct {
		name   string
		params any
		body   string
	}{
		{"no q", map[string]any{"search_in": "order"}, fail(`Parameter \"q\" required`)},
		{"empty q", map[string]any{"q": map[string]any{}}, fail(`Parameter \"q\" required`)},
		{"q not an object", map[string]any{"q": "name=Joe"}, fail("Error in parameter format")},
		{"unknown operator", map[string]any{"q": map[string]any{"name": map[string]any{"_like": "J"}}}, fail("Error in parameter format")},
		{"_in needs a list", map[string]any{"q": map[string]any{"name": map[string]any{"_in": "Joe"}}}, fail("Error in parameter format")},
		{"no operator", map[string]any{"q": map[string]any{"name": map[string]any{}}}, fail("Error in parameter format")},
		{"a list value", map[string]any{"q": map[string]any{"name": []any{"Joe"}}}, fail("Error in parameter format")},
		{"number against a word", map[string]any{"q": map[string]any{"score": map[string]any{"_gt": "many"}}}, fail("Error in parameter format")},
		// "var" holds text for some clients: numbers cannot be compared (documented).
		{"text among numbers", map[string]any{"q": map[string]any{"var": map[string]any{"_gt": 1}}}, fail("Something went wrong")},
		{"text among numbers after another condition", map[string]any{"q": map[string]any{"name": "Joe", "var": map[string]any{"_gt": 1}}}, fail("Something went wrong")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.call("POST", "find_clients", c.params)
			require.Equal(t, http.StatusBadRequest, r.Status)
			require.JSONEq(t, c.body, string(r.Body))
		})
	}
	// An optional parameter sent as null is absent, as for every action.
	withNull := e.call("POST", "find_clients", map[string]any{"q": map[string]any{"name": "Bob"}, "include_all": nil})
	without := e.call("POST", "find_clients", map[string]any{"q": map[string]any{"name": "Bob"}})
	require.Equal(t, http.StatusOK, withNull.Status, string(withNull.Body))
	require.Equal(t, string(without.Body), string(withNull.Body))
	// fail_status switches the code of every fail body.
	e.sb.PatchSettings(t, map[string]any{"fail_status": 200})
	r := e.raw(e.sb.APIKey, "POST", "find_clients", map[string]any{})
	require.Equal(t, http.StatusOK, r.Status)
	require.JSONEq(t, fail(`Parameter \"q\" required`), string(r.Body))
}

// q sent as JSON text in a query string (a GET client).
func TestFindClientsGetWithJSONText(t *testing.T) {
	e := newEnv(t, queryFixture)
	r := e.get("find_clients", "q=%7B%22name%22%3A%22Joe%22%7D")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.JSONEq(t, `{"status":"success","client_ids":[1]}`, string(r.Body))
}
