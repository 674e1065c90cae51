package tenant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/brianvoe/gofakeit/v6"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/fixtures"
)

// Request is the body of POST /__fakebots/tenants.
type Request struct {
	// ID chooses the tenant's id; empty for a random one.
	ID string `json:"id,omitempty"`
	// Fixture is a fixture name ("demo") or an inline fixture object.
	Fixture json.RawMessage `json:"fixture,omitempty"`
}

// ErrNotFound is returned for an unknown tenant id.
var ErrNotFound = errors.New("tenant not found")

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// PathPrefix is where a tenant's own base URLs start: /t/{tenant}/{platform}/…
// reaches the platform as that tenant, whatever credential the client sends.
const PathPrefix = "/t/"

// Manager creates, resets and deletes tenants: their stored state (through
// every platform's Provision) and their in-memory traces.
type Manager struct {
	Store     *store.Store
	Runtime   *Runtime
	Platforms []platform.Platform
	FakerSeed int64
	// Forget drops what other parts of the emulator keep in memory of a
	// tenant (journal, faults, limit counters); "" means every tenant.
	Forget func(tenantID string)

	mu     sync.Mutex
	seeded string
}

// Create makes an isolated tenant and returns its creation answer: its id,
// each platform's credentials, ids and base URL, and its control token.
func (m *Manager) Create(ctx context.Context, req Request) (jsonx.Object, error) {
	fixture, stored, err := resolveFixture(req.Fixture)
	if err != nil {
		return nil, platform.BadControlRequest("%v", err)
	}
	if req.ID != "" {
		return m.create(ctx, req.ID, true, fixture, stored)
	}
	// A fixture's own id is a wish: taken (now, or by a creation running at
	// the same time), the tenant gets a fresh one.
	if wanted := fixtureID(fixture); wanted != "" {
		info, err := m.create(ctx, wanted, true, fixture, stored)
		var ce *platform.ControlError
		if !errors.As(err, &ce) || ce.Status != http.StatusConflict {
			return info, err
		}
	}
	return m.create(ctx, "t_"+store.RandomToken(6), false, fixture, stored)
}

// create stores tenant id; chosen ids (asked for, or a fixture's) seed
// the tenant's credentials and ids, so they are the same on every start.
func (m *Manager) create(ctx context.Context, id string, chosen bool, fixture json.RawMessage, stored string) (jsonx.Object, error) {
	if !idPattern.MatchString(id) {
		return nil, platform.BadControlRequest("tenant id must match %s", idPattern)
	}
	tn := store.Tenant{
		ID: id, Seed: tenantSeed(id, chosen, m.FakerSeed), FakerSeed: m.FakerSeed, Fixture: stored,
		CreatedAt: m.Runtime.Global().Now(), ControlToken: "ct_" + store.RandomToken(16),
	}
	var info jsonx.Object
	err := m.Store.WriteTenant(ctx, id, func(tx *store.Tx) error {
		if err := tx.InsertTenant(tn); err != nil {
			if store.IsConstraint(err) {
				return &platform.ControlError{Status: http.StatusConflict, Message: fmt.Sprintf("tenant %q already exists", id)}
			}
			return err
		}
		var err error
		if info, err = m.provision(tx, tn, fixture); err != nil {
			return err
		}
		return keepInfo(tx, id, info)
	})
	return info, err
}

// keepInfo stores the creation answer, so reading a tenant is one query.
func keepInfo(tx *store.Tx, id string, info jsonx.Object) error {
	raw, err := jsonx.Marshal(info, false)
	if err != nil {
		return err
	}
	return tx.SetTenantInfo(id, raw)
}

// resolveFixture turns the request's fixture (name, inline object or
// nothing) into the fixture JSON and the form kept with the tenant.
func resolveFixture(raw json.RawMessage) (fixture json.RawMessage, stored string, err error) {
	trimmed := strings.TrimSpace(string(raw))
	switch {
	case trimmed == "" || trimmed == "null":
		return json.RawMessage(`{}`), "", nil
	case strings.HasPrefix(trimmed, `"`):
		var name string
		if err := json.Unmarshal(raw, &name); err != nil {
			return nil, "", err
		}
		fixture, err := fixtures.Load(name)
		return fixture, name, err
	case strings.HasPrefix(trimmed, "{"):
		// Round-trip through the YAML reader (its errors name the fixture) so inline and file fixtures agree.
		fixture, err := fixtures.ToJSON(raw)
		if err != nil {
			return nil, "", err
		}
		return fixture, trimmed, nil
	}
	return nil, "", errors.New("fixture must be a fixture name or an object")
}

