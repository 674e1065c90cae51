package salebot_test

import (
	"database/sql"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/internal/brokendb"
)

// brokenEnv is an emulator of its own over a database file that a test
// changes behind the emulator's back (from a second connection), so that
// chosen statements fail as those of a broken database would; the
// emulator's log is kept.
type brokenEnv struct {
	*env
	db  *sql.DB
	log *brokendb.Log
}

func newBrokenEnv(t *testing.T, fixture any) *brokenEnv {
	t.Helper()
	path, db := brokendb.Open(t)
	log := &brokendb.Log{}
	f := fakebotstest.New(t, fakebotstest.WithFixture(fixture),
		fakebotstest.WithEmulatorOptions(emulator.WithDB(path), emulator.WithRateLimits(false), emulator.WithLogger(log.Logger(slog.LevelInfo))))
	log.Take()
	return &brokenEnv{env: &env{t: t, f: f, sb: &f.Tenant.Salebot}, db: db, log: log}
}

// exec runs statements on the database behind the emulator's back.
func (b *brokenEnv) exec(statements string) {
	b.t.Helper()
	if statements == "" {
		return
	}
	_, err := b.db.Exec(statements)
	require.NoError(b.t, err)
}

// failsInternally calls an action that has to meet the broken database: the
// answer is Salebot's 500 and the log holds the one line that says why.
func (b *brokenEnv) failsInternally(t *testing.T, method, action string, params any, cause string) {
	t.Helper()
	b.failsWithKey(t, b.sb.APIKey, method, action, params, cause)
}

// failsWithKey is failsInternally for a call with the key.
func (b *brokenEnv) failsWithKey(t *testing.T, key, method, action string, params any, cause string) {
	t.Helper()
	r := b.f.Do(t, method, b.sb.KeyURL(key, action), params)
	require.Equal(t, http.StatusInternalServerError, r.Status, "%s", r.Body)
	require.Equal(t, `{"status":"fail","message":"Something went wrong"}`, string(r.Body))
	logged := b.log.Errors()
	require.Equal(t, 1, strings.Count(logged, "\n"), logged)
	require.True(t, strings.HasPrefix(logged, `level=ERROR msg="internal error" platform=salebot path=`), logged)
	require.Contains(t, logged, cause)
}

var gone, back = brokendb.Gone, brokendb.Back

// refusing is a trigger that makes one kind of write to a table fail (an
// integer overflow: a failure, not a constraint the caller broke).
func refusing(event, table string) string {
	return `CREATE TRIGGER refuse_` + table + ` BEFORE ` + event + ` ON ` + table + ` BEGIN SELECT abs(-9223372036854775808); END`
}

func allowing(table string) string { return `DROP TRIGGER refuse_` + table }

// nulled replaces a table with a view of its rows whose column is NULL:
// rows that cannot be scanned.
func (b *brokenEnv) nulled(table, column string) { b.view(table, column, "NULL") }

// overflowing replaces a table with a view of its rows whose column fails
// to compute (integer overflow): a read that fails while stepping.
func (b *brokenEnv) overflowing(table, column string) {
	b.view(table, column, "abs(-9223372036854775808)")
}

// failingAfterFirst replaces a table with a view of its rows whose column
// fails to compute from the second row on: a read that fails midway.
func (b *brokenEnv) failingAfterFirst(table, column string) {
	b.view(table, column, `CASE WHEN rowid > (SELECT min(rowid) FROM `+table+`_away) THEN abs(-9223372036854775808) ELSE `+column+` END`)
}

// view puts a view of the table's rows in its place, column computed by expr.
func (b *brokenEnv) view(table, column, expr string) {
	b.t.Helper()
	rows, err := b.db.Query(`SELECT name FROM pragma_table_info(?)`, table)
	require.NoError(b.t, err)
	columns := []string{"rowid AS rowid"}
	for rows.Next() {
		var name string
		require.NoError(b.t, rows.Scan(&name))
		if name == column {
			name = expr + ` AS ` + name
		}
		columns = append(columns, name)
	}
	require.NoError(b.t, rows.Err())
	b.exec(gone(table) + `; CREATE VIEW ` + table + ` AS SELECT ` + strings.Join(columns, ", ") + ` FROM ` + table + `_away`)
}

// unviewed puts back a table that nulled or overflowing replaced.
func unviewed(table string) string { return `DROP VIEW ` + table + `; ` + back(table) }

// controlFails calls a control route of the tenant's project that has to
// meet the broken database: the control API's 500 and one log line.
func (b *brokenEnv) controlFails(t *testing.T, method, path, body, cause string) {
	t.Helper()
	r := b.f.Do(t, method, "/__fakebots/tenants/"+b.f.Tenant.ID+"/salebot/"+path, body, "Content-Type", "application/json")
	require.Equal(t, http.StatusInternalServerError, r.Status, "%s", r.Body)
	require.Equal(t, `{"error":"internal error: the emulator could not complete the call (see its log)"}`, strings.TrimSpace(string(r.Body)))
	logged := b.log.Errors()
	require.Equal(t, 1, strings.Count(logged, "\n"), logged)
	require.True(t, strings.HasPrefix(logged, `level=ERROR msg="control call failed" method=`+method+` path=`), logged)
	require.Contains(t, logged, cause)
}

// breakTable renames the table away (breaks nil) or puts the view breaks
// makes of its column in its place; repair puts the table back.
func (b *brokenEnv) breakTable(table, column string, breaks func(table, column string)) (repair func()) {
	if breaks == nil {
		b.exec(gone(table))
		return func() { b.exec(back(table)) }
	}
	breaks(table, column)
	return func() { b.exec(unviewed(table)) }
}
