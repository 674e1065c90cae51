package clock_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/clock"
)

// fakeWall is a wall clock the test moves by hand.
type fakeWall struct {
	mu sync.Mutex
	t  time.Time
}

func (w *fakeWall) now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.t
}

func (w *fakeWall) add(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.t = w.t.Add(d)
}

// base has nanoseconds below the microsecond, so truncation is visible.
var base = time.Date(2024, 5, 17, 12, 0, 0, 123456789, time.UTC)

// baseUS is base truncated to microseconds.
var baseUS = time.Date(2024, 5, 17, 12, 0, 0, 123456000, time.UTC)

func newClock() (*clock.Clock, *fakeWall) {
	w := &fakeWall{t: base}
	return clock.New(w.now), w
}

func TestNowFollowsWall(t *testing.T) {
	c, w := newClock()
	require.False(t, c.Frozen())
	require.True(t, c.Now().Equal(baseUS))
	w.add(3 * time.Second)
	require.True(t, c.Now().Equal(baseUS.Add(3*time.Second)))
	w.add(-time.Hour)
	require.True(t, c.Now().Equal(baseUS.Add(3*time.Second-time.Hour)), "the clock follows the wall wherever it goes")
}

func TestNowTruncatesToMicroseconds(t *testing.T) {
	tests := []struct {
		name string
		wall time.Time
		want time.Time
	}{
		{"sub-microsecond dropped", time.Date(2024, 1, 1, 0, 0, 0, 999, time.UTC), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"microseconds kept", time.Date(2024, 1, 1, 0, 0, 0, 1000, time.UTC), time.Date(2024, 1, 1, 0, 0, 0, 1000, time.UTC)},
		{"truncated, not rounded", time.Date(2024, 1, 1, 0, 0, 0, 1999, time.UTC), time.Date(2024, 1, 1, 0, 0, 0, 1000, time.UTC)},
		{"exact", baseUS, baseUS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &fakeWall{t: tt.wall}
			c := clock.New(w.now)
			got := c.Now()
			require.True(t, got.Equal(tt.want), "got %v want %v", got, tt.want)
			require.Zero(t, got.Nanosecond()%1000)
			frozen := c.Freeze()
			require.True(t, frozen.Equal(tt.want))
			require.Zero(t, c.Now().Nanosecond()%1000)
		})
	}
}

func TestNewNilUsesTimeNow(t *testing.T) {
	c := clock.New(nil)
	before := time.Now().Truncate(time.Microsecond)
	got := c.Now()
	after := time.Now()
	require.False(t, got.Before(before))
	require.False(t, got.After(after))
	require.Zero(t, got.Nanosecond()%1000)
}

func TestFreezeAndResume(t *testing.T) {
	c, w := newClock()

	got := c.Freeze()
	require.True(t, got.Equal(baseUS))
	require.True(t, c.Frozen())

	w.add(10 * time.Second)
	require.True(t, c.Now().Equal(baseUS), "a frozen clock ignores the wall")

	// Freezing again keeps the first instant.
	require.True(t, c.Freeze().Equal(baseUS))
	require.True(t, c.Now().Equal(baseUS))

	// Resume continues from the frozen instant, not from the wall.
	require.True(t, c.Resume().Equal(baseUS))
	require.False(t, c.Frozen())
	require.True(t, c.Now().Equal(baseUS))
	w.add(2 * time.Second)
	require.True(t, c.Now().Equal(baseUS.Add(2*time.Second)))

	// Resuming a running clock changes nothing.
	require.True(t, c.Resume().Equal(baseUS.Add(2*time.Second)))
	require.False(t, c.Frozen())
}

