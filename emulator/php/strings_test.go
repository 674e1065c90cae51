package php_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/php"
)

// TestFloatStringSpellings pins (string)$f in PHP 8.2 beyond the common
// cases: negative infinity, NAN, signed zero, large and small exponents,
// rounding to 14 digits.
func TestFloatStringSpellings(t *testing.T) {
	floats := []struct {
		f    float64
		want string
	}{
		{math.Inf(-1), "-INF"}, {math.NaN(), "NAN"}, {math.Copysign(0, -1), "-0"}, {0, "0"},
		{1e25, "1.0E+25"}, {-1e25, "-1.0E+25"}, {1.5e-10, "1.5E-10"}, {123456789012345678.0, "1.2345678901235E+17"},
		{0.1 + 0.2, "0.3"}, {1e100, "1.0E+100"}, {2.5e-5, "2.5E-5"}, {-123.456, "-123.456"}, {1e-300, "1.0E-300"},
		{99999999999999.0, "99999999999999"}, {999999999999999.0, "1.0E+15"},
	}
	for _, tt := range floats {
		require.Equal(t, tt.want, php.FloatString(tt.f), "(string)%v", tt.f)
	}
}

// TestToString pins the (string) cast of each scalar type: true is "1",
// false and null are "", ints in decimal, floats as FloatString.
func TestToString(t *testing.T) {
	require.Equal(t, "1", php.ToString(true))
	require.Equal(t, "", php.ToString(false))
	require.Equal(t, "", php.ToString(nil))
	require.Equal(t, "-42", php.ToString(int64(-42)))
	require.Equal(t, "1.5", php.ToString(1.5))
	require.Equal(t, "x", php.ToString("x"))
}

// TestIsNumericForms pins is_numeric() (PHP 8.2) on numbers and strings:
// exponents with a sign, a fraction without digits on one side, white
// space around, and the near misses it refuses; a bool or null is not
// numeric.
func TestIsNumericForms(t *testing.T) {
	numeric := map[any]bool{
		int64(1): true, 1.5: true, "1": true, "abc": false, true: false, nil: false, "1e5": true, " 1e5 ": true,
		"1e+5": true, "1e-5": true, "1.5e": false, "+.5": true, "-.5e3": true, "-": false, "+": false, ".": false,
		"e5": false, "1e5.5": false, "1..2": false, "1.2.3": false, "١": false, "1_000": false, " ": false,
		"\n1\n": true, "1\r": true, "\t1": true, "0.": true, "-.e1": false, "1E+": false, "1e-": false,
		"--1": false, "+-1": false, "1E5": true, "1E-5": true,
	}
	for v, want := range numeric {
		require.Equal(t, want, php.IsNumeric(v), "is_numeric(%#v)", v)
	}
	require.False(t, php.IsNumeric(php.NewArray()))
}

// TestNumberValues pins the value of a numeric string: an int when it is
// an integer in range, a float otherwise (also past the int range).
func TestNumberValues(t *testing.T) {
	f, n, isInt, ok := php.Number(" 12 ")
	require.Equal(t, []any{12.0, int64(12), true, true}, []any{f, n, isInt, ok})
	f, n, isInt, ok = php.Number("1.5e1")
	require.Equal(t, []any{15.0, int64(0), false, true}, []any{f, n, isInt, ok})
	f, _, isInt, ok = php.Number("9223372036854775808")
	require.Equal(t, []any{9223372036854775808.0, false, true}, []any{f, isInt, ok})
	f, _, isInt, ok = php.Number(2.5)
	require.Equal(t, []any{2.5, false, true}, []any{f, isInt, ok})
	_, _, _, ok = php.Number("x")
	require.False(t, ok)
	_, _, _, ok = php.Number(true)
	require.False(t, ok)
	v, ok := php.NumericString("-7")
	require.True(t, ok)
	require.Equal(t, int64(-7), v)
}

