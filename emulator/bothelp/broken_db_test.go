package bothelp_test

import (
	"database/sql"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/internal/brokendb"
)

// brokenDB is an emulator of its own over a database file that a test
// changes behind the emulator's back, so that chosen statements fail as
// those of a broken database would, with the emulator's log kept.
type brokenDB struct {
	f   *fakebotstest.Fake
	db  *sql.DB
	log *brokendb.Log
}

func newBrokenDB(t *testing.T) *brokenDB {
	t.Helper()
	path, db := brokendb.Open(t)
	log := &brokendb.Log{}
	f := newFake(t, nil, emulator.WithDB(path), emulator.WithRateLimits(false), emulator.WithLogger(log.Logger(slog.LevelInfo)))
	log.Take()
	return &brokenDB{f: f, db: db, log: log}
}

// exec runs statements on the database, {tenant} standing for tenantID.
func (b *brokenDB) exec(t *testing.T, tenantID, statements string) {
	t.Helper()
	if statements == "" {
		return
	}
	_, err := b.db.Exec(strings.ReplaceAll(statements, "{tenant}", tenantID))
	require.NoError(t, err)
}

// control calls a control route of the tenant's BotHelp account and returns
// the answer's status and body.
func (b *brokenDB) control(t *testing.T, tn *fakebotstest.Tenant, method, path, body string) (int, string) {
	t.Helper()
	r := b.f.Do(t, method, "/__fakebots/tenants/"+tn.ID+"/bothelp/"+path, body, "Content-Type", "application/json")
	return r.Status, string(r.Body)
}

// must calls a control route of the tenant's BotHelp account that has to
// succeed.
func (b *brokenDB) must(t *testing.T, tn *fakebotstest.Tenant, method, path, body string) {
	t.Helper()
	status, answer := b.control(t, tn, method, path, body)
	require.Less(t, status, 300, answer)
}

const controlInternalError = `{"error":"internal error: the emulator could not complete the call (see its log)"}`

var gone, back = brokendb.Gone, brokendb.Back

// failing is a view in the place of table whose rows with column "boom"
// fail to compute (integer overflow): a read that fails after the rows
// before, which it reads in the table's order of insertion.
func failing(table, column string) *view {
	return &view{table, column, `CASE WHEN ` + column + ` = 'boom' THEN abs(-9223372036854775808) ELSE ` + column + ` END`, " NOT INDEXED"}
}

// failingByKey is failing, the rows read in the order of the table's key.
func failingByKey(table, column string) *view {
	v := failing(table, column)
	v.scan = ""
	return v
}

// nulled is a view in the place of table whose column is NULL: rows that
// cannot be scanned.
func nulled(table, column string) *view { return &view{table, column, `NULL`, ""} }

// view replaces a table with a view of its rows, column computed by expr,
// the table read with scan (NOT INDEXED: in rowid order).
type view struct{ table, column, expr, scan string }

func (v *view) create(t *testing.T, b *brokenDB) {
	t.Helper()
	rows, err := b.db.Query(`SELECT name FROM pragma_table_info(?)`, v.table)
	require.NoError(t, err)
	columns := []string{"rowid AS rowid"}
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		if name == v.column {
			name = v.expr + ` AS ` + name
		}
		columns = append(columns, name)
	}
	require.NoError(t, rows.Err())
	b.exec(t, "", gone(v.table)+`; CREATE VIEW `+v.table+` AS SELECT `+strings.Join(columns, ", ")+` FROM `+v.table+`_away`+v.scan)
}

func (v *view) drop(t *testing.T, b *brokenDB) {
	b.exec(t, "", `DROP VIEW `+v.table+`; `+back(v.table))
}

// withSubscriber makes subscriber 1, named and known as "boom", with the
// custom fields "a" and "boom".
func withSubscriber(t *testing.T, tn *fakebotstest.Tenant) {
	tn.BotHelp.AddSubscribers(t, fakebotstest.BotHelpSubscriber{Name: "boom", UserID: "boom", CustomFields: map[string]string{"a": "1", "boom": "2"}})
}
