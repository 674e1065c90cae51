package salebot_test

import (
	"bytes"
	"database/sql"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// brokenEnv is an emulator of its own over a database file that a test
// changes behind the emulator's back (from a second connection), so that
// chosen statements fail as those of a broken database would; the
// emulator's log is kept.
type brokenEnv struct {
	*env
	db  *sql.DB
	log *syncLog
}

// syncLog is a log the emulator's handlers write to concurrently.
type syncLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// errors returns the errors logged since the last call, one a line.
func (l *syncLog) errors() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out strings.Builder
	for _, line := range strings.SplitAfter(l.buf.String(), "\n") {
		if strings.HasPrefix(line, "level=ERROR ") {
			out.WriteString(line)
		}
	}
	l.buf.Reset()
	return out.String()
}

func newBrokenEnv(t *testing.T, fixture any) *brokenEnv {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	log := &syncLog{}
	logger := slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	f := fakebotstest.New(t, fakebotstest.WithFixture(fixture),
		fakebotstest.WithEmulatorOptions(emulator.WithDB(path), emulator.WithRateLimits(false), emulator.WithLogger(logger)))
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	log.errors()
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
func (b *brokenEnv) failsInternally(method, action string, params any, cause string) {
	b.t.Helper()
	r := b.raw(b.sb.APIKey, method, action, params)
	require.Equal(b.t, http.StatusInternalServerError, r.Status, "%s", r.Body)
	require.JSONEq(b.t, `{"status":"fail","message":"Something went wrong"}`, string(r.Body))
	logged := b.log.errors()
	require.Equal(b.t, 1, strings.Count(logged, "\n"), logged)
	require.True(b.t, strings.HasPrefix(logged, `level=ERROR msg="internal error" platform=salebot path=`), logged)
	require.Contains(b.t, logged, cause)
}

// gone renames a table away (statements on it fail); back restores it.
func gone(table string) string { return `ALTER TABLE ` + table + ` RENAME TO ` + table + `_real` }
func back(table string) string { return `ALTER TABLE ` + table + `_real RENAME TO ` + table }

// refusing is a trigger that refuses one kind of write to a table.
func refusing(event, table string) string {
	return `CREATE TRIGGER refuse_` + table + ` BEFORE ` + event + ` ON ` + table + ` BEGIN SELECT RAISE(ABORT, 'refused'); END`
}

func allowing(table string) string { return `DROP TRIGGER refuse_` + table }
