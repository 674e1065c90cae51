package platform_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/platform"
)

// request builds a platform request from a raw query, a body and its
// Content-Type ("" for none).
func request(query, contentType string, body []byte) *platform.Request {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return &platform.Request{
		HTTP: &http.Request{Method: http.MethodPost, URL: &url.URL{Path: "/api/v1/x", RawQuery: query}, Header: h},
		Body: body,
	}
}

func multipartBody(t *testing.T, fields [][2]string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		require.NoError(t, w.WriteField(f[0], f[1]))
	}
	fw, err := w.CreateFormFile("upload", "a.txt")
	require.NoError(t, err)
	_, err = fw.Write([]byte("file content"))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes(), w.FormDataContentType()
}

func TestParseInput(t *testing.T) {
	mp, mpType := multipartBody(t, [][2]string{{"text", "Привет"}, {"tags[]", "a"}, {"tags[]", "b"}, {"contact_id", "5"}})
	tests := []struct {
		name  string
		query string
		ct    string
		body  string
		sniff bool
		in    platform.Input
		out   any // the body returned when it is not an object
	}{
		{"nothing", "", "", "", false, platform.Input{}, nil},
		{"query only", "contact_id=1&text=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82", "", "", false,
			platform.Input{"contact_id": "1", "text": "Привет"}, nil},
		{"query with a raw UTF-8 value", "contact_id=1&text=Привет", "", "", false,
			platform.Input{"contact_id": "1", "text": "Привет"}, nil},
		{"plus is a space, last repeat wins", "text=a+b&k=1&k=2", "", "", false, platform.Input{"text": "a b", "k": "2"}, nil},
		{"empty value kept", "a=&b", "", "", false, platform.Input{"a": "", "b": ""}, nil},
		{"JSON object merged, body wins", "api_token=q&text=query", "application/json",
			`{"text":"body","bot_id":29454,"flag":true,"none":null,"list":[1,"a"],"obj":{"k":"v"}}`, false,
			platform.Input{"api_token": "q", "text": "body", "bot_id": float64(29454), "flag": true, "none": nil,
				"list": []any{float64(1), "a"}, "obj": map[string]any{"k": "v"}}, nil},
		{"JSON with charset and whitespace", "", "application/json; charset=utf-8", "\n  {\"a\":1}\n", false,
			platform.Input{"a": float64(1)}, nil},
		{"JSON vendor type", "", "application/vnd.api+json", `{"a":"b"}`, false, platform.Input{"a": "b"}, nil},
		{"JSON array returned as body", "x=1", "application/json", `[{"op":"add","path":"/a","value":1}]`, false,
			platform.Input{"x": "1"}, []any{map[string]any{"op": "add", "path": "/a", "value": float64(1)}}},
		{"JSON scalar returned as body", "", "application/json", `"hi"`, false, platform.Input{}, "hi"},
		{"JSON null returned as nil body", "", "application/json", `null`, false, platform.Input{}, nil},
		{"urlencoded form merged, body wins", "text=query&q=1", "application/x-www-form-urlencoded", "text=%D0%BF%D1%80%D0%B8&bot_id=7", false,
			platform.Input{"text": "при", "bot_id": "7", "q": "1"}, nil},
		{"urlencoded with charset", "", "application/x-www-form-urlencoded; charset=UTF-8", "a=1", false, platform.Input{"a": "1"}, nil},
		{"multipart form, files ignored", "contact_id=1", mpType, string(mp), false,
			platform.Input{"text": "Привет", "tags": []any{"a", "b"}, "contact_id": "5"}, nil},
		{"unknown type ignored", "a=1", "text/plain", `b=2`, false, platform.Input{"a": "1"}, nil},
		{"no type ignored", "a=1", "", `{"b":2}`, false, platform.Input{"a": "1"}, nil},
		{"sniff: JSON under text/plain", "a=1", "text/plain", `{"b":2}`, true, platform.Input{"a": "1", "b": float64(2)}, nil},
		{"sniff: JSON under a form type", "", "application/x-www-form-urlencoded", `{"b":"x=y"}`, true, platform.Input{"b": "x=y"}, nil},
		{"sniff: JSON array without a type", "", "", ` [1,2]`, true, platform.Input{}, []any{float64(1), float64(2)}},
		{"sniff: form under text/plain", "", "text/plain", `b=2&c=3`, true, platform.Input{"b": "2", "c": "3"}, nil},
		{"sniff: plain text stays ignored", "", "text/plain", `hello`, true, platform.Input{}, nil},
		{"invalid UTF-8 in the query", "t=%FFa%C3", "", "", false, platform.Input{"t": "\uFFFDa\uFFFD"}, nil},
		{"invalid UTF-8 in query keys", "%FF=1&a[%FE]=2", "", "", false,
			platform.Input{"\uFFFD": "1", "a": map[string]any{"\uFFFD": "2"}}, nil},
		{"invalid UTF-8 in form keys", "", "application/x-www-form-urlencoded", "k%FF=1", false, platform.Input{"k\uFFFD": "1"}, nil},
		{"invalid UTF-8 in a form", "", "application/x-www-form-urlencoded", "t=%FE%FF", false, platform.Input{"t": "\uFFFD"}, nil},
		{"invalid UTF-8 in JSON", "", "application/json", "{\"t\":\"a\xffb\"}", false, platform.Input{"t": "a\uFFFDb"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, body, err := platform.ParseInput(request(tt.query, tt.ct, []byte(tt.body)), platform.InputOptions{Sniff: tt.sniff})
			require.NoError(t, err)
			require.Equal(t, tt.in, in)
			require.Equal(t, tt.out, body)
		})
	}
}

