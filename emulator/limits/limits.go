// Package limits counts requests in fixed windows on the emulator's clock.
//
// The emulated platforms publish their limits as "N requests per window"
// (Laravel's ThrottleRequests: a counter that starts with the first hit and
// expires a whole window later; BotHelp's and Salebot's "N per second"). A
// fixed window reproduces that exactly, including the reset instant the
// platforms report in Retry-After and X-RateLimit-Reset, which a token bucket
// cannot.
//
// A key's part before its first NUL is its scope (platform.LimitKey puts the
// tenant there): the windows of one scope run on one clock, and Reset can
// forget a whole scope by its prefix.
package limits

import (
	"strings"
	"sync"
	"time"
)

// Rule is one limit: at most Limit hits per Window.
type Rule struct {
	Name   string        `json:"name"`
	Limit  int           `json:"limit"`
	Window time.Duration `json:"window"`
}

// Verdict is the outcome of one hit against one rule.
type Verdict struct {
	Rule      Rule
	Allowed   bool
	Remaining int       // hits left in the window after this one
	ResetAt   time.Time // when the window ends
}

// RetryAfter is how long a refused client must wait, rounded up to whole seconds.
func (v Verdict) RetryAfter(now time.Time) time.Duration {
	d := v.ResetAt.Sub(now)
	if d <= 0 {
		return 0
	}
	return ((d + time.Second - 1) / time.Second) * time.Second
}

// sweepEvery is how many counted hits pass between sweeps.
const sweepEvery = 4096

type window struct {
	start, end time.Time
	hits       int
}

// Limiter keeps the counters. The zero value is not usable; call New.
// Whether limits apply at all is the caller's choice (per tenant): a request
// they do not apply to gets Allowed verdicts and is not counted.
type Limiter struct {
	mu      sync.Mutex
	windows map[string]*window
	sweeps  int
}

// New returns a limiter with no counts.
func New() *Limiter {
	return &Limiter{windows: map[string]*window{}}
}

// Allowed is what every rule answers when limits do not apply: allowed,
// nothing used, the window starting now.
func Allowed(now time.Time, rules ...Rule) []Verdict {
	verdicts := make([]Verdict, len(rules))
	for i, r := range rules {
		verdicts[i] = Verdict{Rule: r, Allowed: true, Remaining: r.Limit, ResetAt: now.Add(r.Window)}
	}
	return verdicts
}

// Hit counts one request under key against every rule, all or nothing: when
// any rule refuses, no counter moves, as a refused request costs nothing.
// It returns the verdicts in rule order and the first refusal, if any.
func (l *Limiter) Hit(now time.Time, key string, rules ...Rule) ([]Verdict, *Verdict) {
	l.mu.Lock()
	defer l.mu.Unlock()
	verdicts := make([]Verdict, len(rules))
	var refused *Verdict
	for i, r := range rules {
		w := l.current(now, key, r)
		verdicts[i] = Verdict{Rule: r, Allowed: true, Remaining: r.Limit - w.hits - 1, ResetAt: w.end}
		if w.hits >= r.Limit {
			verdicts[i].Allowed, verdicts[i].Remaining = false, 0
			if refused == nil {
				refused = &verdicts[i]
			}
		}
	}
	if refused != nil {
		return verdicts, refused
	}
	for _, r := range rules {
		l.current(now, key, r).hits++
	}
	l.sweep(now, key)
	return verdicts, nil
}

// Reset forgets every counter whose key starts with prefix ("" for all).
func (l *Limiter) Reset(prefix string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k := range l.windows {
		if strings.HasPrefix(k, prefix) {
			delete(l.windows, k)
		}
	}
}

func (l *Limiter) current(now time.Time, key string, r Rule) *window {
	id := key + "\x00" + r.Name
	w := l.windows[id]
	if w == nil || !now.Before(w.end) || now.Before(w.start) {
		w = &window{start: now, end: now.Add(r.Window)}
		l.windows[id] = w
	}
	return w
}

// sweep drops the ended windows of key's scope now and then, so idle keys
// do not accumulate. Only that scope's: now is its clock's time, and another
// tenant's clock may be hours behind, its windows still running.
func (l *Limiter) sweep(now time.Time, key string) {
	l.sweeps++
	if l.sweeps%sweepEvery != 0 {
		return
	}
	scope, _, _ := strings.Cut(key, "\x00")
	scope += "\x00"
	for k, w := range l.windows {
		if strings.HasPrefix(k, scope) && !now.Before(w.end) {
			delete(l.windows, k)
		}
	}
}
