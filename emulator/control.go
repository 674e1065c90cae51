package emulator

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"github.com/fakebots/fakebots/emulator/faults"
	"github.com/fakebots/fakebots/emulator/journal"
	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/scenario"
	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/specs"
)

// controlHandler answers a control call with a status and a JSON body, or an error.
type controlHandler func(r *http.Request) (int, any, error)

// controlRoutes declares the whole control API in one place; specs/control.yaml
// documents it and a test keeps the two in step.
func (e *Emulator) controlRoutes() http.Handler {
	m := mux.NewRouter()
	handle := func(method, path string, h controlHandler) {
		m.Handle(ControlPrefix+path, e.controlAdapter(h)).Methods(method)
	}
	handle("GET", "/health", e.ctlHealth)
	handle("GET", "/coverage", e.ctlCoverage)
	handle("GET", "/tenants", e.ctlListTenants)
	handle("POST", "/tenants", e.ctlCreateTenant)
	handle("GET", "/tenants/{tenant}", e.ctlGetTenant)
	handle("DELETE", "/tenants/{tenant}", e.ctlDeleteTenant)
	handle("POST", "/tenants/{tenant}/reset", e.ctlResetTenant)
	handle("POST", "/reset", e.ctlReset)
	handle("GET", "/journal", e.ctlJournal)
	handle("DELETE", "/journal", e.ctlClearJournal)
	handle("GET", "/outbox", e.ctlOutbox)
	handle("GET", "/clock", e.ctlClock)
	handle("POST", "/clock/freeze", e.ctlClockFreeze)
	handle("POST", "/clock/resume", e.ctlClockResume)
	handle("POST", "/clock/advance", e.ctlClockAdvance)
	handle("POST", "/clock/set", e.ctlClockSet)
	handle("POST", "/clock/reset", e.ctlClockReset)
	handle("GET", "/faults", e.ctlListFaults)
	handle("POST", "/faults", e.ctlAddFault)
	handle("DELETE", "/faults", e.ctlClearFaults)
	handle("DELETE", "/faults/{fault}", e.ctlRemoveFault)
	handle("GET", "/rate-limits", e.ctlRateLimits)
	handle("PUT", "/rate-limits", e.ctlSetRateLimits)
	for _, p := range e.platforms {
		ctl, ok := p.(platform.Controller)
		if !ok {
			continue
		}
		for _, route := range ctl.ControlRoutes() {
			handle(route.Method, "/tenants/{tenant}/"+p.Name()+"/"+route.Path, e.platformControl(route))
		}
	}
	scenarios := scenario.NewRunsHandler(&http.Client{Transport: scenario.HandlerTransport(e)}, "http://fakebots.internal")
	m.PathPrefix(ControlPrefix + "/scenarios").Handler(scenarios)
	m.Handle(ControlPrefix+"/schemas/scenario.json", scenarios).Methods("GET")
	// Raw documents are not JSON: serve them directly.
	m.Handle(ControlPrefix+"/openapi.yaml", yamlHandler(specs.Control)).Methods("GET")
	m.HandleFunc(ControlPrefix+"/specs/{platform}.yaml", func(w http.ResponseWriter, r *http.Request) {
		p := e.byName[mux.Vars(r)["platform"]]
		if p == nil {
			writeJSON(w, http.StatusNotFound, errorBody("unknown platform"))
			return
		}
		yamlHandler(p.Spec().Raw).ServeHTTP(w, r)
	}).Methods("GET")
	m.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorBody("no control endpoint at "+r.URL.Path))
	})
	m.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusMethodNotAllowed, errorBody(r.Method+" is not allowed on "+r.URL.Path))
	})
	return m
}

func (e *Emulator) controlAdapter(h controlHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, e.cfg.maxBodyBytes)
		status, body, err := h(r)
		if err != nil {
			status, body = controlErrorStatus(err), errorBody(err.Error())
		}
		if status == http.StatusNoContent {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, body)
	})
}

