// Package platform is the contract between the shared engine and the
// platform packages. The engine routes, journals, injects faults, applies
// rate limits and calls the platform's hooks in a fixed order (see
// emulator/pipeline.go); a platform supplies its spec, its authentication,
// its parameter rules, its handlers and one renderer for all its answers.
package platform

import (
	"context"
	"encoding/json"
	"log/slog"
	"math/rand"
	"net/http"
	"net/url"
	"time"

	"github.com/brianvoe/gofakeit/v6"

	"github.com/fakebots/fakebots/emulator/clock"
	"github.com/fakebots/fakebots/emulator/limits"
	"github.com/fakebots/fakebots/emulator/spec"
	"github.com/fakebots/fakebots/emulator/store"
)

// Platform is one emulated API.
type Platform interface {
	// Name is the platform's id: its URL prefix (/name/...), its spec file
	// (specs/name.yaml) and its credential namespace.
	Name() string
	// Hosts are the real hostnames routed to the platform by Host header.
	Hosts() []string
	Spec() *spec.Spec
	// Authenticate finds the credential in the request and the tenant that
	// owns it. It returns the principal it could identify (possibly empty)
	// and the platform's error when the request may not proceed.
	Authenticate(r *Request) (Principal, error)
	// Input reads the parameters by the platform's rules (merging query,
	// form and JSON, for example).
	Input(r *Request) (Input, error)
	// Validate checks r.Input for r.Operation. Platforms whose rules are in
	// the spec's schemas return ValidateSchema(r).
	Validate(r *Request) error
	// Handler returns the handler of an operation id, nil when none.
	Handler(operationID string) Handler
	// Render turns a handler's result or any error (the platform's own, or
	// the engine's: *spec.RouteError, *RateLimited, *ValidationError,
	// ErrBodyTooLarge, others as internal errors) into the response.
	Render(r *Request, result any, err error) Response
	// Provision creates a tenant's state for this platform from its fixture
	// section (nil for an empty tenant) and returns what the tenant's owner
	// needs next: credentials and ids.
	Provision(tx *store.Tx, setup Setup) (any, error)
}

// LimitReporter is implemented by platforms whose answers report the
// caller's standing against its rate limits in headers (Laravel's
// X-RateLimit-*). The engine calls it on every answer a limit let through
// (r.Limits set, status not 429), after Render and on pages served from the
// cache alike, so a cached page never carries another request's counts.
type LimitReporter interface {
	ReportLimits(r *Request, h http.Header)
}

// Handler runs one operation.
type Handler func(r *Request) (any, error)

// Env is what handlers may use besides the request.
type Env struct {
	Store *store.Store
	// Tenants holds each tenant's clock and rate-limit switch. A request's
	// Now already comes from its tenant's clock; background work (scheduled
	// sends, retries) reads Tenants.For(tenantID).
	Tenants TenantState
	Limiter *limits.Limiter
	Log     *slog.Logger
	// ReachesSelf, when set, says why an outgoing request to u (a webhook)
	// would reach the emulator's own platform or control endpoints, or
	// returns nil: deliveries check it so they never loop back into it.
	ReachesSelf func(ctx context.Context, u *url.URL) error
	// Changed, when set, tells live watchers of a tenant (the control API's
	// event streams) that something of a platform's changed outside a
	// request or a control call; platforms call Announce.
	Changed func(tenantID, kind string, data any)
}

// Announce tells watchers of the tenant that something changed in the
// background (a webhook delivery ended): kind names it, data is a small
// JSON value describing it. It never waits.
func (e *Env) Announce(tenantID, kind string, data any) {
	if e.Changed != nil {
		e.Changed(tenantID, kind, data)
	}
}

