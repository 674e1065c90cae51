package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/events"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/store"
)

// TestNewRefusesADatabaseInUse: a second emulator on the same file fails to
// start instead of sharing it.
func TestNewRefusesADatabaseInUse(t *testing.T) {
	path := t.TempDir() + "/state.db"
	e, err := emulator.New(emulator.WithDB(path), emulator.WithTick(0))
	require.NoError(t, err)
	defer e.Close()
	second, err := emulator.New(emulator.WithDB(path), emulator.WithTick(0))
	require.ErrorIs(t, err, store.ErrInUse)
	require.EqualError(t, err, "open store: "+path+": "+store.ErrInUse.Error()+" (it holds "+path+".lock)")
	require.Nil(t, second)
}

// TestAFailedStartReleasesTheDatabase: an emulator whose seed cannot be
// loaded lets its database go, so the next start can open it.
func TestAFailedStartReleasesTheDatabase(t *testing.T) {
	path := t.TempDir() + "/state.db"
	_, err := emulator.New(emulator.WithDB(path), emulator.WithSeed(t.TempDir()+"/missing.yaml"), emulator.WithTick(0))
	require.ErrorContains(t, err, "seed:")
	e, err := emulator.New(emulator.WithDB(path), emulator.WithTick(0))
	require.NoError(t, err)
	require.NoError(t, e.Close())
}

// TestNewRefusesASeedItCannotCreate: a seed that names no fixture, or whose
// fixture a platform refuses, fails the start and says why.
func TestNewRefusesASeedItCannotCreate(t *testing.T) {
	refused := t.TempDir() + "/refused.yaml"
	require.NoError(t, os.WriteFile(refused, []byte("cleverapp: {plan: gold}\n"), 0o644))
	for seed, want := range map[string]string{
		"nosuchfixture": `seed: unknown fixture "nosuchfixture"`,
		refused:         "seed: fixture: cleverapp: plan must be",
	} {
		e, err := emulator.New(emulator.WithSeed(seed), emulator.WithTick(0))
		require.ErrorContains(t, err, want, seed)
		require.Nil(t, e)
	}
}

// TestFailedReseedLeavesNoSeedTenant: a whole reset whose seed can no longer
// be read says so, and names no seed tenant: the old one is gone.
func TestFailedReseedLeavesNoSeedTenant(t *testing.T) {
	path := t.TempDir() + "/shop.yaml"
	require.NoError(t, os.WriteFile(path, []byte("id: shop\n"), 0o644))
	e, err := emulator.New(emulator.WithSeed(path), emulator.WithTick(0))
	require.NoError(t, err)
	defer e.Close()
	require.Equal(t, "shop", e.SeedTenantID())
	require.NoError(t, os.Remove(path))
	require.ErrorContains(t, e.Reset(context.Background()), "seed:")
	require.Empty(t, e.SeedTenantID())
}

// TestCloseEndsEventStreams: Close ends the streams still open, saying why,
// without anyone calling EndStreams first.
func TestCloseEndsEventStreams(t *testing.T) {
	s := fakebotstest.NewServer(t)
	tn := s.NewTenant(t)
	st := openStream(t, s, tn.ID)
	st.until(t, events.Ready)
	require.NoError(t, s.Emulator.Close())
	require.Equal(t, map[string]any{"reason": events.ShuttingDown}, st.until(t, events.End))
	st.closed(t)
}

// logSignal is a log destination that signals the first line containing want.
type logSignal struct {
	want string
	once sync.Once
	seen chan struct{}
}

func (l *logSignal) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(l.want)) {
		l.once.Do(func() { close(l.seen) })
	}
	return len(p), nil
}

