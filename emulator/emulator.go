// Package emulator is fakebots as a library: New returns an http.Handler that
// serves the four emulated platforms and the control API on one listener.
package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/fakebots/fakebots/emulator/clock"
	"github.com/fakebots/fakebots/emulator/control"
	"github.com/fakebots/fakebots/emulator/events"
	"github.com/fakebots/fakebots/emulator/faults"
	"github.com/fakebots/fakebots/emulator/journal"
	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/limits"
	"github.com/fakebots/fakebots/emulator/pagecache"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/scenario"
	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/emulator/tenant"
	"github.com/fakebots/fakebots/emulator/ui"
)

// ControlPrefix is where the control API lives on every host.
const ControlPrefix = control.Prefix

// DashboardPath is where the dashboard is served.
const DashboardPath = control.UIPath

// Emulator serves the platforms and the control API. Create it with New and
// release it with Close.
type Emulator struct {
	cfg       config
	store     *store.Store
	clock     *clock.Clock // the global clock, every tenant's default
	tenants   *tenant.Runtime
	manager   *tenant.Manager
	limiter   *limits.Limiter
	journal   *journal.Journal
	pages     *pagecache.Cache
	faults    *faults.Set
	env       *platform.Env
	platforms []platform.Platform
	byName    map[string]platform.Platform
	byHost    map[string]platform.Platform
	control   *control.API
	events    *events.Hub // what changes for each tenant, to its event streams
	self      selfAddrs
	dueMu     sync.Mutex
	// knownTenants caches tenants named in URLs: id → the store's auth
	// version when it was seen to exist.
	knownTenants sync.Map
	stop         chan struct{}
	stopped      sync.WaitGroup
	closeOnce    sync.Once
	// scenarioRuns are the scenario runs started through the control API.
	scenarioRuns *scenario.RunsHandler
}

