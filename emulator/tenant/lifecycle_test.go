package tenant_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/emulator/tenant"
)

// Reset provisions the tenant again, keeps its answer, and forgets what
// the emulator kept in memory of it: traces, the platforms' caches, its own
// clock and limit switch.
func TestResetProvisionsAgainAndForgetsTheTenantsTraces(t *testing.T) {
	w := newWorld(t)
	before := w.create(t, "acme")
	w.m.Runtime.For("acme").Advance(time.Hour)
	off := false
	w.m.Runtime.SetLimits("acme", &off)

	info, err := w.m.Reset(context.Background(), "acme")
	require.NoError(t, err)
	require.JSONEq(t, before, jsonOf(t, info))
	require.Equal(t, before, w.info(t, "acme"))
	require.Equal(t, []string{"acme-alpha", "acme-beta"}, w.credentials(t, "acme"))
	require.Equal(t, []string{"acme"}, w.forgotten)
	require.Equal(t, []string{"acme"}, w.alpha.forgotten)
	require.Equal(t, []string{"acme"}, w.beta.forgotten)
	clockOwn, limitsOwn := w.m.Runtime.Own("acme")
	require.False(t, clockOwn)
	require.False(t, limitsOwn)
	require.Equal(t, epoch, w.m.Runtime.For("acme").Now())
	require.True(t, w.m.Runtime.LimitsEnabled("acme"))
}

// A reset that fails half way leaves the tenant as it was and forgets
// nothing of it.
func TestAFailedResetLeavesTheTenantAsItWas(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fail  func(w *world)
		check func(t *testing.T, err error)
	}{{
		name:  "the store cannot delete",
		fail:  func(w *world) { w.failWrites(t, "DELETE") },
		check: func(t *testing.T, err error) { require.EqualError(t, err, "SQL logic error: malformed JSON (1)") },
	}, {
		name:  "the store cannot insert",
		fail:  func(w *world) { w.failWrites(t, "INSERT") },
		check: func(t *testing.T, err error) { require.EqualError(t, err, "SQL logic error: malformed JSON (1)") },
	}, {
		name:  "the store cannot keep the answer",
		fail:  func(w *world) { w.failWrites(t, "UPDATE") },
		check: func(t *testing.T, err error) { require.EqualError(t, err, "SQL logic error: malformed JSON (1)") },
	}, {
		name: "a platform refuses",
		fail: func(w *world) {
			w.beta.provision = func(*store.Tx, platform.Setup) (any, error) { return nil, errors.New("no more bots") }
		},
		check: func(t *testing.T, err error) {
			controlError(t, err, http.StatusBadRequest, "fixture: beta: no more bots")
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			before := w.create(t, "acme")
			tc.fail(w)
			info, err := w.m.Reset(context.Background(), "acme")
			tc.check(t, err)
			require.Nil(t, info)
			require.Equal(t, before, w.info(t, "acme"))
			require.Equal(t, []string{"acme-alpha", "acme-beta"}, w.credentials(t, "acme"))
			require.Empty(t, w.forgotten)
			require.Empty(t, w.alpha.forgotten)
		})
	}
}

// A tenant whose stored fixture no longer loads (a file store kept from a
// version that embedded another fixture) cannot be reset, and stays.
func TestResetReportsAStoredFixtureThatNoLongerLoads(t *testing.T) {
	w := newWorld(t)
	err := w.store.Write(context.Background(), func(tx *store.Tx) error {
		return tx.InsertTenant(store.Tenant{ID: "old", Fixture: "retired", CreatedAt: epoch})
	})
	require.NoError(t, err)
	info, err := w.m.Reset(context.Background(), "old")
	require.EqualError(t, err, `unknown fixture "retired" (known: demo)`)
	require.Nil(t, info)
	require.NoError(t, w.m.Exists(context.Background(), "old"))
	require.Empty(t, w.forgotten)
}

func TestDeleteRemovesTheTenantAndForgetsItsTraces(t *testing.T) {
	w := newWorld(t)
	w.create(t, "acme")
	w.create(t, "other")
	w.m.Runtime.For("acme").Freeze()

	require.NoError(t, w.m.Delete(context.Background(), "acme"))
	require.ErrorIs(t, w.m.Exists(context.Background(), "acme"), tenant.ErrNotFound)
	require.Empty(t, w.credentials(t, "acme"))
	require.Equal(t, []string{"other-alpha", "other-beta"}, w.credentials(t, "other"))
	require.Equal(t, []string{"acme"}, w.forgotten)
	require.Equal(t, []string{"acme"}, w.alpha.forgotten)
	require.Equal(t, []string{"acme"}, w.beta.forgotten)
	clockOwn, _ := w.m.Runtime.Own("acme")
	require.False(t, clockOwn, "the deleted tenant's clock is dropped")
}

