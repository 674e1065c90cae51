package cleverapp_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// field renders a documented field object.
func field(name, typ string, required bool) string {
	r := "false"
	if required {
		r = "true"
	}
	return `{"name":"` + name + `","type":"` + typ + `","is_required":` + r + `,"is_hidden":false,"is_encryptable":false}`
}

// schemaBody is a schema as getListSchema answers it, created and updated at 2024-03-01T12:00:00Z.
func schemaBody(id, name, fields string) string {
	return `{"data":{"id":"` + id + `","fields":{` + fields + `},"name":"` + name + `","is_menu":false,` +
		`"created_at":"2024-03-01T12:00:00+00:00","updated_at":"2024-03-01T12:00:00+00:00"}}`
}

// newSchema creates a schema from a PHP-style form (the order the client
// sends fields in is the order they keep) and returns its id.
func newSchema(t *testing.T, f *fakebotstest.Fake, form url.Values, raw string) string {
	t.Helper()
	r := callRaw(t, f, "createListSchema", "application/x-www-form-urlencoded", form.Encode()+raw)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	checkSpec(t, f, "createListSchema", r)
	var s struct{ Data struct{ ID string } }
	r.JSON(t, &s)
	require.Regexp(t, regexp.MustCompile(`^[0-9a-f]{24}$`), s.Data.ID)
	return s.Data.ID
}

func TestListSchemaLifecycle(t *testing.T) {
	f := newFake(t)
	at(t, f, "2024-03-01T12:00:00Z")
	id := newSchema(t, f, url.Values{"name": {"Товары"}},
		"&fields[title][name]=Товар&fields[title][type]=string&fields[title][is_required]=1&fields[price][name]=Цена&fields[price][type]=number")
	fields := `"title":` + field("Товар", "string", true) + `,"price":` + field("Цена", "number", false)
	r := invoke(t, f, "getListSchema", map[string]any{"schema_id": id})
	assertAnswer(t, f, "getListSchema", r, http.StatusOK, schemaBody(id, "Товары", fields))

	r = call(t, f, http.MethodPost, "addListSchemaField", map[string]any{"schema_id": id, "field": map[string]any{"slug": "in_stock", "name": "В наличии", "type": "bool"}})
	fields += `,"in_stock":` + field("В наличии", "bool", false)
	assertAnswer(t, f, "addListSchemaField", r, http.StatusOK, schemaBody(id, "Товары", fields))
	r = invoke(t, f, "getListSchema", map[string]any{"schema_id": id})
	assertAnswer(t, f, "getListSchema", r, http.StatusOK, schemaBody(id, "Товары", fields))

	for _, c := range []struct {
		slug, errors string
	}{
		{"price", `{"field.slug":["Такое значение поля field.slug уже существует."]}`},
		{"a b", `{"field.slug":["Поле field.slug может содержать только буквы, цифры, дефис и нижнее подчеркивание."]}`},
		{"created_at", `{"field.slug":["Выбранное значение для field.slug ошибочно."]}`},
	} {
		r = call(t, f, http.MethodPost, "addListSchemaField", map[string]any{"schema_id": id, "field": map[string]any{"slug": c.slug, "name": "X", "type": "string"}})
		assertAnswer(t, f, "addListSchemaField", r, http.StatusUnprocessableEntity, `{"message":"The given data was invalid.","errors":`+c.errors+`}`)
	}

	// Deleting a field takes its values out of the items.
	ok(t, f, http.MethodPost, "addListItem", map[string]any{"schema_id": id, "data": map[string]any{"title": "Худи", "price": 2990, "in_stock": true}}, nil)
	r = call(t, f, http.MethodPost, "deleteListSchemaField", map[string]any{"schema_id": id, "slug": "price"})
	assertAnswer(t, f, "deleteListSchemaField", r, http.StatusOK, `{"success":true}`)
	r = call(t, f, http.MethodPost, "deleteListSchemaField", map[string]any{"schema_id": id, "slug": "price"})
	assertAnswer(t, f, "deleteListSchemaField", r, http.StatusUnprocessableEntity,
		`{"message":"The given data was invalid.","errors":{"slug":["Выбранное значение для slug некорректно."]}}`)
	var items struct{ Data []map[string]any }
	ok(t, f, http.MethodPost, "getListItems", map[string]any{"schema_id": id}, &items)
	require.Len(t, items.Data, 1)
	require.NotContains(t, items.Data[0], "price")
	require.Equal(t, "Худи", items.Data[0]["title"])

	r = call(t, f, http.MethodPost, "deleteListSchema", map[string]any{"schema_id": id})
	assertAnswer(t, f, "deleteListSchema", r, http.StatusOK, `{"success":true}`)
	r = invoke(t, f, "getListSchema", map[string]any{"schema_id": id})
	assertAnswer(t, f, "getListSchema", r, http.StatusNotFound, `{"message":"No query results for model [App\\ListSchema] `+id+`"}`)
}

