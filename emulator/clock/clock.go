// Package clock is the emulator's source of time. Everything time-based
// (rate-limit windows, scheduled sends, token expiry, webhook retries) reads
// a clock, so a test can freeze, advance or set time and get the same result
// on every run.
//
// The emulator has one global clock, and each tenant a child of it: a child
// follows its parent until it is changed itself (frozen, advanced, set), and
// follows it again after Reset. So one job moving its tenant's time never
// moves another's, while a tenant that sets nothing keeps the global time.
package clock

import (
	"context"
	"sync"
	"time"
)

// Clock is safe for concurrent use. The zero value is not usable; call New
// or Child.
type Clock struct {
	mu       sync.Mutex
	wall     func() time.Time
	parent   *Clock        // followed while own is false
	own      bool          // the clock has time of its own (always true without a parent)
	offset   time.Duration // added to wall time while running
	frozenAt time.Time     // non-zero while frozen
	watchers map[int]func(now time.Time)
	nextID   int
	detach   func() // stops following the parent's changes
}

// New returns a clock that follows wall (time.Now when nil).
func New(wall func() time.Time) *Clock {
	if wall == nil {
		wall = time.Now
	}
	return &Clock{wall: wall, own: true}
}

// Child returns a clock that shows c's time, and reports c's changes to its
// own watchers, until it is changed itself. Release it when it is no longer
// used, so c stops reporting to it.
func (c *Clock) Child() *Clock {
	child := &Clock{wall: c.wall, parent: c}
	child.detach = c.OnChange(func(now time.Time) {
		child.mu.Lock()
		following := !child.own
		child.mu.Unlock()
		if following {
			child.notify(now)
		}
	})
	return child
}

// Release stops a child from following its parent's changes. The child keeps
// working on its own time or its parent's.
func (c *Clock) Release() {
	if c.detach != nil {
		c.detach()
	}
}

// Now returns the clock's current time, truncated to microseconds so it
// survives a round trip through the store unchanged.
func (c *Clock) Now() time.Time {
	now, _ := c.State()
	return now
}

// Frozen reports whether time stands still.
func (c *Clock) Frozen() bool {
	_, frozen := c.State()
	return frozen
}

// State returns the time and whether it stands still, read together.
func (c *Clock) State() (now time.Time, frozen bool) {
	c.mu.Lock()
	if !c.own {
		c.mu.Unlock()
		return c.parent.State()
	}
	defer c.mu.Unlock()
	return c.nowLocked(), !c.frozenAt.IsZero()
}

// Follows reports whether the clock shows its parent's time.
func (c *Clock) Follows() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.own
}

func (c *Clock) nowLocked() time.Time {
	if !c.frozenAt.IsZero() {
		return c.frozenAt
	}
	return c.wall().Add(c.offset).Truncate(time.Microsecond)
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
// the clock never runs backwards through Advance.
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

// Reset returns a clock to its start: a child follows its parent again, a
// clock without one runs on wall time with no offset.
func (c *Clock) Reset() time.Time {
	c.mu.Lock()
	c.frozenAt, c.offset = time.Time{}, 0
	if c.parent != nil {
		c.own = false
	}
	c.mu.Unlock()
	now := c.Now()
	c.notify(now)
	return now
}

// OnChange registers fn to run after every change of the time the clock
// shows (its own or, while it follows, its parent's), outside any lock, with
// the new time. It returns a function that unregisters fn.
func (c *Clock) OnChange(fn func(now time.Time)) (cancel func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.watchers == nil {
		c.watchers = map[int]func(time.Time){}
	}
	id := c.nextID
	c.nextID++
	c.watchers[id] = fn
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.watchers, id)
	}
}

// change applies a change to the clock's own time, taking the parent's
// state first when the clock was following it.
func (c *Clock) change(apply func()) time.Time {
	var parentNow time.Time
	var parentFrozen bool
	if c.parent != nil {
		parentNow, parentFrozen = c.parent.State()
	}
	c.mu.Lock()
	if !c.own {
		c.own, c.frozenAt, c.offset = true, time.Time{}, parentNow.Sub(c.wall())
		if parentFrozen {
			c.frozenAt = parentNow
		}
	}
	apply()
	now := c.nowLocked()
	c.mu.Unlock()
	c.notify(now)
	return now
}

func (c *Clock) notify(now time.Time) {
	c.mu.Lock()
	watchers := make([]func(time.Time), 0, len(c.watchers))
	for _, fn := range c.watchers {
		watchers = append(watchers, fn)
	}
	c.mu.Unlock()
	for _, fn := range watchers {
		fn(now)
	}
}

// WaitUntil blocks until the clock shows t or later, or ctx ends (returning
// its error). While the clock runs it waits the wall time left; while it is
// frozen it waits for a change; either way a change (an advance, a jump)
// is noticed at once.
func (c *Clock) WaitUntil(ctx context.Context, t time.Time) error {
	changed := make(chan struct{}, 1)
	cancel := c.OnChange(func(time.Time) {
		select {
		case changed <- struct{}{}:
		default:
		}
	})
	defer cancel()
	for {
		now, frozen := c.State()
		left := t.Sub(now)
		if left <= 0 {
			return nil
		}
		var timer *time.Timer
		var timeout <-chan time.Time
		if !frozen {
			timer = time.NewTimer(left)
			timeout = timer.C
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		case <-timeout:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// Wait blocks for d of wall time, or until ctx ends. It is for what must
// really take time (an injected delay), not for the emulator's own time, and
// is replaceable in tests by whatever takes it.
func Wait(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
