package cleverapp

import (
	"math"
	"strconv"
	"strings"
)

// currency is what amount_note needs to know about a currency: how many
// minor units make a major one, and the sign to write.
type currency struct {
	digits int
	symbol string
}

// currencies are the ones a Russian-speaking shop is likely to keep; any
// other ISO 4217 code gets two decimals and the code itself as its sign.
var currencies = map[string]currency{
	"RUB": {2, "₽"}, "USD": {2, "$"}, "EUR": {2, "€"}, "UAH": {2, "₴"}, "KZT": {2, "₸"},
	"BYN": {2, "Br"}, "GBP": {2, "£"}, "CNY": {2, "¥"}, "TRY": {2, "₺"}, "UZS": {2, "сўм"},
	"JPY": {0, "¥"}, "KRW": {0, "₩"}, "KWD": {3, "KWD"}, "BHD": {3, "BHD"},
}

func currencyOf(code string) currency {
	if c, ok := currencies[code]; ok {
		return c
	}
	return currency{2, code}
}

// amountNote is the human-readable balance of a money account, e.g. 10000
// kopecks → "100.00 ₽" (the format is inferred: the field is named by the
// sister platforms, never shown). A balance is never below zero.
func amountNote(minor int64, code string) string {
	c := currencyOf(code)
	s := strconv.FormatInt(minor, 10)
	if c.digits > 0 {
		if len(s) <= c.digits {
			s = strings.Repeat("0", c.digits-len(s)+1) + s
		}
		s = s[:len(s)-c.digits] + "." + s[len(s)-c.digits:]
	}
	return s + " " + c.symbol
}

// cryptoPrecision is how many decimals crypto amounts keep (a satoshi), so
// that repeated float arithmetic does not drift (inferred).
const cryptoPrecision = 1e8

func roundCrypto(x float64) float64 { return math.Round(x*cryptoPrecision) / cryptoPrecision }

// phpFloat encodes a float as PHP's json_encode does with its default
// serialize_precision (-1): the shortest exact digits, whole numbers without
// a fraction, and an exponent below 1e-4 or past 17 digits ("1.0e-5").
type phpFloat float64

func (f phpFloat) MarshalJSON() ([]byte, error) { return []byte(phpFloatText(float64(f))), nil }

func phpFloatText(x float64) string {
	if x == 0 {
		return "0"
	}
	digits := strconv.FormatFloat(math.Abs(x), 'e', -1, 64) // d.ddde±XX
	mantissa, exp, _ := strings.Cut(digits, "e")
	e, _ := strconv.Atoi(exp)
	all := strings.Replace(mantissa, ".", "", 1)
	sign := ""
	if x < 0 {
		sign = "-"
	}
	// php_gcvt switches to an exponent when the decimal point would sit
	// more than 3 places before the first digit or past 17 digits.
	decpt := e + 1
	if decpt < -3 || decpt > 17 {
		frac := all[1:]
		if frac == "" {
			frac = "0"
		}
		esign := "+"
		if e < 0 {
			esign, e = "-", -e
		}
		return sign + all[:1] + "." + frac + "e" + esign + strconv.Itoa(e)
	}
	var s string
	switch {
	case decpt <= 0:
		s = "0." + strings.Repeat("0", -decpt) + all
	case decpt >= len(all):
		s = all + strings.Repeat("0", decpt-len(all))
	default:
		s = all[:decpt] + "." + all[decpt:]
	}
	return sign + s
}