func TestCreateListSchemaKeepsTheFieldOrderOfAJSONBody(t *testing.T) {
	f := newFake(t)
	r := callRaw(t, f, "createListSchema", "application/json",
		`{"name":"Записи","is_menu":true,"fields":{"z":{"name":"Z","type":"string"},"a":{"name":"A","type":"date"},"m":{"name":"M","type":"contact"}}}`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	checkSpec(t, f, "createListSchema", r)
	body := string(r.Body)
	require.Less(t, strings.Index(body, `"z":`), strings.Index(body, `"a":`))
	require.Less(t, strings.Index(body, `"a":`), strings.Index(body, `"m":`))
	require.Contains(t, body, `"is_menu":true`)
}

// Laravel reports wildcard rules after the plain ones, rule by rule, in the
// order of the keys sent.
func TestCreateListSchemaValidatesEveryField(t *testing.T) {
	f := newFake(t)
	r := callRaw(t, f, "createListSchema", "application/json",
		`{"fields":{"b":{"type":"string"},"a":{"name":"A","type":"colour","is_hidden":"maybe"}}}`)
	assertAnswer(t, f, "createListSchema", r, http.StatusUnprocessableEntity, `{"message":"The given data was invalid.","errors":{`+
		`"name":["Поле name обязательно для заполнения."],`+
		`"fields.b.name":["Поле fields.b.name обязательно для заполнения."],`+
		`"fields.a.type":["Выбранное значение для fields.a.type ошибочно."],`+
		`"fields.a.is_hidden":["Поле fields.a.is_hidden должно иметь значение логического типа."]}}`)

	r = callRaw(t, f, "createListSchema", "application/json", `{"name":"X","fields":{"id":{"name":"Id","type":"string"}}}`)
	assertAnswer(t, f, "createListSchema", r, http.StatusUnprocessableEntity,
		`{"message":"The given data was invalid.","errors":{"fields.id":["Выбранное значение для fields.id ошибочно."]}}`)
}

func TestGetListSchemasPages(t *testing.T) {
	f := newFake(t)
	var ids []string
	for i := 0; i < 17; i++ {
		ids = append(ids, newSchema(t, f, url.Values{"name": {"Список"}, "fields[name][name]": {"Имя"}, "fields[name][type]": {"string"}}, ""))
	}
	seen := map[string]bool{}
	for _, id := range ids {
		require.False(t, seen[id], "ids repeat")
		seen[id] = true
	}
	var page struct {
		Data []struct{ ID string }
		Meta struct{ Total, From, To int }
	}
	r := invoke(t, f, "getListSchemas", map[string]any{"page": 2})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	checkSpec(t, f, "getListSchemas", r)
	r.JSON(t, &page)
	require.Equal(t, 17, page.Meta.Total)
	require.Equal(t, 16, page.Meta.From)
	require.Equal(t, []string{ids[15], ids[16]}, []string{page.Data[0].ID, page.Data[1].ID})
}
