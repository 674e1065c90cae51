// Package store keeps the emulator's state in SQLite (modernc.org/sqlite, pure
// Go), always in WAL mode: a throwaway database in a temporary directory by
// default, a file that survives restarts with a path. Writes go through one
// writer; reads run concurrently on pooled connections. Statements are
// prepared once and cached.
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
var migrationFiles embed.FS

// Store is the emulator's database.
type Store struct {
	db      *sql.DB
	writeMu sync.Mutex // one writer: SQLite allows one anyway, and waiting here beats SQLITE_BUSY
	stmts   sync.Map   // query text → *sql.Stmt
	tempDir string     // removed at Close: the store was opened without a path
	lock    *dbLock    // held until Close: the store was opened with a path
	// authVersion grows with every committed write that changed who may
	// call (tenants, credentials, plans), so platforms can cache lookups.
	authVersion atomic.Uint64
	// dataVersion grows with every committed write, whatever it changed.
	dataVersion atomic.Uint64
}

// DataVersion identifies the state of the whole database: anything read
// while it has not changed is still what the store holds. Every write goes
// through Write, which moves it after committing.
func (s *Store) DataVersion() uint64 { return s.dataVersion.Load() }

// AuthVersion identifies the state of tenants and credentials: a cached
// authentication is valid while it has not changed.
func (s *Store) AuthVersion() uint64 { return s.authVersion.Load() }

// Open opens the database at path, or a private in-memory database when path
// is empty, and applies pending migrations.
func Open(path string) (*Store, error) {
	pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)"
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
		migrated, err := migratedImage()
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
	// One connection per core: readers do not queue behind one another, and
	// more connections only add contention and page caches (measured with
	// bench/load.sh: 2 connections beat 4 by about 10% on 2 cores).
	conns := max(2, runtime.GOMAXPROCS(0))
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	s := &Store{db: db, tempDir: tempDir, lock: lock}
	if err := s.migrate(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// migratedImage is the file of an empty, fully migrated database, made once
// per process.
var migratedImage = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "fakebots-image-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "image.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=synchronous(OFF)&_pragma=journal_mode(MEMORY)")
	if err != nil {
		return nil, err
	}
	s := &Store{db: db}
	err = s.migrate()
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return os.ReadFile(path)
})

// Close closes the database.
func (s *Store) Close() error {
	s.stmts.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	err := s.db.Close()
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
	tx          *sql.Tx
	authChanged bool
}

// AuthChanged records that this transaction changes what authentication
// depends on; committing it invalidates cached authentications.
func (t *Tx) AuthChanged() { t.authChanged = true }

// Write runs fn in a transaction on the single writer, committing when fn
// returns nil.
func (s *Store) Write(ctx context.Context, fn func(*Tx) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &Tx{ctx: ctx, s: s, tx: sqlTx}
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return err
	}
	s.dataVersion.Add(1)
	if tx.authChanged {
		s.authVersion.Add(1)
	}
	return nil
}

func (t *Tx) stmt(query string) (*sql.Stmt, error) {
	st, err := t.s.stmt(t.ctx, query)
	if err != nil {
		return nil, err
	}
	return t.tx.StmtContext(t.ctx, st), nil
}

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
		return t.tx.QueryRowContext(t.ctx, query, args...)
	}
	return st.QueryRowContext(t.ctx, args...)
}

// migrate applies, in number order, every migrations/NNNN_name.sql file not
// yet recorded, each in its own transaction.
func (s *Store) migrate() error {
	if _, err := s.db.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return err
	}
	applied := map[int]bool{}
	rows, err := s.db.Query(`SELECT version FROM schema_migrations`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with its number", base)
		}
		if applied[version] {
			continue
		}
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return err
		}
		err = s.Write(context.Background(), func(tx *Tx) error {
			if _, err := tx.tx.Exec(string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", base, err)
			}
			_, err := tx.tx.Exec(`INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, version, base)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
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
