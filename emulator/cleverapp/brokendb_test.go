package cleverapp_test

import (
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/internal/brokendb"
)

// brokenDB is a world over a database file that a test changes behind the
// emulator's back, so that chosen statements fail as those of a broken
// database would. The page cache is off (every read reaches the database)
// and the emulator's error log is kept.
type brokenDB struct {
	*world
	db  *sql.DB
	log *brokendb.Log
}

func newBrokenDB(t *testing.T) *brokenDB {
	t.Helper()
	path, db := brokendb.Open(t)
	log := &brokendb.Log{}
	w := newWorld(t, fakebotstest.WithEmulatorOptions(emulator.WithDB(path), emulator.WithLogger(log.Logger(slog.LevelError)), emulator.WithPageCacheBytes(0)))
	require.Empty(t, log.Take())
	return &brokenDB{world: w, db: db, log: log}
}

// damage is what a test does to the database (statements with the
// world's ids as b.ids writes them), and how it undoes it.
type damage struct{ breaks, mends string }

// exec runs statements on the database.
func (b *brokenDB) exec(t *testing.T, statements string) {
	t.Helper()
	if statements == "" {
		return
	}
	_, err := b.db.Exec(b.ids(statements))
	require.NoError(t, err, statements)
}

// ids puts the world's own ids in the place of {bot}, {contact},
// {account}, {schema} and {item} (the last two quoted as SQL strings).
func (b *brokenDB) ids(s string) string {
	return strings.NewReplacer("{bot}", fmt.Sprint(b.mine.bot), "{contact}", fmt.Sprint(b.mine.contact),
		"{account}", fmt.Sprint(b.mine.account), "{schema}", "'"+b.mine.schema+"'", "{item}", "'"+b.mine.item+"'").Replace(s)
}

// gone makes a table unreadable and unwritable.
func gone(table string) damage {
	return damage{brokendb.Gone(table), brokendb.Back(table)}
}

// refusing makes every statement of kind (INSERT, UPDATE or DELETE) on
// table fail inside the database, as a store that cannot write would: the
// error is the database's ("malformed JSON"), not a refused row's.
func refusing(kind, table string) damage {
	name := `refuse_` + kind + `_` + table
	return damage{`CREATE TRIGGER ` + name + ` BEFORE ` + kind + ` ON ` + table + ` BEGIN SELECT json('refused'); END`, `DROP TRIGGER ` + name}
}

// spoiling has every row of kind (INSERT or UPDATE) on table written with
// column set to value, which cannot be read back: the write succeeds and
// the read after it fails.
func spoiling(kind, table, column, value string) damage {
	name := `spoil_` + kind + `_` + table
	return damage{`CREATE TRIGGER ` + name + ` AFTER ` + kind + ` ON ` + table + ` BEGIN UPDATE ` + table + ` SET ` + column + ` = ` + value +
		` WHERE rowid = new.rowid; END`, `DROP TRIGGER ` + name}
}

// overflow is an expression whose evaluation fails.
const overflow = `abs(-9223372036854775808)`

// view puts in the place of table a view of its rows where the condition
// holds, with some columns shown as other expressions (pairs of column
// and expression; no expression leaves the column out): NULL for a value
// that cannot be scanned, or overflow for one whose reading fails. Reads
// see the view; writes fail.
func (b *brokenDB) view(t *testing.T, table, where string, shown ...string) damage {
	t.Helper()
	rows, err := b.db.Query(`SELECT name FROM pragma_table_info(?)`, table)
	require.NoError(t, err)
	defer rows.Close()
	var columns []string
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		column := name
		for i := 0; i < len(shown); i += 2 {
			if shown[i] == name {
				column = shown[i+1] + ` AS ` + name
				if shown[i+1] == "" {
					column = ""
				}
			}
		}
		if column != "" {
			columns = append(columns, column)
		}
	}
	require.NoError(t, rows.Err())
	away := gone(table)
	return damage{away.breaks + `; CREATE VIEW ` + table + ` AS SELECT ` + strings.Join(columns, ", ") + ` FROM ` + table + `_away WHERE ` + where,
		`DROP VIEW ` + table + `; ` + away.mends}
}

// state is every row of the brand's tables and the outbox, to compare
// before and after a call that must change nothing.
func (b *brokenDB) state(t *testing.T) string {
	t.Helper()
	tables, err := b.db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'ca\_%' ESCAPE '\' OR name = 'outbox') ORDER BY name`)
	require.NoError(t, err)
	var names []string
	for tables.Next() {
		var name string
		require.NoError(t, tables.Scan(&name))
		names = append(names, name)
	}
	require.NoError(t, tables.Err())
	tables.Close()
	var out strings.Builder
	for _, name := range names {
		rows, err := b.db.Query(`SELECT * FROM ` + name + ` ORDER BY rowid`)
		require.NoError(t, err)
		columns, err := rows.Columns()
		require.NoError(t, err)
		for rows.Next() {
			values := make([]any, len(columns))
			pointers := make([]any, len(columns))
			for i := range values {
				pointers[i] = &values[i]
			}
			require.NoError(t, rows.Scan(pointers...))
			fmt.Fprintf(&out, "%s %v\n", name, values)
		}
		require.NoError(t, rows.Err())
		rows.Close()
	}
	return out.String()
}

// send calls a method as invoke does, without checking the answer against
// the spec, which declares no answer to a failure of the service.
func (b *brokenDB) send(t *testing.T, op string, params map[string]any) *fakebotstest.Response {
	t.Helper()
	verb, target := methodOf(op), b.Tenant.CleverApp.BaseURL+"/"+op+"?"
	if verb != http.MethodGet {
		return b.Do(t, verb, target+"api_token="+b.Tenant.CleverApp.APIToken, params, "X-Requested-With", "XMLHttpRequest")
	}
	return b.Do(t, verb, target+query(b.Fake, params), nil, "X-Requested-With", "XMLHttpRequest")
}

// serverError asserts the API's answer to a failure of the emulator, and
// the one line its log gives the cause in (cause as the log quotes it).
func (b *brokenDB) serverError(t *testing.T, r *fakebotstest.Response, op, cause string) {
	t.Helper()
	require.Equal(t, http.StatusInternalServerError, r.Status, "%s: %s", op, r.Body)
	require.Equal(t, `{"message":"Server Error"}`, string(r.Body), op)
	logged := b.log.Take()
	require.Regexp(t, `^level=ERROR msg="internal error" platform=cleverapp path=/api/v1/`+op+` err="[^\n]*"\n$`, logged)
	require.Contains(t, logged, cause)
}

// Causes as the log quotes them.
func noTable(table string) string { return "SQL logic error: no such table: " + table + " (1)" }

// unscannable is the cause of a column read as NULL or text where it
// cannot be.
func unscannable(index int, column, problem string) string {
	return fmt.Sprintf(`sql: Scan error on column index %d, name \"%s\": %s`, index, column, problem)
}

const (
	refused     = "SQL logic error: malformed JSON (1)"
	overflowed  = "SQL logic error: integer overflow (1)"
	nullString  = "converting NULL to string is unsupported"
	textAsInt64 = `converting driver.Value type string (\"x\") to a int64: invalid syntax`
)
