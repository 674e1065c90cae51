package control

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/fakebots/fakebots/emulator/events"
	"github.com/fakebots/fakebots/emulator/journal"
	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/tenant"
)

// Bounds of the event streams: streams one tenant may hold open, and the
// events each may fall behind by before it is told to resync.
const (
	maxStreamsPerTenant = 32
	streamBuffer        = 512
	streamKeepAlive     = 15 * time.Second
)

// NewHub is the hub the control API's event streams read from.
func NewHub() *events.Hub { return events.New(maxStreamsPerTenant, streamBuffer) }

// JournalEvent is what a stream says of a journaled request: enough for a
// list row; the entry itself is at …/journal/{id}.
func JournalEvent(e journal.Entry) events.Event {
	summary := jsonx.Object{
		{Key: "id", Value: e.ID}, {Key: "time", Value: e.Time}, {Key: "platform", Value: e.Platform},
		{Key: "operation", Value: e.Operation}, {Key: "method", Value: e.Request.Method}, {Key: "path", Value: e.Request.Path},
		{Key: "status", Value: e.Response.Status}, {Key: "duration_ms", Value: e.DurationMS},
	}
	if e.Fault != "" {
		summary = append(summary, jsonx.Field{Key: "fault", Value: e.Fault})
	}
	if e.Miss != nil {
		summary = append(summary, jsonx.Field{Key: "miss", Value: e.Miss.Reason})
	}
	return events.Event{Tenant: e.TenantID, Type: events.Journal, Data: summary}
}

// streamEvents streams the tenant's changes as server-sent events (see
// specs/control.yaml): ready with its clock first, then journal, control,
// clock, outbox, webhook and reset events as they happen, resync when the
// client fell behind, end when the tenant is deleted or the emulator stops.
func (a *API) streamEvents(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["tenant"]
	if err := a.cfg.Tenants.Exists(r.Context(), id); err != nil {
		status, body := a.failure(r, err)
		WriteJSON(w, status, body)
		return
	}
	sub := a.cfg.Events.Subscribe(id)
	if sub == nil {
		WriteJSON(w, http.StatusTooManyRequests, errorBody("tenant "+id+" has as many event streams open as it may; close one"))
		return
	}
	stream := events.Stream{
		KeepAlive:    a.cfg.StreamKeepAlive,
		WriteTimeout: a.cfg.StreamWriteTimeout,
		Check: func(ctx context.Context) string {
			if err := a.cfg.Tenants.Exists(ctx, id); errors.Is(err, tenant.ErrNotFound) {
				return events.TenantDeleted
			}
			return ""
		},
	}
	if stream.KeepAlive <= 0 {
		stream.KeepAlive = streamKeepAlive
	}
	if stream.WriteTimeout <= 0 {
		stream.WriteTimeout = time.Minute
	}
	// Reading the clock makes it, if the tenant had none yet: from now on
	// its changes, and the global clock's, reach the hub.
	stream.Serve(w, r, sub, events.Event{Tenant: id, Type: events.Ready, Data: ClockEvent(a.cfg.Runtime, id).Data})
}

// ClockEvent is what a stream says of the tenant's clock, read now.
func ClockEvent(rt *tenant.Runtime, id string) events.Event {
	now, frozen := rt.For(id).State()
	return events.Event{Tenant: id, Type: events.Clock, Data: jsonx.Object{{Key: "now", Value: now}, {Key: "frozen", Value: frozen}}}
}

// announced tells the tenant's streams that a control call changed
// something of it (a user wrote, a fault was added, the clock moved).
func (a *API) announced(h handler) handler {
	return func(r *http.Request) (int, any, error) {
		status, body, err := h(r)
		if err == nil && status < http.StatusBadRequest {
			a.cfg.Events.Publish(events.Event{Tenant: mux.Vars(r)["tenant"], Type: events.Control, Data: jsonx.Object{
				{Key: "method", Value: r.Method}, {Key: "path", Value: r.URL.Path}, {Key: "status", Value: status},
			}})
		}
		return status, body, err
	}
}
