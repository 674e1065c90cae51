// Package clock is the emulator's single source of time. Everything time-based
// (rate-limit windows, scheduled sends, token expiry) reads it, so a test can
// freeze, advance or set time and get the same result on every run.
package clock

import (
	"context"
	"sync"
	"time"
)

// Clock is safe for concurrent use. The zero value is not usable; call New.
type Clock struct {
	mu       sync.Mutex
	wall     func() time.Time
	offset   time.Duration // added to wall time while running
	frozenAt time.Time     // non-zero while frozen
	watchers []func(now time.Time)
}

// New returns a clock that follows wall (time.Now when nil).
func New(wall func() time.Time) *Clock {
	if wall == nil {
		wall = time.Now
	}
	return &Clock{wall: wall}
}

// Now returns the emulator's current time, truncated to microseconds so it
// survives a round trip through the store unchanged.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time {
	if !c.frozenAt.IsZero() {
		return c.frozenAt
	}
	return c.wall().Add(c.offset).Truncate(time.Microsecond)
}

// Frozen reports whether time stands still.
func (c *Clock) Frozen() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.frozenAt.IsZero()
}

// Freeze stops time at the current instant.
func (c *Clock) Freeze() time.Time {
	return c.change(func() {
		if c.frozenAt.IsZero() {
			c.frozenAt = c.nowLocked()
		}
	})
}

// Resume lets time run again from the instant it shows now.
func (c *Clock) Resume() time.Time {
	return c.change(func() {
		if !c.frozenAt.IsZero() {
			c.offset = c.frozenAt.Sub(c.wall())
			c.frozenAt = time.Time{}
		}
	})
}

// Advance moves time forward by d (frozen or not). Negative d is ignored:
// the emulator's time never runs backwards through Advance.
func (c *Clock) Advance(d time.Duration) time.Time {
	if d < 0 {
		d = 0
	}
	return c.change(func() {
		if !c.frozenAt.IsZero() {
			c.frozenAt = c.frozenAt.Add(d)
		} else {
			c.offset += d
		}
	})
}

// Set jumps to t, keeping the frozen or running state.
func (c *Clock) Set(t time.Time) time.Time {
	t = t.Truncate(time.Microsecond)
	return c.change(func() {
		if !c.frozenAt.IsZero() {
			c.frozenAt = t
		} else {
			c.offset = t.Sub(c.wall())
		}
	})
}

// Reset returns to running wall time with no offset.
func (c *Clock) Reset() time.Time {
	return c.change(func() {
		c.frozenAt = time.Time{}
		c.offset = 0
	})
}

// OnChange registers fn to run after every Freeze, Resume, Advance, Set or
// Reset, outside the clock's lock, with the new time. Schedulers use it to
// deliver what became due.
func (c *Clock) OnChange(fn func(now time.Time)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.watchers = append(c.watchers, fn)
}

func (c *Clock) change(apply func()) time.Time {
	c.mu.Lock()
	apply()
	now := c.nowLocked()
	watchers := append([]func(time.Time){}, c.watchers...)
	c.mu.Unlock()
	for _, fn := range watchers {
		fn(now)
	}
	return now
}

// Wait blocks for d of wall time, or until ctx ends. It is for what must
// really take time (an injected delay, a webhook retry's pause), not for
// the emulator's own time, and is replaceable in tests by whatever takes it.
func Wait(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
