package store_test

import (
	"database/sql"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/store"
)

// TestThrowawayStoreLeavesNoFilesBehind: a store opened without a path
// lives in a temporary directory that Close removes, and so does an Open
// that fails on a migration.
func TestThrowawayStoreLeavesNoFilesBehind(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	s, err := store.Open("")
	require.NoError(t, err)
	addTenant(t, s, "a", t0)
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	require.Len(t, entries, 1, "the store's directory")
	require.NoError(t, s.Close())
	entries, err = os.ReadDir(tmp)
	require.NoError(t, err)
	require.Empty(t, entries)

	// A set of its own owner name: the migrated image is made once per
	// list of owners and process.
	broken := store.Migrations{Owner: "broken-throwaway", Files: fstest.MapFS{
		"migrations/0001_x.sql": {Data: []byte(`CREATE TABLE tenants (id TEXT);`)},
	}}
	s, err = store.Open("", broken)
	require.EqualError(t, err, "migration broken-throwaway/0001_x.sql: SQL logic error: table tenants already exists (1)")
	require.Nil(t, s)
	entries, err = os.ReadDir(tmp)
	require.NoError(t, err)
	require.Empty(t, entries)
}

// TestThrowawayStoreNeedsATempDir: without a temporary directory to put
// it in, opening a throwaway store fails with the reason.
func TestThrowawayStoreNeedsATempDir(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	t.Setenv("TMPDIR", missing)
	s, err := store.Open("")
	require.ErrorIs(t, err, fs.ErrNotExist)
	require.EqualError(t, err, "stat "+missing+": no such file or directory")
	require.Nil(t, s)
}

// TestDatabaseInAMissingDirectory: the lock file cannot be made, so Open
// fails before SQLite would create anything, naming the lock file.
func TestDatabaseInAMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "state.db")
	s, err := store.Open(path)
	require.ErrorIs(t, err, fs.ErrNotExist)
	require.EqualError(t, err, "lock "+path+".lock: open "+path+".lock: no such file or directory")
	require.Nil(t, s)
}

// TestFileThatIsNotADatabase: Open refuses it with SQLite's reason and lets
// go of the file, so trying again meets the same reason, not ErrInUse.
func TestFileThatIsNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	require.NoError(t, os.WriteFile(path, []byte("these are my notes, not a database; they go on for a while to fill a page header"), 0o600))
	for range 2 {
		s, err := store.Open(path)
		require.EqualError(t, err, "file is not a database (26)")
		require.Nil(t, s)
	}
}

// prepared makes a database file at path with sqlText already run in it,
// as an older (or foreign) program would have left it.
func prepared(t *testing.T, sqlText string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	require.NoError(t, err)
	_, err = db.Exec(sqlText)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	return path
}

// TestRecordOfMigrationsThatCannotBeReadFailsOpen: whatever stands for
// schema_versions must be readable; Open stops at what is wrong with it
// rather than migrating blind.
func TestRecordOfMigrationsThatCannotBeReadFailsOpen(t *testing.T) {
	path := prepared(t, `CREATE VIEW schema_versions AS SELECT 'core' AS owner`)
	_, err := store.Open(path)
	require.EqualError(t, err, "SQL logic error: no such column: version (1)")

	path = prepared(t, `CREATE VIEW schema_versions AS SELECT 'core' AS owner, 'one' AS version`)
	_, err = store.Open(path)
	require.EqualError(t, err, `sql: Scan error on column index 1, name "version": converting driver.Value type string ("one") to a int: invalid syntax`)
}

// TestRecordOfMigrationsThatCannotBeMadeFailsOpen: a name schema_versions
// already taken by something else stops Open with SQLite's reason.
func TestRecordOfMigrationsThatCannotBeMadeFailsOpen(t *testing.T) {
	path := prepared(t, `CREATE TABLE x (a); CREATE INDEX schema_versions ON x (a);`)
	s, err := store.Open(path)
	require.EqualError(t, err, "SQL logic error: there is already an index named schema_versions (1)")
	require.Nil(t, s)
}