// TestCloseEndsScenarioRuns: Close cancels the scenario runs in progress and
// lets them remove their tenants before it closes the store.
func TestCloseEndsScenarioRuns(t *testing.T) {
	path := t.TempDir() + "/state.db"
	called := &logSignal{want: "msg=request", seen: make(chan struct{})}
	e, err := emulator.New(emulator.WithDB(path), emulator.WithTick(0), emulator.WithLogger(slog.New(slog.NewTextHandler(called, nil))))
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/__fakebots/scenarios/runs", strings.NewReader(`
version: 1
name: calls, then waits for a call that never comes
steps:
  - call: {platform: cleverapp, operation: getMe, params: {api_token: "{{tenant.cleverapp.api_token}}"}}
  - expect_calls: {platform: salebot, operation: message, within: 4m}
`)))
	require.Equal(t, http.StatusAccepted, rec.Code, rec.Body.String())
	select {
	case <-called.seen: // the run has made its tenant and is on to its wait
	case <-time.After(10 * time.Second):
		t.Fatal("the run made no call within 10s")
	}
	require.NoError(t, e.Close())

	e, err = emulator.New(emulator.WithDB(path), emulator.WithTick(0))
	require.NoError(t, err)
	defer e.Close()
	rec = httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/__fakebots/tenants", nil))
	require.JSONEq(t, `{"data":[]}`, rec.Body.String(), "the run's tenant was removed")
}

// scheduleReminder has the tenant's Salebot project send a client a message
// due two hours from the tenant's now.
func scheduleReminder(t *testing.T, s *fakebotstest.Server, tn *fakebotstest.Tenant) {
	t.Helper()
	in := tn.Salebot.Inbound(t, fakebotstest.SalebotInbound{PlatformID: "1001", Text: "hi"})
	sent := s.Do(t, http.MethodPost, tn.Salebot.URL("message"), map[string]any{"client_id": in.ClientID, "message": "reminder", "time_shift": 7200})
	require.Equal(t, http.StatusOK, sent.Status, string(sent.Body))
	require.Equal(t, []string{"reminder:scheduled"}, salebotOutbox(t, s, tn.ID))
}

// TestGlobalClockDeliversDueSends: moving the emulator-wide clock delivers
// what fell due for the tenants that follow it, and nothing early.
func TestGlobalClockDeliversDueSends(t *testing.T) {
	s := fakebotstest.NewServer(t)
	tn := s.NewTenant(t)
	scheduleReminder(t, s, tn)
	globalClock(t, s, "/advance", map[string]string{"by": "1h"})
	require.Equal(t, []string{"reminder:scheduled"}, salebotOutbox(t, s, tn.ID))
	globalClock(t, s, "/advance", map[string]string{"by": "1h"})
	require.Equal(t, []string{"reminder:delivered"}, salebotOutbox(t, s, tn.ID))
}

// TestTenantClockMovedInGoDeliversDueSends: a Go test that moves a tenant's
// clock directly (not through the control API) gets its due sends delivered.
func TestTenantClockMovedInGoDeliversDueSends(t *testing.T) {
	s := fakebotstest.NewServer(t)
	tn := s.NewTenant(t)
	scheduleReminder(t, s, tn)
	s.Emulator.TenantClock(tn.ID).Advance(2 * time.Hour)
	require.Equal(t, []string{"reminder:delivered"}, salebotOutbox(t, s, tn.ID))
}

// TestTickDeliversSendsDueOnARunningClock: while the clock runs, nothing
// changes it, and the background check finds what fell due.
func TestTickDeliversSendsDueOnARunningClock(t *testing.T) {
	var wall atomic.Int64
	wall.Store(fakebotstest.Epoch.UnixNano())
	now := func() time.Time { return time.Unix(0, wall.Load()).UTC() }
	s := fakebotstest.NewServer(t, fakebotstest.WithRealTime(),
		fakebotstest.WithEmulatorOptions(emulator.WithWallClock(now), emulator.WithTick(time.Millisecond)))
	tn := s.NewTenant(t)
	st := openStream(t, s, tn.ID)
	st.until(t, events.Ready)
	scheduleReminder(t, s, tn)
	wall.Add(int64(2 * time.Hour))
	delivered := st.until(t, events.Outbox)["delivered"].([]any)
	require.Len(t, delivered, 1)
	require.Equal(t, "delivered", delivered[0].(map[string]any)["status"])
	require.Equal(t, []string{"reminder:delivered"}, salebotOutbox(t, s, tn.ID))
}

// TestOutboxEventsTellOfDeliveries: a clock move that delivers nothing tells
// the streams nothing and logs nothing; the one that delivers names the
// message.
func TestOutboxEventsTellOfDeliveries(t *testing.T) {
	var out syncBuffer
	s := fakebotstest.NewServer(t, fakebotstest.WithEmulatorOptions(emulator.WithLogger(slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelWarn})))))
	tn := s.NewTenant(t)
	st := openStream(t, s, tn.ID)
	st.until(t, events.Ready)
	scheduleReminder(t, s, tn)
	tn.Advance(t, time.Hour)
	tn.Advance(t, time.Hour)
	delivered := st.until(t, events.Outbox)["delivered"].([]any)
	require.Len(t, delivered, 1)
	require.Equal(t, "delivered", delivered[0].(map[string]any)["status"])
	require.Empty(t, out.lines())
}

// TestCloseWaitsForTheBackgroundCheck: Close returns only once the
// background check of due work has stopped, so the check never finds the
// store closed under it. Time is synctest's: the check runs when every
// goroutine waits.
func TestCloseWaitsForTheBackgroundCheck(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var block atomic.Bool
		checking, release := make(chan struct{}), make(chan struct{})
		wall := func() time.Time {
			if block.CompareAndSwap(true, false) { // the next reading of a clock is the check's
				close(checking)
				<-release
			}
			return time.Now()
		}
		e, err := emulator.New(emulator.WithTick(time.Second), emulator.WithWallClock(wall))
		require.NoError(t, err)
		_, err = e.CreateTenant(context.Background(), emulator.TenantRequest{
			Fixture: json.RawMessage(`{"salebot":{"api_key":"k","clients":[{"id":1,"platform_id":"1001"}]}}`),
		})
		require.NoError(t, err)
		sent := httptest.NewRecorder()
		e.ServeHTTP(sent, httptest.NewRequest(http.MethodPost, "/salebot/api/k/message", strings.NewReader(`{"client_id":1,"message":"reminder","time_shift":7200}`)))
		require.Equal(t, http.StatusOK, sent.Code, sent.Body.String()) // scheduled: the check reads the tenant's clock

		block.Store(true)
		<-checking
		closed := make(chan struct{})
		go func() {
			e.Close()
			close(closed)
		}()
		synctest.Wait()
		returned := false
		select {
		case <-closed:
			returned = true
		default:
		}
		close(release)
		<-closed
		require.False(t, returned, "Close returned while the background check was running")
	})
}
