package php_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/php"
)

func encode(t *testing.T, v any) string {
	t.Helper()
	out, err := jsonx.Marshal(v, false)
	require.NoError(t, err)
	return string(out)
}

// TestParseQueryIsParseStr pins parse_str's answers (PHP 8.2) on the keys
// and separators Go's parser reads differently.
func TestParseQueryIsParseStr(t *testing.T) {
	tests := []struct{ query, want string }{
		{"a[-5]=1&a[]=2", `{"a":{"-5":"1","-4":"2"}}`},
		{"a[9223372036854775807]=1&a[]=2", `{"a":{"9223372036854775807":"1"}}`},
		{"a[b][c=1", `{"a":{"b":"1"}}`},
		{"a[b=1", `{"a_b":"1"}`},
		{"a.b c[x.y]=1", `{"a_b_c":{"x.y":"1"}}`},
		{" a=1&  b=2", `{"a":"1","b":"2"}`},
		{"a[ ]=1&a[ x]=2&a[  ]=3", `{"a":{"0":"1"," x":"2","  ":"3"}}`},
		{"a]b=1", `{"a]b":"1"}`},
		{"a[b]c[d]=1", `{"a":{"b":"1"}}`},
		{"a=1&a[x]=2&a=3", `{"a":"3"}`},
		{"a[x]=1&a=2&a[y]=3", `{"a":{"y":"3"}}`},
		{"a%00b=1&c[d%00e]=2", `{"a":"1","c_d":"2"}`},
		{"a=1;b=2", `{"a":"1;b=2"}`},
		{"v=100%&w=%zz&x=%2&y=a+b%2Bc", `{"v":"100%","w":"%zz","x":"%2","y":"a b+c"}`},
		{"=1&[x]=2&[]=3", `[]`},
		{"a[05]=1&a[5]=2&a[-0]=3&a[-1]=4&a[]=5", `{"a":{"05":"1","5":"2","-0":"3","-1":"4","6":"5"}}`},
		{"a[[x]]=1", `{"a":{"[x":"1"}}`},
		{"a[x[y]]=1", `{"a":{"x[y":"1"}}`},
		{"a.[x]=1", `{"a_":{"x":"1"}}`},
		{"a[]=1&a[]=2&a[0]=3", `{"a":["3","2"]}`},
		{"&&a=1&&", `{"a":"1"}`},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, encode(t, php.ParseQuery(tt.query, php.Defaults)), tt.query)
	}
}

// TestInputLimits pins max_input_vars and max_input_nesting_level: a query
// reads 1000 pairs (empty ones skipped), a POST form 1001 (empty ones
// counted), and a name nested past 64 levels removes its whole variable.
func TestInputLimits(t *testing.T) {
	pairs := make([]string, 1005)
	for i := range pairs {
		pairs[i] = "k" + php.FloatString(float64(i)) + "=1"
	}
	list := "&&&" + strings.Join(pairs, "&")
	require.Equal(t, 1000, php.ParseQuery(list, php.Defaults).Len(), "a query: empty pairs skipped")
	require.Equal(t, 998, php.ParseForm(list, php.Defaults).Len(), "a POST form: 1001 pairs, the 3 empty ones counted")

	deep := func(levels int) string { return "x" + strings.Repeat("[a]", levels) + "=1" }
	require.Equal(t, `{"y":"2"}`, encode(t, php.ParseQuery("x=5&"+deep(65)+"&y=2", php.Defaults)))
	require.Equal(t, `{"x":"5","y":"2"}`, encode(t, php.ParseQuery(deep(65)+"&x=5&y=2", php.Defaults)))
	got := php.ParseQuery(deep(64), php.Defaults)
	v, _ := got.Get("x")
	for i := 0; i < 64; i++ {
		v, _ = v.(*php.Array).Get("a")
	}
	require.Equal(t, "1", v)
}