// TestMigrationAddedLaterIsAppliedOnNextOpen: a database migrated by an
// older build gets, at the next open, the files added since, and only those.
func TestMigrationAddedLaterIsAppliedOnNextOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	first := fstest.MapFS{
		"migrations/0001_a.sql": {Data: []byte(`CREATE TABLE a (id INTEGER);`)},
		"migrations/0002_b.sql": {Data: []byte(`CREATE TABLE b (id INTEGER);`)},
	}
	s, err := store.Open(path, store.Migrations{Owner: "grows", Files: first})
	require.NoError(t, err)
	require.NoError(t, s.Close())

	later := maps.Clone(first)
	later["migrations/0003_c.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE c (id INTEGER);`)}
	s = open(t, path, store.Migrations{Owner: "grows", Files: later})
	want := append(coreApplied(t), "grows/1 0001_a.sql", "grows/2 0002_b.sql", "grows/3 0003_c.sql")
	require.Equal(t, want, appliedMigrations(t, s))
}

// coreV1 is the core schema as the first numbering left it.
func coreV1(t *testing.T) string {
	t.Helper()
	b, err := fs.ReadFile(store.Core.Files, "migrations/0001_core.sql")
	require.NoError(t, err)
	return string(b)
}

// TestLegacyNumberingIsCarriedOver: a database of the single, engine-wide
// numbering has its versions recorded under their owners, keeps their
// names, gets the rest of Core, and loses schema_migrations.
func TestLegacyNumberingIsCarriedOver(t *testing.T) {
	path := prepared(t, coreV1(t)+`
		CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL);
		INSERT INTO schema_migrations VALUES (1, '0001_init.sql'), (2, '0002_cleverapp.sql');`)
	s := open(t, path)
	core := coreApplied(t)
	want := append([]string{"core/1 0001_init.sql", "cleverapp/1 0002_cleverapp.sql"}, core[1:]...)
	require.Equal(t, want, appliedMigrations(t, s))
	var n int
	require.NoError(t, s.QueryRow(t.Context(), `SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'`).Scan(&n))
	require.Zero(t, n)
}

// TestLegacyNumberingThatCannotBeCarriedOverFailsOpen: Open stops, with the
// reason, rather than apply migrations over a database it cannot place.
func TestLegacyNumberingThatCannotBeCarriedOverFailsOpen(t *testing.T) {
	legacy := `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL);`
	tests := []struct {
		name, sql, err string
	}{
		{"unknown version", legacy + `INSERT INTO schema_migrations VALUES (1, '0001_init.sql'), (9, '0009_x.sql');`,
			"schema_migrations: unknown version 9 (0009_x.sql)"},
		{"no names", `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY); INSERT INTO schema_migrations VALUES (1);`,
			"SQL logic error: no such column: name (1)"},
		{"version not a number", `CREATE TABLE schema_migrations (version, name TEXT NOT NULL); INSERT INTO schema_migrations VALUES ('one', '0001_init.sql');`,
			`sql: Scan error on column index 0, name "version": converting driver.Value type string ("one") to a int: invalid syntax`},
		{"versions refused", legacy + `INSERT INTO schema_migrations VALUES (1, '0001_init.sql');
			CREATE TABLE schema_versions (owner TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY (owner, version));
			CREATE TRIGGER frozen BEFORE INSERT ON schema_versions BEGIN SELECT RAISE(ABORT, 'versions frozen'); END;`,
			"constraint failed: versions frozen (1811)"},
		{"table kept by a reference", legacy + `INSERT INTO schema_migrations VALUES (1, '0001_init.sql');
			CREATE TABLE pinned (v INTEGER REFERENCES schema_migrations(version)); INSERT INTO pinned VALUES (1);`,
			"constraint failed: FOREIGN KEY constraint failed (787)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := prepared(t, coreV1(t)+tt.sql)
			s, err := store.Open(path)
			require.EqualError(t, err, tt.err)
			require.Nil(t, s)
		})
	}
}