func TestAdvance(t *testing.T) {
	tests := []struct {
		name   string
		frozen bool
		by     time.Duration
		want   time.Duration // after baseUS
	}{
		{"running forward", false, 90 * time.Second, 90 * time.Second},
		{"frozen forward", true, 90 * time.Second, 90 * time.Second},
		{"running zero", false, 0, 0},
		{"frozen zero", true, 0, 0},
		{"running negative ignored", false, -time.Hour, 0},
		{"frozen negative ignored", true, -time.Hour, 0},
		{"running sub-microsecond", false, 200 * time.Nanosecond, 0}, // 789ns+200ns stays below the next microsecond
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, w := newClock()
			if tt.frozen {
				c.Freeze()
			}
			got := c.Advance(tt.by)
			require.True(t, got.Equal(baseUS.Add(tt.want)), "returned %v", got)
			require.True(t, c.Now().Equal(baseUS.Add(tt.want)))
			require.Equal(t, tt.frozen, c.Frozen(), "Advance keeps the state")

			w.add(time.Second)
			if tt.frozen {
				require.True(t, c.Now().Equal(baseUS.Add(tt.want)), "still frozen")
			} else {
				require.True(t, c.Now().Equal(baseUS.Add(tt.want+time.Second)), "the offset stays")
			}
		})
	}
}

func TestAdvanceAccumulates(t *testing.T) {
	c, w := newClock()
	c.Advance(time.Minute)
	c.Advance(time.Minute)
	w.add(time.Second)
	c.Freeze()
	c.Advance(time.Hour)
	c.Advance(-time.Hour)
	require.True(t, c.Now().Equal(baseUS.Add(time.Hour+2*time.Minute+time.Second)))
}

func TestSet(t *testing.T) {
	target := time.Date(2030, 1, 2, 3, 4, 5, 678901234, time.UTC)
	targetUS := time.Date(2030, 1, 2, 3, 4, 5, 678901000, time.UTC)
	past := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		frozen bool
		to     time.Time
		want   time.Time
	}{
		{"running to the future", false, target, targetUS},
		{"frozen to the future", true, target, targetUS},
		{"running to the past", false, past, past},
		{"frozen to the past", true, past, past},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, w := newClock()
			if tt.frozen {
				c.Freeze()
			}
			got := c.Set(tt.to)
			require.True(t, got.Equal(tt.want), "returned %v", got)
			require.True(t, c.Now().Equal(tt.want))
			require.Equal(t, tt.frozen, c.Frozen(), "Set keeps the state")

			w.add(5 * time.Second)
			if tt.frozen {
				require.True(t, c.Now().Equal(tt.want))
			} else {
				require.True(t, c.Now().Equal(tt.want.Add(5*time.Second)), "runs on from the set instant")
			}
		})
	}
}

func TestReset(t *testing.T) {
	tests := []struct {
		name  string
		setup func(c *clock.Clock)
	}{
		{"running with offset", func(c *clock.Clock) { c.Advance(time.Hour) }},
		{"frozen", func(c *clock.Clock) { c.Freeze() }},
		{"frozen and advanced", func(c *clock.Clock) { c.Freeze(); c.Advance(time.Hour) }},
		{"set, then frozen", func(c *clock.Clock) { c.Set(base.Add(-48 * time.Hour)); c.Freeze() }},
		{"untouched", func(*clock.Clock) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, w := newClock()
			tt.setup(c)
			w.add(7 * time.Second)
			got := c.Reset()
			want := baseUS.Add(7 * time.Second)
			require.True(t, got.Equal(want), "returned %v", got)
			require.False(t, c.Frozen())
			w.add(time.Second)
			require.True(t, c.Now().Equal(want.Add(time.Second)), "runs with the wall again")
		})
	}
}