// New builds an emulator: it opens the store, loads the specs and creates
// the seed tenant.
func New(opts ...Option) (*Emulator, error) {
	cfg := defaults()
	for _, o := range opts {
		o(&cfg)
	}
	// Opening the store and parsing the specs are most of the start-up:
	// do them side by side.
	opened := make(chan error, 1)
	var st *store.Store
	go func() {
		var err error
		st, err = store.Open(cfg.dbPath, migrations()...)
		opened <- err
	}()
	e := &Emulator{
		cfg:     cfg,
		clock:   clock.New(cfg.wall),
		limiter: limits.New(),
		journal: journal.New(cfg.journal),
		pages:   pagecache.New(cfg.pageCacheBytes),
		faults:  &faults.Set{},
		events:  control.NewHub(),
		byName:  map[string]platform.Platform{},
		byHost:  map[string]platform.Platform{},
		stop:    make(chan struct{}),
	}
	e.tenants = tenant.NewRuntime(e.clock, cfg.rateLimits, func(id string, now time.Time) {
		e.runDue(context.Background(), id, now)
	})
	e.env = &platform.Env{Tenants: e.tenants, Limiter: e.limiter, Log: cfg.log, ReachesSelf: e.reachesSelf,
		Changed: func(tenantID, kind string, data any) {
			e.events.Publish(events.Event{Tenant: tenantID, Type: kind, Data: data})
		}}
	e.tenants.OnClockChange(func(id string, _ time.Time) {
		if e.events.Subscribers(id) > 0 {
			e.events.Publish(control.ClockEvent(e.tenants, id))
		}
	})
	e.journal.OnAdd(func(en journal.Entry) {
		if en.TenantID != "" && e.events.Subscribers(en.TenantID) > 0 { // the event is made for its watchers only
			e.events.Publish(control.JournalEvent(en))
		}
	})
	builds := buildPlatforms(e.env)
	if openErr := <-opened; openErr != nil {
		builds.wait()
		return nil, fmt.Errorf("open store: %w", openErr)
	}
	e.store, e.env.Store = st, st
	// The seed tenant is provisioned while the platforms are still being
	// built: each platform's part waits for that platform alone.
	e.manager = &tenant.Manager{
		Store: st, Runtime: e.tenants, Platforms: builds.pending(), FakerSeed: cfg.fakerSeed,
		Forget: e.forget,
	}
	seedErr := e.manager.Seed(context.Background(), cfg.seed)
	plats, err := builds.wait()
	if err == nil {
		err = seedErr
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	e.manager.Platforms = plats
	for _, p := range plats {
		e.platforms = append(e.platforms, p)
		e.byName[p.Name()] = p
		for _, h := range p.Hosts() {
			e.byHost[h] = p
		}
	}
	e.control = control.New(control.Config{
		Store: st, Tenants: e.manager, Runtime: e.tenants, Journal: e.journal, Faults: e.faults,
		Limiter: e.limiter, Platforms: e.platforms, Env: e.env, Log: cfg.log,
		MaxBodyBytes: cfg.maxBodyBytes, Token: cfg.controlToken,
		RunDue: e.runDue, ResetAll: e.Reset, Mounts: e.scenarioMounts(),
		Events: e.events, StreamWriteTimeout: cfg.writeTimeout, UI: ui.Handler(),
	})
	e.clock.OnChange(func(time.Time) { e.runAllDue(context.Background()) })
	if cfg.tick > 0 {
		e.stopped.Add(1)
		go e.tickLoop()
	}
	return e, nil
}

// Close stops background work and closes the store.
func (e *Emulator) Close() error {
	var err error
	e.closeOnce.Do(func() {
		e.scenarioRuns.Close() // runs talk to the emulator: they end first
		e.events.Close()
		close(e.stop)
		e.stopped.Wait()
		for _, p := range e.platforms {
			if c, ok := p.(io.Closer); ok { // platforms with background work (webhook deliveries)
				c.Close()
			}
		}
		err = e.store.Close()
	})
	return err
}

// Clock is the emulator's global clock, the default of every tenant, for Go
// tests that drive time directly.
func (e *Emulator) Clock() *clock.Clock { return e.clock }

// TenantClock is a tenant's clock: it follows the global one until it is
// changed itself. Changing it delivers what falls due for that tenant alone.
func (e *Emulator) TenantClock(id string) *clock.Clock { return e.tenants.For(id) }

// SeedTenantID is the id of the tenant created from the start-up seed ("" with none).
func (e *Emulator) SeedTenantID() string { return e.manager.Seeded() }

// TenantRequest is the body of POST /__fakebots/tenants.
type TenantRequest = tenant.Request

// ErrTenantNotFound is returned for an unknown tenant id.
var ErrTenantNotFound = tenant.ErrNotFound

// CreateTenant creates an isolated tenant and returns its creation answer
// ({"id": …, "cleverapp": {…}, …, "control_token": …}).
func (e *Emulator) CreateTenant(ctx context.Context, req TenantRequest) (jsonx.Object, error) {
	return e.manager.Create(ctx, req)
}

// TenantInfo returns a tenant's creation answer.
func (e *Emulator) TenantInfo(ctx context.Context, id string) (json.RawMessage, error) {
	return e.manager.Info(ctx, id)
}

// Reset returns the whole emulator to its start: every tenant deleted, the
// seed tenant created again; journal, faults, counters, clocks and the
// rate-limit switch back to their defaults.
func (e *Emulator) Reset(ctx context.Context) error {
	err := e.manager.ResetAll(ctx, e.cfg.seed, e.cfg.rateLimits)
	e.events.End("", events.EmulatorReset)
	return err
}

// EndStreams ends every open event stream. A server shutting down waits
// for requests in flight, and a stream is one until it ends: register it
// with http.Server.RegisterOnShutdown.
func (e *Emulator) EndStreams() { e.events.End("", events.ShuttingDown) }

// forget drops what the emulator keeps in memory of a tenant ("" for all):
// its journal, faults and limit counters.
func (e *Emulator) forget(id string) {
	e.journal.Clear(journal.Filter{TenantID: id})
	e.faults.Remove("", id)
	if id == "" {
		e.limiter.Reset("")
	} else {
		e.limiter.Reset(platform.LimitKey(id, "", ""))
	}
}

// Platform is the emulated platform with that name, nil when there is none.
func (e *Emulator) Platform(name string) platform.Platform { return e.byName[name] }

// Platforms lists the emulated platforms.
func (e *Emulator) Platforms() []platform.Platform { return e.platforms }

// ServeHTTP routes a request to the control API or a platform.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, ControlPrefix+"/") {
		e.control.ServeHTTP(w, r)
		return
	}
	if (r.URL.Path == "/" || r.URL.Path == ControlPrefix) && e.byHost[hostOnly(r.Host)] == nil {
		// Someone opened the emulator's address: show them where things are.
		http.Redirect(w, r, control.Landing(r), http.StatusFound)
		return
	}
	rt, ok := e.route(r)
	switch {
	case !ok:
		e.unrouted(w, r, e.platformMiss(r.URL.Path), map[string]any{
			"error":     "no emulated platform at this path",
			"path":      r.URL.Path,
			"platforms": e.platformNames(),
		})
	case rt.scope != "" && !e.tenantExists(r.Context(), rt.scope):
		e.unrouted(w, r, &journal.Miss{Reason: journal.NoTenant, Detail: "no tenant " + rt.scope},
			map[string]any{"error": "no tenant " + rt.scope, "path": r.URL.Path})
	default:
		e.serveAPI(w, r, rt)
	}
}

