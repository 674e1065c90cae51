package tenant_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/clock"
	"github.com/fakebots/fakebots/emulator/tenant"
)

// onOwnChange hears of a tenant's own clock moving, not of the global
// clock it follows; watchers hear of both.
func TestOnlyATenantsOwnClockChangeRunsItsWork(t *testing.T) {
	w := newWorld(t)
	w.m.Runtime.For("acme")
	w.global.Advance(time.Minute)
	require.Empty(t, w.ownChanges, "acme follows the global clock")
	require.Equal(t, []string{"acme@09:01:00"}, w.watchedTimes)

	w.m.Runtime.For("acme").Advance(time.Hour)
	require.Equal(t, []string{"acme@10:01:00"}, w.ownChanges)
	require.Equal(t, []string{"acme@09:01:00", "acme@10:01:00"}, w.watchedTimes)
}

func TestARuntimeWithoutOnOwnChange(t *testing.T) {
	rt := tenant.NewRuntime(clock.New(func() time.Time { return epoch }), true, nil)
	c := rt.For("acme")
	c.Freeze()
	require.Equal(t, epoch.Add(time.Hour), c.Advance(time.Hour))
}

// SetLimits keeps its own copy of the switch; nil follows the global one.
func TestSetLimitsKeepsTheSwitchItWasGiven(t *testing.T) {
	rt := tenant.NewRuntime(clock.New(nil), true, nil)
	on := false
	rt.SetLimits("acme", &on)
	on = true
	require.False(t, rt.LimitsEnabled("acme"))
	require.True(t, rt.LimitsEnabled(""))
	require.True(t, rt.LimitsEnabled("other"))

	rt.SetLimits("acme", nil)
	require.True(t, rt.LimitsEnabled("acme"))
	rt.SetDefaultLimits(false)
	require.False(t, rt.LimitsEnabled("acme"))
}

func TestOwnTellsWhatATenantSetItself(t *testing.T) {
	rt := tenant.NewRuntime(clock.New(nil), true, nil)
	rt.For("follows")
	rt.For("clock").Freeze()
	off := false
	rt.SetLimits("limits", &off)
	rt.For("both").Freeze()
	rt.SetLimits("both", &off)
	for _, tc := range []struct {
		tenant              string
		clockOwn, limitsOwn bool
	}{
		{"nobody", false, false},
		{"follows", false, false},
		{"clock", true, false},
		{"limits", false, true},
		{"both", true, true},
	} {
		clockOwn, limitsOwn := rt.Own(tc.tenant)
		require.Equal(t, tc.clockOwn, clockOwn, tc.tenant)
		require.Equal(t, tc.limitsOwn, limitsOwn, tc.tenant)
	}
	own := rt.OwnClocks()
	require.Len(t, own, 2)
	require.Same(t, rt.For("clock"), own["clock"])
	require.Same(t, rt.For("both"), own["both"])
}

// A forgotten tenant's clock no longer follows the global one: its
// watchers hear nothing more of it, and its settings are gone.
func TestForgetDropsATenantsClockAndSwitch(t *testing.T) {
	w := newWorld(t)
	rt := w.m.Runtime
	rt.For("acme")
	rt.For("other")
	off := false
	rt.SetLimits("acme", &off)
	rt.Forget("acme")
	rt.Forget("nobody")

	w.global.Advance(time.Minute)
	require.Equal(t, []string{"other@09:01:00"}, w.watchedTimes)
	require.True(t, rt.LimitsEnabled("acme"))
	_, limitsOwn := rt.Own("acme")
	require.False(t, limitsOwn)
}