// TestFilterIntValues pins filter_var($v, FILTER_VALIDATE_INT) !== false
// (PHP 8.2): bools cast to "1" and "", whole floats pass, leading zeros and
// out-of-range numbers fail, and so do arrays and uploaded files.
func TestFilterIntValues(t *testing.T) {
	cases := map[any]bool{
		true: true, false: false, nil: false, 1.5: false, 5.0: true, -5.0: true, int64(-3): true,
		"0": true, "-0": true, "+0": true, "007": false, "-007": false,
		"9223372036854775807": true, "9223372036854775808": false, "-9223372036854775808": true,
		"-9223372036854775809": false, " 12 ": true, "1 2": false, "12a": false, "+": false, "-": false, "": false,
		"\t\n 5\r\v": true, "\f5": false, "+12": true, "1e3": false, "0x1A": false, "9": true, "90": true, "+-1": false,
	}
	for v, want := range cases {
		require.Equal(t, want, php.FilterInt(v), "FILTER_VALIDATE_INT(%#v)", v)
	}
	require.False(t, php.FilterInt(php.NewArray()))
	require.False(t, php.FilterInt(&php.File{Name: "5"}))
}

// TestLooseEqualStringsEdges pins "a" == "b" in PHP 8.2 where numbers
// leave the int or float range: overflowing integers compare as text
// against each other and against ints, INF against INF as text.
func TestLooseEqualStringsEdges(t *testing.T) {
	cases := []struct {
		a, b string
		eq   bool
	}{
		{"1e1000", "1e1001", false}, {"-1e1000", "-1e1001", false}, {"1e1000", "-1e1000", false},
		{"9223372036854775808", "9223372036854775808.0", true}, {"9223372036854775808", "9223372036854775809", false},
		{"9223372036854775807", "9223372036854775807.0", true}, {"1", "1.0", true}, {"1.5", "1.50", true},
		{"abc", "abd", false}, {"1", "1a", false}, {"1a", "1", false}, {"0", "-0.0", true},
		{"18446744073709551616", "1.8446744073709552E+19", true}, {"99999999999999999999", "1e20", true},
		{"1e20", "99999999999999999999", true}, {"9223372036854775807", "9.2233720368547758E+18", true},
		{"9.2233720368547758E+18", "9223372036854775807", true},
		{"9223372036854775808", "9223372036854775807", false}, {"9223372036854775807", "9223372036854775808", false},
		{"0.1", "0.10", true}, {"100", "1e2", true}, {"1e2", "100", true}, {"1.0", "1", true},
		{"-9223372036854775809", "-9223372036854775808", false}, {"2", "3", false}, {"2.5", "2.6", false},
		{"0", "a", false}, {"a", "0", false}, {"0.0", "a", false}, {"a", "0.0", false}, {"0.0", "", false}, {"9223372036854775808.0", "9223372036854775808", true},
		{"9223372036854775808", "9.2233720368547758E+18", true}, {"9.2233720368547758E+18", "9223372036854775808", true},
	}
	for _, tt := range cases {
		require.Equal(t, tt.eq, php.LooseEqualStrings(tt.a, tt.b), "%q == %q", tt.a, tt.b)
	}
}

