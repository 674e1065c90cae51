package php_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/php"
)

// TestDecodeJSONStructure pins json_decode($s, true) (PHP 8.2) on white
// space around every token, nested and empty containers, and the keys
// objects give.
func TestDecodeJSONStructure(t *testing.T) {
	ok := []struct{ doc, want string }{
		{` { "a" : [ 1 , 2 ] , "b" : { } , "c" : [ ] } `, `{"a":[1,2],"b":[],"c":[]}`},
		{"{\n\"a\"\t:\r1}", `{"a":1}`},
		{"[1\n,\n2\n]", `[1,2]`},
		{`{"a":[1,{"b":null}],"c":"d"}`, `{"a":[1,{"b":null}],"c":"d"}`},
		{`[true,false,null]`, `[true,false,null]`},
		{`{"":1}`, `{"":1}`},
		{`{"-1":1,"01":2,"1":3}`, `{"-1":1,"01":2,"1":3}`},
	}
	for _, tt := range ok {
		v, err := php.DecodeJSON(tt.doc, php.JSONDepth)
		require.NoError(t, err, tt.doc)
		require.Equal(t, tt.want, encode(t, v), tt.doc)
	}
	v, err := php.DecodeJSON(`{"-1":1,"01":2}`, php.JSONDepth)
	require.NoError(t, err)
	k, isInt := v.(*php.Array).Key(0)
	require.Equal(t, "-1", k)
	require.True(t, isInt, `"-1" is an int key`)
	_, isInt = v.(*php.Array).Key(1)
	require.False(t, isInt, `"01" stays a string key`)
}

// TestDecodeJSONSyntaxErrors pins documents json_decode refuses (it
// returns null with JSON_ERROR_SYNTAX or its kin).
func TestDecodeJSONSyntaxErrors(t *testing.T) {
	for _, bad := range []string{
		`{"a" 1}`, `{"a":1,}`, `[1,]`, `[1 2]`, `{"a":1 "b":2}`, `{a:1}`, `{"a":}`, `[`, `{`, `{"a"`, `{"a":1`,
		`[1`, `"abc`, `"\`, `"\x"`, `tru`, `nul`, `fals`, `-a`, `1.e5`, `1e`, `1e+`, `[1,2`, `[-]`, `1.5e`,
		`-01`, `00`, `{"a":1}}`, `[1]]`, `truex`, `true false`, `{"a":1,"b"}`, `{"a":1,,"b":2}`, `{,}`, `[,1]`,
		"\"a\x1fb\"", "\"a\\\x1fb\"", "\"\\u0041\x01\"", "[\"x\xff\"]", "{\"\xff\":1}",
		`{x":1}`, `{"a"x1}`, `{"a":`, `[1,`, "\"\x01\"", "{\"\\n\x01\":1}", `{"\udc00":1}`,
		`{"abc`, `[{"a":1]`, `{"a":[1}`,
	} {
		_, err := php.DecodeJSON(bad, php.JSONDepth)
		require.Error(t, err, "%q", bad)
	}
}

// TestDecodeJSONStrings pins string escapes: the short ones, \u in either
// case, surrogate pairs (and the lone or broken halves PHP refuses), NUL
// and DEL kept.
func TestDecodeJSONStrings(t *testing.T) {
	ok := map[string]string{
		`"\"\\\/\b\f\n\r\t"`: "\"\\/\b\f\n\r\t",
		`"\u00e9\u00E9"`:     "éé",
		`"\ud83d\ude00"`:     "😀",
		`"\uD834\uDD1E"`:     "𝄞",
		`"\ud83d\uDFFF"`:     "\U0001F7FF",
		`"ab\ncd"`:           "ab\ncd",
		`"x\"y"`:             `x"y`,
		`"a\u0000b"`:         "a\x00b",
		"\"a\x7fb\"":         "a\x7fb",
		"\"é\"":              "é",
		"\"é\\n\"":           "é\n",
		`"pre\u0041post"`:    "preApost",
		`"x y\n"`:            "x y\n",
		`"\n x"`:             "\n x",
		`"\ud83d\udc00"`:     "\U0001F400",
	}
	for doc, want := range ok {
		v, err := php.DecodeJSON(doc, php.JSONDepth)
		require.NoError(t, err, doc)
		require.Equal(t, want, v, doc)
	}
	for _, bad := range []string{
		`"\u12"`, `"\u12g4"`, `"\u004"`, `"\u`, `"\u00"`, `"\ud83dx"`, `"\ud83d\u0041"`, `"\udc00"`, `"\ud83d\"`,
		`"\ud83d\ud83d"`, `"\ud83d\uE000"`, `"\ud83d`, `"\ud83d\`, `"\ud83d\u"`, "\"\\n\xff\"", `"a\nb`,
		`"\udc00\udc00"`, `"\ud83d\xdc00"`,
		// what follows the bad escape would read as more of the array
		`["\ud83d\u0041,"x"]`, `["\x,"y"]`,
	} {
		_, err := php.DecodeJSON(bad, php.JSONDepth)
		require.Error(t, err, "%q", bad)
	}
}