// A manager without a Forget hook still forgets what platforms and the
// runtime keep.
func TestDeleteWithoutAForgetHook(t *testing.T) {
	w := newWorld(t)
	w.m.Forget = nil
	w.create(t, "acme")
	require.NoError(t, w.m.Delete(context.Background(), "acme"))
	require.Equal(t, []string{"acme"}, w.alpha.forgotten)
}

func TestAFailedDeleteKeepsTheTenant(t *testing.T) {
	w := newWorld(t)
	before := w.create(t, "acme")
	w.failWrites(t, "DELETE")
	require.EqualError(t, w.m.Delete(context.Background(), "acme"), "SQL logic error: malformed JSON (1)")
	require.Equal(t, before, w.info(t, "acme"))
	require.Empty(t, w.forgotten)
	require.Empty(t, w.alpha.forgotten)
}

// seedFile writes a fixture file and returns its path.
func seedFile(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seed.yaml")
	require.NoError(t, os.WriteFile(path, []byte(body), 0o600))
	return path
}

// ResetAll deletes every tenant, forgets every trace, puts the global
// clock and limit switch back, and seeds again.
func TestResetAllStartsOver(t *testing.T) {
	w := newWorld(t)
	seed := seedFile(t, "id: seeded\nalpha: {}\n")
	require.NoError(t, w.m.Seed(context.Background(), seed))
	require.Equal(t, "seeded", w.m.Seeded())
	w.create(t, "acme")
	w.m.Runtime.For("acme").Freeze()
	w.global.Advance(time.Hour)

	require.NoError(t, w.m.ResetAll(context.Background(), seed, false))
	tenants, err := w.store.Tenants(context.Background())
	require.NoError(t, err)
	require.Len(t, tenants, 1)
	require.Equal(t, "seeded", tenants[0].ID)
	require.Equal(t, "seeded", w.m.Seeded())
	require.Equal(t, []string{""}, w.forgotten)
	require.Equal(t, []string{"acme", "seeded"}, w.alpha.forgotten)
	clockOwn, _ := w.m.Runtime.Own("acme")
	require.False(t, clockOwn, "every tenant's clock is dropped")
	require.False(t, w.m.Runtime.LimitsEnabled(""))
	require.Equal(t, epoch, w.global.Now())

	require.NoError(t, w.m.ResetAll(context.Background(), "none", true))
	require.Equal(t, "", w.m.Seeded(), "no seed, no seeded tenant")
	require.True(t, w.m.Runtime.LimitsEnabled(""))
}

func TestAFailedResetAllKeepsEveryTenant(t *testing.T) {
	t.Run("the store cannot list the tenants", func(t *testing.T) {
		w := newWorld(t)
		w.create(t, "acme")
		require.ErrorIs(t, w.m.ResetAll(cancelled(), "none", false), context.Canceled)
		require.NoError(t, w.m.Exists(context.Background(), "acme"))
		require.Empty(t, w.forgotten)
		require.True(t, w.m.Runtime.LimitsEnabled(""))
	})
	t.Run("the store cannot delete", func(t *testing.T) {
		w := newWorld(t)
		w.create(t, "acme")
		w.create(t, "other")
		w.failWrites(t, "DELETE")
		require.EqualError(t, w.m.ResetAll(context.Background(), "none", false), "SQL logic error: malformed JSON (1)")
		tenants, err := w.store.Tenants(context.Background())
		require.NoError(t, err)
		require.Len(t, tenants, 2)
		require.Empty(t, w.forgotten)
		require.Empty(t, w.alpha.forgotten)
		require.True(t, w.m.Runtime.LimitsEnabled(""))
	})
}

func TestASeedThatCannotBeCreatedFailsTheStart(t *testing.T) {
	for _, tc := range []struct{ name, seed, message string }{
		{"an unknown fixture name", "retired", `seed: unknown fixture "retired" (known: demo)`},
		{"a fixture for an unknown platform", seedFile(t, "id: seeded\ngamma: {}\n"), `seed: fixture: unknown section "gamma" (platforms: alpha, beta)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			require.EqualError(t, w.m.Seed(context.Background(), tc.seed), tc.message)
			require.Equal(t, "", w.m.Seeded())
			tenants, err := w.store.Tenants(context.Background())
			require.NoError(t, err)
			require.Empty(t, tenants)
		})
	}
}
