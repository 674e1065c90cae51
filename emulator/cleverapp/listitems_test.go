package cleverapp_test

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// ordersList is a schema with a field of every type, created at 2024-03-01T12:00:00Z.
func ordersList(t *testing.T, f *fakebotstest.Fake) string {
	t.Helper()
	at(t, f, "2024-03-01T12:00:00Z")
	return newSchema(t, f, url.Values{"name": {"Заказы"}}, "&fields[item][name]=Товар&fields[item][type]=string&fields[item][is_required]=1"+
		"&fields[qty][name]=Количество&fields[qty][type]=number&fields[vip][name]=VIP&fields[vip][type]=bool"+
		"&fields[due][name]=Срок&fields[due][type]=date&fields[buyer][name]=Покупатель&fields[buyer][type]=contact"+
		"&fields[shop][name]=Бот&fields[shop][type]=bot")
}

// item is an item's body for the data given, with ordersList's times.
func item(id, data, updated string) string {
	return `{"id":"` + id + `",` + data + `,"created_at":"2024-03-01T12:00:00+00:00","updated_at":"` + updated + `"}`
}

func TestListItemLifecycle(t *testing.T) {
	f := newFake(t)
	schema := ordersList(t, f)
	buyer := newContact(t, f, "Иван Иванов")
	bot := strconv.FormatInt(f.Tenant.CleverApp.BotID, 10)
	b := strconv.FormatInt(buyer, 10)

	// A PHP form: every value is text and is stored as its field's type.
	r := callForm(t, f, "addListItem", url.Values{"schema_id": {schema}, "data[qty]": {"2.5"}, "data[item]": {"Худи"},
		"data[vip]": {"1"}, "data[due]": {"1709294400"}, "data[buyer]": {b}, "data[shop]": {bot}, "data[other]": {"ignored"}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	checkSpec(t, f, "addListItem", r)
	var added struct{ Data struct{ ID string } }
	r.JSON(t, &added)
	id := added.Data.ID
	full := `"item":"Худи","qty":2.5,"vip":true,"due":1709294400,"buyer":` + b + `,"shop":` + bot + `,"contact_id":` + b + `,"bot_id":` + bot
	require.Equal(t, `{"data":`+item(id, full, "2024-03-01T12:00:00+00:00")+`}`, string(r.Body))

	r = call(t, f, http.MethodPost, "getListItems", map[string]any{"schema_id": schema})
	require.Contains(t, string(r.Body), `{"data":[`+item(id, full, "2024-03-01T12:00:00+00:00")+`],`)
	checkSpec(t, f, "getListItems", r)

	// An update changes what is sent; null clears an optional value.
	at(t, f, "2024-03-01T13:00:00Z")
	r = call(t, f, http.MethodPost, "updateListItem", map[string]any{"item_id": id, "schema_id": schema, "data": map[string]any{"qty": 3, "vip": nil, "buyer": nil}})
	changed := `"item":"Худи","qty":3,"due":1709294400,"shop":` + bot + `,"bot_id":` + bot
	assertAnswer(t, f, "updateListItem", r, http.StatusOK, `{"data":`+item(id, changed, "2024-03-01T13:00:00+00:00")+`}`)
	r = call(t, f, http.MethodPost, "getListItems", map[string]any{"schema_id": schema})
	require.Contains(t, string(r.Body), `{"data":[`+item(id, changed, "2024-03-01T13:00:00+00:00")+`],`)

	for _, c := range []struct {
		params map[string]any
		status int
		body   string
	}{
		{map[string]any{"item_id": id, "data": map[string]any{"item": nil, "vip": "yes"}}, http.StatusUnprocessableEntity,
			`{"message":"The given data was invalid.","errors":{"data.item":["Поле data.item обязательно для заполнения."],"data.vip":["Поле data.vip должно иметь значение логического типа."]}}`},
		{map[string]any{"item_id": id, "data": map[string]any{"buyer": 999999999}}, http.StatusUnprocessableEntity,
			`{"message":"The given data was invalid.","errors":{"data.buyer":["Выбранное значение для data.buyer некорректно."]}}`},
		{map[string]any{"item_id": id, "schema_id": "000000000000000000000000", "data": map[string]any{"qty": 1}}, http.StatusNotFound,
			`{"message":"No query results for model [App\\ListItem] ` + id + `"}`},
	} {
		r = call(t, f, http.MethodPost, "updateListItem", c.params)
		assertAnswer(t, f, "updateListItem", r, c.status, c.body)
	}

	r = call(t, f, http.MethodPost, "deleteListItem", map[string]any{"item_id": id})
	assertAnswer(t, f, "deleteListItem", r, http.StatusOK, `{"success":true}`)
	var left struct{ Data []any }
	ok(t, f, http.MethodPost, "getListItems", map[string]any{"schema_id": schema}, &left)
	require.Empty(t, left.Data)
}

func TestGetListItemsFiltersSortsAndPages(t *testing.T) {
	f := newFake(t)
	schema := ordersList(t, f)
	ivan, olga := newContact(t, f, "Иван Иванов"), newContact(t, f, "Ольга Петрова")
	type row struct {
		item  string
		qty   float64
		vip   bool
		buyer int64
	}
	rows := []row{{"Худи", 2, true, ivan}, {"Кепка", 1, false, olga}, {"Шарф", 3, true, olga}, {"Носки", 2, false, ivan}, {"Куртка", 1, true, ivan}}
	for _, x := range rows {
		ok(t, f, http.MethodPost, "addListItem", map[string]any{"schema_id": schema, "data": map[string]any{"item": x.item, "qty": x.qty, "vip": x.vip, "buyer": x.buyer}}, nil)
	}
	names := func(params map[string]any) []string {
		t.Helper()
		var got struct{ Data []struct{ Item string } }
		ok(t, f, http.MethodPost, "getListItems", params, &got)
		var out []string
		for _, d := range got.Data {
			out = append(out, d.Item)
		}
		return out
	}
	for _, c := range []struct {
		params map[string]any
		want   []string
	}{
		{map[string]any{}, []string{"Худи", "Кепка", "Шарф", "Носки", "Куртка"}},
		{map[string]any{"filters": map[string]any{"vip": "1"}}, []string{"Худи", "Шарф", "Куртка"}},
		{map[string]any{"filters": map[string]any{"vip": true, "qty": "1"}}, []string{"Куртка"}},
		{map[string]any{"filters": map[string]any{"qty": []any{3, 1}}}, []string{"Кепка", "Шарф", "Куртка"}},
		{map[string]any{"filters": map[string]any{"colour": "red"}}, nil},
		{map[string]any{"filters": map[string]any{"due": nil}}, []string{"Худи", "Кепка", "Шарф", "Носки", "Куртка"}},
		{map[string]any{"contact_id": olga}, []string{"Кепка", "Шарф"}},
		{map[string]any{"filters": map[string]any{"buyer": olga}}, []string{"Кепка", "Шарф"}},
		{map[string]any{"filters": map[string]any{"buyer": "кто-то"}}, nil},
		{map[string]any{"filters": map[string]any{"item": "Носки"}}, []string{"Носки"}},
		{map[string]any{"order_by": "qty,desc"}, []string{"Шарф", "Худи", "Носки", "Кепка", "Куртка"}},
		{map[string]any{"order_by": "qty"}, []string{"Кепка", "Куртка", "Худи", "Носки", "Шарф"}}, // ties keep the order they were added in
		{map[string]any{"order_by": "vip,asc"}, []string{"Кепка", "Носки", "Худи", "Шарф", "Куртка"}},
		{map[string]any{"order_by": "vip,desc"}, []string{"Худи", "Шарф", "Куртка", "Кепка", "Носки"}},
		{map[string]any{"order_by": "item"}, []string{"Кепка", "Куртка", "Носки", "Худи", "Шарф"}},
		{map[string]any{"order_by": "item,DESC", "limit": 2, "page": 2}, []string{"Носки", "Куртка"}},
		{map[string]any{"limit": 2, "page": 3}, []string{"Куртка"}},
	} {
		params := map[string]any{"schema_id": schema}
		for k, v := range c.params {
			params[k] = v
		}
		require.Equal(t, c.want, names(params), "%v", c.params)
	}
}

// Values of a field sort by type first (a missing value before any
// number), false before true.
func TestListItemsSortMissingValuesFirstAndFalseBeforeTrue(t *testing.T) {
	f := newFake(t)
	schema := ordersList(t, f)
	for _, data := range []map[string]any{{"item": "Худи", "qty": 2, "vip": true}, {"item": "Кепка", "vip": false}, {"item": "Шарф", "qty": 1, "vip": false}} {
		ok(t, f, http.MethodPost, "addListItem", map[string]any{"schema_id": schema, "data": data}, nil)
	}
	for orderBy, want := range map[string][]string{
		"qty":      {"Кепка", "Шарф", "Худи"},
		"qty,desc": {"Худи", "Шарф", "Кепка"},
		"vip":      {"Кепка", "Шарф", "Худи"},
		"vip,desc": {"Худи", "Кепка", "Шарф"},
	} {
		var got struct{ Data []struct{ Item string } }
		ok(t, f, http.MethodPost, "getListItems", map[string]any{"schema_id": schema, "order_by": orderBy}, &got)
		var names []string
		for _, d := range got.Data {
			names = append(names, d.Item)
		}
		require.Equal(t, want, names, orderBy)
	}
}

// Ids made in one second differ, and look like the documented ObjectIds.
func TestListIdsAreUniqueObjectIds(t *testing.T) {
	f := newFake(t)
	schema := ordersList(t, f) // the clock stands still from here
	seen := map[string]bool{schema: true}
	for i := 0; i < 20; i++ {
		var added struct{ Data struct{ ID string } }
		ok(t, f, http.MethodPost, "addListItem", map[string]any{"schema_id": schema, "data": map[string]any{"item": "Худи"}}, &added)
		require.Equal(t, "65e1c340", added.Data.ID[:8]) // 2024-03-01T12:00:00Z
		require.False(t, seen[added.Data.ID], "id %s repeats", added.Data.ID)
		seen[added.Data.ID] = true
	}
}

// A list id made at a second is that second, a hash of the tenant and
// brand, and the count of the tenant's lists and items, counting on past
// the ids taken: the same history of requests gives the same ids.
func TestListIdsCountOnPastTheIdsTaken(t *testing.T) {
	f := newFake(t)
	schema := ordersList(t, f)
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/cleverapp", f.Tenant.ID)
	id := func(n uint64) string { return fmt.Sprintf("65e1c340%016x", (h.Sum64()&0xFF_FFFF_FFFF)<<24|n) } // 2024-03-01T12:00:00Z
	require.Equal(t, id(0), schema)
	add := func() string {
		var added struct{ Data struct{ ID string } }
		ok(t, f, http.MethodPost, "addListItem", map[string]any{"schema_id": schema, "data": map[string]any{"item": "Худи"}}, &added)
		return added.Data.ID
	}
	first := add()
	require.Equal(t, id(1), first)
	require.Equal(t, id(2), add())
	ok(t, f, http.MethodPost, "deleteListItem", map[string]any{"item_id": first}, nil)
	require.Equal(t, id(3), add()) // the count is 2 again, and id(2) is taken
}

// An item keeps every value sent, whatever fields before it lack; a value
// sent as null is left out of the item, as a number too small for its
// digits is written as PHP writes it.
func TestItemValuesAfterMissingOnesAreKept(t *testing.T) {
	f := newFake(t)
	schema := ordersList(t, f)
	bot := f.Tenant.CleverApp.BotID
	r := call(t, f, http.MethodPost, "addListItem", map[string]any{"schema_id": schema, "data": map[string]any{"item": "Худи", "vip": nil, "shop": bot}})
	var added struct{ Data struct{ ID string } }
	r.JSON(t, &added)
	assertAnswer(t, f, "addListItem", r, http.StatusOK, `{"data":`+item(added.Data.ID, `"item":"Худи","shop":`+strconv.FormatInt(bot, 10)+`,"bot_id":`+strconv.FormatInt(bot, 10), "2024-03-01T12:00:00+00:00")+`}`)
	r = call(t, f, http.MethodPost, "addListItem", map[string]any{"schema_id": schema, "data": map[string]any{"item": "Нитки", "qty": 0.00001, "due": 1709294400}})
	r.JSON(t, &added)
	assertAnswer(t, f, "addListItem", r, http.StatusOK, `{"data":`+item(added.Data.ID, `"item":"Нитки","qty":1.0e-5,"due":1709294400`, "2024-03-01T12:00:00+00:00")+`}`)
	r = call(t, f, http.MethodPost, "getListItems", map[string]any{"schema_id": schema, "filters": map[string]any{"due": 1709294400}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Contains(t, string(r.Body), `"item":"Нитки","qty":1.0e-5,"due":1709294400,`)
	require.Contains(t, string(r.Body), `"total":1}`)
}

// A value stored as null is matched by a null filter only: not by 0.
func TestAStoredNullMatchesOnlyANullFilter(t *testing.T) {
	f := newFake(t)
	schema := ordersList(t, f)
	for _, data := range []map[string]any{{"item": "Худи", "qty": nil}, {"item": "Шарф", "qty": 0}} {
		ok(t, f, http.MethodPost, "addListItem", map[string]any{"schema_id": schema, "data": data}, nil)
	}
	for _, c := range []struct {
		qty  any
		want []string
	}{{0, []string{"Шарф"}}, {"0", []string{"Шарф"}}, {nil, []string{"Худи"}}} {
		var got struct{ Data []struct{ Item string } }
		ok(t, f, http.MethodPost, "getListItems", map[string]any{"schema_id": schema, "filters": map[string]any{"qty": c.qty}}, &got)
		var names []string
		for _, d := range got.Data {
			names = append(names, d.Item)
		}
		require.Equal(t, c.want, names, "%v", c.qty)
	}
}

// Every contact or bot field naming what is not the caller's is reported,
// not only the first.
func TestEveryUnknownReferenceOfAnItemIsReported(t *testing.T) {
	f := newFake(t)
	schema := ordersList(t, f)
	r := call(t, f, http.MethodPost, "addListItem", map[string]any{"schema_id": schema, "data": map[string]any{"item": "Худи", "buyer": 999999999, "shop": 999999999}})
	assertAnswer(t, f, "addListItem", r, http.StatusUnprocessableEntity, `{"message":"The given data was invalid.","errors":{`+
		`"data.buyer":["Выбранное значение для data.buyer некорректно."],"data.shop":["Выбранное значение для data.shop некорректно."]}}`)
}

// A date is an integer, however large: read back, it prints as one.
func TestALargeDateReadsBackAsAnInteger(t *testing.T) {
	f := newFake(t)
	schema := ordersList(t, f)
	ok(t, f, http.MethodPost, "addListItem", map[string]any{"schema_id": schema, "data": map[string]any{"item": "Худи", "due": 100000000000000000}}, nil)
	r := ok(t, f, http.MethodPost, "getListItems", map[string]any{"schema_id": schema}, nil)
	require.Contains(t, string(r.Body), `"item":"Худи","due":100000000000000000,`)
}
