package salebot_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// frozenAt freezes the emulator's clock at t.
func (e *env) frozenAt(t time.Time) {
	e.t.Helper()
	e.f.SetTime(e.t, t)
}

func (e *env) advance(d time.Duration) {
	e.t.Helper()
	e.f.Advance(e.t, d)
}

func (e *env) statuses() []string {
	e.t.Helper()
	var out []string
	for _, m := range e.outbox() {
		out = append(out, m.Text+":"+m.Status)
	}
	return out
}

// 2024-10-16 13:00:00 in Moscow.
var moscowOnePM = time.Date(2024, 10, 16, 10, 0, 0, 0, time.UTC)

func TestTimeShiftDeliversExactlyWhenDue(t *testing.T) {
	e := newEnv(t, shopFixture)
	e.frozenAt(moscowOnePM)
	cid := e.newClients(1)[0]
	receiver := e.webhookTo(t)

	e.ok("POST", "message", map[string]any{"client_id": cid, "message": "later", "time_shift": 60})
	require.Equal(t, []string{"later:scheduled"}, e.statuses())
	require.Empty(t, e.history(cid), "nothing early")
	e.advance(59*time.Second + 999*time.Millisecond)
	require.Equal(t, []string{"later:scheduled"}, e.statuses())
	e.advance(time.Millisecond)
	require.Equal(t, []string{"later:delivered"}, e.statuses())
	h := e.history(cid)
	require.Len(t, h, 1)
	require.EqualValues(t, moscowOnePM.Add(time.Minute).Unix(), h[0]["created_at"], "delivered at its due time")

	e.sb.Flush(t)
	got := receiver.Received()
	require.Len(t, got, 1)
	var hook map[string]any
	got[0].JSON(t, &hook)
	require.Equal(t, "later", hook["message"])
	require.EqualValues(t, 0, hook["is_input"])
}

func TestSendTimeInTheProjectZoneAndTimeShiftWins(t *testing.T) {
	e := newEnv(t, shopFixture)
	e.frozenAt(moscowOnePM)
	cid := e.newClients(1)[0]
	e.ok("POST", "message", map[string]any{"client_id": cid, "message": "at 13:15:59", "send_time": "2024-10-16 13:15:59"})
	e.ok("POST", "message", map[string]any{"client_id": cid, "message": "shift wins", "send_time": "2024-10-16 13:15:59", "time_shift": "5"})
	e.ok("POST", "message", map[string]any{"client_id": cid, "message": "past", "send_time": "2024-10-16 12:00:00"})
	require.Equal(t, []string{"at 13:15:59:scheduled", "shift wins:scheduled", "past:delivered"}, e.statuses())
	e.advance(5 * time.Second)
	require.Equal(t, []string{"at 13:15:59:scheduled", "shift wins:delivered", "past:delivered"}, e.statuses())
	e.advance(15*time.Minute + 53*time.Second)
	require.Equal(t, "at 13:15:59:scheduled", e.statuses()[0])
	e.advance(time.Second)
	require.Equal(t, "at 13:15:59:delivered", e.statuses()[0])

	e.sb.PatchSettings(t, map[string]any{"timezone": "UTC"})
	e.ok("POST", "message", map[string]any{"client_id": cid, "message": "utc", "send_time": "2024-10-16 10:20:00"})
	require.Equal(t, "utc:scheduled", e.statuses()[3])
}

func TestBroadcastShiftSpacesRecipients(t *testing.T) {
	e := newEnv(t, shopFixture)
	e.frozenAt(moscowOnePM)
	ids := e.newClients(3)
	e.ok("POST", "broadcast", map[string]any{"clients": ids, "message": "news", "shift": 10, "time_shift": 30})
	require.Equal(t, []string{"news:scheduled", "news:scheduled", "news:scheduled"}, e.statuses())
	e.advance(30 * time.Second)
	require.Equal(t, []string{"news:delivered", "news:scheduled", "news:scheduled"}, e.statuses())
	e.advance(10 * time.Second)
	require.Equal(t, []string{"news:delivered", "news:delivered", "news:scheduled"}, e.statuses())
	e.advance(time.Hour)
	require.Equal(t, []string{"news:delivered", "news:delivered", "news:delivered"}, e.statuses())

	// The documented default shift is 0.2 s.
	e.ok("POST", "broadcast", map[string]any{"clients": ids[:2], "message": "default"})
	require.Equal(t, []string{"default:delivered", "default:scheduled"}, e.statuses()[3:])
	e.advance(200 * time.Millisecond)
	require.Equal(t, []string{"default:delivered", "default:delivered"}, e.statuses()[3:])
}

func TestScheduledCallbackSavesVariablesAtOnce(t *testing.T) {
	e := newEnv(t, shopFixture)
	e.frozenAt(moscowOnePM)
	cid := e.newClients(1)[0]
	e.ok("POST", "callback", map[string]any{"client_id": cid, "message": "remind", "time_shift": 3600, "source": "crm"})
	require.Equal(t, "crm", e.sb.ClientCard(t, cid).Variables["source"])
	require.Empty(t, e.history(cid))
	e.advance(time.Hour)
	h := e.history(cid)
	require.Len(t, h, 1)
	require.Equal(t, "remind", h[0]["text"])
	require.Equal(t, true, h[0]["client_replica"])
	require.EqualValues(t, 3, h[0]["message_from_outside"], "a callback notification")
}

// A client deleted while its message waited gets nothing.
func TestScheduledMessageForADeletedClient(t *testing.T) {
	e := newEnv(t, shopFixture)
	e.frozenAt(moscowOnePM)
	ids := e.newClients(2)
	e.ok("POST", "broadcast", map[string]any{"clients": ids, "message": "m", "time_shift": 10, "shift": 0})
	e.ok("POST", "delete_clients", map[string]any{"client_ids": []any{ids[0]}})
	e.advance(10 * time.Second)
	require.Len(t, e.history(ids[1]), 1)
}
