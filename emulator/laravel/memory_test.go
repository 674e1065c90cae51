package laravel_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/platform"
)

// TestWideJSONInputCostsABoundedMultipleOfItsSize reads JSON lists of the
// smallest values, as many as the bound on values lets through: a long
// list is packed (values only, as PHP's packed arrays) and grows by
// doubling, so what reading allocates stays a fixed multiple of the body.
// The bounds are today's, per shape; one value more is refused.
func TestWideJSONInputCostsABoundedMultipleOfItsSize(t *testing.T) {
	for _, tc := range []struct {
		unit   string
		values int // in one unit
		factor float64
	}{
		{"1,", 1, 26}, {"1.5,", 1, 16}, {`"",`, 1, 21}, {"[],", 1, 50}, {`{"a":1},`, 2, 40},
	} {
		n := (platform.MaxInputValues - 1) / tc.values // the list itself is a value
		body := []byte("[" + strings.Repeat(tc.unit, n-1) + strings.TrimSuffix(tc.unit, ",") + "]")
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		in, err := laravel.ReadInput("POST", "application/json", "", body)
		runtime.ReadMemStats(&after)
		require.NoError(t, err)
		require.Equal(t, n, in.All.Len())
		got := float64(after.TotalAlloc-before.TotalAlloc) / float64(len(body))
		require.LessOrEqual(t, got, tc.factor, "%q: allocated %.1f× the body", tc.unit, got)

		if (n*tc.values)+1 == platform.MaxInputValues {
			_, err = laravel.ReadInput("POST", "application/json", "", append([]byte("[0,"), body[1:]...))
			require.ErrorIs(t, err, laravel.ErrInputTooLarge, "one value more")
		}
	}
}
