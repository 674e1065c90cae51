// Package brokendb is for tests that run an emulator over a database file
// and change that file behind the emulator's back, from a second
// connection, so that chosen statements fail as those of a broken database
// would; the emulator's log is kept to check what it said of each failure.
package brokendb

import (
	"bytes"
	"database/sql"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "modernc.org/sqlite" // the driver the second connection opens
)

// Open returns the path of a new database file for the emulator and a
// second connection to it, closed when the test ends.
func Open(t testing.TB) (path string, db *sql.DB) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "state.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatalf("brokendb: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return path, db
}

// Gone renames a table away, so that statements on it fail; Back restores it.
func Gone(table string) string { return `ALTER TABLE ` + table + ` RENAME TO ` + table + `_away` }

// Back undoes Gone.
func Back(table string) string { return `ALTER TABLE ` + table + `_away RENAME TO ` + table }

// Log is the emulator's log, written by its handlers concurrently.
type Log struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Logger writes records at level and above to l as text, without their
// time, so that a test can compare lines.
func (l *Log) Logger(level slog.Leveler) *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: level, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
}

func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// Take returns what was logged since the last Take or Errors.
func (l *Log) Take() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	defer l.buf.Reset()
	return l.buf.String()
}

// Errors returns the error lines logged since the last Take or Errors.
func (l *Log) Errors() string {
	var out strings.Builder
	for _, line := range strings.SplitAfter(l.Take(), "\n") {
		if strings.HasPrefix(line, "level=ERROR ") {
			out.WriteString(line)
		}
	}
	return out.String()
}