// route is where a request goes: the platform, the platform's own path, the
// base URL the client used, and the tenant the URL names, if any.
type route struct {
	platform   platform.Platform
	path, base string
	scope      string
}

// route picks the platform by Host header (real paths), by path prefix
// (/{platform}/…) or by a tenant's own prefix (/t/{tenant}/{platform}/…).
func (e *Emulator) route(r *http.Request) (route, bool) {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	if p := e.byHost[hostOnly(r.Host)]; p != nil {
		return route{platform: p, path: r.URL.Path, base: scheme + "://" + r.Host}, true
	}
	prefix, rest := "", strings.TrimPrefix(r.URL.Path, "/")
	scope := ""
	if tail, ok := strings.CutPrefix(r.URL.Path, tenant.PathPrefix); ok {
		scope, rest, _ = strings.Cut(tail, "/")
		prefix = tenant.PathPrefix + scope
	}
	name, tail, _ := strings.Cut(rest, "/")
	if p := e.byName[name]; p != nil {
		return route{platform: p, path: "/" + tail, base: scheme + "://" + r.Host + prefix + "/" + name, scope: scope}, true
	}
	return route{}, false
}

// hostOnly is a Host header without its port, lower case.
func hostOnly(hostport string) string {
	host := strings.ToLower(hostport)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return host
}

// tenantExists answers for a tenant named in a URL, from a cache that holds
// while no tenant is created or deleted (the store's auth version).
func (e *Emulator) tenantExists(ctx context.Context, id string) bool {
	version := e.store.AuthVersion()
	if v, ok := e.knownTenants.Load(id); ok && v.(uint64) == version {
		return true
	}
	if _, err := e.store.Tenant(ctx, id); err != nil {
		return false
	}
	e.knownTenants.Store(id, version)
	return true
}

func (e *Emulator) platformNames() []string {
	names := make([]string, len(e.platforms))
	for i, p := range e.platforms {
		names[i] = p.Name()
	}
	return names
}

func (e *Emulator) tickLoop() {
	defer e.stopped.Done()
	t := time.NewTicker(e.cfg.tick)
	defer t.Stop()
	for {
		select {
		case <-e.stop:
			return
		case <-t.C:
			e.runAllDue(context.Background())
		}
	}
}

// ControlRoutes lists the control API's endpoints as "METHOD /path/{template}".
func (e *Emulator) ControlRoutes() []string { return e.control.Routes() }
