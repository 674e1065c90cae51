package limits

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Idle keys do not accumulate: every sweepEvery counted hits, the windows
// of the caller's scope that have ended are dropped and the live ones kept,
// counts intact.
func TestSweepDropsEndedWindowsOnly(t *testing.T) {
	t0 := time.Date(2024, 5, 17, 12, 0, 0, 0, time.UTC)
	perSecond := Rule{Name: "per-second", Limit: 5, Window: time.Second}
	perMinute := Rule{Name: "per-minute", Limit: 2, Window: time.Minute}
	l := New()
	for i := range sweepEvery - 2 {
		l.Hit(t0, fmt.Sprintf("t\x00idle-%d", i), perSecond)
	}
	l.Hit(t0, "t\x00live", perMinute)
	require.Len(t, l.windows, sweepEvery-1, "no sweep before the count")

	later := t0.Add(2 * time.Second)
	l.Hit(later, "t\x00fresh", perSecond)
	require.Len(t, l.windows, 2, "the ended windows are gone, the live and the fresh one kept")
	verdicts, refused := l.Hit(later, "t\x00live", perMinute)
	require.Nil(t, refused)
	require.Equal(t, 0, verdicts[0].Remaining, "the live window kept its count")

	l.Hit(later.Add(time.Minute), "t\x00late", perSecond)
	require.Len(t, l.windows, 3, "no sweep between two counts")
}
