// Package store keeps the emulator's state in SQLite (modernc.org/sqlite, pure
// Go), always in WAL mode: a throwaway database in a temporary directory by
// default, a file that survives restarts with a path. Writes go through one
// writer on a connection of its own; reads run concurrently on pooled
// connections. Statements are prepared once and cached.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var coreMigrations embed.FS

// Core is the engine's own schema: tenants, credentials and the outbox. It is
// always applied first.
var Core = Migrations{Owner: "core", Files: coreMigrations}

// Migrations is one owner's numbered schema changes: files named
// migrations/NNNN_name.sql in Files, applied in number order, each once.
// Every platform package owns its tables and hands its set to Open.
type Migrations struct {
	Owner string
	Files fs.FS
}

// Store is the emulator's database.
type Store struct {
	db      *sql.DB
	writes  writeQueue // one writer: SQLite allows one anyway, and waiting here beats SQLITE_BUSY
	writer  writer     // the connection writes run on
	stmts   sync.Map   // query text → *sql.Stmt
	tempDir string     // removed at Close: the store was opened without a path
	lock    *dbLock    // held until Close: the store was opened with a path
	// authVersion grows with every committed write that changed who may
	// call (tenants, credentials, plans), so platforms can cache lookups.
	authVersion atomic.Uint64
	versions    versions
}

// TenantVersion identifies the state of a tenant's data: anything read of
// the tenant while it has not changed is still what the store holds. Every
// committed write that may have changed the tenant's data moves it.
func (s *Store) TenantVersion(tenantID string) uint64 { return s.versions.of(tenantID) }

// AuthVersion identifies the state of tenants and credentials: a cached
// authentication is valid while it has not changed.
func (s *Store) AuthVersion() uint64 { return s.authVersion.Load() }

// Open opens the database at path, or a private throwaway database when path
// is empty, and applies the pending migrations of Core and then of sets, in
// the order given (an owner given twice is applied once).
func Open(path string, sets ...Migrations) (*Store, error) {
	sets = withCore(sets)
	// Writes begin IMMEDIATE: a deferred transaction that has read and then
	// writes cannot wait for the lock (SQLite answers SQLITE_BUSY at once
	// rather than risk a deadlock); an immediate one waits at BEGIN, under
	// the busy timeout.
	// Savepoints (one per write of a group commit) keep their undo in memory.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=temp_store(MEMORY)&_txlock=immediate"
	var tempDir string
	var lock *dbLock
	if path == "" {
		// "In memory" is a private WAL database in a temporary directory,
		// removed at Close. WAL lets readers and the writer proceed together;
		// SQLite's in-memory databases lock readers against the writer, and
		// under load a stream of readers can keep a commit waiting for good.
		dir, err := os.MkdirTemp("", "fakebots-")
		if err != nil {
			return nil, err
		}
		tempDir, path = dir, filepath.Join(dir, "state.db")
		// Start from an already migrated database: migrating is most of the
		// cost of a fresh store, which every Go test pays.
		migrated, err := migratedImage(sets)
		if err == nil {
			err = os.WriteFile(path, migrated, 0o600)
		}
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		// Nothing needs to survive a crash of a throwaway database.
		pragmas += "&_pragma=synchronous(OFF)"
	} else {
		var err error
		if lock, err = lockDB(path); err != nil {
			return nil, err
		}
		pragmas += "&_pragma=synchronous(NORMAL)"
	}
	dsn := "file:" + path + "?" + pragmas
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		lock.release()
		return nil, err
	}
	// One connection per core for readers: they do not queue behind one
	// another, and more connections only add contention and page caches
	// (measured with bench/load.sh: 2 connections beat 4 by about 10% on 2
	// cores). One more is the writer's, held from the first write on.
	conns := max(2, runtime.GOMAXPROCS(0))
	db.SetMaxOpenConns(conns + 1)
	db.SetMaxIdleConns(conns + 1)
	db.SetConnMaxLifetime(0)
	s := &Store{db: db, tempDir: tempDir, lock: lock}
	if tempDir != "" {
		return s, nil // a copy of the image, which every migration of sets built
	}
	if err := s.migrate(sets); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// withCore puts Core first and drops repeated owners.