// TestDecodeJSONNumbers pins number syntax: sign, fraction and exponent
// forms (all floats), "-0.0" a negative zero.
func TestDecodeJSONNumbers(t *testing.T) {
	numbers := map[string]any{
		"-1.5e+2": -150.0, "1E-2": 0.01, "0.5": 0.5, "2e3": 2000.0, "1e-2": 0.01, "0": int64(0), "-7": int64(-7),
		"10": int64(10), "[10]": nil,
	}
	for doc, want := range numbers {
		v, err := php.DecodeJSON(doc, php.JSONDepth)
		require.NoError(t, err, doc)
		if want == nil {
			require.Equal(t, "[10]", encode(t, v))
			continue
		}
		require.Equal(t, want, v, doc)
	}
	v, err := php.DecodeJSON("-0.0", php.JSONDepth)
	require.NoError(t, err)
	require.True(t, math.Signbit(v.(float64)), "-0.0 keeps its sign")
}

// TestDecodeJSONDepth pins json_decode's depth argument: an array or
// object counts itself and its contents, so depth n holds n-1 levels, and
// a scalar fits in depth 1.
func TestDecodeJSONDepth(t *testing.T) {
	cases := []struct {
		doc   string
		depth int
		ok    bool
	}{
		{"[[1]]", 2, false}, {"[[1]]", 3, true}, {"[1]", 1, false}, {"1", 1, true}, {`{"a":1}`, 1, false},
		{`{"a":{"b":1}}`, 2, false}, {`{"a":{"b":1}}`, 3, true}, {`[{"a":1}]`, 2, false}, {`[{"a":1}]`, 3, true},
	}
	for _, tt := range cases {
		_, err := php.DecodeJSON(tt.doc, tt.depth)
		require.Equal(t, tt.ok, err == nil, "%s at depth %d", tt.doc, tt.depth)
	}
}

// TestDecodeJSONLimited pins the bound on values: each array, object and
// scalar counts one (keys do not), the document within the bound decodes
// whole, one value more is ErrTooManyValues, and 0 is no bound.
func TestDecodeJSONLimited(t *testing.T) {
	v, err := php.DecodeJSONLimited(`[1,{"a":2}]`, php.JSONDepth, 4)
	require.NoError(t, err)
	require.Equal(t, `[1,{"a":2}]`, encode(t, v))
	_, err = php.DecodeJSONLimited(`[1,{"a":2}]`, php.JSONDepth, 3)
	require.ErrorIs(t, err, php.ErrTooManyValues)
	_, err = php.DecodeJSONLimited(`"x"`, php.JSONDepth, 1)
	require.NoError(t, err)
	v, err = php.DecodeJSONLimited(`[1,2,3]`, php.JSONDepth, 0)
	require.NoError(t, err)
	require.Equal(t, `[1,2,3]`, encode(t, v))
	_, err = php.DecodeJSONLimited(`[1,2,3]`, php.JSONDepth, 3)
	require.ErrorIs(t, err, php.ErrTooManyValues)
	_, err = php.DecodeJSONLimited(`{"a":1}`, php.JSONDepth, 1)
	require.ErrorIs(t, err, php.ErrTooManyValues, "the bound reached inside an object")
}

// TestStringToFloat pins zend_strtod on out-of-range numbers: too large
// is INF (with its sign), too small 0.
func TestStringToFloat(t *testing.T) {
	require.Equal(t, math.Inf(1), php.StringToFloat("1e400"))
	require.Equal(t, math.Inf(-1), php.StringToFloat("-1e400"))
	require.Equal(t, 0.0, php.StringToFloat("1e-400"))
	require.Equal(t, 2.5, php.StringToFloat("2.5"))
}
