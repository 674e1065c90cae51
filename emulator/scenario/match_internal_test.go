package scenario

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// Every matcher, and exact values, each once holding and once not, with
// the reason a person reads.
func TestMatchers(t *testing.T) {
	body := map[string]any{
		"name": "Демо Магазин", "id": float64(42), "price": 9.5, "ok": true, "none": nil,
		"tags": []any{"vip", "new"}, "bot": map[string]any{"type": "telegram"},
	}
	for _, c := range []struct {
		pattern any
		reason  string // "" when it matches
	}{
		{map[string]any{"name": "Демо Магазин", "id": 42}, ""},
		{map[string]any{"id": "42"}, `id: expected "42", got 42`}, // strict outside call parameters
		{map[string]any{"name": "Демо"}, `name: expected "Демо", got "Демо Магазин"`},
		{map[string]any{"nope": 1}, "nope: missing (expected 1)"},
		{map[string]any{"tags": []any{"vip"}}, "tags: expected 1 elements, got 2"},
		{map[string]any{"tags": []any{"vip", "old"}}, `tags.1: expected "old", got "new"`},
		{map[string]any{"bot": "telegram"}, `bot: expected "telegram", got {"type":"telegram"}`},
		{map[string]any{"name": map[string]any{"contains": "Магазин"}}, ""},
		{map[string]any{"name": map[string]any{"contains": "Бот"}}, `name: "Демо Магазин" does not contain "Бот"`},
		{map[string]any{"tags": map[string]any{"contains": "vip"}}, ""},
		{map[string]any{"tags": map[string]any{"contains": "old"}}, `tags: no element matches "old"`},
		{map[string]any{"id": map[string]any{"contains": "4"}}, ""},
		{map[string]any{"name": map[string]any{"regex": "^Демо"}}, ""},
		{map[string]any{"id": map[string]any{"regex": `^\d+$`}}, ""},
		{map[string]any{"name": map[string]any{"regex": "^Z"}}, `name: "Демо Магазин" does not match /^Z/`},
		{map[string]any{"bot": map[string]any{"regex": "."}}, `bot: {"type":"telegram"} does not match /./`},
		{map[string]any{"id": map[string]any{"type": "integer"}, "price": map[string]any{"type": "number"}}, ""},
		{map[string]any{"id": map[string]any{"type": "number"}}, ""}, // an integer is a number
		{map[string]any{"price": map[string]any{"type": "integer"}}, "price: expected a value of type integer, got number 9.5"},
		{map[string]any{"ok": map[string]any{"type": "boolean"}, "none": map[string]any{"type": "null"}, "tags": map[string]any{"type": "array"}, "bot": map[string]any{"type": "object"}}, ""},
		{map[string]any{"nope": map[string]any{"type": "string"}}, "nope: missing"},
		{map[string]any{"none": map[string]any{"any": true}}, ""},
		{map[string]any{"nope": map[string]any{"any": true}}, "nope: missing"},
		{map[string]any{"nope": map[string]any{"absent": true}}, ""},
		{map[string]any{"none": map[string]any{"absent": true}}, "none: expected no value, got null"},
		{map[string]any{"bot": map[string]any{"equals": map[string]any{"type": "telegram"}}}, ""},
		{map[string]any{"bot": map[string]any{"type": "telegram"}}, "bot: expected a value of type telegram, got object {\"type\":\"telegram\"}"},
		{map[string]any{"bot": map[string]any{"equals": map[string]any{}}}, `bot: expected exactly {}, got {"type":"telegram"}`},
		{map[string]any{"nope": map[string]any{"equals": nil}}, "nope: missing (expected null)"},
	} {
		diffs := match(c.pattern, body, true, "", matchOpts{})
		if c.reason == "" {
			require.Empty(t, diffs, "%v", c.pattern)
			continue
		}
		require.Len(t, diffs, 1, "%v", c.pattern)
		require.Equal(t, c.reason, diffs[0].String(), "%v", c.pattern)
	}
}

// Call parameters compare by their text, as the platforms read forms.
func TestLooseParameters(t *testing.T) {
	params := map[string]any{"client_id": "15099119", "flag": "1", "empty": ""}
	require.Empty(t, match(map[string]any{"client_id": 15099119, "flag": true, "empty": false}, params, true, "params", matchOpts{loose: true}))
	diffs := match(map[string]any{"client_id": 1, "flag": false}, params, true, "params", matchOpts{loose: true})
	require.Equal(t, []string{`params.client_id: expected 1, got "15099119"`, `params.flag: expected false, got "1"`},
		[]string{diffs[0].String(), diffs[1].String()})
}

// A matcher with a wrong argument is refused before anything runs.
func TestMatcherArguments(t *testing.T) {
	for pattern, msg := range map[string]string{
		"regex":    "regex needs a text argument",
		"badregex": "regex \"(\" does not compile: error parsing regexp: missing closing ): `(`",
		"type":     "type must be one of array, boolean, integer, null, number, object, string, not text (to match a key named type literally, write {equals: {type: ...}})",
		"any":      "write {any: true}",
		"contains": "contains takes one value (text, or an element of a list), not a list",
	} {
		m := map[string]map[string]any{
			"regex": {"regex": 1}, "badregex": {"regex": "("}, "type": {"type": "text"},
			"any": {"any": false}, "contains": {"contains": []any{"a"}},
		}[pattern]
		require.EqualError(t, checkPattern(map[string]any{"x": m}), msg)
	}
}
