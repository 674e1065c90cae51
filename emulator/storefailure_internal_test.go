package emulator

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/store"
)

// TestStoreFailuresAreTheEmulatorsOwn: when the store fails, a control call
// answers 500 and the log says what failed, rather than answering as if
// there were nothing (no tenant, an empty list) or nothing had gone wrong.
func TestStoreFailuresAreTheEmulatorsOwn(t *testing.T) {
	var out bytes.Buffer
	e, err := New(WithTick(0), WithControlToken("s3cret"),
		WithLogger(slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelError}))))
	require.NoError(t, err)
	defer e.Close()
	require.NoError(t, e.store.Write(context.Background(), func(tx *store.Tx) error {
		for _, table := range []string{"tenants", "outbox"} {
			if _, err := tx.Exec(`DROP TABLE ` + table); err != nil {
				return err
			}
		}
		return nil
	}))

	const internal = `{"error":"internal error: the emulator could not complete the call (see its log)"}`
	for _, call := range []struct{ method, path, token string }{
		{http.MethodGet, "/__fakebots/tenants/acme", "s3cret"},
		{http.MethodGet, "/__fakebots/tenants/acme/clock", "s3cret"},
		{http.MethodPost, "/__fakebots/tenants/acme/reset", "s3cret"},
		{http.MethodDelete, "/__fakebots/tenants/acme", "s3cret"},
		{http.MethodPost, "/__fakebots/reset", "s3cret"},
		{http.MethodGet, "/__fakebots/journal?tenant=acme", "s3cret"},
		{http.MethodGet, "/__fakebots/outbox", "s3cret"},
		{http.MethodGet, "/__fakebots/tenants/acme/clock", "ct_someones"}, // a tenant's control token is looked up
	} {
		out.Reset()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(call.method, call.path, nil)
		req.Header.Set("Authorization", "Bearer "+call.token)
		e.ServeHTTP(rec, req)
		require.Equal(t, http.StatusInternalServerError, rec.Code, "%s %s: %s", call.method, call.path, rec.Body)
		require.JSONEq(t, internal, rec.Body.String(), call.path)
		path, _, _ := strings.Cut(call.path, "?")
		require.Contains(t, out.String(), `level=ERROR msg="control call failed" method=`+call.method+` path=`+path, call.path)
	}
}
