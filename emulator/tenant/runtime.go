// Package tenant keeps what belongs to each tenant in memory beside its
// stored state: its clock and its rate-limit switch. Nothing one tenant sets
// here changes another's; what a tenant has not set follows the emulator-wide
// default (the global clock, the global switch).
package tenant

import (
	"sync"
	"time"

	"github.com/fakebots/fakebots/emulator/clock"
)

// Runtime is safe for concurrent use. Callers name only tenants that exist:
// state is made on first use and dropped by Forget.
type Runtime struct {
	global *clock.Clock
	// onOwnChange runs after a tenant's own clock changes (not when it only
	// follows the global clock): scheduled work of that tenant may be due.
	onOwnChange func(tenantID string, now time.Time)

	mu            sync.Mutex
	watchers      []func(tenantID string, now time.Time)
	tenants       map[string]*state
	limitsDefault bool
}

type state struct {
	clock  *clock.Clock
	limits *bool // nil: the global switch
}

// NewRuntime returns the runtime of an emulator whose global clock is global
// and whose rate limits are on or off by default. onOwnChange may be nil.
func NewRuntime(global *clock.Clock, limitsOn bool, onOwnChange func(tenantID string, now time.Time)) *Runtime {
	return &Runtime{global: global, onOwnChange: onOwnChange, tenants: map[string]*state{}, limitsDefault: limitsOn}
}

// Global is the emulator-wide clock, the default of every tenant.
func (r *Runtime) Global() *clock.Clock { return r.global }

// For returns the tenant's clock: the global clock for "" (a request no
// tenant was found for), else the tenant's own, which follows the global one
// until the tenant changes it.
func (r *Runtime) For(tenantID string) *clock.Clock {
	if tenantID == "" {
		return r.global
	}
	return r.state(tenantID).clock
}

// Now is the time the tenant's clock shows ("" for the global clock's)
// without making the tenant's clock: a tenant whose clock was never asked
// for follows the global one. A request reads its time this way, so a
// thousand tenants that only make requests keep no clock each.
func (r *Runtime) Now(tenantID string) time.Time {
	r.mu.Lock()
	s := r.tenants[tenantID]
	r.mu.Unlock()
	if s == nil {
		return r.global.Now()
	}
	return s.clock.Now()
}

func (r *Runtime) state(tenantID string) *state {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.tenants[tenantID]
	if s == nil {
		c := r.global.Child()
		if r.onOwnChange != nil {
			c.OnChange(func(now time.Time) {
				if !c.Follows() {
					r.onOwnChange(tenantID, now)
				}
			})
		}
		c.OnChange(func(now time.Time) {
			r.mu.Lock()
			watchers := r.watchers
			r.mu.Unlock()
			for _, fn := range watchers {
				fn(tenantID, now)
			}
		})
		s = &state{clock: c}
		r.tenants[tenantID] = s
	}
	return s
}

// OnClockChange registers fn to run after every change of the time a
// tenant's clock shows, its own or the global one it follows, outside any
// lock. Only tenants in use have a clock: For makes it.
func (r *Runtime) OnClockChange(fn func(tenantID string, now time.Time)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.watchers = append(r.watchers[:len(r.watchers):len(r.watchers)], fn)
}

// LimitsEnabled reports whether rate limits apply to the tenant ("" for
// the global switch).
func (r *Runtime) LimitsEnabled(tenantID string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := r.tenants[tenantID]; tenantID != "" && s != nil && s.limits != nil {
		return *s.limits
	}
	return r.limitsDefault
}

// SetLimits switches the tenant's rate limits on or off; nil makes it
// follow the global switch again.
func (r *Runtime) SetLimits(tenantID string, on *bool) {
	s := r.state(tenantID)
	r.mu.Lock()
	defer r.mu.Unlock()
	if on != nil {
		v := *on
		on = &v
	}
	s.limits = on
}

// SetDefaultLimits sets the global switch, which tenants without their own follow.
func (r *Runtime) SetDefaultLimits(on bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.limitsDefault = on
}

// Own reports which tenants have a clock or a limit switch of their own.
func (r *Runtime) Own(tenantID string) (clockOwn, limitsOwn bool) {
	r.mu.Lock()
	s := r.tenants[tenantID]
	r.mu.Unlock()
	if s == nil {
		return false, false
	}
	return !s.clock.Follows(), s.limits != nil
}

// OwnClocks lists the tenants whose clock does not follow the global one.
func (r *Runtime) OwnClocks() map[string]*clock.Clock {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]*clock.Clock{}
	for id, s := range r.tenants {
		if !s.clock.Follows() {
			out[id] = s.clock
		}
	}
	return out
}

// Forget drops a tenant's state (it was deleted or reset).
func (r *Runtime) Forget(tenantID string) {
	r.mu.Lock()
	s := r.tenants[tenantID]
	delete(r.tenants, tenantID)
	r.mu.Unlock()
	if s != nil {
		s.clock.Release()
	}
}

// ForgetAll drops every tenant's state.
func (r *Runtime) ForgetAll() {
	r.mu.Lock()
	old := r.tenants
	r.tenants = map[string]*state{}
	r.mu.Unlock()
	for _, s := range old {
		s.clock.Release()
	}
}
