package control

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/fakebots/fakebots/emulator/faults"
	"github.com/fakebots/fakebots/emulator/platform"
)

// faultsOf is the tenant whose faults a call lists or removes: the route's,
// or on the emulator-wide route the ?tenant= filter ("" for all).
func (a *API) faultsOf(r *http.Request) (string, error) {
	id, err := a.scope(r)
	if err != nil || id != "" {
		return id, err
	}
	return a.tenantFilter(r)
}

func (a *API) listFaults(r *http.Request) (int, any, error) {
	id, err := a.faultsOf(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"data": a.cfg.Faults.List(id)}, nil
}

// addFault adds a fault for the route's tenant, or on the emulator-wide
// route for the tenant_id it names (every tenant without one).
func (a *API) addFault(r *http.Request) (int, any, error) {
	id, err := a.scope(r)
	if err != nil {
		return 0, nil, err
	}
	var f faults.Fault
	if err := decodeBody(r, &f); err != nil {
		return 0, nil, err
	}
	switch {
	case id != "" && f.TenantID != "" && f.TenantID != id:
		return 0, nil, platform.BadControlRequest("tenant_id %q is not this route's tenant %q", f.TenantID, id)
	case id != "":
		f.TenantID = id
	case f.TenantID != "":
		if err := a.cfg.Tenants.Exists(r.Context(), f.TenantID); err != nil {
			return 0, nil, unknownTenant(f.TenantID, err)
		}
	}
	if err := f.Validate(); err != nil {
		return 0, nil, platform.BadControlRequest("%v", err)
	}
	if err := a.knownOperation(f.Platform, f.Operation); err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, a.cfg.Faults.Add(f), nil
}

func (a *API) clearFaults(r *http.Request) (int, any, error) {
	id, err := a.faultsOf(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]int{"removed": a.cfg.Faults.Remove("", id)}, nil
}

func (a *API) removeFault(r *http.Request) (int, any, error) {
	id, err := a.scope(r)
	if err != nil {
		return 0, nil, err
	}
	fault := mux.Vars(r)["fault"]
	if a.cfg.Faults.Remove(fault, id) == 0 {
		return 0, nil, platform.ControlNotFound("no fault %s", fault)
	}
	return http.StatusNoContent, nil, nil
}