// storedFixture reverses resolveFixture for a tenant being reset.
func storedFixture(stored string) (json.RawMessage, error) {
	if strings.HasPrefix(stored, "{") {
		return fixtures.ToJSON([]byte(stored))
	}
	if stored == "" {
		return json.RawMessage(`{}`), nil
	}
	return fixtures.Load(stored)
}

// provision gives every platform its section of the fixture, in platform
// order, and answers with what each returned plus the tenant's control token.
func (m *Manager) provision(tx *store.Tx, tn store.Tenant, fixture json.RawMessage) (jsonx.Object, error) {
	var sections map[string]json.RawMessage
	if err := json.Unmarshal(fixture, &sections); err != nil {
		return nil, platform.BadControlRequest("fixture: %v", err)
	}
	for key := range sections {
		if key != "id" && key != "description" && key != "$schema" && m.platform(key) == nil {
			return nil, platform.BadControlRequest("fixture: unknown section %q (platforms: %s)", key, strings.Join(m.names(), ", "))
		}
	}
	rnd := rand.New(rand.NewSource(tn.Seed))
	info := jsonx.Object{{Key: "id", Value: tn.ID}}
	for _, p := range m.Platforms {
		out, err := p.Provision(tx, platform.Setup{
			TenantID: tn.ID,
			Now:      tn.CreatedAt,
			Faker:    gofakeit.New(tn.FakerSeed),
			Rand:     rnd,
			Fixture:  sections[p.Name()],
			BasePath: PathPrefix + tn.ID + "/" + p.Name(),
		})
		if err != nil {
			return nil, fixtureError(p.Name(), err)
		}
		info = append(info, jsonx.Field{Key: p.Name(), Value: out})
	}
	if tn.ControlToken != "" {
		info = append(info, jsonx.Field{Key: "control_token", Value: tn.ControlToken})
	}
	return info, nil
}

// fixtureError tells what a platform refused in the fixture (its own error,
// a row a constraint refused) from a failure of the store, which stays as
// it is: an internal error.
func fixtureError(name string, err error) error {
	var ce *platform.ControlError
	switch {
	case errors.As(err, &ce):
		return &platform.ControlError{Status: ce.Status, Message: "fixture: " + name + ": " + ce.Message}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case store.IsConstraint(err) || !store.IsStoreError(err):
		return platform.BadControlRequest("fixture: %s: %v", name, err)
	}
	return fmt.Errorf("fixture: %s: %w", name, err)
}

func (m *Manager) platform(name string) platform.Platform {
	for _, p := range m.Platforms {
		if p.Name() == name {
			return p
		}
	}
	return nil
}

func (m *Manager) names() []string {
	names := make([]string, len(m.Platforms))
	for i, p := range m.Platforms {
		names[i] = p.Name()
	}
	return names
}

// Exists returns nil for a tenant that exists and ErrNotFound otherwise.
func (m *Manager) Exists(ctx context.Context, id string) error {
	_, err := m.Store.Tenant(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	}
	return err
}

// Info returns a tenant's creation answer.
func (m *Manager) Info(ctx context.Context, id string) (json.RawMessage, error) {
	info, err := m.Store.TenantInfo(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotFound
	}
	return info, err
}

// Reset returns a tenant to the state right after its creation: the same
// fixture, credentials, bot ids and control token; its journal, faults and
// limit counters are cleared, and its clock and rate-limit switch follow the
// global ones again.
func (m *Manager) Reset(ctx context.Context, id string) (jsonx.Object, error) {
	tn, err := m.Store.Tenant(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotFound
	} else if err != nil {
		return nil, err
	}
	fixture, err := storedFixture(tn.Fixture)
	if err != nil {
		return nil, err
	}
	var info jsonx.Object
	err = m.Store.WriteTenant(ctx, id, func(tx *store.Tx) error {
		if _, err := tx.DeleteTenant(id); err != nil {
			return err
		}
		if err := tx.InsertTenant(tn); err != nil {
			return err
		}
		if info, err = m.provision(tx, tn, fixture); err != nil {
			return err
		}
		return keepInfo(tx, id, info)
	})
	if err != nil {
		return nil, err
	}
	m.forget(id)
	return info, nil
}

