package control

import (
	"net/http"

	"github.com/gorilla/mux"

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

func (a *API) deleteTenant(r *http.Request) (int, any, error) {
	return http.StatusNoContent, nil, a.cfg.Tenants.Delete(r.Context(), mux.Vars(r)["tenant"])
}

func (a *API) resetTenant(r *http.Request) (int, any, error) {
	info, err := a.cfg.Tenants.Reset(r.Context(), mux.Vars(r)["tenant"])
	return http.StatusOK, info, err
}

func (a *API) resetAll(r *http.Request) (int, any, error) {
	if err := a.cfg.ResetAll(r.Context()); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"reset": true, "seed_tenant": a.cfg.Tenants.Seeded()}, nil
}
