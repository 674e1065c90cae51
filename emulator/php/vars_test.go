package php_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/php"
)

// TestURLDecodeEscapes pins urldecode() (PHP 8.2): "%XX" with hex digits
// of either case, up to the last byte, and every other "%" kept as it is.
func TestURLDecodeEscapes(t *testing.T) {
	cases := map[string]string{
		"%41": "A", "a%4": "a%4", "%": "%", "%%41": "%A", "%g1": "%g1", "%1g": "%1g", "%:0": "%:0", "%/0": "%/0",
		"%@0": "%@0", "%`0": "%`0", "%G0": "%G0", "%FF%ff%aF%09%0a": "\xff\xff\xaf\t\n", "%2b": "+", "+%20+": "   ",
		"%5": "%5", "x%41y": "xAy", "%7e%7E%3A%3a": "~~::", "plain": "plain", "%99%00": "\x99\x00", "+a": " a", "a+b": "a b",
	}
	for in, want := range cases {
		require.Equal(t, want, php.URLDecode(in), "urldecode(%q)", in)
	}
}

// TestParseQueryNames pins parse_str (PHP 8.2) on names: appends and
// nesting, scalars replaced by arrays, spaces in and around indexes, text
// after a "]", unclosed brackets, pairs without "=", encoded brackets.
func TestParseQueryNames(t *testing.T) {
	tests := []struct{ query, want string }{
		{"a=1&a[]=2", `{"a":["2"]}`},
		{"a[9223372036854775807]=1&a[][x]=2", `{"a":{"9223372036854775807":"1"}}`},
		{"a[9223372036854775807]=1&a[]=2&b=3", `{"a":{"9223372036854775807":"1"},"b":"3"}`},
		{"a[][]=1&a[][]=2", `{"a":[["1"],["2"]]}`},
		{"a[x][]=1&a[x][]=2", `{"a":{"x":["1","2"]}}`},
		{"a[x]=1&a[x][y]=2", `{"a":{"x":{"y":"2"}}}`},
		{"a[  x]=1", `{"a":{"  x":"1"}}`},
		{"a[ ]=1&a[ ]=2", `{"a":["1","2"]}`},
		{"a[]x=1", `{"a":["1"]}`},
		{"a[x]y[z]=1", `{"a":{"x":"1"}}`},
		{"a[b][=1", `{"a":{"b":"1"}}`},
		{"a[=1", `{"a_":"1"}`},
		{"a[", `{"a_":""}`},
		{"a[]=1&a[1][x]=2", `{"a":["1",{"x":"2"}]}`},
		{" .a=1", `{"_a":"1"}`},
		{"a[b c]=1", `{"a":{"b c":"1"}}`},
		{"a[b]=1&a[b]=2", `{"a":{"b":"2"}}`},
		{"a=1&b=2=3", `{"a":"1","b":"2=3"}`},
		{"a", `{"a":""}`},
		{"a&b=", `{"a":"","b":""}`},
		{"=x", `[]`},
		{"%20a=1", `{"a":"1"}`},
		{"a%5Bb%5D=1", `{"a":{"b":"1"}}`},
		{"%00a=1&b=2", `{"b":"2"}`},
		{"a[b[c=1", `{"a_b_c":"1"}`},
		{"a[b.c=1", `{"a_b_c":"1"}`},
		{"a[b c=1", `{"a_b_c":"1"}`},
		{"a.b[c[d=1", `{"a_b_c_d":"1"}`},
		{"a[ =1", `{"a__":"1"}`},
		{"a[x][y][z][w]=1", `{"a":{"x":{"y":{"z":{"w":"1"}}}}}`},
		{"a[]=1&a[][x]=2&a[x][y]=3&a[x]=4", `{"a":{"0":"1","1":{"x":"2"},"x":"4"}}`},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, encode(t, php.ParseQuery(tt.query, php.Defaults)), tt.query)
	}
}

// TestParseQueryNestingLimit pins max_input_nesting_level=2 (parse_str
// under php -d): two levels of index fit, a third removes the whole
// top-level variable, even one set before.
func TestParseQueryNestingLimit(t *testing.T) {
	lim := php.Defaults
	lim.MaxInputNestingLevel = 2
	tests := []struct{ query, want string }{
		{"a[x][y]=1", `{"a":{"x":{"y":"1"}}}`},
		{"a[x][y][z]=1&b=2", `{"b":"2"}`},
		{"a[][]=1", `{"a":[["1"]]}`},
		{"a[x][y][z]=1&a[q]=1", `{"a":{"q":"1"}}`},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, encode(t, php.ParseQuery(tt.query, lim)), tt.query)
	}
}

// TestInputVarsLimitOfTwo pins max_input_vars=2: parse_str stops before
// the third non-empty pair; the POST reader (PHP 8.2's built-in server)
// registers the third pair and counts empty ones.
func TestInputVarsLimitOfTwo(t *testing.T) {
	lim := php.Defaults
	lim.MaxInputVars = 2
	query := map[string]string{
		"a=1&b=2&c=3":   `{"a":"1","b":"2"}`,
		"&a=1&&b=2&c=3": `{"a":"1","b":"2"}`,
	}
	for q, want := range query {
		require.Equal(t, want, encode(t, php.ParseQuery(q, lim)), "parse_str(%q)", q)
	}
	form := map[string]string{
		"a=1&b=2&c=3&d=4": `{"a":"1","b":"2","c":"3"}`,
		"&a=1&b=2&c=3":    `{"a":"1","b":"2"}`,
		"a=1&&b=2&c=3":    `{"a":"1","b":"2"}`,
		"&&&a=1":          `[]`,
	}
	for body, want := range form {
		require.Equal(t, want, encode(t, php.ParseForm(body, lim)), "POST %q", body)
	}
}
