package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/internal/testwait"
)

// cancelled is a context whose caller has already gone.
func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// TestReadsOfACallerThatLeftAnswerItsContextError: every read takes the
// caller's context; one whose caller has gone answers context.Canceled
// rather than an empty result that would pass for "nothing there". The
// statements are read once first, so both the prepared (cached) and the
// first-time paths are covered.
func TestReadsOfACallerThatLeftAnswerItsContextError(t *testing.T) {
	for _, warm := range []bool{false, true} {
		s := open(t, "")
		addTenant(t, s, "a", t0)
		ctx := testwait.Context(t)
		if warm {
			_, _ = s.Tenant(ctx, "a")
			_, _ = s.TenantInfo(ctx, "a")
			_, _ = s.TenantByControlToken(ctx, "tok")
			_, _ = s.Tenants(ctx)
			_, _ = s.Credential(ctx, "p", "s")
			_, _ = s.Credentials(ctx, "a", "")
			_, _ = s.NextDue(ctx)
			_, _, _ = s.Outbox(ctx, store.OutboxFilter{})
		}
		gone := cancelled()
		_, err := s.Tenant(gone, "a")
		require.ErrorIs(t, err, context.Canceled, "Tenant, warm=%v", warm)
		_, err = s.TenantInfo(gone, "a")
		require.ErrorIs(t, err, context.Canceled, "TenantInfo, warm=%v", warm)
		_, err = s.TenantByControlToken(gone, "tok")
		require.ErrorIs(t, err, context.Canceled, "TenantByControlToken, warm=%v", warm)
		tenants, err := s.Tenants(gone)
		require.ErrorIs(t, err, context.Canceled, "Tenants, warm=%v", warm)
		require.Nil(t, tenants)
		_, err = s.Credential(gone, "p", "s")
		require.ErrorIs(t, err, context.Canceled, "Credential, warm=%v", warm)
		creds, err := s.Credentials(gone, "a", "")
		require.ErrorIs(t, err, context.Canceled, "Credentials, warm=%v", warm)
		require.Nil(t, creds)
		due, err := s.NextDue(gone)
		require.ErrorIs(t, err, context.Canceled, "NextDue, warm=%v", warm)
		require.Nil(t, due)
		msgs, more, err := s.Outbox(gone, store.OutboxFilter{})
		require.ErrorIs(t, err, context.Canceled, "Outbox, warm=%v", warm)
		require.Nil(t, msgs)
		require.False(t, more)
	}
}

// TestTenantByControlToken: a control token finds its tenant; an unknown
// token, and the empty token every tenant without one has, find nothing.
func TestTenantByControlToken(t *testing.T) {
	s := open(t, "")
	ctx := testwait.Context(t)
	write(t, s, func(tx *store.Tx) error {
		if err := tx.InsertTenant(store.Tenant{ID: "with", CreatedAt: t0, ControlToken: "ctl-1"}); err != nil {
			return err
		}
		return tx.InsertTenant(store.Tenant{ID: "without", CreatedAt: t0})
	})
	id, err := s.TenantByControlToken(ctx, "ctl-1")
	require.NoError(t, err)
	require.Equal(t, "with", id)
	_, err = s.TenantByControlToken(ctx, "ctl-2")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.TenantByControlToken(ctx, "")
	require.ErrorIs(t, err, store.ErrNotFound, "no token is no way in")
}

// TestRowsTheStoreCannotReadAreReportedNotSkipped: a row whose instant is
// not a number (written by hand, or by a broken version) fails the read
// that meets it, naming the column, instead of being dropped from a list.
func TestRowsTheStoreCannotReadAreReportedNotSkipped(t *testing.T) {
	s := open(t, "")
	ctx := testwait.Context(t)
	addTenant(t, s, "a", t0)
	write(t, s, func(tx *store.Tx) error {
		for _, q := range []string{
			`INSERT INTO tenants (id, seed, faker_seed, created_at) VALUES ('bad', 1, 1, 'yesterday')`,
			`INSERT INTO credentials (platform, secret, tenant_id, created_at) VALUES ('p', 'bad', 'a', 'yesterday')`,
			`INSERT INTO outbox (tenant_id, platform, operation, status, created_at, due_at) VALUES ('a', 'p', 'op', 'scheduled', 'yesterday', 1)`,
			`INSERT INTO outbox (tenant_id, platform, operation, status, created_at, due_at) VALUES ('bad', 'p', 'op', 'scheduled', 1, 'later')`,
		} {
			if _, err := tx.Exec(q); err != nil {
				return err
			}
		}
		return nil
	})
	const tenantCol = `sql: Scan error on column index 4, name "created_at": converting driver.Value type string ("yesterday") to a int64: invalid syntax`
	_, err := s.Tenant(ctx, "bad")
	require.EqualError(t, err, `sql: Scan error on column index 4, name "created_at": converting driver.Value type string ("yesterday") to a int64: invalid syntax`)
	tenants, err := s.Tenants(ctx)
	require.EqualError(t, err, tenantCol)
	require.Nil(t, tenants)

	_, err = s.Credential(ctx, "p", "bad")
	require.EqualError(t, err, `sql: Scan error on column index 3, name "created_at": converting driver.Value type string ("yesterday") to a int64: invalid syntax`)
	creds, err := s.Credentials(ctx, "a", "p")
	require.EqualError(t, err, `sql: Scan error on column index 4, name "created_at": converting driver.Value type string ("yesterday") to a int64: invalid syntax`)
	require.Nil(t, creds)

	const outboxCol = `sql: Scan error on column index 11, name "created_at": converting driver.Value type string ("yesterday") to a int64: invalid syntax`
	msgs, more, err := s.Outbox(ctx, store.OutboxFilter{TenantID: "a"})
	require.EqualError(t, err, outboxCol)
	require.Nil(t, msgs)
	require.False(t, more)
	err = s.WriteTenant(ctx, "a", func(tx *store.Tx) error {
		msgs, err := tx.DeliverDue("a", t0)
		require.Nil(t, msgs)
		return err
	})
	require.EqualError(t, err, outboxCol)

	due, err := s.NextDue(ctx)
	require.EqualError(t, err, `sql: Scan error on column index 1, name "MIN(due_at)": converting driver.Value type string ("later") to a int64: invalid syntax`)
	require.Nil(t, due)
}

