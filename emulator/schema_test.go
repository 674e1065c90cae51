package emulator

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/bothelp"
	"github.com/fakebots/fakebots/emulator/cleverapp"
	"github.com/fakebots/fakebots/emulator/salebot"
	"github.com/fakebots/fakebots/emulator/store"
)

// TestEveryForeignKeyIsIndexed keeps tenant deletion and reset fast: SQLite
// finds the rows a cascade reaches through an index on the referencing
// columns, or else scans the whole table once per deleted parent row.
func TestEveryForeignKeyIsIndexed(t *testing.T) {
	s, err := store.Open("", migrations()...)
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	q := func(query string, args ...any) [][]string {
		rows, err := s.Query(ctx, query, args...)
		require.NoError(t, err)
		defer rows.Close()
		cols, _ := rows.Columns()
		var out [][]string
		for rows.Next() {
			vals := make([]string, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			require.NoError(t, rows.Scan(ptrs...))
			out = append(out, vals)
		}
		return out
	}
	tables := q(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	require.Greater(t, len(tables), 20, "every platform's tables are there")
	checked := 0
	for _, table := range tables {
		// Leading columns of every index and of the primary key.
		var prefixes [][]string
		for _, idx := range q(`SELECT name FROM pragma_index_list(?)`, table[0]) {
			var cols []string
			for _, c := range q(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`, idx[0]) {
				cols = append(cols, c[0])
			}
			prefixes = append(prefixes, cols)
		}
		var pk []string
		for _, c := range q(`SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, table[0]) {
			pk = append(pk, c[0])
		}
		prefixes = append(prefixes, pk)
		fks := map[string][]string{}
		for _, fk := range q(`SELECT id, "from" FROM pragma_foreign_key_list(?) ORDER BY id, seq`, table[0]) {
			fks[fk[0]] = append(fks[fk[0]], fk[1])
		}
		for _, cols := range fks {
			checked++
			if !slices.ContainsFunc(prefixes, func(p []string) bool { return leads(p, cols) }) {
				t.Errorf("%s (%s) references another table without an index leading with those columns", table[0], strings.Join(cols, ", "))
			}
		}
	}
	require.Greater(t, checked, 20, "the foreign keys were found and checked")
}

// leads reports whether the first len(cols) columns of index are cols, in any order.
func leads(index, cols []string) bool {
	if len(index) < len(cols) {
		return false
	}
	for _, c := range cols {
		if !slices.Contains(index[:len(cols)], c) {
			return false
		}
	}
	return true
}

// TestDatabasesFromBeforePlatformMigrationsOpen opens a file written when
// one engine-wide numbering (schema_migrations, versions 1–4) recorded the
// whole schema: nothing is applied twice and the versions carry over.
func TestDatabasesFromBeforePlatformMigrationsOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	_, err = db.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`)
	require.NoError(t, err)
	for i, set := range []store.Migrations{store.Core, cleverapp.Migrations, salebot.Migrations, bothelp.Migrations} {
		body, err := fs.ReadFile(set.Files, "migrations/0001_"+set.Owner+".sql")
		require.NoError(t, err)
		_, err = db.Exec(string(body))
		require.NoError(t, err, set.Owner)
		_, err = db.Exec(`INSERT INTO schema_migrations VALUES (?, ?)`, i+1, fmt.Sprintf("%04d_%s.sql", i+1, set.Owner))
		require.NoError(t, err)
	}
	_, err = db.Exec(`INSERT INTO tenants (id, seed, faker_seed, created_at) VALUES ('kept', 1, 1, 0)`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	s, err := store.Open(path, migrations()...)
	require.NoError(t, err, "a migration ran again over existing tables")
	defer s.Close()
	_, err = s.Tenant(context.Background(), "kept")
	require.NoError(t, err)
	var versions []string
	rows, err := s.Query(context.Background(), `SELECT owner || '/' || version || ' ' || name FROM schema_versions WHERE version = 1 ORDER BY owner`)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var v string
		require.NoError(t, rows.Scan(&v))
		versions = append(versions, v)
	}
	require.Equal(t, []string{"bothelp/1 0004_bothelp.sql", "cleverapp/1 0002_cleverapp.sql", "core/1 0001_core.sql", "salebot/1 0003_salebot.sql"}, versions,
		"what the old numbering recorded, under each owner")
}

// TestListPagesAreReadInIndexOrder: a page of a list walks an index in the
// page's order; sorting the tenant's whole table (a temporary B-tree) to
// return one page would cost as much as reading every row.
func TestListPagesAreReadInIndexOrder(t *testing.T) {
	s, err := store.Open("", migrations()...)
	require.NoError(t, err)
	defer s.Close()
	for _, query := range []string{
		`SELECT id FROM sb_clients WHERE tenant_id = 't' ORDER BY created_at DESC, id DESC LIMIT 100 OFFSET 0`,
		`SELECT id FROM sb_clients WHERE tenant_id = 't' ORDER BY created_at, id LIMIT 100 OFFSET 0`,
		`SELECT id FROM bh_subscribers WHERE tenant_id = 't' AND id > 0 AND created_at >= 0 ORDER BY id LIMIT 101`,
		`SELECT id FROM ca_contacts WHERE tenant_id = 't' AND brand = 'cleverapp' ORDER BY id LIMIT 21 OFFSET 0`,
	} {
		rows, err := s.Query(context.Background(), `EXPLAIN QUERY PLAN `+query)
		require.NoError(t, err)
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &notused, &detail))
			plan = append(plan, detail)
		}
		rows.Close()
		require.NotContains(t, strings.Join(plan, "\n"), "TEMP B-TREE", query)
	}
}
