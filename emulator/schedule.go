package emulator

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/fakebots/fakebots/emulator/events"
	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// runAllDue runs due work of every tenant with something scheduled, each
// on its own clock: a frozen clock makes nothing due by itself, so scheduled
// work of a tenant whose time stands still waits for its clock to move.
func (e *Emulator) runAllDue(ctx context.Context) {
	next, err := e.store.NextDue(ctx)
	if err != nil {
		e.cfg.log.Error("find due messages", "err", err)
		return
	}
	for _, id := range slices.Sorted(maps.Keys(next)) {
		if now := e.tenants.For(id).Now(); !now.Before(next[id]) {
			e.runDue(ctx, id, now)
		}
	}
}

// runDue delivers a tenant's scheduled messages that became due and lets
// platforms run their own due work. Runs are serialised so a message is
// delivered once.
func (e *Emulator) runDue(ctx context.Context, tenantID string, now time.Time) {
	e.dueMu.Lock()
	defer e.dueMu.Unlock()
	var delivered []store.Message
	err := e.store.WriteTenant(ctx, tenantID, func(tx *store.Tx) error {
		var err error
		delivered, err = tx.DeliverDue(tenantID, now)
		return err
	})
	if err != nil {
		e.cfg.log.Error("deliver due messages", "tenant", tenantID, "err", err)
		return
	}
	if len(delivered) > 0 {
		e.events.Publish(events.Event{Tenant: tenantID, Type: events.Outbox, Data: deliveredEvent(delivered)})
	}
	for _, p := range e.platforms {
		s, ok := p.(platform.Scheduler)
		if !ok {
			continue
		}
		var mine []store.Message
		for _, m := range delivered {
			if m.Platform == p.Name() {
				mine = append(mine, m)
			}
		}
		if err := s.RunDue(ctx, tenantID, now, mine); err != nil {
			e.cfg.log.Error("scheduled work", "platform", p.Name(), "tenant", tenantID, "err", err)
		}
	}
}

// deliveredEvent tells event streams which messages were delivered.
func deliveredEvent(msgs []store.Message) map[string]any {
	out := make([]jsonx.Object, len(msgs))
	for i, m := range msgs {
		out[i] = jsonx.Object{{Key: "id", Value: m.ID}, {Key: "platform", Value: m.Platform}, {Key: "recipient", Value: m.Recipient}, {Key: "status", Value: m.Status}}
	}
	return map[string]any{"delivered": out}
}
