// Package control is the emulator's control API (/__fakebots): tenants,
// time, rate limits, faults, the journal and the outbox, the platforms' own
// control sections, and the documents (specs, coverage). specs/control.yaml
// documents it; a test keeps the two in step.
//
// With a control token configured every call but health needs
// `Authorization: Bearer <token>`; a tenant's own control token opens that
// tenant's endpoints (/tenants/{tenant}/…) and nothing else.
package control

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/fakebots/fakebots/emulator/events"
	"github.com/fakebots/fakebots/emulator/faults"
	"github.com/fakebots/fakebots/emulator/journal"
	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/limits"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/emulator/tenant"
	"github.com/fakebots/fakebots/emulator/version"
)

// Prefix is where the control API lives on every host.
const Prefix = "/__fakebots"

// Config is what the control API acts on.
type Config struct {
	Store        *store.Store
	Tenants      *tenant.Manager
	Runtime      *tenant.Runtime
	Journal      *journal.Journal
	Faults       *faults.Set
	Limiter      *limits.Limiter
	Platforms    []platform.Platform
	Env          *platform.Env
	Log          *slog.Logger
	MaxBodyBytes int64
	// Token guards the whole API when set (see the package doc).
	Token string
	// RunDue runs a tenant's scheduled work after its clock changed.
	RunDue func(ctx context.Context, tenantID string, now time.Time)
	// ResetAll returns the whole emulator to its start.
	ResetAll func(ctx context.Context) error
	// Events feeds the tenants' event streams (NewHub); the control API
	// publishes its own calls' changes to it.
	Events *events.Hub
	// StreamKeepAlive is how often an idle event stream says it is alive
	// (default 15s); StreamWriteTimeout bounds each of its writes (default 1m).
	StreamKeepAlive, StreamWriteTimeout time.Duration
	// UI, when set, serves the dashboard under Prefix+"/ui/" to anyone: its
	// files hold no data, which it reads from this API like any client.
	UI http.Handler
	// Mounts are endpoints served by handlers of their own (scenario runs),
	// behind the control token like the rest.
	Mounts []Mount
}

// Mount is an endpoint at Prefix+Path served by Handler.
type Mount struct {
	Method, Path string
	Handler      http.Handler
}

// API is the control API's handler.
type API struct {
	cfg    Config
	router func() *mux.Router // shared by the APIs with the same routes
	// decls and handlers are the routes as declared, in order, with this
	// API's handler of each.
	decls    []routeDecl
	handlers []http.Handler
	byName   map[string]platform.Platform
}

// handler answers a control call with a status and a JSON body, or an error.
type handler func(r *http.Request) (int, any, error)

// access says who may call a route once a control token is configured.
type access int

const (
	open        access = iota // anyone (health)
	adminOnly                 // the control token
	tenantScope               // the control token or the {tenant}'s own token
)

// New builds the control API.
func New(cfg Config) *API {
	if cfg.Events == nil {
		cfg.Events = NewHub()
	}
	a := &API{cfg: cfg, byName: map[string]platform.Platform{}}
	for _, p := range cfg.Platforms {
		a.byName[p.Name()] = p
	}
	a.routes()
	a.router = sharedRouter(a.decls)
	return a
}

// routes declares the whole control API in one place.
func (a *API) routes() {
	a.handle(open, "GET", "/health", a.health)
	a.mount("GET", Prefix+"/whoami", http.HandlerFunc(a.whoami))
	a.handle(adminOnly, "GET", "/coverage", a.coverage)
	a.handle(adminOnly, "GET", "/tenants", a.listTenants)
	a.handle(adminOnly, "POST", "/tenants", a.createTenant)
	a.handle(tenantScope, "GET", "/tenants/{tenant}", a.getTenant)
	a.handle(tenantScope, "DELETE", "/tenants/{tenant}", a.deleteTenant)
	a.handle(tenantScope, "POST", "/tenants/{tenant}/reset", a.resetTenant)
	a.mount("GET", Prefix+"/tenants/{tenant}/events", a.guard(tenantScope, http.HandlerFunc(a.streamEvents)))
	a.handle(adminOnly, "POST", "/reset", a.resetAll)
	for _, base := range []struct {
		path string
		who  access
	}{{"", adminOnly}, {"/tenants/{tenant}", tenantScope}} { // emulator-wide, and each tenant's
		a.handle(base.who, "GET", base.path+"/journal", a.listJournal)
		a.handle(base.who, "GET", base.path+"/journal/{entry}", a.journalEntry)
		a.handle(base.who, "DELETE", base.path+"/journal", a.clearJournal)
		a.handle(base.who, "GET", base.path+"/requests/unmatched", a.listUnmatched)
		a.handle(base.who, "GET", base.path+"/outbox", a.listOutbox)
		a.handle(base.who, "GET", base.path+"/clock", a.clockState)
		a.handle(base.who, "POST", base.path+"/clock/freeze", a.clockFreeze)
		a.handle(base.who, "POST", base.path+"/clock/resume", a.clockResume)
		a.handle(base.who, "POST", base.path+"/clock/advance", a.clockAdvance)
		a.handle(base.who, "POST", base.path+"/clock/set", a.clockSet)
		a.handle(base.who, "POST", base.path+"/clock/reset", a.clockReset)
		a.handle(base.who, "GET", base.path+"/rate-limits", a.rateLimits)
		a.handle(base.who, "PUT", base.path+"/rate-limits", a.setRateLimits)
		a.handle(base.who, "GET", base.path+"/faults", a.listFaults)
		a.handle(base.who, "POST", base.path+"/faults", a.addFault)
		a.handle(base.who, "DELETE", base.path+"/faults", a.clearFaults)
		a.handle(base.who, "DELETE", base.path+"/faults/{fault}", a.removeFault)
	}
	for _, p := range a.cfg.Platforms {
		ctl, ok := p.(platform.Controller)
		if !ok {
			continue
		}
		for _, route := range ctl.ControlRoutes() {
			a.handle(tenantScope, route.Method, "/tenants/{tenant}/"+p.Name()+"/"+route.Path, a.platformRoute(route))
		}
	}
	a.documents()
	a.dashboard()
	for _, m := range a.cfg.Mounts {
		a.Handle(m.Method, m.Path, m.Handler)
	}
}