func TestParseInputMalformed(t *testing.T) {
	tests := []struct {
		name  string
		query string
		ct    string
		body  string
		sniff bool
		err   error // nil: any error
		in    platform.Input
	}{
		{"truncated JSON", "api_token=t&a=1", "application/json", `{"a":`, false, platform.ErrMalformedJSON,
			platform.Input{"api_token": "t", "a": "1"}},
		{"JSON with trailing garbage", "q=1", "application/json", `{"a":1} x`, false, platform.ErrMalformedJSON, platform.Input{"q": "1"}},
		{"a form sent as JSON", "q=1", "application/json", `a=1&b=2`, false, platform.ErrMalformedJSON, platform.Input{"q": "1"}},
		{"sniffed JSON that is broken", "q=1", "text/plain", `{oops`, true, platform.ErrMalformedJSON, platform.Input{"q": "1"}},
		{"number too large for JSON", "", "application/json", `{"a":1e400}`, false, platform.ErrMalformedJSON, platform.Input{}},
		{"multipart without a boundary", "q=1", "multipart/form-data", "--x\r\n", false, nil, platform.Input{"q": "1"}},
		{"bad escape in a form", "q=1", "application/x-www-form-urlencoded", "a=%zz", false, nil, platform.Input{"q": "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, body, err := platform.ParseInput(request(tt.query, tt.ct, []byte(tt.body)), platform.InputOptions{Sniff: tt.sniff})
			require.Error(t, err)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
			}
			require.Nil(t, body)
			require.Equal(t, tt.in, in, "the query is still parsed")
		})
	}
}

func TestParseInputPHPKeys(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  platform.Input
	}{
		{"list", "a[]=1&a[]=2", platform.Input{"a": []any{"1", "2"}}},
		{"map", "f[x]=1&f[y]=2", platform.Input{"f": map[string]any{"x": "1", "y": "2"}}},
		{"map of lists", "d[x][]=1&d[x][]=2&d[y][]=3", platform.Input{"d": map[string]any{"x": []any{"1", "2"}, "y": []any{"3"}}}},
		{"deep map", "a[b][c]=1", platform.Input{"a": map[string]any{"b": map[string]any{"c": "1"}}}},
		{"list of maps", "a[][x]=1", platform.Input{"a": []any{map[string]any{"x": "1"}}}},
		{"escaped brackets", "tags%5B%5D=a&tags%5B%5D=b", platform.Input{"tags": []any{"a", "b"}}},
		{"Cyrillic map key", "filters[имя]=Иван", platform.Input{"filters": map[string]any{"имя": "Иван"}}},
		{"map key repeated: last wins", "f[x]=1&f[x]=2", platform.Input{"f": map[string]any{"x": "2"}}},
		{"unclosed bracket kept as a plain key", "a[b=1", platform.Input{"a[b": "1"}},
		{"text after the brackets kept as a plain key", "a[b]c=1", platform.Input{"a[b]c": "1"}},
		{"stray close bracket kept as a plain key", "a]=1", platform.Input{"a]": "1"}},
		{"leading bracket kept as a plain key", "[a]=1", platform.Input{"[a]": "1"}},
		{"only brackets kept as a plain key", "[]=1", platform.Input{"[]": "1"}},
		{"gap between brackets kept as a plain key", "a[b]x[c]=1", platform.Input{"a[b]x[c]": "1"}},
		{"plain keys untouched", "a=1&b-c=2&d.e=3", platform.Input{"a": "1", "b-c": "2", "d.e": "3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, body, err := platform.ParseInput(request(tt.query, "", nil), platform.InputOptions{})
			require.NoError(t, err)
			require.Nil(t, body)
			require.Equal(t, tt.want, in)
		})
	}
}

