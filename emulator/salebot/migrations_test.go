package salebot_test

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/salebot"
	"github.com/fakebots/fakebots/emulator/store"
)

// A database written before deliveries had outcomes keeps its log: sent
// deliveries as delivered or failed with their payload, unsent ones as
// dropped without it.
func TestDeliveryLogCarriesOver(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	first, err := fs.ReadFile(salebot.Migrations.Files, "migrations/0001_salebot.sql")
	require.NoError(t, err)
	old := store.Migrations{Owner: salebot.Migrations.Owner, Files: fstest.MapFS{"migrations/0001_salebot.sql": {Data: first}}}
	st, err := store.Open(path, old)
	require.NoError(t, err)
	require.NoError(t, st.Write(context.Background(), func(tx *store.Tx) error {
		if err := tx.InsertTenant(store.Tenant{ID: "t1", CreatedAt: time.Unix(0, 0)}); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO sb_webhook_deliveries (tenant_id, message_id, url, payload, status_code, attempts, duration_ms, error, created_at) VALUES
			('t1', 1, 'http://r', '{"id":1}', 200, 1, 1.5, '', 10),
			('t1', 2, 'http://r', '{"id":2}', 500, 2, 3, 'receiver answered 500', 20),
			('t1', 3, 'http://r', '{"id":3}', 0, 0, 0, 'webhook queue full: delivery dropped', 30)`)
		return err
	}))
	require.NoError(t, st.Close())

	st, err = store.Open(path, salebot.Migrations)
	require.NoError(t, err)
	defer st.Close()
	rows, err := st.Query(context.Background(), `SELECT message_id, outcome, payload, attempts, attempt_log, error FROM sb_webhook_deliveries ORDER BY id`)
	require.NoError(t, err)
	defer rows.Close()
	type row struct {
		message             int
		outcome             string
		payload             sql.NullString
		attempts            int
		attemptLog, errText string
	}
	var got []row
	for rows.Next() {
		var r row
		require.NoError(t, rows.Scan(&r.message, &r.outcome, &r.payload, &r.attempts, &r.attemptLog, &r.errText))
		got = append(got, r)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []row{
		{1, "delivered", sql.NullString{String: `{"id":1}`, Valid: true}, 1, "[]", ""},
		{2, "failed", sql.NullString{String: `{"id":2}`, Valid: true}, 2, "[]", "receiver answered 500"},
		{3, "dropped", sql.NullString{}, 0, "[]", "webhook queue full: delivery dropped"},
	}, got)
}
