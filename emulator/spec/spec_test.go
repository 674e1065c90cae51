package spec_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/limits"
	"github.com/fakebots/fakebots/emulator/spec"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return raw
}

func loadShop(t *testing.T) *spec.Spec {
	t.Helper()
	s, err := spec.Load("shop", readTestdata(t, "shop.yaml"))
	require.NoError(t, err)
	return s
}

// edit returns shop.yaml with old replaced by new, failing when old is absent
// so a changed document cannot silently make a test vacuous.
func edit(t *testing.T, old, new string) []byte {
	t.Helper()
	doc := string(readTestdata(t, "shop.yaml"))
	require.Contains(t, doc, old)
	return []byte(strings.Replace(doc, old, new, 1))
}

// withSettings returns shop.yaml with the document's x-settings list.
func withSettings(t *testing.T, list string) []byte {
	t.Helper()
	return edit(t, "\npaths:\n", "\nx-settings:\n"+list+"paths:\n")
}

// TestLoadSettings: the document's x-settings are read as written.
func TestLoadSettings(t *testing.T) {
	s, err := spec.Load("shop", withSettings(t, "  - {name: mode, default: a, others: [b, c], fidelity: observed, source: docs}\n"))
	require.NoError(t, err)
	require.Equal(t, []spec.Setting{{Name: "mode", Default: "a", Others: []string{"b", "c"}, Fidelity: "observed", Source: "docs"}}, s.Settings)
}

func TestLoad(t *testing.T) {
	raw := readTestdata(t, "shop.yaml")
	s, err := spec.Load("shop", raw)
	require.NoError(t, err)
	require.Equal(t, "shop", s.Platform)
	require.Equal(t, raw, s.Raw)
	require.Equal(t, "Shop", s.Doc.Info.Title)
	require.Equal(t, []limits.Rule{
		{Name: "per-second", Limit: 2, Window: time.Second},
		{Name: "per-minute", Limit: 60, Window: time.Minute},
	}, s.RateLimits)

	var got []string
	for _, o := range s.Operations {
		got = append(got, o.Method+" "+o.Path+" "+o.ID)
	}
	require.Equal(t, []string{
		"DELETE /items deleteItems",
		"GET /items listItems",
		"POST /items createItem",
		"GET /items/new newItemForm",
		"GET /items/{id} getItem",
		"PATCH /items/{id} patchItem",
		"PUT /items/{id} updateItem",
		"POST /ping ping",
		"GET /users/{user}/items/{item} getUserItem",
	}, got, "sorted by path, then method")

	create := s.Operation("createItem")
	require.NotNil(t, create)
	require.Equal(t, "POST", create.Method)
	require.Equal(t, "/items", create.Path)
	require.Equal(t, "observed", create.Fidelity)
	require.Equal(t, "test createItem", create.Source)
	require.Equal(t, []limits.Rule{{Name: "create", Limit: 1, Window: 10 * time.Second}}, create.RateLimits)
	require.NotNil(t, create.Op)
	require.Equal(t, "createItem", create.Op.OperationID)

	list := s.Operation("listItems")
	require.Equal(t, "documented", list.Fidelity)
	require.Empty(t, list.RateLimits)
	require.Equal(t, "inferred", s.Operation("deleteItems").Fidelity)
	require.Nil(t, s.Operation("nope"))
	require.Nil(t, s.Operation(""))
}

// TestLoadSharesADocumentPerContent: loading the same bytes again, from any
// slice, gives the Spec already loaded; other bytes, or another platform's
// name, their own.
func TestLoadSharesADocumentPerContent(t *testing.T) {
	raw := readTestdata(t, "shop.yaml")
	first, err := spec.Load("shop", raw)
	require.NoError(t, err)
	again, err := spec.Load("shop", append([]byte(nil), raw...))
	require.NoError(t, err)
	require.Same(t, first, again)

	other, err := spec.Load("shop", edit(t, "title: Shop", "title: Other shop"))
	require.NoError(t, err)
	require.NotSame(t, first, other)
	require.Equal(t, "Other shop", other.Doc.Info.Title)
	renamed, err := spec.Load("shop2", raw)
	require.NoError(t, err)
	require.NotSame(t, first, renamed)
	require.Equal(t, "shop2", renamed.Platform)
}

