package limits_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/limits"
)

// sweepEvery is how many counted hits pass between two sweeps of ended
// windows.
const sweepEvery = 4096

// A window may be longer than an hour (a spec's x-rate-limits allows any
// duration): a sweep must not take it for an idle one and reset its count.
func TestLongWindowOutlivesASweep(t *testing.T) {
	l := limits.New()
	daily := limits.Rule{Name: "per-day", Limit: 1, Window: 24 * time.Hour}
	_, refused := l.Hit(t0, "tenant-a", daily)
	require.Nil(t, refused)
	later := t0.Add(90 * time.Minute)
	for i := range sweepEvery - 1 {
		_, refused := l.Hit(later, fmt.Sprintf("other-%d", i), perSecond)
		require.Nil(t, refused)
	}
	verdicts, refused := l.Hit(later, "tenant-a", daily)
	require.NotNil(t, refused, "the day's one hit is used: %+v", verdicts)
	require.Equal(t, t0.Add(24*time.Hour), refused.ResetAt)
}

// Each tenant's windows run on its own clock: a sweep at one tenant's hit,
// its clock a day ahead, must not take another tenant's live window for an
// ended one and give that tenant its used-up requests back.
func TestASweepLeavesOtherScopesWindowsAlone(t *testing.T) {
	l := limits.New()
	perMinute := limits.Rule{Name: "per-minute", Limit: 1, Window: time.Minute}
	_, refused := l.Hit(t0, "ab\x00salebot\x00key", perMinute)
	require.Nil(t, refused)

	ahead := t0.Add(24 * time.Hour)
	many := limits.Rule{Name: "many", Limit: sweepEvery, Window: time.Minute}
	for range sweepEvery - 1 {
		_, refused := l.Hit(ahead, "a\x00salebot\x00key", many)
		require.Nil(t, refused)
	}

	_, refused = l.Hit(t0.Add(time.Second), "ab\x00salebot\x00key", perMinute)
	require.NotNil(t, refused, "ab's minute has not ended on its clock, and tenant a is not tenant ab")
	require.Equal(t, t0.Add(time.Minute), refused.ResetAt)
}