// listedFS lists its migrations in the order given, or fails to, and
// fails to open the file named broken: a file system other than an
// embedded one.
type listedFS struct {
	fstest.MapFS
	names  []string
	glob   error
	broken string
}

func (f listedFS) Glob(string) ([]string, error) { return f.names, f.glob }

func (f listedFS) ReadFile(name string) ([]byte, error) {
	if name == f.broken {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return f.MapFS.ReadFile(name)
}

// TestMigrationsAreAppliedInNumberOrderWhateverTheListing: the order of
// a set's files is their numbers', not the order its file system lists
// them in.
func TestMigrationsAreAppliedInNumberOrderWhateverTheListing(t *testing.T) {
	files := listedFS{
		MapFS: fstest.MapFS{
			"migrations/0001_a.sql": {Data: []byte(`CREATE TABLE a (id INTEGER);`)},
			"migrations/0002_b.sql": {Data: []byte(`ALTER TABLE a ADD COLUMN b TEXT;`)},
		},
		names: []string{"migrations/0002_b.sql", "migrations/0001_a.sql"},
	}
	s := open(t, filepath.Join(t.TempDir(), "x.db"), store.Migrations{Owner: "listed", Files: files})
	require.Equal(t, append(coreApplied(t), "listed/1 0001_a.sql", "listed/2 0002_b.sql"), appliedMigrations(t, s))
}

// TestMigrationsThatCannotBeReadFailOpen: a set whose files cannot be
// listed or read fails Open with the file system's error.
func TestMigrationsThatCannotBeReadFailOpen(t *testing.T) {
	unlisted := errors.New("cannot list")
	files := listedFS{MapFS: fstest.MapFS{}, glob: unlisted}
	_, err := store.Open(filepath.Join(t.TempDir(), "x.db"), store.Migrations{Owner: "unlisted", Files: files})
	require.ErrorIs(t, err, unlisted)
	require.EqualError(t, err, "cannot list")

	files = listedFS{
		MapFS:  fstest.MapFS{"migrations/0001_a.sql": {Data: []byte(`CREATE TABLE a (id INTEGER);`)}},
		names:  []string{"migrations/0001_a.sql"},
		broken: "migrations/0001_a.sql",
	}
	path := filepath.Join(t.TempDir(), "x.db")
	_, err = store.Open(path, store.Migrations{Owner: "unreadable", Files: files})
	require.ErrorIs(t, err, fs.ErrPermission)
	require.EqualError(t, err, "open migrations/0001_a.sql: permission denied")
}

// TestRandomToken: 2n hex characters, never the same twice.
func TestRandomToken(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok := store.RandomToken(8)
		require.Regexp(t, "^[0-9a-f]{16}$", tok)
		require.False(t, seen[tok], "repeated %s", tok)
		seen[tok] = true
	}
	require.Empty(t, store.RandomToken(0))
}

// openFiles counts the files the process has open.
func openFiles(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd to count open files in")
	}
	return len(fds)
}

// TestFailedOpenLeavesNoFileOpen: an Open that fails part way closes the
// connections it made, so a failed start leaves neither the database nor
// its WAL open in the process.
func TestFailedOpenLeavesNoFileOpen(t *testing.T) {
	paths := []string{
		prepared(t, `CREATE VIEW schema_versions AS SELECT 'core' AS owner, 'one' AS version`),
		prepared(t, coreV1(t)+`CREATE TABLE schema_migrations (version, name TEXT NOT NULL); INSERT INTO schema_migrations VALUES ('one', '0001_init.sql');`),
	}
	failOpen := func() {
		for _, path := range paths {
			_, err := store.Open(path)
			require.ErrorContains(t, err, "sql: Scan error on column index ")
		}
	}
	// The first opens of a process leave files of SQLite's own open (its
	// random source and the like); count from the second round on.
	failOpen()
	before := openFiles(t)
	for range 3 {
		failOpen()
	}
	// At most as many: a file some finalizer closes meanwhile is no leak.
	require.LessOrEqual(t, openFiles(t), before)
}