func controlErrorStatus(err error) int {
	var ce *platform.ControlError
	var conflict *conflictError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &ce):
		return ce.Status
	case errors.As(err, &conflict):
		return http.StatusConflict
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrTenantNotFound):
		return http.StatusNotFound
	}
	return http.StatusBadRequest
}

func errorBody(msg string) map[string]string { return map[string]string{"error": msg} }

func writeJSON(w http.ResponseWriter, status int, body any) {
	out, err := jsonx.Marshal(body, false)
	if err != nil {
		status, out = http.StatusInternalServerError, []byte(`{"error":"encoding the answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(out)
}

func yamlHandler(raw []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(raw)
	})
}

// decodeBody reads an optional JSON object into v, rejecting unknown fields.
func decodeBody(r *http.Request, v any) error {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if err := platform.DecodeStrict(raw, v); err != nil {
		return platform.BadControlRequest("invalid JSON body: %v", err)
	}
	return nil
}

func (e *Emulator) ctlHealth(*http.Request) (int, any, error) {
	return http.StatusOK, jsonx.Object{
		{Key: "status", Value: "ok"},
		{Key: "platforms", Value: e.platformNames()},
		{Key: "now", Value: e.clock.Now()},
	}, nil
}

func (e *Emulator) ctlListTenants(r *http.Request) (int, any, error) {
	tenants, err := e.store.Tenants(r.Context())
	return http.StatusOK, map[string]any{"data": tenants}, err
}

func (e *Emulator) ctlCreateTenant(r *http.Request) (int, any, error) {
	var req TenantRequest
	if err := decodeBody(r, &req); err != nil {
		return 0, nil, err
	}
	info, err := e.CreateTenant(r.Context(), req)
	return http.StatusCreated, info, err
}

func (e *Emulator) ctlGetTenant(r *http.Request) (int, any, error) {
	info, err := e.TenantInfo(r.Context(), mux.Vars(r)["tenant"])
	return http.StatusOK, info, err
}

func (e *Emulator) ctlDeleteTenant(r *http.Request) (int, any, error) {
	return http.StatusNoContent, nil, e.DeleteTenant(r.Context(), mux.Vars(r)["tenant"])
}

func (e *Emulator) ctlResetTenant(r *http.Request) (int, any, error) {
	info, err := e.ResetTenant(r.Context(), mux.Vars(r)["tenant"])
	return http.StatusOK, info, err
}

func (e *Emulator) ctlReset(r *http.Request) (int, any, error) {
	return http.StatusOK, map[string]any{"reset": true, "seed_tenant": e.seeded}, e.Reset(r.Context())
}

func journalFilter(tenant, platformName, operation string) journal.Filter {
	return journal.Filter{TenantID: tenant, Platform: platformName, Operation: operation}
}

func queryFilter(r *http.Request) (journal.Filter, error) {
	q := r.URL.Query()
	f := journalFilter(q.Get("tenant"), q.Get("platform"), q.Get("operation"))
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return f, platform.BadControlRequest("limit must be a non-negative integer")
		}
		f.Limit = n
	}
	return f, nil
}

func (e *Emulator) ctlJournal(r *http.Request) (int, any, error) {
	f, err := queryFilter(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"data": e.journal.List(f)}, nil
}

func (e *Emulator) ctlClearJournal(r *http.Request) (int, any, error) {
	f, err := queryFilter(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]int{"removed": e.journal.Clear(f)}, nil
}

func (e *Emulator) ctlOutbox(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	jf, err := queryFilter(r)
	if err != nil {
		return 0, nil, err
	}
	msgs, err := e.store.Outbox(r.Context(), store.OutboxFilter{
		TenantID: q.Get("tenant"), Platform: q.Get("platform"), Recipient: q.Get("recipient"), Status: q.Get("status"), Limit: jf.Limit,
	})
	return http.StatusOK, map[string]any{"data": msgs}, err
}

func (e *Emulator) clockState() map[string]any {
	return map[string]any{"now": e.clock.Now(), "frozen": e.clock.Frozen()}
}

func (e *Emulator) ctlClock(*http.Request) (int, any, error) {
	return http.StatusOK, e.clockState(), nil
}

func (e *Emulator) ctlClockFreeze(*http.Request) (int, any, error) {
	e.clock.Freeze()
	return http.StatusOK, e.clockState(), nil
}

func (e *Emulator) ctlClockResume(*http.Request) (int, any, error) {
	e.clock.Resume()
	return http.StatusOK, e.clockState(), nil
}

func (e *Emulator) ctlClockReset(*http.Request) (int, any, error) {
	e.clock.Reset()
	return http.StatusOK, e.clockState(), nil
}

func (e *Emulator) ctlClockAdvance(r *http.Request) (int, any, error) {
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
	e.clock.Advance(d)
	return http.StatusOK, e.clockState(), nil
}

func (e *Emulator) ctlClockSet(r *http.Request) (int, any, error) {
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
	if body.Freeze {
		e.clock.Freeze()
	}
	e.clock.Set(body.Now)
	return http.StatusOK, e.clockState(), nil
}

func (e *Emulator) ctlListFaults(r *http.Request) (int, any, error) {
	return http.StatusOK, map[string]any{"data": e.faults.List(r.URL.Query().Get("tenant"))}, nil
}

func (e *Emulator) ctlAddFault(r *http.Request) (int, any, error) {
	var f faults.Fault
	if err := decodeBody(r, &f); err != nil {
		return 0, nil, err
	}
	if err := f.Validate(); err != nil {
		return 0, nil, platform.BadControlRequest("%v", err)
	}
	p := e.byName[f.Platform]
	if p == nil {
		return 0, nil, platform.BadControlRequest("unknown platform %q", f.Platform)
	}
	if f.Operation != "" && p.Spec().Operation(f.Operation) == nil {
		return 0, nil, platform.BadControlRequest("platform %s has no operation %q", f.Platform, f.Operation)
	}
	return http.StatusCreated, e.faults.Add(f), nil
}

func (e *Emulator) ctlClearFaults(r *http.Request) (int, any, error) {
	return http.StatusOK, map[string]int{"removed": e.faults.Remove("", r.URL.Query().Get("tenant"))}, nil
}

func (e *Emulator) ctlRemoveFault(r *http.Request) (int, any, error) {
	if e.faults.Remove(mux.Vars(r)["fault"], "") == 0 {
		return 0, nil, platform.ControlNotFound("no fault %s", mux.Vars(r)["fault"])
	}
	return http.StatusNoContent, nil, nil
}

func (e *Emulator) ctlRateLimits(*http.Request) (int, any, error) {
	return http.StatusOK, map[string]bool{"enabled": e.limiter.Enabled()}, nil
}

func (e *Emulator) ctlSetRateLimits(r *http.Request) (int, any, error) {
	var body struct {
		Enabled *bool `json:"enabled"`
	}
	if err := decodeBody(r, &body); err != nil {
		return 0, nil, err
	}
	if body.Enabled == nil {
		return 0, nil, platform.BadControlRequest("enabled (true or false) is required")
	}
	e.limiter.SetEnabled(*body.Enabled)
	e.limiter.Reset("")
	return http.StatusOK, map[string]bool{"enabled": *body.Enabled}, nil
}

// platformControl adapts a platform's control route: the tenant must exist.
func (e *Emulator) platformControl(route platform.ControlRoute) controlHandler {
	return func(r *http.Request) (int, any, error) {
		vars := mux.Vars(r)
		if _, err := e.store.Tenant(r.Context(), vars["tenant"]); errors.Is(err, store.ErrNotFound) {
			return 0, nil, ErrTenantNotFound
		} else if err != nil {
			return 0, nil, err
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return 0, nil, err
		}
		return route.Handle(&platform.ControlRequest{
			HTTP: r, TenantID: vars["tenant"], Vars: vars, Body: body, Now: e.clock.Now(), Env: e.env,
		})
	}
}
