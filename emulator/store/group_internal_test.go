package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/internal/testwait"
)

// These tests hand commitGroup a group of their own making: which writes
// share a commit is otherwise up to the scheduler.

var t0 = time.Date(2024, 5, 17, 12, 0, 0, 0, time.UTC)

// notes has a foreign key checked only at commit, so a write can make the
// commit of its whole group fail.
var notes = Migrations{Owner: "notes", Files: fstest.MapFS{"migrations/0001_notes.sql": {Data: []byte(
	`CREATE TABLE notes (tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, text TEXT NOT NULL);`)}}}

func openInternal(t *testing.T) *Store {
	t.Helper()
	s, err := Open("", notes)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	for _, id := range []string{"a", "b", "c"} {
		require.NoError(t, s.Write(testwait.Context(t), func(tx *Tx) error { return tx.InsertTenant(Tenant{ID: id, CreatedAt: t0}) }))
	}
	return s
}

func pending(tenant string, fn func(*Tx) error) *pendingWrite {
	return &pendingWrite{ctx: context.Background(), tenant: tenant, fn: fn, done: make(chan error, 1)}
}

// note writes a note of tenant (which need not exist).
func note(tenant, text string) func(*Tx) error {
	return func(tx *Tx) error {
		_, err := tx.Exec(`INSERT INTO notes (tenant_id, text) VALUES (?, ?)`, tenant, text)
		return err
	}
}

func notesOf(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := s.Query(testwait.Context(t), `SELECT tenant_id || ':' || text FROM notes ORDER BY rowid`)
	require.NoError(t, err)
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		out = append(out, n)
	}
	require.NoError(t, rows.Err())
	return out
}

func versionsOf(s *Store) [3]uint64 {
	return [3]uint64{s.TenantVersion("a"), s.TenantVersion("b"), s.TenantVersion("c")}
}

// TestWriteFailingInAGroupLeavesTheOthersAndTheirVersions: the failed write
// (first of its group here) is rolled back alone; the others persist, and
// their tenants' versions move, not the failed one's.
func TestWriteFailingInAGroupLeavesTheOthersAndTheirVersions(t *testing.T) {
	s := openInternal(t)
	before := versionsOf(s)
	auth := s.AuthVersion()
	refused := errors.New("refused")
	results := s.commitGroup([]*pendingWrite{
		pending("b", func(tx *Tx) error {
			if err := note("b", "lost")(tx); err != nil {
				return err
			}
			tx.AuthChanged()
			return refused
		}),
		pending("a", note("a", "kept")),
		pending("c", func(tx *Tx) error { tx.AuthChanged(); return note("c", "kept")(tx) }),
	})
	require.Equal(t, []error{refused, nil, nil}, results)
	require.Equal(t, []string{"a:kept", "c:kept"}, notesOf(t, s))
	after := versionsOf(s)
	require.Greater(t, after[0], before[0], "a moved")
	require.Equal(t, before[1], after[1], "b's write failed")
	require.Greater(t, after[2], before[2], "c moved")
	require.Equal(t, auth+1, s.AuthVersion(), "c changed authentication; b's change was rolled back")
}

// TestFailedCommitFailsEveryWriteOfItsGroup: a write whose foreign key is
// checked only at commit makes the commit fail; every write of the group
// that had succeeded gets that error, a write that failed keeps its own,
// nothing persists and no version moves. SQLite leaves a transaction open
// when it refuses its COMMIT; the next write finds none.
func TestFailedCommitFailsEveryWriteOfItsGroup(t *testing.T) {
	s := openInternal(t)
	before := versionsOf(s)
	refused := errors.New("refused")
	results := s.commitGroup([]*pendingWrite{
		pending("a", note("a", "lost")),
		pending("b", func(*Tx) error { return refused }),
		pending("c", note("nobody", "orphan")),
	})
	require.Len(t, results, 3)
	require.EqualError(t, results[0], "constraint failed: FOREIGN KEY constraint failed (787)")
	require.Equal(t, refused, results[1])
	require.Equal(t, results[0], results[2])
	require.Empty(t, notesOf(t, s))
	require.Equal(t, before, versionsOf(s))

	require.NoError(t, s.WriteTenant(testwait.Context(t), "a", note("a", "next")), "the transaction was rolled back")
	require.Equal(t, []string{"a:next"}, notesOf(t, s))
}