func TestOnChangeGetsNewTime(t *testing.T) {
	c, w := newClock()
	var first, second []time.Time
	c.OnChange(func(now time.Time) { first = append(first, now) })
	c.OnChange(func(now time.Time) { second = append(second, now) })

	steps := []struct {
		name   string
		change func() time.Time
		want   time.Time
	}{
		{"freeze", c.Freeze, baseUS},
		{"advance", func() time.Time { return c.Advance(time.Minute) }, baseUS.Add(time.Minute)},
		{"negative advance still notifies", func() time.Time { return c.Advance(-time.Minute) }, baseUS.Add(time.Minute)},
		{"set", func() time.Time { return c.Set(baseUS.Add(time.Hour)) }, baseUS.Add(time.Hour)},
		{"resume", c.Resume, baseUS.Add(time.Hour)},
		{"wall moves, then advance", func() time.Time { w.add(time.Second); return c.Advance(time.Second) }, baseUS.Add(time.Hour + 2*time.Second)},
		{"reset", func() time.Time { w.add(time.Second); return c.Reset() }, baseUS.Add(2 * time.Second)},
	}
	for i, s := range steps {
		got := s.change()
		require.True(t, got.Equal(s.want), "%s returned %v, want %v", s.name, got, s.want)
		require.Len(t, first, i+1, s.name)
		require.Len(t, second, i+1, s.name)
		require.True(t, first[i].Equal(s.want), "%s: watcher got %v, want %v", s.name, first[i], s.want)
		require.True(t, second[i].Equal(s.want), "%s: second watcher got %v", s.name, second[i])
	}

	// Reading the clock does not notify.
	c.Now()
	c.Frozen()
	require.Len(t, first, len(steps))
}

func TestOnChangeCalledOutsideLock(t *testing.T) {
	c, _ := newClock()
	var seen []time.Time
	var frozen []bool
	c.OnChange(func(now time.Time) {
		// Both take the clock's lock: a watcher run under it would deadlock.
		seen = append(seen, c.Now())
		frozen = append(frozen, c.Frozen())
		// Registering another watcher from a watcher takes the lock too.
		if len(seen) == 1 {
			c.OnChange(func(time.Time) {})
		}
	})

	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Freeze()
		c.Advance(time.Second)
		c.Resume()
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("a watcher calling the clock deadlocked")
	}
	require.Equal(t, []bool{true, true, false}, frozen)
	require.True(t, seen[0].Equal(baseUS))
	require.True(t, seen[1].Equal(baseUS.Add(time.Second)))
	require.True(t, seen[2].Equal(baseUS.Add(time.Second)))
}

func TestConcurrentUse(t *testing.T) {
	c, w := newClock()
	var calls int
	var mu sync.Mutex
	c.OnChange(func(time.Time) { mu.Lock(); calls++; mu.Unlock() })
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				c.Advance(time.Millisecond)
				c.Now()
				w.add(time.Microsecond)
			}
		}()
	}
	wg.Wait()
	require.Equal(t, 400, calls)
	require.True(t, c.Now().Equal(baseUS.Add(400*time.Millisecond+400*time.Microsecond)))
}

func TestWaitEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan struct{})
	go func() {
		clock.Wait(ctx, time.Hour)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a cancelled context did not end an hour's wait")
	}
}

func TestChildFollowsItsParentUntilChanged(t *testing.T) {
	global, w := newClock()
	a, b := global.Child(), global.Child()
	require.True(t, a.Follows())
	require.True(t, a.Now().Equal(baseUS))

	global.Advance(time.Hour)
	require.True(t, a.Now().Equal(baseUS.Add(time.Hour)), "a follower sees its parent's advance")

	a.Freeze()
	require.False(t, a.Follows())
	a.Advance(24 * time.Hour)
	w.add(time.Minute)
	require.True(t, a.Now().Equal(baseUS.Add(25*time.Hour)), "frozen at its own time")
	require.True(t, a.Frozen())
	require.True(t, b.Now().Equal(baseUS.Add(time.Hour+time.Minute)), "a sibling never moves with it")
	require.False(t, b.Frozen())
	require.True(t, global.Now().Equal(baseUS.Add(time.Hour+time.Minute)), "nor does the parent")

	global.Freeze()
	require.True(t, b.Frozen(), "a follower freezes with its parent")
	require.True(t, a.Now().Equal(baseUS.Add(25*time.Hour)))

	a.Reset()
	require.True(t, a.Follows())
	require.True(t, a.Frozen())
	require.True(t, a.Now().Equal(global.Now()), "reset: back to the parent's time")
}

