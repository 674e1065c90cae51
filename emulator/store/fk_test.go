package store

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/internal/testwait"
)

// TestEveryForeignKeyIsIndexed keeps tenant deletion and reset fast: SQLite
// finds the rows a cascade reaches through an index on the referencing
// columns, or else scans the whole table once per deleted parent row.
func TestEveryForeignKeyIsIndexed(t *testing.T) {
	s, err := Open("")
	require.NoError(t, err)
	defer s.Close()
	ctx := testwait.Context(t)
	q := func(query string, args ...any) [][]string {
		rows, err := s.db.QueryContext(ctx, query, args...)
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
	require.NotEmpty(t, tables, "the schema has tables")
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
	require.NotZero(t, checked, "the schema has foreign keys to check")
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
