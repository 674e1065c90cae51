package jsonx_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/jsonx"
)

func TestPHP(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"Cyrillic stays literal", map[string]any{"message": "Привет, мир"}, `{"message":"Привет, мир"}`},
		{"slashes escaped", "https://app.cleverapp.pro/api/v1/me", `"https:\/\/app.cleverapp.pro\/api\/v1\/me"`},
		{"slash in a key escaped", map[string]string{"a/b": "c"}, `{"a\/b":"c"}`},
		{"backslash before a slash", `a\/b`, `"a\\\/b"`},
		{"no HTML escaping", "<b>Tom & Jerry</b>", `"<b>Tom & Jerry<\/b>"`},
		{"U+2028 and U+2029 escaped", "a\u2028b\u2029c", `"a\u2028b\u2029c"`},
		{"control characters escaped", "tab\there\nnl", `"tab\there\nnl"`},
		{"quotes and backslashes", `say "hi" \o/`, `"say \"hi\" \\o\/"`},
		{"emoji literal", "👍", `"👍"`},
		{"a real U+FFFD literal, as any other character", "a\uFFFDb", "\"a\uFFFDb\""},
		{"compact", map[string]any{"a": []int{1, 2}, "b": map[string]any{}}, `{"a":[1,2],"b":{}}`},
		{"null", nil, `null`},
		{"number", 12.5, `12.5`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jsonx.PHP(tt.in)
			require.NoError(t, err)
			require.Equal(t, tt.want, string(got), "no trailing newline either")
			// The result is still JSON and decodes to the same value.
			require.True(t, json.Valid(got))
		})
	}
}

func TestMarshalWithoutSlashEscaping(t *testing.T) {
	got, err := jsonx.Marshal(map[string]any{"url": "https://x/y?a=1&b=<2>", "text": "Привет\u2028"}, false)
	require.NoError(t, err)
	require.Equal(t, `{"text":"Привет\u2028","url":"https://x/y?a=1&b=<2>"}`, string(got))
}