// TestLooseEqualValues pins $value == $param (PHP 8.2) for each type a
// value can have against a rule's string or boolean parameter.
func TestLooseEqualValues(t *testing.T) {
	cases := []struct {
		a, b any
		eq   bool
	}{
		{int64(1), "1", true}, {int64(1), "01", true}, {int64(1), "1.0", true}, {1.5, "1.5", true}, {1.5, "abc", false},
		{int64(0), "abc", false}, {int64(0), "", false}, {int64(1), "1a", false}, {int64(100), "1e2", true},
		{100.0, "100", true}, {int64(2), "1", false}, {true, "1", true}, {true, "0", false}, {true, "", false},
		{true, "a", true}, {false, "0", true}, {false, "", true}, {false, "a", false}, {nil, "", true},
		{nil, "0", false}, {nil, "a", false}, {1.0, "1", true}, {0.1, "0.1", true}, {1e20, "1.0E+20", true},
		{1e20, "100000000000000000000", true}, {math.Copysign(0, -1), "0", true}, {int64(5), "5 ", true},
		{int64(5), " 5", true}, {math.NaN(), "NAN", false}, {math.NaN(), "1", false}, {math.Inf(1), "INF", true},
		{math.Inf(-1), "-INF", true}, {1.5, "1.5 ", true}, {0.1, "0.1x", false}, {int64(5), "5x", false}, {"1", "01", true}, {"a", "b", false},
		{"x", true, true}, {"", true, false}, {"0", false, true}, {int64(0), false, true}, {php.NewArray(), false, true},
		{php.NewArray(), "", false},
	}
	for _, tt := range cases {
		require.Equal(t, tt.eq, php.LooseEqual(tt.a, tt.b), "%#v == %#v", tt.a, tt.b)
	}
}

// TestCompareNumbers pins <=> between ints and floats (PHP 8.2): an int
// against a float compares as floats, NAN is neither less nor equal.
func TestCompareNumbers(t *testing.T) {
	cases := []struct {
		a, b any
		want int
	}{
		{int64(1), int64(2), -1}, {int64(2), int64(1), 1}, {int64(1), int64(1), 0}, {int64(1), 1.5, -1},
		{1.5, int64(1), 1}, {int64(2), 1.5, 1}, {1.0, int64(1), 0}, {math.NaN(), int64(1), 1}, {int64(1), math.NaN(), 1},
		{int64(9007199254740993), 9007199254740992.0, 0}, {"5", "10", -1}, {"10", "5", 1}, {"1e1", "9", 1},
		{1.5, 2.5, -1}, {2.5, 1.5, 1}, {2.5, 2.5, 0},
	}
	for _, tt := range cases {
		require.Equal(t, tt.want, php.Compare(tt.a, tt.b), "%#v <=> %#v", tt.a, tt.b)
	}
}

// TestEmptyValues pins empty() on each type.
func TestEmptyValues(t *testing.T) {
	full := php.NewArray()
	full.Append(int64(0))
	cases := []struct {
		v    any
		want bool
	}{
		{nil, true}, {false, true}, {true, false}, {int64(0), true}, {int64(1), false}, {0.0, true},
		{math.Copysign(0, -1), true}, {0.1, false}, {"", true}, {"0", true}, {"0.0", false}, {" ", false},
		{"a", false}, {php.NewArray(), true}, {full, false}, {&php.File{}, false},
	}
	for _, tt := range cases {
		require.Equal(t, tt.want, php.Empty(tt.v), "empty(%#v)", tt.v)
	}
}

// TestMbStrlenLeadBytes pins mb_strlen's count at each lead byte range
// (PHP 8.2): C2–DF two bytes, E0–EF three, F0–F4 four, anything else one.
func TestMbStrlenLeadBytes(t *testing.T) {
	lengths := map[string]int{
		"\xc2": 1, "\xc2\x80": 1, "\xdf\xbf": 1, "\xe0": 1, "\xef\xbf\xbf": 1, "\xf0\x90\x80\x80": 1,
		"\xf4\x8f\xbf\xbf": 1, "\xf5\x80\x80\x80": 4, "\xc1\x80": 2, "\xf8": 1, "abc": 3, "": 0, "\xe0\x80": 1,
		"\xdf\xbfa": 2, "\xefa": 1, "\xef\xbf\xbfa": 2, "\xf4\x8f\xbf\xbfa": 2,
	}
	for s, want := range lengths {
		require.Equal(t, want, php.MbStrlen(s), "mb_strlen(%x)", s)
	}
}

// TestTrimDefaultCharacters pins trim(): NUL and \v go, \f stays.
func TestTrimDefaultCharacters(t *testing.T) {
	require.Equal(t, "\f a \f", php.Trim("\x00\x0b\f a \f\x0b\x00"))
	require.Equal(t, "abc", php.StrToLower("AbC"))
}