// refusing is a schema whose triggers refuse to delete or change the rows
// named "locked": a write the database refuses, at the statement.
var refusing = store.Migrations{Owner: "refusing", Files: fstest.MapFS{"migrations/0001_refuse.sql": {Data: []byte(`
CREATE TRIGGER keep_tenant BEFORE DELETE ON tenants WHEN old.id = 'locked' BEGIN SELECT RAISE(ABORT, 'tenant locked'); END;
CREATE TRIGGER keep_credential BEFORE DELETE ON credentials WHEN old.secret = 'locked' BEGIN SELECT RAISE(ABORT, 'credential locked'); END;
CREATE TRIGGER keep_message BEFORE UPDATE ON outbox WHEN old.text = 'locked' BEGIN SELECT RAISE(ABORT, 'message locked'); END;
`)}}}

// requireRefused fails unless err is the trigger's refusal with message.
func requireRefused(t *testing.T, err error, message string) {
	t.Helper()
	requireConstraint(t, err, sqlite3.SQLITE_CONSTRAINT_TRIGGER)
	require.ErrorContains(t, err, message)
}

// TestWritesTheDatabaseRefusesReturnItsError: deleting a tenant or a
// credential, delivering or failing a message, each reports the database's
// refusal to its caller, who then rolls back.
func TestWritesTheDatabaseRefusesReturnItsError(t *testing.T) {
	s := open(t, "", refusing)
	ctx := testwait.Context(t)
	addTenant(t, s, "locked", t0)
	var msg store.Message
	write(t, s, func(tx *store.Tx) error {
		if err := tx.PutCredential(store.Credential{Platform: "p", Secret: "locked", TenantID: "locked", Kind: "k", CreatedAt: t0}); err != nil {
			return err
		}
		var err error
		msg, err = tx.Enqueue(store.Message{TenantID: "locked", Platform: "p", Operation: "op", Text: "locked", CreatedAt: t0, DueAt: t0.Add(1)})
		return err
	})

	err := s.Write(ctx, func(tx *store.Tx) error {
		gone, err := tx.DeleteTenant("locked")
		require.False(t, gone)
		return err
	})
	requireRefused(t, err, "tenant locked")
	err = s.Write(ctx, func(tx *store.Tx) error {
		gone, err := tx.DeleteCredential("locked", "p", "locked")
		require.False(t, gone)
		return err
	})
	requireRefused(t, err, "credential locked")
	err = s.Write(ctx, func(tx *store.Tx) error {
		msgs, err := tx.DeliverDue("locked", t0.Add(1))
		require.Nil(t, msgs)
		return err
	})
	requireRefused(t, err, "message locked")
	requireRefused(t, s.Write(ctx, func(tx *store.Tx) error { return tx.FailMessage(msg.ID) }), "message locked")

	// Nothing changed.
	_, err = s.Tenant(ctx, "locked")
	require.NoError(t, err)
	_, err = s.Credential(ctx, "p", "locked")
	require.NoError(t, err)
	got := outbox(t, s, store.OutboxFilter{TenantID: "locked"})
	require.Len(t, got, 1)
	require.Equal(t, store.StatusScheduled, got[0].Status)
}

// TestStatementsThatDoNotPrepareNameTheQuery: a malformed statement fails
// with SQLite's reason, prefixed by the statement, whether read on the
// store or in a write; QueryRow surfaces it through Scan.
func TestStatementsThatDoNotPrepareNameTheQuery(t *testing.T) {
	s := open(t, "")
	ctx := testwait.Context(t)
	const bad = `SELECT missing FROM tenants`
	const reason = `SQL logic error: no such column: missing (1)`
	const prepared = `prepare "SELECT missing FROM tenants": ` + reason

	rows, err := s.Query(ctx, bad)
	require.EqualError(t, err, prepared)
	require.Nil(t, rows)
	var v int
	require.EqualError(t, s.QueryRow(ctx, bad).Scan(&v), reason)

	err = s.Write(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(bad)
		require.EqualError(t, err, prepared)
		require.Nil(t, res)
		rows, err := tx.Query(bad)
		require.EqualError(t, err, prepared)
		require.Nil(t, rows)
		require.EqualError(t, tx.QueryRow(bad).Scan(&v), reason)
		return errors.New("done")
	})
	require.EqualError(t, err, "done")
}