func withCore(sets []Migrations) []Migrations {
	out := []Migrations{Core}
	seen := map[string]bool{Core.Owner: true}
	for _, m := range sets {
		if !seen[m.Owner] {
			seen[m.Owner] = true
			out = append(out, m)
		}
	}
	return out
}

// images holds, per list of owners, the file of an empty, fully migrated
// database, made once per process.
var images sync.Map // owners joined by "," → func() ([]byte, error)

func migratedImage(sets []Migrations) ([]byte, error) {
	owners := make([]string, len(sets))
	for i, m := range sets {
		owners[i] = m.Owner
	}
	build, _ := images.LoadOrStore(strings.Join(owners, ","), sync.OnceValues(func() ([]byte, error) { return buildImage(sets) }))
	return build.(func() ([]byte, error))()
}

func buildImage(sets []Migrations) ([]byte, error) {
	dir, err := os.MkdirTemp("", "fakebots-image-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "image.db")
	// In WAL mode already, as every store is: a copy opened in another
	// journal mode is converted by its first connection, which writes and
	// syncs the file and took most of a new store's time on a busy disk.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=synchronous(OFF)&_pragma=journal_mode(WAL)")
	if err != nil {
		return nil, err
	}
	s := &Store{db: db}
	err = s.migrate(sets)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

// Close closes the database.
func (s *Store) Close() error {
	s.stmts.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	err := s.writer.close(s.db.Close)
	if s.tempDir != "" {
		err = errors.Join(err, os.RemoveAll(s.tempDir))
	}
	return errors.Join(err, s.lock.release())
}

func (s *Store) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare %q: %w", query, err)
	}
	if prev, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// Query runs a read statement.
func (s *Store) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// QueryRow runs a read statement that returns at most one row.
func (s *Store) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := s.stmt(ctx, query)
	if err != nil {
		// Surface the prepare error through Scan, as sql.Row does for its own errors.
		return s.db.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// Tx is a write transaction. Its statements reuse the store's prepared ones.
type Tx struct {
	ctx         context.Context
	s           *Store
	w           *writer
	authChanged bool
	deleted     []string // tenants deleted: their versions are dropped after commit
}

// AuthChanged records that this transaction changes what authentication
// depends on; committing it invalidates cached authentications.
func (t *Tx) AuthChanged() { t.authChanged = true }

// Write runs fn in a transaction on the single writer, committing when fn
// returns nil. fn may change any tenant's data: committing moves every
// tenant's version. WriteTenant is for a write that changes one tenant's.
func (s *Store) Write(ctx context.Context, fn func(*Tx) error) error {
	return s.write(ctx, "", fn)
}

// WriteTenant is Write for a transaction that changes only the data of
// tenantID: committing moves that tenant's version alone ("" moves all).
func (s *Store) WriteTenant(ctx context.Context, tenantID string, fn func(*Tx) error) error {
	return s.write(ctx, tenantID, fn)
}

func (t *Tx) stmt(query string) (*sql.Stmt, error) { return t.w.stmt(t.ctx, query) }

// Exec runs a write statement.
func (t *Tx) Exec(query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(t.ctx, args...)
}

// Insert runs an INSERT and returns the new row id.
func (t *Tx) Insert(query string, args ...any) (int64, error) {
	res, err := t.Exec(query, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// Query runs a read statement inside the transaction.
func (t *Tx) Query(query string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(t.ctx, args...)
}

// QueryRow runs a read statement inside the transaction.
func (t *Tx) QueryRow(query string, args ...any) *sql.Row {
	st, err := t.stmt(query)
	if err != nil {
		return t.w.conn.QueryRowContext(t.ctx, query, args...)
	}
	return st.QueryRowContext(t.ctx, args...)
}

// migrate applies, owner by owner and in number order, every migration not
// yet recorded in schema_versions, each in its own transaction.
func (s *Store) migrate(sets []Migrations) error {
	if err := s.prepareVersions(); err != nil {
		return err
	}
	applied := map[string]bool{}
	rows, err := s.db.Query(`SELECT owner, version FROM schema_versions`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var owner string
		var v int
		if err := rows.Scan(&owner, &v); err != nil {
			rows.Close()
			return err
		}
		applied[owner+"/"+strconv.Itoa(v)] = true
	}
	rows.Close()
	for _, set := range sets {
		files, err := migrationFiles(set)
		if err != nil {
			return err
		}
		for _, f := range files {
			if applied[set.Owner+"/"+strconv.Itoa(f.version)] {
				continue
			}
			err = s.Write(context.Background(), func(tx *Tx) error {
				if _, err := tx.w.conn.ExecContext(tx.ctx, f.body); err != nil {
					return fmt.Errorf("migration %s/%s: %w", set.Owner, f.name, err)
				}
				_, err := tx.w.conn.ExecContext(tx.ctx, `INSERT INTO schema_versions (owner, version, name) VALUES (?, ?, ?)`, set.Owner, f.version, f.name)
				return err
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// legacyVersions maps the versions of the single, engine-wide numbering that
// databases written before platforms owned their migrations recorded.
var legacyVersions = map[int]string{1: "core", 2: "cleverapp", 3: "salebot", 4: "bothelp"}

// prepareVersions creates schema_versions, carrying over what an older
// database recorded in schema_migrations.
func (s *Store) prepareVersions() error {
	if _, err := s.db.Exec(`CREATE TABLE IF NOT EXISTS schema_versions (owner TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY (owner, version))`); err != nil {
		return err
	}
	var legacy int
	if err := s.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&legacy); err != nil || legacy == 0 {
		return err
	}
	return s.Write(context.Background(), func(tx *Tx) error {
		rows, err := tx.w.conn.QueryContext(tx.ctx, `SELECT version, name FROM schema_migrations`)
		if err != nil {
			return err
		}
		type row struct {
			version int
			name    string
		}
		var old []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.version, &r.name); err != nil {
				rows.Close()
				return err
			}
			old = append(old, r)
		}
		rows.Close()
		for _, r := range old {
			owner, ok := legacyVersions[r.version]
			if !ok {
				return fmt.Errorf("schema_migrations: unknown version %d (%s)", r.version, r.name)
			}
			if _, err := tx.w.conn.ExecContext(tx.ctx, `INSERT OR IGNORE INTO schema_versions (owner, version, name) VALUES (?, 1, ?)`, owner, r.name); err != nil {
				return err
			}
		}
		_, err = tx.w.conn.ExecContext(tx.ctx, `DROP TABLE schema_migrations`)
		return err
	})
}

type migrationFile struct {
	version int
	name    string
	body    string
}

// migrationFiles reads a set's files in number order.
func migrationFiles(set Migrations) ([]migrationFile, error) {
	names, err := fs.Glob(set.Files, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]migrationFile, 0, len(names))
	for _, path := range names {
		name := strings.TrimPrefix(path, "migrations/")
		version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s/%s: name must start with its number", set.Owner, name)
		}
		if n := len(out); n > 0 && out[n-1].version == version {
			return nil, fmt.Errorf("migrations %s/%s and %s share the number %d", set.Owner, out[n-1].name, name, version)
		}
		body, err := fs.ReadFile(set.Files, path)
		if err != nil {
			return nil, err
		}
		out = append(out, migrationFile{version: version, name: name, body: string(body)})
	}
	return out, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return hex.EncodeToString(b)
}

// RandomToken returns a random hex string of 2n characters, for credentials
// and ids.
func RandomToken(n int) string { return randomHex(n) }
