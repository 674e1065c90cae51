package tenant_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/emulator/tenant"
)

func TestCreateStoresEachPlatformsAnswerAndTheControlToken(t *testing.T) {
	w := newWorld(t)
	info, err := w.m.Create(context.Background(), tenant.Request{ID: "acme"})
	require.NoError(t, err)
	require.Len(t, info, 4)
	require.Equal(t, "control_token", info[3].Key)
	token := info[3].Value.(string)
	require.Regexp(t, `^ct_[0-9a-f]{32}$`, token)
	require.JSONEq(t, `{"id":"acme",
		"alpha":{"token":"acme-alpha","base":"/t/acme/alpha"},
		"beta":{"token":"acme-beta","base":"/t/acme/beta"},
		"control_token":"`+token+`"}`, w.info(t, "acme"))
	require.Equal(t, []string{"acme-alpha", "acme-beta"}, w.credentials(t, "acme"))
}

// A fixture's id is only a wish when it is free; any other failure of the
// creation it asks for is the caller's answer.
func TestCreateWithAFixtureIDReportsWhatElseFails(t *testing.T) {
	w := newWorld(t)
	info, err := w.m.Create(context.Background(), tenant.Request{Fixture: json.RawMessage(`{"id":"wish","gamma":{}}`)})
	controlError(t, err, http.StatusBadRequest, `fixture: unknown section "gamma" (platforms: alpha, beta)`)
	require.Nil(t, info)
	tenants, err := w.store.Tenants(context.Background())
	require.NoError(t, err)
	require.Empty(t, tenants)
}

func TestCreateRefusesAFixtureItCannotRead(t *testing.T) {
	for _, tc := range []struct {
		name, fixture, message string
	}{
		{"a name that is not a JSON string", `"demo`, `unexpected end of JSON input`},
		{"an object with a key twice", `{"alpha":{},"alpha":{}}`, "fixture: yaml: unmarshal errors:\n  line 1: mapping key \"alpha\" already defined at line 1"},
		{"neither a name nor an object", `[]`, `fixture must be a fixture name or an object`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			_, err := w.m.Create(context.Background(), tenant.Request{ID: "acme", Fixture: json.RawMessage(tc.fixture)})
			controlError(t, err, http.StatusBadRequest, tc.message)
			require.ErrorIs(t, w.m.Exists(context.Background(), "acme"), tenant.ErrNotFound)
		})
	}
}

// An answer the store cannot keep fails the creation, and nothing of the
// tenant is left.
func TestCreateRefusesAnAnswerThatCannotBeStored(t *testing.T) {
	w := newWorld(t)
	w.beta.provision = func(*store.Tx, platform.Setup) (any, error) { return math.NaN(), nil }
	_, err := w.m.Create(context.Background(), tenant.Request{ID: "acme"})
	require.EqualError(t, err, "json: unsupported value: NaN")
	require.ErrorIs(t, w.m.Exists(context.Background(), "acme"), tenant.ErrNotFound)
	require.Empty(t, w.credentials(t, "acme"))
}

// A store that cannot write fails the creation before any platform
// provisions the tenant.
func TestCreateReportsAStoreThatCannotWrite(t *testing.T) {
	for _, kind := range []string{"INSERT", "UPDATE"} {
		t.Run(kind, func(t *testing.T) {
			w := newWorld(t)
			w.failWrites(t, kind)
			_, err := w.m.Create(context.Background(), tenant.Request{ID: "acme"})
			require.EqualError(t, err, "SQL logic error: malformed JSON (1)")
			require.True(t, store.IsStoreError(err), "%v", err)
			require.ErrorIs(t, w.m.Exists(context.Background(), "acme"), tenant.ErrNotFound)
			require.Empty(t, w.credentials(t, "acme"))
		})
	}
}