// Delete removes a tenant and everything it owns.
func (m *Manager) Delete(ctx context.Context, id string) error {
	var found bool
	err := m.Store.WriteTenant(ctx, id, func(tx *store.Tx) error {
		var err error
		found, err = tx.DeleteTenant(id)
		return err
	})
	if err != nil {
		return err
	}
	if !found {
		return ErrNotFound
	}
	m.forget(id)
	return nil
}

func (m *Manager) forget(id string) {
	if m.Forget != nil {
		m.Forget(id)
	}
	m.forgetInPlatforms(id)
	m.Runtime.Forget(id)
}

// forgetInPlatforms lets platforms drop what they keep in memory of a tenant.
func (m *Manager) forgetInPlatforms(id string) {
	for _, p := range m.Platforms {
		if f, ok := p.(platform.Forgetter); ok {
			f.ForgetTenant(id)
		}
	}
}

// ResetAll returns the whole emulator to its start: every tenant deleted,
// every trace forgotten, the global clock and rate-limit switch back to
// their defaults, and the seed tenant created again.
func (m *Manager) ResetAll(ctx context.Context, seed string, limitsOn bool) error {
	tenants, err := m.Store.Tenants(ctx)
	if err != nil {
		return err
	}
	err = m.Store.Write(ctx, func(tx *store.Tx) error {
		for _, tn := range tenants {
			if _, err := tx.DeleteTenant(tn.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if m.Forget != nil {
		m.Forget("")
	}
	for _, tn := range tenants {
		m.forgetInPlatforms(tn.ID)
	}
	m.Runtime.ForgetAll()
	m.Runtime.SetDefaultLimits(limitsOn)
	m.Runtime.Global().Reset()
	return m.Seed(ctx, seed)
}

// Seed creates the start-up tenant from a seed ("none", an embedded
// fixture's name or the path of a fixture file), unless it already exists in
// a persistent store.
func (m *Manager) Seed(ctx context.Context, seed string) error {
	m.setSeeded("")
	var fixture json.RawMessage
	switch seed {
	case "", "none":
		return nil
	default:
		if strings.ContainsAny(seed, "/.") {
			raw, err := fixtures.LoadFile(seed)
			if err != nil {
				return fmt.Errorf("seed: %w", err)
			}
			fixture = raw
		} else {
			name, _ := json.Marshal(seed)
			fixture = name
		}
	}
	resolved, _, err := resolveFixture(fixture)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	id := fixtureID(resolved)
	if id != "" {
		if _, err := m.Store.Tenant(ctx, id); err == nil {
			m.setSeeded(id) // kept from an earlier run of a file store
			return nil
		}
	}
	info, err := m.Create(ctx, Request{ID: id, Fixture: fixture})
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	m.setSeeded(info[0].Value.(string))
	return nil
}

// Seeded is the id of the tenant created from the start-up seed ("" with none).
func (m *Manager) Seeded() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.seeded
}

func (m *Manager) setSeeded(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seeded = id
}

// fixtureID is the tenant id a fixture asks for, if any.
func fixtureID(fixture json.RawMessage) string {
	var doc struct {
		ID string `json:"id"`
	}
	json.Unmarshal(fixture, &doc)
	return doc.ID
}

// tenantSeed seeds a tenant's credentials and ids. A tenant whose id was
// chosen (by the request or its fixture) gets a seed derived from that id
// and the faker seed, so the demo tenant has the same bot ids on every
// start; any other tenant gets a random one.
func tenantSeed(id string, chosen bool, fakerSeed int64) int64 {
	if !chosen {
		return rand.Int63()
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", id, fakerSeed)
	return int64(h.Sum64() >> 1)
}
