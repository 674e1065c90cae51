package control

import (
	"net/http"
	"time"

	"github.com/fakebots/fakebots/emulator/clock"
	"github.com/fakebots/fakebots/emulator/platform"
)

// onClock runs a change on the route's clock (the global one, or a
// tenant's) and answers with the clock's state. A tenant's scheduled work
// runs after its clock changed: a clock told to follow the global one again
// may find some due too.
func (a *API) onClock(r *http.Request, change func(c *clock.Clock)) (int, any, error) {
	id, err := a.scope(r)
	if err != nil {
		return 0, nil, err
	}
	c := a.cfg.Runtime.For(id)
	if change != nil {
		change(c)
		if id != "" {
			a.cfg.RunDue(r.Context(), id, c.Now())
		}
	}
	now, frozen := c.State()
	return http.StatusOK, map[string]any{"now": now, "frozen": frozen}, nil
}

func (a *API) clockState(r *http.Request) (int, any, error) { return a.onClock(r, nil) }

func (a *API) clockFreeze(r *http.Request) (int, any, error) {
	return a.onClock(r, func(c *clock.Clock) { c.Freeze() })
}

func (a *API) clockResume(r *http.Request) (int, any, error) {
	return a.onClock(r, func(c *clock.Clock) { c.Resume() })
}

func (a *API) clockReset(r *http.Request) (int, any, error) {
	return a.onClock(r, func(c *clock.Clock) { c.Reset() })
}

func (a *API) clockAdvance(r *http.Request) (int, any, error) {
	var body struct {
		By      string  `json:"by"`      // a Go duration: "90s", "1h30m"
		Seconds float64 `json:"seconds"` // or a number of seconds
	}
	if err := decodeBody(r, &body); err != nil {
		return 0, nil, err
	}
	d := time.Duration(body.Seconds * float64(time.Second))
	if body.By != "" {
		var err error
		if d, err = time.ParseDuration(body.By); err != nil {
			return 0, nil, platform.BadControlRequest("by must be a duration like \"90s\"")
		}
	}
	if d <= 0 {
		return 0, nil, platform.BadControlRequest("give a positive \"by\" (\"90s\") or \"seconds\"")
	}
	return a.onClock(r, func(c *clock.Clock) { c.Advance(d) })
}

func (a *API) clockSet(r *http.Request) (int, any, error) {
	var body struct {
		Now    time.Time `json:"now"`
		Freeze bool      `json:"freeze"`
	}
	if err := decodeBody(r, &body); err != nil {
		return 0, nil, err
	}
	if body.Now.IsZero() {
		return 0, nil, platform.BadControlRequest("now (RFC 3339) is required")
	}
	return a.onClock(r, func(c *clock.Clock) {
		if body.Freeze {
			c.Freeze()
		}
		c.Set(body.Now)
	})
}

func (a *API) rateLimits(r *http.Request) (int, any, error) {
	id, err := a.scope(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]bool{"enabled": a.cfg.Runtime.LimitsEnabled(id)}, nil
}

// setRateLimits switches limits for everyone (the default) or for one
// tenant; the counters it covers start again, so a refusal is lifted at once
// and limits switched back on start from zero.
func (a *API) setRateLimits(r *http.Request) (int, any, error) {
	id, err := a.scope(r)
	if err != nil {
		return 0, nil, err
	}
	var body struct {
		Enabled *bool `json:"enabled"`
	}
	if err := decodeBody(r, &body); err != nil {
		return 0, nil, err
	}
	if body.Enabled == nil {
		return 0, nil, platform.BadControlRequest("enabled (true or false) is required")
	}
	if id == "" {
		a.cfg.Runtime.SetDefaultLimits(*body.Enabled)
		a.cfg.Limiter.Reset("")
	} else {
		a.cfg.Runtime.SetLimits(id, body.Enabled)
		a.cfg.Limiter.Reset(platform.LimitKey(id, "", ""))
	}
	return http.StatusOK, map[string]bool{"enabled": *body.Enabled}, nil
}
