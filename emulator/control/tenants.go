package control

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/fakebots/fakebots/emulator/events"
	"github.com/fakebots/fakebots/emulator/tenant"
)

func (a *API) listTenants(r *http.Request) (int, any, error) {
	tenants, err := a.cfg.Store.Tenants(r.Context())
	return http.StatusOK, map[string]any{"data": tenants}, err
}

func (a *API) createTenant(r *http.Request) (int, any, error) {
	var req tenant.Request
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	info, err := a.cfg.Tenants.Create(r.Context(), req)
	return http.StatusCreated, info, err
}

func (a *API) getTenant(r *http.Request) (int, any, error) {
	info, err := a.cfg.Tenants.Info(r.Context(), mux.Vars(r)["tenant"])
	return http.StatusOK, info, err
}

// deleteTenant removes the tenant and ends its event streams.
func (a *API) deleteTenant(r *http.Request) (int, any, error) {
	id := mux.Vars(r)["tenant"]
	if err := a.cfg.Tenants.Delete(r.Context(), id); err != nil {
		return 0, nil, err
	}
	a.cfg.Events.End(id, events.TenantDeleted)
	return http.StatusNoContent, nil, nil
}

// resetTenant returns the tenant to its fixture; its streams are told to
// read everything again.
func (a *API) resetTenant(r *http.Request) (int, any, error) {
	id := mux.Vars(r)["tenant"]
	info, err := a.cfg.Tenants.Reset(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	a.cfg.Runtime.For(id) // its new clock, so streams hear of the global clock's changes again
	a.cfg.Events.Publish(events.Event{Tenant: id, Type: events.Reset, Data: map[string]string{"tenant": id}})
	return http.StatusOK, info, nil
}

func (a *API) resetAll(r *http.Request) (int, any, error) {
	if err := a.cfg.ResetAll(r.Context()); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"reset": true, "seed_tenant": a.cfg.Tenants.Seeded()}, nil
}