// TestErrorKinds: IsConstraint is SQLite refusing the data, and only that;
// IsStoreError is any error of the database or of a connection or
// transaction gone, not an error of a platform's own.
func TestErrorKinds(t *testing.T) {
	s := open(t, "")
	ctx := testwait.Context(t)
	constraint := s.Write(ctx, func(tx *store.Tx) error {
		return tx.PutCredential(store.Credential{Platform: "p", Secret: "s", TenantID: "nobody", CreatedAt: t0})
	})
	requireConstraint(t, constraint, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY)
	_, other := s.Query(ctx, `SELECT missing`)
	var se *sqlite.Error
	require.ErrorAs(t, other, &se)
	plain := errors.New("refused by the platform")

	require.True(t, store.IsConstraint(constraint))
	require.False(t, store.IsConstraint(other), "an SQL error, not a constraint")
	require.False(t, store.IsConstraint(plain))
	require.False(t, store.IsConstraint(nil))

	require.True(t, store.IsStoreError(constraint))
	require.True(t, store.IsStoreError(other))
	require.True(t, store.IsStoreError(sql.ErrConnDone))
	require.True(t, store.IsStoreError(sql.ErrTxDone))
	require.False(t, store.IsStoreError(plain))
	require.False(t, store.IsStoreError(nil))
}

// failingLate replaces the core tables with views over tables of their
// own, whose rows named "boom" fail to compute (integer overflow) when
// read: reads that fail after their first rows.
var failingLate = store.Migrations{Owner: "failinglate", Files: fstest.MapFS{"migrations/0001_views.sql": {Data: []byte(`
DROP TABLE credentials; DROP TABLE outbox; DROP TABLE tenants;
CREATE TABLE tenants_data (id TEXT PRIMARY KEY, seed INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX tenants_in_order ON tenants_data (created_at, id);
CREATE VIEW tenants AS SELECT id, CASE WHEN id = 'boom' THEN abs(-9223372036854775807 - 1) ELSE seed END AS seed,
  0 AS faker_seed, '' AS fixture, created_at FROM tenants_data;
INSERT INTO tenants_data VALUES ('fine', 1, 1), ('boom', 2, 2);
CREATE TABLE credentials_data (platform TEXT NOT NULL, secret TEXT NOT NULL, tenant_id TEXT NOT NULL, kind TEXT NOT NULL,
  created_at INTEGER NOT NULL, PRIMARY KEY (platform, secret));
CREATE INDEX credentials_in_order ON credentials_data (tenant_id, created_at);
CREATE VIEW credentials AS SELECT rowid, platform, secret, tenant_id, CASE WHEN kind = 'boom' THEN abs(-9223372036854775807 - 1) ELSE kind END AS kind,
  '{}' AS data, created_at FROM credentials_data;
INSERT INTO credentials_data VALUES ('p', 's1', 'fine', 'k', 1), ('p', 's2', 'fine', 'boom', 2);
CREATE TABLE outbox_data (id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, text TEXT NOT NULL, status TEXT NOT NULL, due_at INTEGER NOT NULL);
CREATE INDEX outbox_due ON outbox_data (status, tenant_id);
CREATE VIEW outbox AS SELECT id, tenant_id, 'p' AS platform, 'o' AS operation, '' AS bot_id, '' AS recipient, '' AS messenger, 'text' AS kind,
  CASE WHEN text = 'boom' THEN abs(-9223372036854775807 - 1) ELSE text END AS text, '{}' AS payload, status, 0 AS created_at,
  CASE WHEN tenant_id = 'boom' THEN abs(-9223372036854775807 - 1) ELSE due_at END AS due_at, NULL AS delivered_at FROM outbox_data;
INSERT INTO outbox_data VALUES (1, 'fine', 'boom', 'delivered', 1), (2, 'fine', 'ok', 'delivered', 1),
  (3, 'a', 'ok', 'scheduled', 5), (4, 'boom', 'ok', 'scheduled', 5);
`)}}}

// TestListsThatFailPartWayReportTheError: a list whose reading fails after
// some rows were read answers the failure, not the rows read so far as if
// they were all.
func TestListsThatFailPartWayReportTheError(t *testing.T) {
	s := open(t, "", failingLate)
	ctx := testwait.Context(t)
	const overflow = "SQL logic error: integer overflow (1)"
	_, err := s.Tenants(ctx)
	require.EqualError(t, err, overflow)
	_, err = s.Credentials(ctx, "fine", "")
	require.EqualError(t, err, overflow)
	_, err = s.NextDue(ctx)
	require.EqualError(t, err, overflow)
	_, more, err := s.Outbox(ctx, store.OutboxFilter{TenantID: "fine"})
	require.EqualError(t, err, overflow)
	require.False(t, more)
}