// TestDerivedIsBuiltOncePerDocumentAndKey: what a platform derives from a
// document is built once for every caller, per key; a failure is kept.
func TestDerivedIsBuiltOncePerDocumentAndKey(t *testing.T) {
	s := loadShop(t)
	builds := 0
	count := func(s *spec.Spec) (int, error) { builds++; return len(s.Operations), nil }
	for range 3 {
		n, err := spec.Derived(s, "count", count)
		require.NoError(t, err)
		require.Equal(t, 9, n)
	}
	require.Equal(t, 1, builds)

	fails := 0
	for range 2 {
		_, err := spec.Derived(s, "broken", func(*spec.Spec) (string, error) { fails++; return "", errors.New("no rules") })
		require.EqualError(t, err, "no rules")
	}
	require.Equal(t, 1, fails)

	other, err := spec.Load("shop", edit(t, "title: Shop", "title: Other shop"))
	require.NoError(t, err)
	_, err = spec.Derived(other, "count", count)
	require.NoError(t, err)
	require.Equal(t, 2, builds, "another document builds its own")
}

func TestInputSchema(t *testing.T) {
	s := loadShop(t)
	tests := []struct {
		op       string
		props    []string // nil when there is no input schema
		required []string
	}{
		{"createItem", []string{"count", "meta", "name", "price", "tags"}, []string{"name"}},
		// Query parameters of the path item and of the operation; the path parameter is not input.
		{"listItems", []string{"active", "lang", "page", "ratio", "sort"}, []string{"sort"}},
		{"updateItem", []string{"name"}, nil}, // a form body
		{"getItem", nil, nil},
		{"ping", nil, nil},
		{"deleteItems", []string{"lang"}, nil},
		{"getUserItem", []string{"fields"}, nil}, // after the path parameters
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			o := s.Operation(tt.op)
			require.NotNil(t, o)
			if tt.props == nil {
				require.Nil(t, o.Input)
				require.Nil(t, o.Validate(map[string]any{"anything": []any{1}}), "no schema accepts anything")
				return
			}
			require.NotNil(t, o.Input)
			var props []string
			for name := range o.Input.Properties {
				props = append(props, name)
			}
			require.ElementsMatch(t, tt.props, props)
			require.ElementsMatch(t, tt.required, o.Input.Required)
		})
	}
}