func TestParseInputPHPKeysInForms(t *testing.T) {
	in, _, err := platform.ParseInput(request("", "application/x-www-form-urlencoded",
		[]byte("tags[]=a&tags[]=b&filters[tag_name]=vip&client_ids[]=1")), platform.InputOptions{})
	require.NoError(t, err)
	require.Equal(t, platform.Input{
		"tags":       []any{"a", "b"},
		"filters":    map[string]any{"tag_name": "vip"},
		"client_ids": []any{"1"},
	}, in)

	// JSON keys are not unfolded: brackets are part of the name there.
	in, _, err = platform.ParseInput(request("", "application/json", []byte(`{"a[]":1}`)), platform.InputOptions{})
	require.NoError(t, err)
	require.Equal(t, platform.Input{"a[]": float64(1)}, in)
}

func TestInputAccessors(t *testing.T) {
	in := platform.Input{
		"text":    "hi",
		"blank":   "   ",
		"empty":   "",
		"null":    nil,
		"zero":    float64(0),
		"int":     float64(12),
		"neg":     float64(-7),
		"frac":    1.5,
		"big":     1e20,
		"true":    true,
		"false":   false,
		"numstr":  " 42 ",
		"fracstr": "2.5",
		"list":    []any{"a"},
		"nolist":  []any{},
		"obj":     map[string]any{"k": "v"},
		"noobj":   map[string]any{},
		"jsonnum": json.Number("9007199254740993"),
		"inf":     "Inf",
		"nan":     "NaN",
	}

	t.Run("Get", func(t *testing.T) {
		v, ok := in.Get("int")
		require.True(t, ok)
		require.Equal(t, float64(12), v)
		v, ok = in.Get("null")
		require.True(t, ok)
		require.Nil(t, v)
		_, ok = in.Get("missing")
		require.False(t, ok)
	})

	t.Run("Present", func(t *testing.T) {
		want := map[string]bool{
			"text": true, "blank": false, "empty": false, "null": false, "zero": true, "int": true,
			"true": true, "false": true, "list": true, "nolist": false, "obj": true, "noobj": false, "missing": false,
		}
		for key, present := range want {
			require.Equal(t, present, in.Present(key), key)
		}
	})

	t.Run("String", func(t *testing.T) {
		want := map[string]string{
			"text": "hi", "blank": "   ", "null": "", "zero": "0", "int": "12", "neg": "-7", "frac": "1.5",
			"big": "100000000000000000000", "true": "1", "false": "", "numstr": " 42 ", "list": "", "obj": "",
			"jsonnum": "9007199254740993", "missing": "",
		}
		for key, s := range want {
			require.Equal(t, s, in.String(key), key)
		}
	})

	t.Run("Int", func(t *testing.T) {
		tests := []struct {
			key string
			n   int64
			ok  bool
		}{
			{"int", 12, true}, {"neg", -7, true}, {"zero", 0, true}, {"numstr", 42, true},
			{"jsonnum", 9007199254740993, true},
			{"frac", 0, false}, {"fracstr", 0, false}, {"big", 0, false}, {"text", 0, false},
			{"true", 0, false}, {"null", 0, false}, {"list", 0, false}, {"missing", 0, false}, {"empty", 0, false},
		}
		for _, tt := range tests {
			n, ok := in.Int(tt.key)
			require.Equal(t, tt.ok, ok, tt.key)
			if tt.ok {
				require.Equal(t, tt.n, n, tt.key)
			}
		}
	})

	t.Run("Float", func(t *testing.T) {
		tests := []struct {
			key string
			f   float64
			ok  bool
		}{
			{"frac", 1.5, true}, {"int", 12, true}, {"fracstr", 2.5, true}, {"numstr", 42, true},
			{"text", 0, false}, {"inf", 0, false}, {"nan", 0, false}, {"true", 0, false},
			{"null", 0, false}, {"missing", 0, false}, {"list", 0, false},
		}
		for _, tt := range tests {
			f, ok := in.Float(tt.key)
			require.Equal(t, tt.ok, ok, tt.key)
			if tt.ok {
				require.Equal(t, tt.f, f, tt.key)
			}
		}
	})
}