// handle mounts h at Prefix+path for method, behind the access check. A
// tenant's streams hear of every change a call makes to it.
func (a *API) handle(who access, method, path string, h handler) {
	if who == tenantScope && method != http.MethodGet {
		h = a.announced(h)
	}
	a.mount(method, Prefix+path, a.guard(who, a.adapt(h)))
}

// Handle mounts a raw handler (a document, a stream) at Prefix+path, behind
// the control token.
func (a *API) Handle(method, path string, h http.Handler) {
	a.mount(method, Prefix+path, a.guard(adminOnly, h))
}

func (a *API) adapt(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, a.cfg.MaxBodyBytes)
		status, body, err := h(r)
		if err != nil {
			status, body = a.failure(r, err)
		}
		switch doc, isDoc := body.(document); {
		case status == http.StatusNoContent:
			w.WriteHeader(status)
		case isDoc:
			w.Header().Set("Content-Type", doc.contentType)
			w.WriteHeader(status)
			w.Write(doc.body)
		default:
			WriteJSON(w, status, body)
		}
	})
}

// failure turns an error into its status and body. A caller's mistake is a
// 4xx naming it; anything else is the emulator's own failure, logged with
// its detail and answered 500.
func (a *API) failure(r *http.Request, err error) (int, any) {
	var ce *platform.ControlError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &ce):
		return ce.Status, errorBody(ce.Message)
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, errorBody(err.Error())
	case errors.Is(err, tenant.ErrNotFound):
		return http.StatusNotFound, errorBody(err.Error())
	}
	a.cfg.Log.Error("control call failed", "method", r.Method, "path", r.URL.Path, "err", err)
	return http.StatusInternalServerError, errorBody("internal error: the emulator could not complete the call (see its log)")
}

func errorBody(msg string) map[string]string { return map[string]string{"error": msg} }

// WriteJSON answers with body as compact JSON: the control API's and the
// emulator's own answers (not a platform's) all go through it.
func WriteJSON(w http.ResponseWriter, status int, body any) {
	out, err := jsonx.Marshal(body, false)
	if err != nil {
		status, out = http.StatusInternalServerError, []byte(`{"error":"encoding the answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(out)
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

// scope is the tenant a route names ("" for an emulator-wide route); it
// must exist.
func (a *API) scope(r *http.Request) (string, error) {
	id, scoped := mux.Vars(r)["tenant"]
	if !scoped {
		return "", nil
	}
	return id, a.cfg.Tenants.Exists(r.Context(), id)
}

func (a *API) health(*http.Request) (int, any, error) {
	names := make([]string, len(a.cfg.Platforms))
	for i, p := range a.cfg.Platforms {
		names[i] = p.Name()
	}
	return http.StatusOK, jsonx.Object{
		{Key: "status", Value: "ok"},
		{Key: "version", Value: version.Get().Version},
		{Key: "platforms", Value: names},
		{Key: "now", Value: a.cfg.Runtime.Global().Now()},
	}, nil
}

// platformRoute adapts a platform's control route: the tenant must exist.
func (a *API) platformRoute(route platform.ControlRoute) handler {
	return func(r *http.Request) (int, any, error) {
		id, err := a.scope(r)
		if err != nil {
			return 0, nil, err
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return 0, nil, err
		}
		status, out, err := route.Handle(&platform.ControlRequest{
			HTTP: r, TenantID: id, Vars: mux.Vars(r), Body: body, Now: a.cfg.Runtime.For(id).Now(), Env: a.cfg.Env,
		})
		return status, out, callerError(err)
	}
}

// callerError tells, for a platform's control route, a refusal of what the
// caller sent from a failure of the emulator: a platform's own checks
// (settings, fixture-like bodies) return plain errors, which are the
// caller's (400), as is a row the store refused for a constraint (409); an
// error of the store itself, or a cancelled call, stays internal.
func callerError(err error) error {
	var ce *platform.ControlError
	switch {
	case err == nil || errors.As(err, &ce) || errors.Is(err, tenant.ErrNotFound):
		return err
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case store.IsConstraint(err):
		return &platform.ControlError{Status: http.StatusConflict, Message: err.Error()}
	case store.IsStoreError(err):
		return err
	}
	return platform.BadControlRequest("%v", err)
}

// Routes lists every endpoint as "METHOD /path/{template}", for the test that
// keeps specs/control.yaml complete.
func (a *API) Routes() []string {
	var out []string
	a.router().Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		path, err := route.GetPathTemplate()
		if err != nil {
			return err
		}
		methods, err := route.GetMethods()
		if err != nil {
			return err
		}
		for _, m := range methods {
			out = append(out, m+" "+path)
		}
		return nil
	})
	return out
}
