package emulator_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/clock"
	"github.com/fakebots/fakebots/emulator/tenant"
)

// TestRuntimeReportsWhatATenantHasOfItsOwn: a tenant whose clock was moved
// has a clock of its own, one whose switch was set a switch of its own, and
// a tenant never touched neither.
func TestRuntimeReportsWhatATenantHasOfItsOwn(t *testing.T) {
	rt := tenant.NewRuntime(clock.New(nil), true, nil)
	off := false
	rt.For("moved").Advance(time.Hour)
	rt.SetLimits("switched", &off)
	for id, want := range map[string][2]bool{"moved": {true, false}, "switched": {false, true}, "untouched": {false, false}} {
		clockOwn, limitsOwn := rt.Own(id)
		require.Equal(t, want, [2]bool{clockOwn, limitsOwn}, id)
	}
	require.Equal(t, []string{"moved"}, slices.Sorted(maps.Keys(rt.OwnClocks())))
}

// TestForgottenTenantNoLongerHearsTheGlobalClock: once a tenant is
// forgotten (deleted, reset), the global clock's changes are no longer
// reported for it, so its streams hear each change once, from its new clock.
func TestForgottenTenantNoLongerHearsTheGlobalClock(t *testing.T) {
	global := clock.New(nil)
	rt := tenant.NewRuntime(global, true, nil)
	var heard []string
	rt.OnClockChange(func(id string, _ time.Time) { heard = append(heard, id) })
	rt.For("gone")
	rt.For("kept")
	rt.Forget("gone")
	global.Advance(time.Second)
	require.Equal(t, []string{"kept"}, heard)
}