// TestDecodeJSONIsJSONDecode pins json_decode($s, true)'s answers.
func TestDecodeJSONIsJSONDecode(t *testing.T) {
	ok := []struct{ doc, want string }{
		{`{"a":1,"a":2,"b":3}`, `{"a":2,"b":3}`},
		{`{"0":"x","1":"y"}`, `["x","y"]`},
		{`{"1":"x"}`, `{"1":"x"}`},
		{`{"a":{"b":2},"a":{"c":3}}`, `{"a":{"c":3}}`},
		{"\t\n\r {\"a\":1} \n", `{"a":1}`},
		{`{"a":"\u0000b"}`, `{"a":"\u0000b"}`},
	}
	for _, tt := range ok {
		v, err := php.DecodeJSON(tt.doc, php.JSONDepth)
		require.NoError(t, err, tt.doc)
		require.Equal(t, tt.want, encode(t, v), tt.doc)
	}
	numbers := []struct {
		doc  string
		want any
	}{
		{"1", int64(1)}, {"1.0", 1.0}, {"-0", int64(0)}, {"1E5", 100000.0}, {"1e-400", 0.0},
		{"9223372036854775807", int64(math.MaxInt64)}, {"-9223372036854775808", int64(math.MinInt64)},
		{"9223372036854775808", 9223372036854775808.0}, {"12345678901234567890", 12345678901234567890.0},
		{"1e400", math.Inf(1)}, {`"abc"`, "abc"}, {"true", true}, {"null", nil},
	}
	for _, tt := range numbers {
		v, err := php.DecodeJSON(tt.doc, php.JSONDepth)
		require.NoError(t, err, tt.doc)
		require.Equal(t, tt.want, v, tt.doc)
	}
	for _, bad := range []string{"", " ", "{\"a\":\"\xff\"}", `{"a":"\ud800"}`, "01", "1.", ".5", "-", "{\"a\":\"x\ty\"}",
		"\xef\xbb\xbf{}", `{"a":1}garbage`, "\f{}", strings.Repeat("[", 512) + strings.Repeat("]", 512)} {
		_, err := php.DecodeJSON(bad, php.JSONDepth)
		require.Error(t, err, "%q", bad)
	}
	_, err := php.DecodeJSON(strings.Repeat("[", 511)+strings.Repeat("]", 511), php.JSONDepth)
	require.NoError(t, err, "511 levels fit in depth 512")
	_, err = php.DecodeJSON("[]", 1)
	require.Error(t, err, "depth 1 holds no array")
}

// TestStringFunctions pins trim(), is_numeric(), FILTER_VALIDATE_INT,
// (string) of floats and mb_strlen on invalid UTF-8, from PHP 8.2.
// encoding/json sees an array's contents, in its order, inside a plain Go
// value (the page cache keys reads by their input this way).
func TestArrayMarshalJSON(t *testing.T) {
	filters := php.NewArray()
	filters.Set("vip", "1")
	filters.Set("qty", "a/b")
	list := php.NewArray()
	list.Append("x")
	got, err := json.Marshal(map[string]any{"filters": filters, "tags": list})
	require.NoError(t, err)
	require.Equal(t, `{"filters":{"vip":"1","qty":"a/b"},"tags":["x"]}`, string(got))
}

func TestStringFunctions(t *testing.T) {
	require.Equal(t, "\fx\u00a0", php.Trim(" \t\n\r\x00\x0b\fx\u00a0"))

	numeric := map[string][2]bool{ // is_numeric, FILTER_VALIDATE_INT
		"1": {true, true}, "01": {true, false}, "+1": {true, true}, " 1": {true, true}, "1 ": {true, true},
		"1e0": {true, false}, ".5": {true, false}, "5.": {true, false}, "0x1A": {false, false}, "1e": {false, false},
		" ": {false, false}, "": {false, false}, "-0": {true, true}, "+0": {true, true}, "00": {true, false},
		"1.0": {true, false}, "\f1": {true, false}, "1\f": {true, false}, "\v1": {true, true}, "1\v": {true, true},
		"\x001": {false, false}, "1\x00": {false, false},
	}
	for s, want := range numeric {
		require.Equal(t, want[0], php.IsNumeric(s), "is_numeric(%q)", s)
		require.Equal(t, want[1], php.FilterInt(s), "FILTER_VALIDATE_INT(%q)", s)
	}

	floats := map[float64]string{
		1.0: "1", 0.1: "0.1", 1e14: "1.0E+14", 1e15: "1.0E+15", 123456789012345.0: "1.2345678901234E+14",
		12345678901234.0: "12345678901234", 1e20: "1.0E+20", -1.5e-7: "-1.5E-7", 0.0001: "0.0001", 0.00001: "1.0E-5",
		1.0 / 3: "0.33333333333333", 100000.0: "100000", math.Inf(1): "INF",
	}
	for f, want := range floats {
		require.Equal(t, want, php.FloatString(f), "(string)%v", f)
	}
	require.False(t, php.FilterInt(1e20), "(string)1e20 is 1.0E+20")
	require.True(t, php.FilterInt(5.0))

	lengths := map[string]int{
		"a\xffb": 3, "\xe2\x82": 1, "\xe2\x82a": 1, "\xf0\x9f": 1, "\xc0\x80": 2, "\xed\xa0\x80": 1,
		"\xf4\x90\x80\x80": 1, "\x80\x80\x80": 3, "\xe2\x82\xe2\x82\xac": 3, "яя😀": 3,
	}
	for s, want := range lengths {
		require.Equal(t, want, php.MbStrlen(s), "mb_strlen(%q)", s)
	}

	loose := []struct {
		a, b string
		eq   bool
	}{
		{"1", "01", true}, {"10", "1e1", true}, {"abc", "ABC", false}, {"1", " 1", true}, {"1", "1 ", true},
		{"1e3", "1000", true}, {"0.1", ".1", true}, {"9223372036854775807", "9223372036854775808", false},
		{"", "0", false}, {"+1", "1", true}, {"-0", "0", true}, {"1e400", "1e500", false},
	}
	for _, tt := range loose {
		require.Equal(t, tt.eq, php.LooseEqualStrings(tt.a, tt.b), "%q == %q", tt.a, tt.b)
	}
}
