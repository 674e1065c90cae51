package cleverapp

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A money balance reads in major units with the currency's digits and
// sign; a code the emulator does not know gets two digits and itself.
func TestAmountNotes(t *testing.T) {
	for _, c := range []struct {
		minor int64
		code  string
		want  string
	}{
		{0, "RUB", "0.00 ₽"}, {5, "RUB", "0.05 ₽"}, {50, "RUB", "0.50 ₽"}, {150, "RUB", "1.50 ₽"}, {123456, "USD", "1234.56 $"},
		{1500, "JPY", "1500 ¥"}, {0, "JPY", "0 ¥"}, {1234, "KWD", "1.234 KWD"}, {7, "XYZ", "0.07 XYZ"},
	} {
		require.Equal(t, c.want, amountNote(c.minor, c.code), "%d %s", c.minor, c.code)
	}
}

// Floats print as PHP's json_encode prints them (serialize_precision -1):
// the shortest exact digits, an exponent below 1e-4 and from 1e17 on.
func TestFloatsAsPHPPrintsThem(t *testing.T) {
	for x, want := range map[float64]string{
		0: "0", 1: "1", 10: "10", 100: "100", 0.5: "0.5", 1.5: "1.5", -1.5: "-1.5", 12.375: "12.375",
		0.0001: "0.0001", 0.00012: "0.00012", 0.00001: "1.0e-5", -0.00001: "-1.0e-5", 1.25e-7: "1.25e-7",
		1e16: "10000000000000000", 1e17: "1.0e+17", 1.2345678901234568e+17: "1.2345678901234568e+17", -2e20: "-2.0e+20",
	} {
		require.Equal(t, want, phpFloatText(x), "%v", x)
	}
}

// Crypto amounts keep eight decimals, so sums do not drift.
func TestCryptoAmountsKeepEightDecimals(t *testing.T) {
	require.Equal(t, 0.3, roundCrypto(0.1+0.2))
	require.Equal(t, 0.12345679, roundCrypto(0.123456789))
	require.Equal(t, 2.0, roundCrypto(1.999999999))
}
