package tenant_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/clock"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/emulator/tenant"
)

// epoch is the global clock's time in these tests.
var epoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// fakePlatform is a platform as the manager sees it: a name, a Provision
// that stores a credential and answers with its secret, and ForgetTenant.
// The manager calls nothing else of a platform.
type fakePlatform struct {
	platform.Platform
	name string
	// provision, when set, runs instead of storing the credential.
	provision func(tx *store.Tx, s platform.Setup) (any, error)
	forgotten []string
}

func (p *fakePlatform) Name() string { return p.name }

func (p *fakePlatform) Provision(tx *store.Tx, s platform.Setup) (any, error) {
	if p.provision != nil {
		return p.provision(tx, s)
	}
	secret := s.TenantID + "-" + p.name
	err := tx.PutCredential(store.Credential{Platform: p.name, Secret: secret, TenantID: s.TenantID, Kind: "token", CreatedAt: s.Now})
	return map[string]string{"token": secret, "base": s.BasePath}, err
}

func (p *fakePlatform) ForgetTenant(id string) { p.forgotten = append(p.forgotten, id) }

// world is a manager over a fresh store, two fake platforms and a runtime
// whose global clock stands at epoch.
type world struct {
	m            *tenant.Manager
	store        *store.Store
	global       *clock.Clock
	alpha, beta  *fakePlatform
	forgotten    []string // what Manager.Forget was told
	ownChanges   []string // what the runtime's onOwnChange was told
	watchedTimes []string // what OnClockChange watchers were told
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st, err := store.Open("")
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	w := &world{store: st, global: clock.New(func() time.Time { return epoch }), alpha: &fakePlatform{name: "alpha"}, beta: &fakePlatform{name: "beta"}}
	w.global.Freeze()
	rt := tenant.NewRuntime(w.global, true, func(id string, now time.Time) {
		w.ownChanges = append(w.ownChanges, id+"@"+now.Format(time.TimeOnly))
	})
	rt.OnClockChange(func(id string, now time.Time) {
		w.watchedTimes = append(w.watchedTimes, id+"@"+now.Format(time.TimeOnly))
	})
	w.m = &tenant.Manager{
		Store: st, Runtime: rt, Platforms: []platform.Platform{w.alpha, w.beta}, FakerSeed: 1,
		Forget: func(id string) { w.forgotten = append(w.forgotten, id) },
	}
	return w
}

// create makes tenant id without a fixture and returns its stored answer.
func (w *world) create(t *testing.T, id string) string {
	t.Helper()
	_, err := w.m.Create(context.Background(), tenant.Request{ID: id})
	require.NoError(t, err)
	return w.info(t, id)
}

// info is the tenant's stored creation answer.
func (w *world) info(t *testing.T, id string) string {
	t.Helper()
	info, err := w.m.Info(context.Background(), id)
	require.NoError(t, err)
	return string(info)
}

// credentials lists the secrets the tenant holds on both platforms.
func (w *world) credentials(t *testing.T, id string) []string {
	t.Helper()
	secrets := []string{}
	for _, p := range []string{"alpha", "beta"} {
		creds, err := w.store.Credentials(context.Background(), id, p)
		require.NoError(t, err)
		for _, c := range creds {
			secrets = append(secrets, c.Secret)
		}
	}
	return secrets
}

// failWrites makes every statement of kind (INSERT, UPDATE or DELETE) on
// the tenants table fail inside the database, as a store that cannot write
// would: the error is the store's, not a refused row's.
func (w *world) failWrites(t *testing.T, kind string) {
	t.Helper()
	err := w.store.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(`CREATE TRIGGER fail_` + kind + ` BEFORE ` + kind + ` ON tenants BEGIN SELECT json('not json'); END`)
		return err
	})
	require.NoError(t, err)
}

// cancelled is a context whose caller has gone.
func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// controlError asserts err is a control error with that status and message.
func controlError(t *testing.T, err error, status int, message string) {
	t.Helper()
	var ce *platform.ControlError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, status, ce.Status)
	require.Equal(t, message, ce.Message)
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	out, err := json.Marshal(v)
	require.NoError(t, err)
	return string(out)
}