// TenantState is what each tenant has of its own besides its data: a clock
// (following the global one until changed) and a rate-limit switch. The
// engine's emulator/tenant.Runtime implements it.
type TenantState interface {
	// For returns the tenant's clock; "" gives the global clock.
	For(tenantID string) *clock.Clock
	// Now is the time the tenant's clock shows, For(tenantID).Now() without
	// making a clock for a tenant that has none yet.
	Now(tenantID string) time.Time
	// LimitsEnabled reports whether rate limits apply to the tenant.
	LimitsEnabled(tenantID string) bool
}

// Principal is who is calling.
type Principal struct {
	TenantID   string
	Credential store.Credential
	// LimitKey identifies the rate-limit bucket: usually the credential.
	LimitKey string
}

// Request is one API call as it moves through the pipeline.
type Request struct {
	HTTP     *http.Request
	Platform string
	Body     []byte
	Path     string // the platform's real path, without the emulator's prefix
	BaseURL  string // scheme://host[/prefix] the client used, for links in responses
	// Scope is the tenant the URL names (/t/{tenant}/{platform}/…), "" for
	// the shared prefix and host forms: only that tenant's credentials work.
	Scope      string
	Now        time.Time // on the tenant's clock once the caller is known, the global clock before
	Operation  *spec.Operation
	PathParams map[string]string
	Principal  Principal
	Limits     []limits.Verdict
	Input      Input
	Env        *Env
}

// Context is the request's context.
func (r *Request) Context() context.Context { return r.HTTP.Context() }

// TenantID is the caller's tenant.
func (r *Request) TenantID() string { return r.Principal.TenantID }

// Tenant is the tenant the request belongs to: its caller's, or else the one
// its URL names; "" when neither is known.
func (r *Request) Tenant() string {
	if r.Principal.TenantID != "" {
		return r.Principal.TenantID
	}
	return r.Scope
}

// Response is what goes back to the client.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Setup is what Provision gets.
type Setup struct {
	TenantID string
	Now      time.Time
	Faker    *gofakeit.Faker // seeded by the faker seed: the same fixture gives the same data
	Rand     *rand.Rand      // seeded per tenant: credentials and ids, stable across resets
	// Fixture is the platform's section of the tenant's fixture as JSON,
	// nil when the tenant was created without one.
	Fixture json.RawMessage
	// BasePath is the tenant's own prefix for the platform
	// (/t/{tenant}/{platform}): the platform answers with its base URL(s)
	// under it (its API root, a token URL), so a client configured with them
	// is always the tenant's, whatever credential it sends.
	BasePath string
}

// ValidateSchema checks r.Input against the operation's input schema and
// returns a *ValidationError listing every failure.
func ValidateSchema(r *Request) error {
	if errs := r.Operation.Validate(r.Input); len(errs) > 0 {
		return &ValidationError{Fields: errs}
	}
	return nil
}

// Write runs fn in a write transaction of the caller's tenant: its
// commit moves only that tenant's data version.
func (r *Request) Write(fn func(*store.Tx) error) error {
	return r.Env.Store.WriteTenant(r.Context(), r.Principal.TenantID, fn)
}

// HitLimit counts this request against rules under key, in the caller's
// tenant and platform, on the tenant's clock, unless the tenant's limits are
// off. Handlers use it for limits that depend on the request's content (per
// messenger, per recipient).
func (r *Request) HitLimit(key string, rules ...limits.Rule) ([]limits.Verdict, *limits.Verdict) {
	if !r.Env.Tenants.LimitsEnabled(r.Principal.TenantID) {
		return limits.Allowed(r.Now, rules...), nil
	}
	return r.Env.Limiter.Hit(r.Now, LimitKey(r.Principal.TenantID, r.Platform, key), rules...)
}

// LimitKey is the limiter key of a bucket. With platform and key empty it is
// the prefix of all of a tenant's buckets.
func LimitKey(tenantID, platform, key string) string {
	if platform == "" && key == "" {
		return tenantID + "\x00"
	}
	return tenantID + "\x00" + platform + "\x00" + key
}
