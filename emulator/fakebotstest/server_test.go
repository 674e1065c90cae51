package fakebotstest_test

import (
	"net/http"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

const notAnObject = "fixture: int encodes to 42, not an object (give a fixture name as a string, YAML with WithFixtureYAML)"

// A bad option fails the test at the caller's line with what was wrong,
// and Start and StartServer return it as an error.
func TestBadOptionsFailTheTestAtTheCallersLine(t *testing.T) {
	badSeed := fakebotstest.WithEmulatorOptions(emulator.WithSeed("nope"))
	_, err := fakebotstest.StartServer(badSeed)
	require.EqualError(t, err, `seed: unknown fixture "nope" (known: demo)`)
	_, err = fakebotstest.Start(fakebotstest.WithFixture(map[string]any{"c": make(chan int)}))
	require.EqualError(t, err, "fixture: json: unsupported type: chan int")

	require.Equal(t, `fakebotstest: seed: unknown fixture "nope" (known: demo)`,
		fatal(t, func(tb testing.TB) { fakebotstest.NewServer(tb, badSeed) }))
	require.Equal(t, "fakebotstest: "+notAnObject, fatal(t, func(tb testing.TB) { fakebotstest.New(tb, fakebotstest.WithFixture(42)) }))
	s := fakebotstest.NewServer(t)
	require.Equal(t, "fakebotstest: "+notAnObject, fatal(t, func(tb testing.TB) { s.NewTenant(tb, fakebotstest.WithFixture(42)) }))
}

// refused checks that nothing listens at url any more.
func refused(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Get(url)
	if err == nil {
		resp.Body.Close()
	}
	require.ErrorIs(t, err, syscall.ECONNREFUSED)
}

// What the helpers start ends with the test that started it: servers are
// closed, the tenant is deleted.
func TestHelpersCleanUpAtTheEndOfTheTest(t *testing.T) {
	shared := fakebotstest.NewServer(t)
	var (
		server *fakebotstest.Server
		fake   *fakebotstest.Fake
		tn     *fakebotstest.Tenant
		hook   *fakebotstest.WebhookReceiver
	)
	t.Run("test", func(t *testing.T) {
		server, fake = fakebotstest.NewServer(t), fakebotstest.New(t)
		tn, hook = shared.NewTenant(t), fakebotstest.NewWebhookReceiver(t)
		require.NoError(t, shared.Control.Call(t.Context(), http.MethodGet, "/tenants/"+tn.ID, nil, nil))
	})
	refused(t, server.URL)
	refused(t, fake.URL)
	refused(t, hook.URL)
	require.EqualError(t, shared.Control.Call(t.Context(), http.MethodGet, "/tenants/"+tn.ID, nil, nil),
		`GET /__fakebots/tenants/`+tn.ID+`: 404 {"error":"tenant not found"}`)
}

// settles waits, at most ten seconds, until no more goroutines run than
// before.
func settles(t *testing.T, before int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); runtime.NumGoroutine() > before; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			stacks := make([]byte, 1<<20)
			t.Fatalf("%d goroutines run, %d before:\n%s", runtime.NumGoroutine(), before, stacks[:runtime.Stack(stacks, true)])
		}
	}
}

// Close stops the server and the emulator: nothing listens, nothing runs.
func TestCloseLeavesNothingRunning(t *testing.T) {
	warm, err := fakebotstest.StartServer() // whatever starts once per process
	require.NoError(t, err)
	warm.Close()
	before := runtime.NumGoroutine()
	s, err := fakebotstest.StartServer()
	require.NoError(t, err)
	s.Close()
	refused(t, s.URL)
	settles(t, before)
}

// Start closes the server it started when the tenant cannot be created.
func TestStartThatFailsLeavesNothingRunning(t *testing.T) {
	warm, err := fakebotstest.Start()
	require.NoError(t, err)
	warm.Close()
	before := runtime.NumGoroutine()
	_, err = fakebotstest.Start(fakebotstest.WithFixture("nope"))
	require.EqualError(t, err, `create tenant: POST /__fakebots/tenants: 400 {"error":"unknown fixture \"nope\" (known: demo)"}`)
	settles(t, before)
}
