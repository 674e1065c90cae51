package emulator_test

import (
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
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