// What a platform's Provision returns decides the answer: its own refusal
// or a row the store refused is the caller's (4xx, naming the platform), a
// failure of the store or a cancelled call stays an error of the emulator.
// Either way no platform's state of the tenant is left behind.
func TestCreateTellsAPlatformsRefusalFromAStoreFailure(t *testing.T) {
	for _, tc := range []struct {
		name      string
		provision func(tx *store.Tx, s platform.Setup) (any, error)
		status    int // of the control error; 0 for an internal error
		message   string
	}{{
		name: "the platform's own refusal",
		provision: func(*store.Tx, platform.Setup) (any, error) {
			return nil, &platform.ControlError{Status: http.StatusConflict, Message: "bot 7 is taken"}
		},
		status: http.StatusConflict, message: "fixture: beta: bot 7 is taken",
	}, {
		name:      "a plain error",
		provision: func(*store.Tx, platform.Setup) (any, error) { return nil, errors.New("bots must be a list") },
		status:    http.StatusBadRequest, message: "fixture: beta: bots must be a list",
	}, {
		name: "a row the store refused",
		provision: func(tx *store.Tx, s platform.Setup) (any, error) {
			return nil, tx.InsertTenant(store.Tenant{ID: s.TenantID})
		},
		status: http.StatusBadRequest, message: "fixture: beta: constraint failed: UNIQUE constraint failed: tenants.id (1555)",
	}, {
		name: "a failing store",
		provision: func(tx *store.Tx, _ platform.Setup) (any, error) {
			_, err := tx.Exec(`SELECT json('not json')`)
			return nil, err
		},
		message: "fixture: beta: SQL logic error: malformed JSON (1)",
	}, {
		name:      "a cancelled call",
		provision: func(*store.Tx, platform.Setup) (any, error) { return nil, context.Canceled },
		message:   "context canceled",
	}, {
		name:      "a call past its deadline",
		provision: func(*store.Tx, platform.Setup) (any, error) { return nil, context.DeadlineExceeded },
		message:   "context deadline exceeded",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			w.beta.provision = tc.provision
			info, err := w.m.Create(context.Background(), tenant.Request{ID: "acme"})
			require.Nil(t, info)
			if tc.status != 0 {
				controlError(t, err, tc.status, tc.message)
			} else {
				var ce *platform.ControlError
				require.False(t, errors.As(err, &ce), "%v is the emulator's failure, not the caller's", err)
				require.EqualError(t, err, tc.message)
			}
			require.ErrorIs(t, w.m.Exists(context.Background(), "acme"), tenant.ErrNotFound)
			require.Empty(t, w.credentials(t, "acme"))
		})
	}
}

// Reading a tenant through a call that has gone fails with the call's
// error, not as a missing tenant and not as an empty answer.
func TestReadsOfATenantReportAGoneCall(t *testing.T) {
	w := newWorld(t)
	before := w.create(t, "acme")
	require.ErrorIs(t, w.m.Exists(cancelled(), "acme"), context.Canceled)
	info, err := w.m.Info(cancelled(), "acme")
	require.ErrorIs(t, err, context.Canceled)
	require.Empty(t, info)
	reset, err := w.m.Reset(cancelled(), "acme")
	require.ErrorIs(t, err, context.Canceled)
	require.Nil(t, reset)
	require.Equal(t, before, w.info(t, "acme"))
	require.Empty(t, w.forgotten)
}

func TestUnknownTenantsAreNotFound(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	require.ErrorIs(t, w.m.Exists(ctx, "nobody"), tenant.ErrNotFound)
	_, err := w.m.Info(ctx, "nobody")
	require.ErrorIs(t, err, tenant.ErrNotFound)
	info, err := w.m.Reset(ctx, "nobody")
	require.ErrorIs(t, err, tenant.ErrNotFound)
	require.Nil(t, info)
	require.ErrorIs(t, w.m.Delete(ctx, "nobody"), tenant.ErrNotFound)
	require.Empty(t, w.forgotten)
}
