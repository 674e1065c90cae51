package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v6"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/fixtures"
)

// TenantRequest is the body of POST /__fakebots/tenants.
type TenantRequest struct {
	// ID chooses the tenant's id; empty for a random one.
	ID string `json:"id,omitempty"`
	// Fixture is a fixture name ("demo") or an inline fixture object.
	Fixture json.RawMessage `json:"fixture,omitempty"`
}

var tenantIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ErrTenantNotFound is returned for an unknown tenant id.
var ErrTenantNotFound = errors.New("tenant not found")

// conflictError is a tenant id or credential that is already taken.
type conflictError struct{ msg string }

func (e *conflictError) Error() string { return e.msg }

// CreateTenant creates an isolated tenant and returns its id and credentials
// ({"id": ..., "cleverapp": {...}, ...}).
func (e *Emulator) CreateTenant(ctx context.Context, req TenantRequest) (jsonx.Object, error) {
	fixture, stored, err := resolveFixture(req.Fixture)
	if err != nil {
		return nil, err
	}
	id := req.ID
	if id == "" {
		// A fixture's own id is a wish: taken, the tenant gets a fresh one.
		wanted := fixtureID(fixture)
		if _, err := e.store.Tenant(ctx, wanted); wanted != "" && errors.Is(err, store.ErrNotFound) {
			id = wanted
		} else {
			id = "t_" + store.RandomToken(6)
		}
	}
	if !tenantIDPattern.MatchString(id) {
		return nil, fmt.Errorf("tenant id must match %s", tenantIDPattern)
	}
	tn := store.Tenant{ID: id, Seed: tenantSeed(id, req.ID != "" || id == fixtureID(fixture), e.cfg.fakerSeed), FakerSeed: e.cfg.fakerSeed, Fixture: stored, CreatedAt: e.clock.Now()}
	var info jsonx.Object
	err = e.store.Write(ctx, func(tx *store.Tx) error {
		if err := tx.InsertTenant(tn); err != nil {
			return &conflictError{fmt.Sprintf("tenant %q already exists", id)}
		}
		info, err = e.provision(tx, tn, fixture)
		if err != nil {
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
		// Round-trip through the YAML reader so inline and file fixtures agree.
		fixture, err := fixtures.ToJSON(raw)
		return fixture, trimmed, err
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

// provision gives every platform its section of the fixture, in platform order.
func (e *Emulator) provision(tx *store.Tx, tn store.Tenant, fixture json.RawMessage) (jsonx.Object, error) {
	var sections map[string]json.RawMessage
	if err := json.Unmarshal(fixture, &sections); err != nil {
		return nil, fmt.Errorf("fixture: %w", err)
	}
	for key := range sections {
		if key != "id" && key != "description" && e.byName[key] == nil {
			return nil, fmt.Errorf("fixture: unknown section %q (platforms: %s)", key, strings.Join(e.platformNames(), ", "))
		}
	}
	rnd := rand.New(rand.NewSource(tn.Seed))
	info := jsonx.Object{{Key: "id", Value: tn.ID}}
	for _, p := range e.platforms {
		out, err := p.Provision(tx, platform.Setup{
			TenantID: tn.ID,
			Now:      tn.CreatedAt,
			Faker:    gofakeit.New(tn.FakerSeed),
			Rand:     rnd,
			Fixture:  sections[p.Name()],
		})
		if err != nil {
			return nil, fmt.Errorf("fixture: %s: %w", p.Name(), err)
		}
		info = append(info, jsonx.Field{Key: p.Name(), Value: out})
	}
	return info, nil
}

// TenantInfo returns a tenant's creation answer: its id and credentials.
func (e *Emulator) TenantInfo(ctx context.Context, id string) (json.RawMessage, error) {
	info, err := e.store.TenantInfo(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrTenantNotFound
	}
	return info, err
}

// ResetTenant returns a tenant to the state right after its creation: the
// same fixture, credentials and bot ids; journal, faults and limit counters
// for it are cleared, and its clock and rate-limit switch follow the global
// ones again.
func (e *Emulator) ResetTenant(ctx context.Context, id string) (jsonx.Object, error) {
	tn, err := e.store.Tenant(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrTenantNotFound
	} else if err != nil {
		return nil, err
	}
	fixture, err := storedFixture(tn.Fixture)
	if err != nil {
		return nil, err
	}
	var info jsonx.Object
	err = e.store.Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.DeleteTenant(id); err != nil {
			return err
		}
		if err := tx.InsertTenant(tn); err != nil {
			return err
		}
		if info, err = e.provision(tx, tn, fixture); err != nil {
			return err
		}
		return keepInfo(tx, id, info)
	})
	if err != nil {
		return nil, err
	}
	e.forget(id)
	return info, nil
}

// DeleteTenant removes a tenant and everything it owns.
func (e *Emulator) DeleteTenant(ctx context.Context, id string) error {
	var found bool
	err := e.store.Write(ctx, func(tx *store.Tx) error {
		var err error
		found, err = tx.DeleteTenant(id)
		return err
	})
	if err != nil {
		return err
	}
	if !found {
		return ErrTenantNotFound
	}
	e.forget(id)
	return nil
}

// forget drops a tenant's in-memory traces: journal, faults, limit counters,
// its own clock and rate-limit switch.
func (e *Emulator) forget(id string) {
	e.journal.Clear(journalFilter(id, "", ""))
	e.faults.Remove("", id)
	e.limiter.Reset(platform.LimitKey(id, "", ""))
	e.tenants.Forget(id)
}

// Reset returns the whole emulator to its start: every tenant deleted, the
// seed tenant created again, journal, faults, counters and clock reset.
func (e *Emulator) Reset(ctx context.Context) error {
	tenants, err := e.store.Tenants(ctx)
	if err != nil {
		return err
	}
	err = e.store.Write(ctx, func(tx *store.Tx) error {
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
	e.journal.Clear(journalFilter("", "", ""))
	e.faults.Remove("", "")
	e.limiter.Reset("")
	e.tenants.ForgetAll()
	e.tenants.SetDefaultLimits(e.cfg.rateLimits)
	e.clock.Reset()
	return e.seed(ctx)
}

// seed creates the start-up tenant from the configured seed, unless it
// already exists in a persistent store.
func (e *Emulator) seed(ctx context.Context) error {
	var fixture json.RawMessage
	switch e.cfg.seed {
	case "", "none":
		return nil
	default:
		if strings.ContainsAny(e.cfg.seed, "/.") {
			raw, err := fixtures.LoadFile(e.cfg.seed)
			if err != nil {
				return fmt.Errorf("seed: %w", err)
			}
			fixture = raw
		} else {
			name, _ := json.Marshal(e.cfg.seed)
			fixture = name
		}
	}
	resolved, _, err := resolveFixture(fixture)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	id := fixtureID(resolved)
	if id != "" {
		if _, err := e.store.Tenant(ctx, id); err == nil {
			e.seeded = id // kept from an earlier run of a file store
			return nil
		}
	}
	info, err := e.CreateTenant(ctx, TenantRequest{ID: id, Fixture: fixture})
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	e.seeded = info[0].Value.(string)
	return nil
}

// runAllDue runs due work of every tenant with something scheduled, each
// on its own clock: a frozen clock makes nothing due by itself, so scheduled
// work of a tenant whose time stands still waits for its clock to move.
func (e *Emulator) runAllDue(ctx context.Context) {
	next, err := e.store.NextDue(ctx)
	if err != nil {
		e.cfg.log.Error("find due messages", "err", err)
		return
	}
	for _, id := range slices.Sorted(maps.Keys(next)) {
		if now := e.tenants.For(id).Now(); !now.Before(next[id]) {
			e.runDue(ctx, id, now)
		}
	}
}

// runDue delivers a tenant's scheduled messages that became due and lets
// platforms run their own due work. Runs are serialised so a message is
// delivered once.
func (e *Emulator) runDue(ctx context.Context, tenantID string, now time.Time) {
	e.dueMu.Lock()
	defer e.dueMu.Unlock()
	var delivered []store.Message
	err := e.store.Write(ctx, func(tx *store.Tx) error {
		var err error
		delivered, err = tx.DeliverDue(tenantID, now)
		return err
	})
	if err != nil {
		e.cfg.log.Error("deliver due messages", "tenant", tenantID, "err", err)
		return
	}
	for _, p := range e.platforms {
		s, ok := p.(platform.Scheduler)
		if !ok {
			continue
		}
		var mine []store.Message
		for _, m := range delivered {
			if m.Platform == p.Name() {
				mine = append(mine, m)
			}
		}
		if err := s.RunDue(ctx, tenantID, now, mine); err != nil {
			e.cfg.log.Error("scheduled work", "platform", p.Name(), "tenant", tenantID, "err", err)
		}
	}
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
