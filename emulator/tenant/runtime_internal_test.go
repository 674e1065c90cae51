package tenant

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/clock"
)

// TestNowMakesNoClock: a tenant's time read for its requests is the global
// time until the tenant's own clock is changed, and reading it makes no
// clock, so tenants that only make requests cost nothing here.
func TestNowMakesNoClock(t *testing.T) {
	wall := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	global := clock.New(func() time.Time { return wall })
	r := NewRuntime(global, true, nil)

	require.Equal(t, wall, r.Now("a"))
	require.Equal(t, wall, r.Now(""))
	require.Empty(t, r.tenants, "reading the time made no clock")

	r.For("a").Advance(time.Hour)
	require.Equal(t, wall.Add(time.Hour), r.Now("a"), "the tenant's own time once it has one")
	require.Equal(t, wall, r.Now("b"))
	global.Advance(time.Minute)
	require.Equal(t, wall.Add(time.Minute), r.Now("b"), "the global clock's changes")
	require.Len(t, r.tenants, 1)
}
