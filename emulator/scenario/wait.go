package scenario

import (
	"context"
	"time"
)

// DefaultWithin is how long expectations of things the system under test
// does (calls, messages) wait on the wall clock unless they say otherwise.
const DefaultWithin = 5 * time.Second

// waitFor runs check until it reports true or the wait is over. On the
// wall clock it polls until within has passed; on the tenant's clock it
// moves the tenant's clock by tick after each failed check until it has
// moved by within. A stable check (one that only more events can break:
// at_most, times: 0) is run once, at the end of an explicit wait. waitFor
// returns only the errors of check and of moving the clock: the caller
// keeps the last outcome.
func waitFor(ctx context.Context, run *Run, w Wait, defaultWithin time.Duration, stable bool, check func() (bool, error)) error {
	within := w.Within.D
	if !w.Within.Set {
		within = defaultWithin
		if stable {
			within = 0
		}
	}
	if w.Clock == "tenant" {
		return waitTenant(ctx, run, within, w.Tick.D, stable, check)
	}
	if stable && within > 0 {
		if err := sleep(ctx, within); err != nil {
			return err
		}
		_, err := check()
		return err
	}
	deadline := time.Now().Add(within)
	pause := 5 * time.Millisecond
	for {
		ok, err := check()
		if ok || err != nil || !time.Now().Before(deadline) {
			return err
		}
		if err := sleep(ctx, min(pause, time.Until(deadline))); err != nil {
			return err
		}
		pause = min(pause*2, 200*time.Millisecond)
	}
}

func waitTenant(ctx context.Context, run *Run, within, tick time.Duration, stable bool, check func() (bool, error)) error {
	if tick <= 0 {
		tick = max(within/10, time.Millisecond)
	}
	if stable {
		if err := run.advance(ctx, within); err != nil {
			return err
		}
		_, err := check()
		return err
	}
	for moved := time.Duration(0); ; moved += tick {
		ok, err := check()
		if ok || err != nil || moved >= within {
			return err
		}
		tick = min(tick, within-moved)
		if err := run.advance(ctx, tick); err != nil {
			return err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