func TestText(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"x", "x"},
		{float64(3), "3"},
		{float64(-3), "-3"},
		{0.1, "0.1"},
		{1e17, "100000000000000000"},
		{1e21, "1000000000000000000000"},
		{1.5e-7, "0.00000015"},
		{json.Number("1.50"), "1.50"},
		{true, "1"},
		{false, ""},
		{nil, ""},
		{[]any{"a"}, ""},
		{map[string]any{}, ""},
		{12, "12"},
		{int64(-12), "-12"},
		{int32(12), ""}, // only JSON's types and Go's int and int64 are known
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, platform.Text(tt.in), "%#v", tt.in)
	}
}

func TestInteger(t *testing.T) {
	tests := []struct {
		in any
		n  int64
		ok bool
	}{
		{float64(5), 5, true},
		{float64(-5), -5, true},
		{float64(1 << 61), 1 << 61, true},
		{float64(1 << 62), 0, false},
		{5.5, 0, false},
		{"17", 17, true},
		{" 17\n", 17, true},
		{"+17", 17, true},
		{"1.0", 0, false},
		{"1e3", 0, false},
		{"", 0, false},
		{"9223372036854775808", 0, false},
		{json.Number("12"), 12, true},
		{json.Number("1.5"), 0, false},
		{true, 0, false},
		{nil, 0, false},
	}
	for _, tt := range tests {
		n, ok := platform.Integer(tt.in)
		require.Equal(t, tt.ok, ok, "%#v", tt.in)
		if ok {
			require.Equal(t, tt.n, n, "%#v", tt.in)
		}
	}
}

func TestIsEmpty(t *testing.T) {
	tests := []struct {
		in    any
		empty bool
	}{
		{nil, true}, {"", true}, {" \t\n", true}, {[]any{}, true}, {map[string]any{}, true},
		{"0", false}, {float64(0), false}, {false, false}, {[]any{nil}, false}, {map[string]any{"": nil}, false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.empty, platform.IsEmpty(tt.in), "%#v", tt.in)
	}
}

func TestLimitKey(t *testing.T) {
	require.Equal(t, "t1\x00cleverapp\x00tok", platform.LimitKey("t1", "cleverapp", "tok"))
	require.Equal(t, "t1\x00", platform.LimitKey("t1", "", ""))
	// The tenant prefix covers every bucket of the tenant, and only its own.
	prefix := platform.LimitKey("t1", "", "")
	require.True(t, len(platform.LimitKey("t1", "onebot", "x")) > len(prefix) &&
		platform.LimitKey("t1", "onebot", "x")[:len(prefix)] == prefix)
	require.NotEqual(t, prefix, platform.LimitKey("t10", "onebot", "x")[:len(prefix)])
}

func TestDecodeStrict(t *testing.T) {
	var v struct {
		Name string `json:"name"`
	}
	require.NoError(t, platform.DecodeStrict(nil, &v))
	require.NoError(t, platform.DecodeStrict([]byte(" null "), &v))
	require.NoError(t, platform.DecodeStrict([]byte(`{"name":"x"}`), &v))
	require.Equal(t, "x", v.Name)
	require.ErrorContains(t, platform.DecodeStrict([]byte(`{"nmae":"x"}`), &v), "unknown field")
	require.Error(t, platform.DecodeStrict([]byte(`{"name":`), &v))
}

func TestTruthy(t *testing.T) {
	for _, v := range []any{true, 1.0, -2.0, "1", "true", "TRUE", " on ", "yes", "Y"} {
		require.True(t, platform.Truthy(v), "%#v", v)
	}
	for _, v := range []any{false, 0.0, "0", "false", "off", "no", "", "2", nil, []any{"1"}} {
		require.False(t, platform.Truthy(v), "%#v", v)
	}
}