func TestExtension(t *testing.T) {
	s := loadShop(t)
	var rules []map[string]string
	ok, err := s.Operation("listItems").Extension("x-rules", &rules)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, []map[string]string{{"page": "nullable|integer"}}, rules)

	ok, err = s.Operation("createItem").Extension("x-rules", &rules)
	require.NoError(t, err)
	require.False(t, ok)

	var wrong int
	ok, err = s.Operation("listItems").Extension("x-rules", &wrong)
	require.True(t, ok)
	require.Error(t, err, "a value of the wrong shape is an error")
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name string
		raw  func(t *testing.T) []byte
		err  []string // substrings of the error
	}{
		{"not YAML", func(*testing.T) []byte { return []byte("openapi: [") }, []string{"spec shop"}},
		{"not OpenAPI", func(t *testing.T) []byte {
			return edit(t, "    get:\n      operationId: getUserItem", "    get:\n      responses: 12\n      operationId: getUserItem")
		},
			[]string{"spec shop"}},
		{"a document kin cannot read", func(t *testing.T) []byte { return edit(t, "info:\n  title: Shop", "info: [1]\nx-info:\n  title: Shop") },
			[]string{"spec shop: ", "cannot unmarshal array into value of type openapi3.Info"}},
		{"an invalid document", func(t *testing.T) []byte { return edit(t, `version: "1.0"`, `version: ""`) },
			[]string{"spec shop: ", "value of version must be a non-empty string"}},
		{"missing operationId", func(t *testing.T) []byte { return edit(t, "      operationId: ping\n", "") },
			[]string{"spec shop: POST /ping:", "operationId is required"}},
		{"unknown x-fidelity", func(t *testing.T) []byte {
			return edit(t, "x-fidelity: documented\n      x-source: test ping", "x-fidelity: guessed\n      x-source: test ping")
		}, []string{"spec shop: POST /ping:", `x-fidelity must be one of [documented observed inferred], got "guessed"`}},
		{"missing x-fidelity", func(t *testing.T) []byte {
			return edit(t, "      x-fidelity: documented\n      x-source: test ping", "      x-source: test ping")
		}, []string{`got ""`}},
		{"x-fidelity not a string", func(t *testing.T) []byte {
			return edit(t, "x-fidelity: documented\n      x-source: test ping", "x-fidelity: [documented]\n      x-source: test ping")
		}, []string{"spec shop: POST /ping:"}},
		{"missing x-source", func(t *testing.T) []byte { return edit(t, "      x-source: test ping\n", "") },
			[]string{"spec shop: POST /ping:", "x-source is required"}},
		{"empty x-source", func(t *testing.T) []byte { return edit(t, "x-source: test ping", `x-source: ""`) },
			[]string{"x-source is required"}},
		{"document x-rate-limits: zero limit", func(t *testing.T) []byte {
			return edit(t, "{name: per-second, limit: 2, window: 1s}", "{name: per-second, limit: 0, window: 1s}")
		}, []string{"spec shop: x-rate-limits:", `rule "per-second"`}},
		{"document x-rate-limits: bad window", func(t *testing.T) []byte {
			return edit(t, "{name: per-second, limit: 2, window: 1s}", "{name: per-second, limit: 2, window: soon}")
		}, []string{"spec shop: x-rate-limits:", `rule "per-second"`}},
		{"document x-rate-limits: zero window", func(t *testing.T) []byte {
			return edit(t, "{name: per-second, limit: 2, window: 1s}", "{name: per-second, limit: 2, window: 0s}")
		}, []string{"spec shop: x-rate-limits:", `rule "per-second"`}},
		{"document x-rate-limits: negative window", func(t *testing.T) []byte {
			return edit(t, "{name: per-second, limit: 2, window: 1s}", "{name: per-second, limit: 2, window: -1s}")
		}, []string{"spec shop: x-rate-limits:"}},
		{"document x-rate-limits: no name", func(t *testing.T) []byte {
			return edit(t, "{name: per-second, limit: 2, window: 1s}", "{limit: 2, window: 1s}")
		}, []string{"spec shop: x-rate-limits:", `rule ""`}},
		{"document x-rate-limits: not a list", func(t *testing.T) []byte {
			return edit(t, "x-rate-limits:\n  - {name: per-second, limit: 2, window: 1s}\n  - {name: per-minute, limit: 60, window: 1m}\n",
				"x-rate-limits: {name: per-second, limit: 2, window: 1s}\n")
		}, []string{"spec shop: x-rate-limits:", "cannot unmarshal object"}},
		{"x-settings not a list", func(t *testing.T) []byte { return withSettings(t, "  {name: mode}\n") },
			[]string{"spec shop: x-settings: ", "cannot unmarshal object"}},
		{"x-settings: no name", func(t *testing.T) []byte {
			return withSettings(t, "  - {default: a, others: [b], fidelity: observed, source: docs}\n")
		}, []string{`spec shop: x-settings: "" needs name, default, fidelity (documented, observed, inferred) and source`}},
		{"x-settings: no default", func(t *testing.T) []byte {
			return withSettings(t, "  - {name: mode, others: [b], fidelity: observed, source: docs}\n")
		}, []string{`spec shop: x-settings: "mode" needs name, default, fidelity`}},
		{"x-settings: unknown fidelity", func(t *testing.T) []byte {
			return withSettings(t, "  - {name: mode, default: a, others: [b], fidelity: guessed, source: docs}\n")
		}, []string{`spec shop: x-settings: "mode" needs name, default, fidelity`}},
		{"x-settings: no source", func(t *testing.T) []byte {
			return withSettings(t, "  - {name: mode, default: a, others: [b], fidelity: observed}\n")
		}, []string{`spec shop: x-settings: "mode" needs name, default, fidelity`}},
		{"parameter inside a segment", func(t *testing.T) []byte {
			return edit(t, "  /users/{user}/items/{item}:", "  /users/{user}/items/item-{item}:")
		}, []string{"spec shop: path /users/{user}/items/item-{item}: a parameter must be a whole segment"}},
		{"x-page-cache not a boolean", func(t *testing.T) []byte {
			return edit(t, "x-fidelity: documented\n      x-source: test ping", "x-fidelity: documented\n      x-page-cache: sometimes\n      x-source: test ping")
		}, []string{"spec shop: POST /ping:", "x-page-cache:"}},
		{"operation x-rate-limits: bad", func(t *testing.T) []byte {
			return edit(t, "{name: create, limit: 1, window: 10s}", "{name: create, limit: -1, window: 10s}")
		}, []string{"spec shop: POST /items:", "x-rate-limits:", `rule "create"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := spec.Load("shop", tt.raw(t))
			require.Error(t, err)
			require.Nil(t, s)
			for _, sub := range tt.err {
				require.Contains(t, err.Error(), sub)
			}
		})
	}
}

func TestFind(t *testing.T) {
	s := loadShop(t)
	tests := []struct {
		method string
		path   string
		op     string
		params map[string]string
	}{
		{"GET", "/items", "listItems", map[string]string{}},
		{"POST", "/items", "createItem", map[string]string{}},
		{"DELETE", "/items", "deleteItems", map[string]string{}},
		{"GET", "/items/new", "newItemForm", map[string]string{}}, // the literal path beats the template
		{"GET", "/items/42", "getItem", map[string]string{"id": "42"}},
		{"GET", "/items/abc", "getItem", map[string]string{"id": "abc"}}, // the type is for validation, not routing
		{"PUT", "/items/42", "updateItem", map[string]string{"id": "42"}},
		{"PATCH", "/items/7", "patchItem", map[string]string{"id": "7"}},
		{"GET", "/users/ann/items/9", "getUserItem", map[string]string{"user": "ann", "item": "9"}},
		{"GET", "/users/Иван/items/x y", "getUserItem", map[string]string{"user": "Иван", "item": "x y"}},
		{"HEAD", "/items", "listItems", map[string]string{}},
		{"HEAD", "/items/5", "getItem", map[string]string{"id": "5"}},
		{"POST", "/ping", "ping", map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			op, params, rerr := s.Find(tt.method, tt.path)
			require.Nil(t, rerr)
			require.NotNil(t, op)
			require.Equal(t, tt.op, op.ID)
			if len(tt.params) == 0 {
				require.Empty(t, params)
			} else {
				require.Equal(t, tt.params, params)
			}
		})
	}
}

func TestFindNotFound(t *testing.T) {
	s := loadShop(t)
	for _, path := range []string{"/", "/nope", "/items/", "/items/1/2", "/users/a/items", "/ITEMS", "/api/items", ""} {
		t.Run(path, func(t *testing.T) {
			op, params, rerr := s.Find("GET", path)
			require.Nil(t, op)
			require.Nil(t, params)
			require.NotNil(t, rerr)
			require.True(t, rerr.NotFound())
			require.Nil(t, rerr.Allowed)
			require.Equal(t, "GET", rerr.Method)
			require.Equal(t, path, rerr.Path)
			require.Equal(t, "no route for GET "+path, rerr.Error())
		})
	}
}

func TestFindMethodNotAllowed(t *testing.T) {
	s := loadShop(t)
	tests := []struct {
		method  string
		path    string
		allowed []string
	}{
		{"PATCH", "/items", []string{"GET", "POST", "DELETE"}},
		{"PUT", "/items", []string{"GET", "POST", "DELETE"}},
		{"POST", "/items/new", []string{"GET"}},
		{"DELETE", "/items/3", []string{"GET", "PUT", "PATCH"}},
		{"GET", "/ping", []string{"POST"}},
		{"HEAD", "/ping", []string{"POST"}}, // HEAD only rides on GET
		{"OPTIONS", "/items", []string{"GET", "POST", "DELETE"}},
		{"get", "/items", []string{"GET", "POST", "DELETE"}}, // methods are case-sensitive
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			// Many times: the order must not depend on map iteration.
			for i := 0; i < 20; i++ {
				op, params, rerr := s.Find(tt.method, tt.path)
				require.Nil(t, op)
				require.Nil(t, params)
				require.NotNil(t, rerr)
				require.False(t, rerr.NotFound())
				require.Equal(t, tt.allowed, rerr.Allowed)
			}
			_, _, rerr := s.Find(tt.method, tt.path)
			require.Equal(t, tt.method+" is not allowed on "+tt.path+" (allowed: "+strings.Join(tt.allowed, ", ")+")", rerr.Error())
		})
	}
}

func TestValidateQueryCoercion(t *testing.T) {
	op := loadShop(t).Operation("listItems")
	input := map[string]any{"page": "12", "ratio": "1.5", "active": "true", "sort": "asc", "lang": "ru", "extra": "kept"}
	require.Empty(t, op.Validate(input))
	require.Equal(t, map[string]any{
		"page": float64(12), "ratio": 1.5, "active": true, "sort": "asc", "lang": "ru", "extra": "kept",
	}, input, "Validate writes the coerced values back")

	input = map[string]any{"page": " 7 ", "ratio": "-3", "active": "0", "sort": "desc"}
	require.Empty(t, op.Validate(input))
	require.Equal(t, float64(7), input["page"])
	require.Equal(t, float64(-3), input["ratio"])
	require.Equal(t, false, input["active"])
}

func TestValidateFailures(t *testing.T) {
	s := loadShop(t)
	tests := []struct {
		name  string
		op    string
		input map[string]any
		want  []spec.FieldError // Field and Rule; Reason checked non-empty
	}{
		{"query: required missing", "listItems", map[string]any{}, []spec.FieldError{{Field: "sort", Rule: "required"}}},
		{"query: integer not a number", "listItems", map[string]any{"sort": "asc", "page": "abc"},
			[]spec.FieldError{{Field: "page", Rule: "type"}}},
		{"query: integer given a fraction", "listItems", map[string]any{"sort": "asc", "page": "1.5"},
			[]spec.FieldError{{Field: "page", Rule: "type"}}},
		{"query: below minimum", "listItems", map[string]any{"sort": "asc", "page": "0"},
			[]spec.FieldError{{Field: "page", Rule: "minimum"}}},
		{"query: number not a number", "listItems", map[string]any{"sort": "asc", "ratio": "x"},
			[]spec.FieldError{{Field: "ratio", Rule: "type"}}},
		{"query: boolean not a boolean", "listItems", map[string]any{"sort": "asc", "active": "yes"},
			[]spec.FieldError{{Field: "active", Rule: "type"}}},
		{"query: enum", "listItems", map[string]any{"sort": "up"}, []spec.FieldError{{Field: "sort", Rule: "enum"}}},
		{"query: path-level enum", "listItems", map[string]any{"sort": "asc", "lang": "de"},
			[]spec.FieldError{{Field: "lang", Rule: "enum"}}},
		{"body: required missing", "createItem", map[string]any{"count": 1}, []spec.FieldError{{Field: "name", Rule: "required"}}},
		{"body: string too long", "createItem", map[string]any{"name": "abcdef"}, []spec.FieldError{{Field: "name", Rule: "maxLength"}}},
		{"body: string given a number", "createItem", map[string]any{"name": float64(5)}, []spec.FieldError{{Field: "name", Rule: "type"}}},
		{"body: array item", "createItem", map[string]any{"name": "a", "tags": []any{"1", "x"}},
			[]spec.FieldError{{Field: "tags.1", Rule: "type"}}},
		{"body: nested required", "createItem", map[string]any{"name": "a", "meta": map[string]any{"flag": "1"}},
			[]spec.FieldError{{Field: "meta.level", Rule: "required"}}},
		{"body: nested type", "createItem", map[string]any{"name": "a", "meta": map[string]any{"level": "high"}},
			[]spec.FieldError{{Field: "meta.level", Rule: "type"}}},
		{"body: object given a string", "createItem", map[string]any{"name": "a", "meta": "x"},
			[]spec.FieldError{{Field: "meta", Rule: "type"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Operation(tt.op).Validate(tt.input)
			require.Len(t, got, len(tt.want), "%+v", got)
			for i, fe := range got {
				require.Equal(t, tt.want[i].Field, fe.Field, "%+v", fe)
				require.Equal(t, tt.want[i].Rule, fe.Rule, "%+v", fe)
				require.NotEmpty(t, fe.Reason)
			}
		})
	}
}

func TestValidateReportsEveryFailure(t *testing.T) {
	op := loadShop(t).Operation("createItem")
	got := op.Validate(map[string]any{"count": "many", "price": "cheap", "tags": "1"})
	var pairs []string
	for _, fe := range got {
		pairs = append(pairs, fe.Field+":"+fe.Rule)
	}
	require.ElementsMatch(t, []string{"name:required", "count:type", "price:type", "tags:type"}, pairs)
}

func TestValidateBodyCoercion(t *testing.T) {
	op := loadShop(t).Operation("createItem")
	input := map[string]any{"name": "abc", "count": "3", "price": "9.99", "tags": []any{"1", float64(2)},
		"meta": map[string]any{"level": "4", "flag": "false"}}
	require.Empty(t, op.Validate(input))
	require.Equal(t, map[string]any{"name": "abc", "count": float64(3), "price": 9.99, "tags": []any{float64(1), float64(2)},
		"meta": map[string]any{"level": float64(4), "flag": false}}, input)
}

func TestCoerce(t *testing.T) {
	integer := openapi3.NewIntegerSchema()
	number := openapi3.NewFloat64Schema()
	boolean := openapi3.NewBoolSchema()
	str := openapi3.NewStringSchema()
	untyped := &openapi3.Schema{}
	arrayOfInt := openapi3.NewArraySchema().WithItems(integer)
	arrayNoItems := openapi3.NewArraySchema()
	object := openapi3.NewObjectSchema().WithProperty("n", integer).WithProperty("b", boolean)
	dict := openapi3.NewObjectSchema().WithAdditionalProperties(number)

	tests := []struct {
		name   string
		schema *openapi3.Schema
		in     any
		want   any
	}{
		{"nil schema", nil, "12", "12"},
		{"integer", integer, "12", float64(12)},
		{"negative integer", integer, "-5", float64(-5)},
		{"integer with spaces", integer, " 12 ", float64(12)},
		{"integer given a fraction", integer, "1.5", "1.5"},
		{"integer given text", integer, "abc", "abc"},
		{"integer given empty", integer, "", ""},
		{"integer too large", integer, "99999999999999999999", "99999999999999999999"},
		{"integer already a number", integer, float64(3), float64(3)},
		{"number", number, "1.5", 1.5},
		{"number from an integer text", number, "7", float64(7)},
		{"number exponent", number, "1e3", float64(1000)},
		{"number given text", number, "x1", "x1"},
		{"boolean 1", boolean, "1", true},
		{"boolean true", boolean, "true", true},
		{"boolean TRUE", boolean, "TRUE", true},
		{"boolean 0", boolean, "0", false},
		{"boolean false", boolean, "false", false},
		{"boolean yes is left", boolean, "yes", "yes"},
		{"boolean given a bool", boolean, true, true},
		{"string stays", str, "12", "12"},
		{"untyped stays", untyped, "12", "12"},
		{"nil value", integer, nil, nil},
		{"array of integers", arrayOfInt, []any{"1", "x", float64(3)}, []any{float64(1), "x", float64(3)}},
		{"array without items", arrayNoItems, []any{"1"}, []any{"1"}},
		{"object properties", object, map[string]any{"n": "4", "b": "0", "other": "5"},
			map[string]any{"n": float64(4), "b": false, "other": "5"}},
		{"additionalProperties", dict, map[string]any{"a": "1.25", "b": "z"}, map[string]any{"a": 1.25, "b": "z"}},
		{"object given a string", object, "4", "4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, spec.Coerce(tt.schema, tt.in))
		})
	}
}

func TestCoerceDoesNotModifyItsInput(t *testing.T) {
	schema := openapi3.NewObjectSchema().WithProperty("n", openapi3.NewIntegerSchema())
	in := map[string]any{"n": "4"}
	out := spec.Coerce(schema, in)
	require.Equal(t, map[string]any{"n": "4"}, in)
	require.Equal(t, map[string]any{"n": float64(4)}, out)
}

// TestPublicOperationsAreThoseWithEmptySecurity: an operation is public
// only when it declares security: []; the others, which inherit the
// document's security, are not.
func TestPublicOperationsAreThoseWithEmptySecurity(t *testing.T) {
	for platform, want := range map[string][]string{"cleverapp": {"loginPage"}, "bothelp": {"getToken"}, "salebot": {}} {
		public := []string{}
		for _, op := range loadPlatform(t, platform).Operations {
			if op.Public() {
				public = append(public, op.ID)
			}
		}
		require.Equal(t, want, public, platform)
	}
}