// TestWriteThatBreaksItsSavepointFailsTheGroupAndFreesTheWriter: a write
// that releases its savepoint itself leaves the group nothing to release
// or roll back to; the whole group fails, the transaction is rolled back
// and the next write gets the database at once.
func TestWriteThatBreaksItsSavepointFailsTheGroupAndFreesTheWriter(t *testing.T) {
	release := func(tx *Tx) error {
		_, err := tx.Exec(`RELEASE write`)
		return err
	}
	refused := errors.New("refused")
	for _, own := range []error{nil, refused} {
		s := openInternal(t)
		before := versionsOf(s)
		results := s.commitGroup([]*pendingWrite{
			pending("a", note("a", "lost")),
			pending("b", func(tx *Tx) error {
				if err := release(tx); err != nil {
					return err
				}
				return own
			}),
			pending("c", note("c", "never run")),
		})
		const noSavepoint = "SQL logic error: no such savepoint: write (1)"
		require.Len(t, results, 3)
		require.EqualError(t, results[0], noSavepoint, "own=%v", own)
		if own != nil {
			require.Equal(t, own, results[1], "its own error stands")
		} else {
			require.EqualError(t, results[1], noSavepoint)
		}
		require.EqualError(t, results[2], noSavepoint)
		require.Equal(t, before, versionsOf(s))

		// Were the transaction left open, this would wait out the busy
		// timeout and fail with "database is locked".
		require.NoError(t, s.WriteTenant(testwait.Context(t), "a", note("a", "next")), "the writer was rolled back and handed on")
		require.Equal(t, []string{"a:next"}, notesOf(t, s))
	}
}

// TestSavepointThatCannotBeOpenedFailsItsWriteAndTheRest: when a write's
// savepoint cannot be opened (here its statement was closed under the
// writer), that write and every later one of the group fail without
// running; the writes before it persist and only their versions move.
func TestSavepointThatCannotBeOpenedFailsItsWriteAndTheRest(t *testing.T) {
	s := openInternal(t)
	before := versionsOf(s)
	ran := []string{}
	results := s.commitGroup([]*pendingWrite{
		pending("a", func(tx *Tx) error {
			ran = append(ran, "a")
			if err := note("a", "kept")(tx); err != nil {
				return err
			}
			return tx.w.stmts[`SAVEPOINT write`].Close()
		}),
		pending("b", func(tx *Tx) error { ran = append(ran, "b"); return note("b", "never run")(tx) }),
		pending("c", func(tx *Tx) error { ran = append(ran, "c"); return note("c", "never run")(tx) }),
	})
	require.Len(t, results, 3)
	require.NoError(t, results[0])
	require.EqualError(t, results[1], "sql: statement is closed")
	require.EqualError(t, results[2], "sql: statement is closed")
	require.Equal(t, []string{"a"}, ran)
	require.Equal(t, []string{"a:kept"}, notesOf(t, s))
	after := versionsOf(s)
	require.Greater(t, after[0], before[0], "a moved")
	require.Equal(t, before[1:], after[1:], "b and c did not")
}

// TestPoolKeepsOneConnectionPerCore: as many connections for readers as
// cores (two at least) and one for the writer, all of them kept open
// between uses.
func TestPoolKeepsOneConnectionPerCore(t *testing.T) {
	prev := runtime.GOMAXPROCS(4)
	defer runtime.GOMAXPROCS(prev)
	s, err := Open("")
	require.NoError(t, err)
	defer s.Close()
	require.Equal(t, 4+1, s.db.Stats().MaxOpenConnections)
	ctx := testwait.Context(t)
	var held []interface{ Close() error }
	for range 4 {
		c, err := s.db.Conn(ctx)
		require.NoError(t, err)
		held = append(held, c)
	}
	for _, c := range held {
		require.NoError(t, c.Close())
	}
	require.Equal(t, 4, s.db.Stats().Idle)
}

// TestWriterKeepsAConnectionOfItsOwn: readers holding every connection
// of theirs do not keep a write waiting.
func TestWriterKeepsAConnectionOfItsOwn(t *testing.T) {
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	s := openInternal(t)
	ctx := testwait.Context(t)
	var held []*sql.Conn
	for range 2 {
		c, err := s.db.Conn(ctx)
		require.NoError(t, err)
		held = append(held, c)
	}
	var err error
	testwait.Do(t, "a write while readers hold their connections", func() { err = s.WriteTenant(ctx, "a", note("a", "written")) })
	require.NoError(t, err)
	for _, c := range held {
		require.NoError(t, c.Close())
	}
	require.Equal(t, []string{"a:written"}, notesOf(t, s))
}

// TestImageNeedsATempDir: the migrated image is built in a temporary
// directory; without one it fails with the reason.
func TestImageNeedsATempDir(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	t.Setenv("TMPDIR", missing)
	image, err := buildImage([]Migrations{Core})
	require.ErrorIs(t, err, os.ErrNotExist)
	require.EqualError(t, err, "stat "+missing+": no such file or directory")
	require.Nil(t, image)
}
