// Package events fans out what changes for each tenant (a request
// journaled, a control call, the clock moved, a message delivered, a webhook
// sent) to live subscribers: the control API's event stream.
//
// Publishing never waits for a subscriber. Each has a buffer of a fixed
// number of events; one that falls behind loses what its buffer held and is
// told to start again from the state the control API shows (a resync), so a
// slow reader neither slows the emulator nor makes it hold more memory.
package events

import (
	"sync"
	"sync/atomic"
)

// Event is one change of a tenant's. Type names what changed; Data is a
// small JSON value describing it (never a whole request or body).
type Event struct {
	Tenant string
	Type   string
	Data   any
}

// Types of events.
const (
	Journal = "journal" // a request of the tenant's was journaled
	Control = "control" // a control call changed something of the tenant's
	Clock   = "clock"   // the tenant's clock changed
	Outbox  = "outbox"  // scheduled messages became delivered
	Webhook = "webhook" // a platform ended a webhook delivery
	Reset   = "reset"   // the tenant was reset to its fixture
)

// Reasons a subscription ends.
const (
	TenantDeleted = "tenant deleted"
	EmulatorReset = "emulator reset"
	ShuttingDown  = "shutting down"
	Unsubscribed  = "unsubscribed"
)

// Hub is safe for concurrent use. The zero value is not usable; call New.
type Hub struct {
	mu     sync.RWMutex
	subs   map[string]map[*Subscription]struct{}
	closed bool
	// perTenant bounds the subscriptions of one tenant, and buffer the
	// events each may hold.
	perTenant, buffer int
}

// Subscription receives one tenant's events until it ends.
type Subscription struct {
	hub    *Hub
	tenant string
	ch     chan Event
	lagged atomic.Bool
	wake   chan struct{} // signalled when lagged is set
	done   chan struct{} // closed when the subscription ends
	once   sync.Once
	reason string // why it ended; set before done is closed
}

// New returns a hub allowing perTenant subscriptions per tenant, each
// buffering up to buffer events.
func New(perTenant, buffer int) *Hub {
	return &Hub{subs: map[string]map[*Subscription]struct{}{}, perTenant: perTenant, buffer: buffer}
}

// Subscribe starts receiving the tenant's events. It returns nil when the
// tenant has as many subscriptions as it may, and an ended subscription
// when the hub is closed.
func (h *Hub) Subscribe(tenant string) *Subscription {
	s := &Subscription{hub: h, tenant: tenant, ch: make(chan Event, h.buffer), wake: make(chan struct{}, 1), done: make(chan struct{})}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		s.end(ShuttingDown)
		return s
	}
	if len(h.subs[tenant]) >= h.perTenant {
		return nil
	}
	if h.subs[tenant] == nil {
		h.subs[tenant] = map[*Subscription]struct{}{}
	}
	h.subs[tenant][s] = struct{}{}
	return s
}

// Publish offers e to every subscription of its tenant, without waiting.
func (h *Hub) Publish(e Event) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for s := range h.subs[e.Tenant] {
		s.Offer(e)
	}
}

// End ends every subscription of the tenant ("" for every tenant's) with
// reason.
func (h *Hub) End(tenant, reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, subs := range h.subs {
		if tenant != "" && id != tenant {
			continue
		}
		for s := range subs {
			s.end(reason)
		}
		delete(h.subs, id)
	}
}

// Close ends every subscription, and those made later at once.
func (h *Hub) Close() {
	h.End("", ShuttingDown)
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
}

// Subscribers counts the tenant's subscriptions.
func (h *Hub) Subscribers(tenant string) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs[tenant])
}

// Offer gives the subscription e, or, when its buffer is full, marks it as
// behind. It never waits.
func (s *Subscription) Offer(e Event) {
	select {
	case s.ch <- e:
	default:
		s.lagged.Store(true)
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// Events delivers the events in the order they were offered.
func (s *Subscription) Events() <-chan Event { return s.ch }

// Behind is signalled when an event did not fit in the buffer: call
// CatchUp.
func (s *Subscription) Behind() <-chan struct{} { return s.wake }

// CatchUp reports whether events were lost since the last call and, if
// so, drops the ones still buffered: they predate the state the reader
// must now read again.
func (s *Subscription) CatchUp() bool {
	if !s.lagged.Swap(false) {
		return false
	}
	for {
		select {
		case <-s.ch:
		default:
			return true
		}
	}
}

// Done is closed when the subscription ends; Reason says why.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Reason is why the subscription ended ("" while it has not).
func (s *Subscription) Reason() string {
	select {
	case <-s.done:
		return s.reason
	default:
		return ""
	}
}

// Cancel ends the subscription: its reader is gone.
func (s *Subscription) Cancel() {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if subs := h.subs[s.tenant]; subs != nil {
		delete(subs, s)
		if len(subs) == 0 {
			delete(h.subs, s.tenant)
		}
	}
	s.end(Unsubscribed)
}

func (s *Subscription) end(reason string) {
	s.once.Do(func() {
		s.reason = reason
		close(s.done)
	})
}