func TestChildTakesItsParentsStateWhenFirstChanged(t *testing.T) {
	global, w := newClock()
	global.Advance(time.Hour)
	child := global.Child()
	child.Advance(time.Minute) // running, from the parent's offset
	w.add(time.Second)
	require.True(t, child.Now().Equal(baseUS.Add(time.Hour+time.Minute+time.Second)))
	require.False(t, child.Frozen())

	global.Freeze()
	frozenChild := global.Child()
	frozenChild.Advance(time.Minute) // frozen, as the parent was
	w.add(time.Second)
	require.True(t, frozenChild.Frozen())
	require.True(t, frozenChild.Now().Equal(global.Now().Add(time.Minute)))
}

func TestChildWatchersSeeTheParentOnlyWhileFollowing(t *testing.T) {
	global, _ := newClock()
	child := global.Child()
	var seen []time.Time
	child.OnChange(func(now time.Time) { seen = append(seen, now) })

	global.Advance(time.Minute)
	child.Advance(time.Hour)
	global.Advance(time.Minute) // not followed any more
	child.Reset()
	global.Advance(time.Minute)

	require.Equal(t, []time.Time{
		baseUS.Add(time.Minute),
		baseUS.Add(time.Hour + time.Minute),
		baseUS.Add(2 * time.Minute),
		baseUS.Add(3 * time.Minute),
	}, seen)
}

func TestReleasedChildIsNoLongerTold(t *testing.T) {
	global, _ := newClock()
	child := global.Child()
	calls := 0
	child.OnChange(func(time.Time) { calls++ })
	global.Advance(time.Second)
	child.Release()
	global.Advance(time.Second)
	require.Equal(t, 1, calls)
	require.True(t, child.Now().Equal(baseUS.Add(2*time.Second)), "it still shows its parent's time")
}

func TestOnChangeCancel(t *testing.T) {
	c, _ := newClock()
	calls := 0
	cancel := c.OnChange(func(time.Time) { calls++ })
	c.Advance(time.Second)
	cancel()
	c.Advance(time.Second)
	require.Equal(t, 1, calls)
}

// waitUntil runs WaitUntil in the background and returns its outcome.
func waitUntil(ctx context.Context, c *clock.Clock, at time.Time) <-chan error {
	done := make(chan error, 1)
	go func() { done <- c.WaitUntil(ctx, at) }()
	return done
}

func TestWaitUntilOnAFrozenClockEndsWhenTimeIsAdvanced(t *testing.T) {
	c, _ := newClock()
	c.Freeze()
	done := waitUntil(context.Background(), c.Child(), baseUS.Add(2*time.Hour))
	c.Advance(time.Hour)
	select {
	case err := <-done:
		t.Fatalf("ended an hour early: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	c.Advance(time.Hour)
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("advancing to the instant did not end the wait")
	}
}

func TestWaitUntilThePastReturnsAtOnce(t *testing.T) {
	c, _ := newClock()
	require.NoError(t, c.WaitUntil(context.Background(), baseUS))
}

func TestWaitUntilEndsWithItsContext(t *testing.T) {
	c, _ := newClock()
	ctx, cancel := context.WithCancel(context.Background())
	done := waitUntil(ctx, c, baseUS.Add(time.Hour)) // a running clock: an hour of wall time
	cancel()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling did not end the wait")
	}
}

func TestWaitUntilOnARunningClockWaitsTheWallTimeLeft(t *testing.T) {
	c := clock.New(nil)
	start := time.Now()
	require.NoError(t, c.WaitUntil(context.Background(), c.Now().Add(30*time.Millisecond)))
	require.GreaterOrEqual(t, time.Since(start), 29*time.Millisecond)
}
