package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/store"
)

// scheduling is an emulator logging errors to out, with one tenant whose
// Salebot project sent client 1 a message due two hours from now.
func scheduling(t *testing.T, out *bytes.Buffer) (e *Emulator, tenantID string) {
	t.Helper()
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	e, err := New(WithTick(0), WithLogger(slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelError, ReplaceAttr: noTime}))))
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	created, err := e.CreateTenant(context.Background(), TenantRequest{
		Fixture: json.RawMessage(`{"salebot":{"api_key":"k","clients":[{"id":1,"platform_id":"1001"}]}}`),
	})
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/salebot/api/k/message", strings.NewReader(`{"client_id":1,"message":"reminder","time_shift":7200}`)))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	return e, created[0].Value.(string)
}

// Scheduled work runs in the background, where nobody sees an error but
// in the log: each failure is logged with what it was about.

func TestFailedLookupOfDueWorkIsLogged(t *testing.T) {
	var out bytes.Buffer
	e, _ := scheduling(t, &out)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e.runAllDue(ctx)
	require.True(t, strings.HasPrefix(out.String(), `level=ERROR msg="find due messages" err=`), out.String())
	require.Contains(t, out.String(), "context canceled")
}

func TestFailedDeliveryOfDueMessagesIsLogged(t *testing.T) {
	var out bytes.Buffer
	e, id := scheduling(t, &out)
	require.NoError(t, e.store.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(`DROP TABLE outbox`)
		return err
	}))
	e.runDue(context.Background(), id, e.clock.Now().Add(3*time.Hour))
	require.True(t, strings.HasPrefix(out.String(), `level=ERROR msg="deliver due messages" tenant=`+id+` err=`), out.String())
	require.Contains(t, out.String(), "no such table: outbox")
}

func TestFailedScheduledWorkOfAPlatformIsLogged(t *testing.T) {
	var out bytes.Buffer
	e, id := scheduling(t, &out)
	require.NoError(t, e.store.Write(context.Background(), func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE outbox SET payload = 'not JSON'`)
		return err
	}))
	e.runDue(context.Background(), id, e.clock.Now().Add(3*time.Hour))
	require.True(t, strings.HasPrefix(out.String(), `level=ERROR msg="scheduled work" platform=salebot tenant=`+id+` err=`), out.String())
	require.Contains(t, out.String(), "invalid character")
}