func TestPHPRoundTripsSlashes(t *testing.T) {
	for _, s := range []string{`/`, `\/`, `\\/`, `a/b\c/`, `/\`} {
		out, err := jsonx.PHP(s)
		require.NoError(t, err)
		var back string
		require.NoError(t, json.Unmarshal(out, &back), "%s", out)
		require.Equal(t, s, back)
	}
}

func TestMarshalErrors(t *testing.T) {
	tests := []struct {
		name string
		in   any
	}{
		{"NaN", math.NaN()},
		{"channel", make(chan int)},
		{"NaN inside an Object", jsonx.Object{{Key: "a", Value: math.Inf(1)}}},
		{"channel inside a nested Object", jsonx.Object{{Key: "a", Value: jsonx.Object{{Key: "b", Value: func() {}}}}}},
		{"channel inside a list", []any{"a", make(chan int)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := jsonx.PHP(tt.in)
			require.Error(t, err)
		})
	}
}

func TestObjectKeepsOrder(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"insertion order, not sorted", jsonx.Object{{Key: "z", Value: 1}, {Key: "a", Value: 2}, {Key: "m", Value: 3}},
			`{"z":1,"a":2,"m":3}`},
		{"empty", jsonx.Object{}, `{}`},
		{"nil", jsonx.Object(nil), `{}`},
		{"nested", jsonx.Object{
			{Key: "message", Value: "The given data was invalid."},
			{Key: "errors", Value: jsonx.Object{
				{Key: "text", Value: []string{"b"}},
				{Key: "contact_id", Value: []string{"a"}},
			}},
		}, `{"message":"The given data was invalid.","errors":{"text":["b"],"contact_id":["a"]}}`},
		{"inside a slice", []any{
			jsonx.Object{{Key: "b", Value: 1}, {Key: "a", Value: 2}},
			jsonx.Object{{Key: "y", Value: nil}, {Key: "x", Value: true}},
		}, `[{"b":1,"a":2},{"y":null,"x":true}]`},
		{"inside a typed slice", []jsonx.Object{{{Key: "d", Value: 4}, {Key: "c", Value: 3}}},
			`[{"d":4,"c":3}]`},
		{"inside a map", map[string]any{"data": jsonx.Object{{Key: "b", Value: 1}, {Key: "a", Value: 2}}},
			`{"data":{"b":1,"a":2}}`},
		{"inside a struct", struct {
			Data jsonx.Object `json:"data"`
		}{jsonx.Object{{Key: "b", Value: "/"}, {Key: "a", Value: "Ж"}}}, `{"data":{"b":"\/","a":"Ж"}}`},
		{"PHP escaping applies inside", jsonx.Object{{Key: "url/x", Value: "https://a/<b>"}, {Key: "ru", Value: "Ё"}},
			`{"url\/x":"https:\/\/a\/<b>","ru":"Ё"}`},
		{"keys escaped as JSON", jsonx.Object{{Key: `q"k`, Value: 1}, {Key: "\u2028", Value: 2}},
			`{"q\"k":1,"\u2028":2}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jsonx.PHP(tt.in)
			require.NoError(t, err)
			require.Equal(t, tt.want, string(got))
		})
	}
}

func TestObjectMarshalJSONDirect(t *testing.T) {
	o := jsonx.Object{{Key: "b", Value: "x/y"}, {Key: "a", Value: "<&>"}}
	got, err := o.MarshalJSON()
	require.NoError(t, err)
	require.Equal(t, `{"b":"x/y","a":"<&>"}`, string(got))
	// encoding/json uses the order too.
	std, err := json.Marshal(o)
	require.NoError(t, err)
	require.Equal(t, `{"b":"x/y","a":"\u003c\u0026\u003e"}`, string(std))
}

func TestObjectSet(t *testing.T) {
	var o jsonx.Object
	o.Set("first", 1)
	o.Set("second", 2)
	o.Set("third", 3)
	o.Set("second", "two") // replaced in place
	o.Set("fourth", nil)
	o.Set("first", []int{1})

	want := jsonx.Object{
		{Key: "first", Value: []int{1}},
		{Key: "second", Value: "two"},
		{Key: "third", Value: 3},
		{Key: "fourth", Value: nil},
	}
	require.Equal(t, want, o)
	got, err := jsonx.PHP(o)
	require.NoError(t, err)
	require.Equal(t, `{"first":[1],"second":"two","third":3,"fourth":null}`, string(got))
}

func TestObjectGet(t *testing.T) {
	o := jsonx.Object{{Key: "a", Value: 1}, {Key: "n", Value: nil}, {Key: "a", Value: 2}}
	tests := []struct {
		key   string
		want  any
		found bool
	}{
		{"a", 1, true}, // the first of duplicate keys
		{"n", nil, true},
		{"missing", nil, false},
		{"A", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			v, ok := o.Get(tt.key)
			require.Equal(t, tt.found, ok)
			require.Equal(t, tt.want, v)
		})
	}
	var empty jsonx.Object
	_, ok := empty.Get("a")
	require.False(t, ok)
}

func TestPHPRawMessage(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"copied with slashes escaped", json.RawMessage(`{"u":"https://x/y"}`), `{"u":"https:\/\/x\/y"}`},
		{"an escaped slash stays escaped once", json.RawMessage(`{"u":"a\/b"}`), `{"u":"a\/b"}`},
		{"an escaped backslash before a slash", json.RawMessage(`"a\\/b"`), `"a\\\/b"`},
		{"inside an Object", jsonx.Object{{Key: "v", Value: json.RawMessage(`["\/", "/"]`)}}, `{"v":["\/", "\/"]}`},
		{"inside a map, through encoding/json", map[string]any{"v": json.RawMessage(`"a\/b/c"`)}, `{"v":"a\/b\/c"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jsonx.PHP(tt.in)
			require.NoError(t, err)
			require.Equal(t, tt.want, string(got))
		})
	}
	// The value survives: decoding the output gives what decoding the input gives.
	raw := json.RawMessage(`{"u":"a\/b\\/c/d"}`)
	out, err := jsonx.PHP(raw)
	require.NoError(t, err)
	var before, after any
	require.NoError(t, json.Unmarshal(raw, &before))
	require.NoError(t, json.Unmarshal(out, &after))
	require.Equal(t, before, after)
}

func TestMarshalMatchesEncodingJSON(t *testing.T) {
	// The reflection-free encoder must agree with encoding/json (HTML escaping off).
	var all []byte
	for b := 0; b < 0x80; b++ {
		all = append(all, byte(b))
	}
	values := []any{
		string(all), "a\xffb\xc3", "a\x80b", "\u2028\u2029\u00a0\ufeff", "Привет 👍", "",
		float64(0), math.Copysign(0, -1), 1.0, -1.5, 1e20, 1e21, 123456789012345678, 1e-6, 1e-7, 0.000001234, 5e-324, math.MaxFloat64, 3.14159,
		int(-42), int64(1) << 62, true, false, nil,
		[]any{"a", float64(1), nil, []any{}}, []string{"x/y", "<"}, []any{},
		jsonx.Object{{Key: "k\n", Value: "v\t"}},
	}
	for _, v := range values {
		var buf []byte
		enc := json.NewEncoder(&sliceWriter{&buf})
		enc.SetEscapeHTML(false)
		require.NoError(t, enc.Encode(v))
		want := buf[:len(buf)-1]
		got, err := jsonx.Marshal(v, false)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), "%#v", v)
	}
}

type sliceWriter struct{ b *[]byte }

func (w *sliceWriter) Write(p []byte) (int, error) { *w.b = append(*w.b, p...); return len(p), nil }
