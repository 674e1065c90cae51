// Package emulator is fakebots as a library: New returns an http.Handler that
// serves the four emulated platforms and the control API on one listener.
package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/fakebots/fakebots/emulator/bothelp"
	"github.com/fakebots/fakebots/emulator/cleverapp"
	"github.com/fakebots/fakebots/emulator/clock"
	"github.com/fakebots/fakebots/emulator/faults"
	"github.com/fakebots/fakebots/emulator/journal"
	"github.com/fakebots/fakebots/emulator/limits"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/salebot"
	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/emulator/tenant"
)

// ControlPrefix is where the control API lives on every host.
const ControlPrefix = "/__fakebots"

// Emulator serves the platforms and the control API. Create it with New and
// release it with Close.
type Emulator struct {
	cfg       config
	store     *store.Store
	clock     *clock.Clock // the global clock, every tenant's default
	tenants   *tenant.Runtime
	limiter   *limits.Limiter
	journal   *journal.Journal
	faults    *faults.Set
	env       *platform.Env
	platforms []platform.Platform
	byName    map[string]platform.Platform
	byHost    map[string]platform.Platform
	control   http.Handler
	seeded    string // id of the tenant created at start from the seed, if any
	self      selfAddrs
	dueMu     sync.Mutex
	stop      chan struct{}
	stopped   sync.WaitGroup
	closeOnce sync.Once
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
		journal: journal.New(cfg.journalSize),
		faults:  &faults.Set{},
		byName:  map[string]platform.Platform{},
		byHost:  map[string]platform.Platform{},
		stop:    make(chan struct{}),
	}
	e.tenants = tenant.NewRuntime(e.clock, cfg.rateLimits, func(id string, now time.Time) {
		e.runDue(context.Background(), id, now)
	})
	e.env = &platform.Env{Tenants: e.tenants, Limiter: e.limiter, Log: cfg.log, ReachesSelf: e.reachesSelf}
	plats, err := buildPlatforms(e.env)
	if openErr := <-opened; openErr != nil {
		return nil, fmt.Errorf("open store: %w", openErr)
	}
	e.store, e.env.Store = st, st
	if err != nil {
		st.Close()
		return nil, err
	}
	for _, p := range plats {
		e.platforms = append(e.platforms, p)
		e.byName[p.Name()] = p
		for _, h := range p.Hosts() {
			e.byHost[h] = p
		}
	}
	e.control = e.controlRoutes()
	if err := e.seed(context.Background()); err != nil {
		st.Close()
		return nil, err
	}
	e.clock.OnChange(func(time.Time) { e.runAllDue(context.Background()) })
	if cfg.tick > 0 {
		e.stopped.Add(1)
		go e.tickLoop()
	}
	return e, nil
}

// builtIn lists the emulated platforms, in the order they answer, with the
// schema each needs (the two CleverApp brands share theirs).
var builtIn = []struct {
	build  func(*platform.Env) (platform.Platform, error)
	schema store.Migrations
}{
	{cleverapp.NewCleverApp, cleverapp.Migrations},
	{cleverapp.NewOnebot, cleverapp.Migrations},
	{salebot.New, salebot.Migrations},
	{bothelp.New, bothelp.Migrations},
}

func migrations() []store.Migrations {
	out := make([]store.Migrations, len(builtIn))
	for i, b := range builtIn {
		out[i] = b.schema
	}
	return out
}

// buildPlatforms constructs the platforms concurrently: loading their specs
// is most of the start-up time.
func buildPlatforms(env *platform.Env) ([]platform.Platform, error) {
	out := make([]platform.Platform, len(builtIn))
	errs := make([]error, len(builtIn))
	var wg sync.WaitGroup
	for i, b := range builtIn {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = b.build(env)
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// Close stops background work and closes the store.
func (e *Emulator) Close() error {
	var err error
	e.closeOnce.Do(func() {
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
func (e *Emulator) SeedTenantID() string { return e.seeded }

// Platform is the emulated platform with that name, nil when there is none.
func (e *Emulator) Platform(name string) platform.Platform { return e.byName[name] }

// Platforms lists the emulated platforms.
func (e *Emulator) Platforms() []platform.Platform { return e.platforms }

// ServeHTTP routes a request to the control API or a platform.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == ControlPrefix || strings.HasPrefix(r.URL.Path, ControlPrefix+"/") {
		e.control.ServeHTTP(w, r)
		return
	}
	p, path, base := e.route(r)
	if p == nil {
		writeJSON(w, http.StatusNotFound, map[string]any{
			"error":     "no emulated platform at this path",
			"path":      r.URL.Path,
			"platforms": e.platformNames(),
		})
		return
	}
	e.serveAPI(w, r, p, path, base)
}

// route picks the platform by Host header (real paths) or by path prefix.
func (e *Emulator) route(r *http.Request) (p platform.Platform, path, base string) {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if p := e.byHost[host]; p != nil {
		return p, r.URL.Path, scheme + "://" + r.Host
	}
	rest := strings.TrimPrefix(r.URL.Path, "/")
	name, tail, _ := strings.Cut(rest, "/")
	if p := e.byName[name]; p != nil {
		return p, "/" + tail, scheme + "://" + r.Host + "/" + name
	}
	return nil, "", ""
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
