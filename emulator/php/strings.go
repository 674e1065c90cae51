package php

import (
	"math"
	"strconv"
	"strings"
)

// Trim is trim() with its default characters: " \t\n\r\0\x0B".
func Trim(s string) string { return strings.Trim(s, " \t\n\r\x00\x0b") }

// numericSpace is the white space a numeric string may have around it.
const numericSpace = " \t\n\r\v\f"

// NumericString parses s as PHP 8's numeric strings: optional white space
// around, a sign, digits with an optional fraction and exponent. It
// returns the number (an int64 when integral and in range, else a float64).
func NumericString(s string) (any, bool) {
	t := strings.Trim(s, numericSpace)
	if !wellFormedNumber(t) {
		return nil, false
	}
	if n, err := strconv.ParseInt(t, 10, 64); err == nil {
		return n, true
	}
	return StringToFloat(t), true
}

func wellFormedNumber(t string) bool {
	i := 0
	if i < len(t) && (t[i] == '+' || t[i] == '-') {
		i++
	}
	intDigits := 0
	for i < len(t) && isDigit(t[i]) {
		i++
		intDigits++
	}
	fracDigits := 0
	if i < len(t) && t[i] == '.' {
		i++
		for i < len(t) && isDigit(t[i]) {
			i++
			fracDigits++
		}
	}
	if intDigits+fracDigits == 0 {
		return false
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		j := i + 1
		if j < len(t) && (t[j] == '+' || t[j] == '-') {
			j++
		}
		expDigits := 0
		for j < len(t) && isDigit(t[j]) {
			j++
			expDigits++
		}
		if expDigits > 0 {
			i = j
		}
	}
	return i == len(t)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// IsNumeric is is_numeric().
func IsNumeric(v any) bool {
	switch x := v.(type) {
	case int64, float64:
		return true
	case string:
		_, ok := NumericString(x)
		return ok
	}
	return false
}

// Number is the value of a numeric value (see IsNumeric) as a float64 and,
// when it is an integer, as an int64.
func Number(v any) (f float64, n int64, isInt, ok bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), x, true, true
	case float64:
		return x, 0, false, true
	case string:
		if num, ok := NumericString(x); ok {
			return Number(num)
		}
	}
	return 0, 0, false, false
}

// FilterInt is filter_var($v, FILTER_VALIDATE_INT) !== false.
func FilterInt(v any) bool {
	switch v.(type) {
	case int64:
		return true
	case nil, *Array:
		return false
	case *File:
		return false // an uploaded file's text is its temporary path
	}
	s := strings.Trim(ToString(v), " \t\r\v\n")
	if s == "" {
		return false
	}
	digits := s
	if s[0] == '-' || s[0] == '+' {
		digits = s[1:]
	}
	if digits == "" {
		return false
	}
	if digits[0] == '0' {
		return digits == "0"
	}
	for i := 0; i < len(digits); i++ {
		if !isDigit(digits[i]) {
			return false
		}
	}
	_, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64)
	return err == nil
}

// ToString is PHP's (string) cast of a scalar: floats with precision 14,
// true as "1", false and null as "".
func ToString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return FloatString(x)
	case bool:
		if x {
			return "1"
		}
	}
	return ""
}

// FloatString is (string)$f: %.14G, with PHP's spelling of INF, NAN and
// exponents ("1.0E+25").
func FloatString(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "INF"
	case math.IsInf(f, -1):
		return "-INF"
	case math.IsNaN(f):
		return "NAN"
	case f == 0:
		if math.Signbit(f) {
			return "-0"
		}
		return "0"
	}
	s := strconv.FormatFloat(f, 'g', 14, 64)
	mant, exp, hasExp := strings.Cut(s, "e")
	if strings.Contains(mant, ".") {
		mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
	}
	if !hasExp {
		return mant
	}
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	sign := exp[0]
	exp = strings.TrimLeft(exp[1:], "0")
	return mant + "E" + string(sign) + exp
}

// MbStrlen is mb_strlen() in UTF-8 as PHP 8.2 counts it: each lead byte
// stands for as many bytes as it announces, whatever follows.
func MbStrlen(s string) int {
	n := 0
	for i := 0; i < len(s); n++ {
		switch c := s[i]; {
		case c >= 0xC2 && c <= 0xDF:
			i += 2
		case c >= 0xE0 && c <= 0xEF:
			i += 3
		case c >= 0xF0 && c <= 0xF4:
			i += 4
		default:
			i++
		}
	}
	return n
}

// LooseEqualStrings is == between two strings in PHP 8: numerically when
// both are numeric strings, else byte for byte.
func LooseEqualStrings(a, b string) bool {
	if a == b {
		return true
	}
	fa, na, ia, oka := Number(a)
	fb, nb, ib, okb := Number(b)
	if !oka || !okb {
		return false
	}
	switch {
	case ia && ib:
		return na == nb
	case overflows(a) && overflows(b) && fa == fb:
		return false // integers past the int range: compared as text, and a != b
	case ia && overflows(b), ib && overflows(a):
		return false
	case ia:
		fa = float64(na)
	case ib:
		fb = float64(nb)
	case fa == fb && math.IsInf(fa, 0):
		return false // both overflowed the same way: compared as text
	}
	return fa == fb
}

// overflows reports an integer literal too large for an int, which PHP
// reads as a float but flags.
func overflows(s string) bool {
	t := strings.Trim(s, numericSpace)
	if strings.ContainsAny(t, ".eE") {
		return false
	}
	_, err := strconv.ParseInt(t, 10, 64)
	return err != nil
}

// Compare is PHP 8's <=> between two numbers (int64 or float64).
func Compare(a, b any) int {
	fa, na, ia, _ := Number(a)
	fb, nb, ib, _ := Number(b)
	switch {
	case ia && ib:
		return cmp(na, nb)
	case ia:
		fa = float64(na)
	case ib:
		fb = float64(nb)
	}
	return cmpFloat(fa, fb)
}

func cmp(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	}
	return 1 // NAN: uncomparable, PHP says "not less, not equal"
}

// StrToLower is mb_strtolower for the ASCII letters Laravel's rule values use.
func StrToLower(s string) string { return strings.ToLower(s) }

// LooseEqual is $a == $b in PHP 8 for a value and a rule's parameter, a
// string or the boolean it was read as.
func LooseEqual(a any, b any) bool {
	if y, ok := b.(bool); ok {
		return !Empty(a) == y // a comparison with a boolean casts to boolean
	}
	bs, _ := b.(string)
	switch x := a.(type) {
	case string:
		return LooseEqualStrings(x, bs)
	case int64, float64:
		if f, ok := x.(float64); ok && math.IsNaN(f) {
			return false // PHP compares a NAN with any string as greater
		}
		if IsNumeric(bs) {
			return Compare(x, bs) == 0
		}
		return ToString(x) == bs
	case bool:
		return x == (bs != "" && bs != "0")
	case nil:
		return bs == ""
	}
	return false
}

// Empty is empty(): null, false, 0, 0.0, "", "0" and an empty array.
func Empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case int64:
		return x == 0
	case float64:
		return x == 0
	case string:
		return x == "" || x == "0"
	case *Array:
		return x.Len() == 0
	}
	return false
}
