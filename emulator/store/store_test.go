package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/internal/testwait"
)

var t0 = time.Date(2024, 5, 17, 12, 0, 0, 123456000, time.UTC)

func open(t *testing.T, path string, sets ...store.Migrations) *store.Store {
	t.Helper()
	s, err := store.Open(path, sets...)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func write(t *testing.T, s *store.Store, fn func(tx *store.Tx) error) {
	t.Helper()
	require.NoError(t, s.Write(testwait.Context(t), fn))
}

// requireConstraint fails unless err is the SQLite constraint violation
// code (sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, …), not merely some error.
func requireConstraint(t *testing.T, err error, code int) {
	t.Helper()
	var se *sqlite.Error
	require.ErrorAs(t, err, &se)
	require.Equal(t, code, se.Code(), se.Error())
}

func addTenant(t *testing.T, s *store.Store, id string, created time.Time) store.Tenant {
	t.Helper()
	tn := store.Tenant{ID: id, Seed: 42, FakerSeed: 7, Fixture: "demo", CreatedAt: created}
	write(t, s, func(tx *store.Tx) error { return tx.InsertTenant(tn) })
	return tn
}

func TestMicros(t *testing.T) {
	in := time.Date(2024, 5, 17, 15, 0, 0, 123456789, time.FixedZone("MSK", 3*3600))
	us := store.Micros(in)
	require.Equal(t, in.UnixMicro(), us)
	back := store.FromMicros(us)
	require.Equal(t, time.UTC, back.Location())
	require.True(t, back.Equal(in.Truncate(time.Microsecond)))
}

func TestInMemoryDatabasesAreIndependent(t *testing.T) {
	a := open(t, "")
	b := open(t, "")
	addTenant(t, a, "only-in-a", t0)

	_, err := a.Tenant(testwait.Context(t), "only-in-a")
	require.NoError(t, err)
	_, err = b.Tenant(testwait.Context(t), "only-in-a")
	require.ErrorIs(t, err, store.ErrNotFound)

	addTenant(t, b, "only-in-b", t0)
	ta, err := a.Tenants(testwait.Context(t))
	require.NoError(t, err)
	tb, err := b.Tenants(testwait.Context(t))
	require.NoError(t, err)
	require.Len(t, ta, 1)
	require.Len(t, tb, 1)
	require.Equal(t, "only-in-a", ta[0].ID)
	require.Equal(t, "only-in-b", tb[0].ID)
}

// extra is a platform's schema as a test writes one: two numbered files.
var extra = store.Migrations{Owner: "extra", Files: fstest.MapFS{
	"migrations/0002_more.sql":  {Data: []byte(`ALTER TABLE things ADD COLUMN size INTEGER NOT NULL DEFAULT 0;`)},
	"migrations/0001_first.sql": {Data: []byte(`CREATE TABLE things (id INTEGER PRIMARY KEY);`)},
	"migrations/README":         {Data: []byte(`not a migration`)},
}}

func appliedMigrations(t *testing.T, s *store.Store) []string {
	t.Helper()
	rows, err := s.Query(testwait.Context(t), `SELECT owner || '/' || version || ' ' || name FROM schema_versions ORDER BY rowid`)
	require.NoError(t, err)
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		names = append(names, name)
	}
	require.NoError(t, rows.Err())
	return names
}

// coreApplied is what Core records: each of its files, in order.
func coreApplied(t *testing.T) []string {
	t.Helper()
	files, err := fs.Glob(store.Core.Files, "migrations/*.sql")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var out []string
	for i, f := range files {
		out = append(out, fmt.Sprintf("core/%d %s", i+1, path.Base(f)))
	}
	return out
}

func TestMigrationsAppliedOnceInOrder(t *testing.T) {
	want := append(coreApplied(t), "extra/1 0001_first.sql", "extra/2 0002_more.sql")
	mem := open(t, "", extra, extra)
	require.Equal(t, want, appliedMigrations(t, mem), "core first, every file once, in number order")

	path := filepath.Join(t.TempDir(), "fakebots.db")
	for i := 0; i < 3; i++ {
		s, err := store.Open(path, extra)
		require.NoError(t, err, "open #%d", i+1)
		require.Equal(t, want, appliedMigrations(t, s), "open #%d", i+1)
		require.NoError(t, s.Close())
	}
}

func TestMigrationWithoutNumberIsRefused(t *testing.T) {
	bad := store.Migrations{Owner: "bad", Files: fstest.MapFS{"migrations/first.sql": {Data: []byte(`SELECT 1;`)}}}
	_, err := store.Open(filepath.Join(t.TempDir(), "x.db"), bad)
	require.EqualError(t, err, "migration bad/first.sql: name must start with its number")
}

func TestMigrationsSharingANumberAreRefused(t *testing.T) {
	twins := store.Migrations{Owner: "twins", Files: fstest.MapFS{
		"migrations/0001_a.sql": {Data: []byte(`SELECT 1;`)},
		"migrations/0001_b.sql": {Data: []byte(`SELECT 2;`)},
	}}
	_, err := store.Open(filepath.Join(t.TempDir(), "x.db"), twins)
	require.EqualError(t, err, "migrations twins/0001_a.sql and 0001_b.sql share the number 1")
}

func TestFailingMigrationIsNamedAndNotRecorded(t *testing.T) {
	broken := store.Migrations{Owner: "broken", Files: fstest.MapFS{"migrations/0001_x.sql": {Data: []byte(`CREATE TABLE tenants (id TEXT);`)}}}
	path := filepath.Join(t.TempDir(), "x.db")
	_, err := store.Open(path, broken)
	require.ErrorContains(t, err, "migration broken/0001_x.sql: ")
	s := open(t, path)
	require.Equal(t, coreApplied(t), appliedMigrations(t, s))
}

func TestFileDatabaseSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fakebots.db")
	s, err := store.Open(path)
	require.NoError(t, err)
	tn := addTenant(t, s, "persistent", t0)
	write(t, s, func(tx *store.Tx) error {
		return tx.PutCredential(store.Credential{Platform: "cleverapp", Secret: "tok", TenantID: tn.ID, Kind: "api_token", CreatedAt: t0})
	})
	require.NoError(t, s.Close())

	s2 := open(t, path)
	got, err := s2.Tenant(testwait.Context(t), "persistent")
	require.NoError(t, err)
	require.Equal(t, tn, got)
	c, err := s2.Credential(testwait.Context(t), "cleverapp", "tok")
	require.NoError(t, err)
	require.Equal(t, "persistent", c.TenantID)
}

func TestTenants(t *testing.T) {
	ctx := testwait.Context(t)
	s := open(t, "")

	tenants, err := s.Tenants(ctx)
	require.NoError(t, err)
	require.NotNil(t, tenants)
	require.Empty(t, tenants)

	// Stored with sub-microsecond noise and a zone: read back in UTC, to the microsecond.
	created := time.Date(2024, 5, 17, 15, 0, 0, 123456789, time.FixedZone("MSK", 3*3600))
	write(t, s, func(tx *store.Tx) error {
		return tx.InsertTenant(store.Tenant{ID: "b", Seed: -1, FakerSeed: 1 << 40, Fixture: `{"x":1}`, CreatedAt: created})
	})
	addTenant(t, s, "c", t0.Add(-time.Hour))
	addTenant(t, s, "a", t0) // same instant as b: ordered by id

	got, err := s.Tenant(ctx, "b")
	require.NoError(t, err)
	require.Equal(t, store.Tenant{ID: "b", Seed: -1, FakerSeed: 1 << 40, Fixture: `{"x":1}`,
		CreatedAt: time.Date(2024, 5, 17, 12, 0, 0, 123456000, time.UTC)}, got)

	tenants, err = s.Tenants(ctx)
	require.NoError(t, err)
	var ids []string
	for _, tn := range tenants {
		ids = append(ids, tn.ID)
	}
	require.Equal(t, []string{"c", "a", "b"}, ids, "oldest first, then by id")

	_, err = s.Tenant(ctx, "missing")
	require.ErrorIs(t, err, store.ErrNotFound)

	err = s.Write(ctx, func(tx *store.Tx) error { return tx.InsertTenant(store.Tenant{ID: "a", CreatedAt: t0}) })
	requireConstraint(t, err, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) // ids are unique
	require.ErrorContains(t, err, "tenants.id")

	var deleted, again bool
	write(t, s, func(tx *store.Tx) error {
		var err error
		if deleted, err = tx.DeleteTenant("a"); err != nil {
			return err
		}
		again, err = tx.DeleteTenant("a")
		return err
	})
	require.True(t, deleted)
	require.False(t, again)
	_, err = s.Tenant(ctx, "a")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestWriteRollsBackOnError(t *testing.T) {
	ctx := testwait.Context(t)
	s := open(t, "")
	boom := errors.New("boom")
	err := s.Write(ctx, func(tx *store.Tx) error {
		if err := tx.InsertTenant(store.Tenant{ID: "ghost", CreatedAt: t0}); err != nil {
			return err
		}
		return boom
	})
	require.ErrorIs(t, err, boom)
	_, err = s.Tenant(ctx, "ghost")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestCredentials(t *testing.T) {
	ctx := testwait.Context(t)
	s := open(t, "")
	addTenant(t, s, "t1", t0)
	addTenant(t, s, "t2", t0)

	creds := []store.Credential{
		{Platform: "cleverapp", Secret: "ca-1", TenantID: "t1", Kind: "api_token", CreatedAt: t0.Add(2 * time.Second)},
		{Platform: "salebot", Secret: "sb-1", TenantID: "t1", Kind: "api_key", Data: json.RawMessage(`{"permissions":["read"]}`), CreatedAt: t0},
		{Platform: "cleverapp", Secret: "ca-0", TenantID: "t1", Kind: "api_token", CreatedAt: t0.Add(2 * time.Second)},
		{Platform: "cleverapp", Secret: "ca-2", TenantID: "t2", Kind: "api_token", CreatedAt: t0},
		// The same secret on another platform is another credential.
		{Platform: "onebot", Secret: "ca-1", TenantID: "t2", Kind: "api_token", CreatedAt: t0},
	}
	write(t, s, func(tx *store.Tx) error {
		for _, c := range creds {
			if err := tx.PutCredential(c); err != nil {
				return err
			}
		}
		return nil
	})

	c, err := s.Credential(ctx, "cleverapp", "ca-1")
	require.NoError(t, err)
	require.Equal(t, store.Credential{Platform: "cleverapp", Secret: "ca-1", TenantID: "t1", Kind: "api_token",
		Data: json.RawMessage(`{}`), CreatedAt: t0.Add(2 * time.Second)}, c, "empty data is stored as {}")

	c, err = s.Credential(ctx, "onebot", "ca-1")
	require.NoError(t, err)
	require.Equal(t, "t2", c.TenantID)

	c, err = s.Credential(ctx, "salebot", "sb-1")
	require.NoError(t, err)
	require.JSONEq(t, `{"permissions":["read"]}`, string(c.Data))

	_, err = s.Credential(ctx, "salebot", "ca-1")
	require.ErrorIs(t, err, store.ErrNotFound)

	list := func(tenant, platform string) []string {
		t.Helper()
		cs, err := s.Credentials(ctx, tenant, platform)
		require.NoError(t, err)
		require.NotNil(t, cs)
		out := []string{}
		for _, c := range cs {
			require.Equal(t, tenant, c.TenantID)
			out = append(out, c.Platform+"/"+c.Secret)
		}
		return out
	}
	require.Equal(t, []string{"salebot/sb-1", "cleverapp/ca-1", "cleverapp/ca-0"}, list("t1", ""), "oldest first, then in the order made (a frozen clock makes many at one instant)")
	require.Equal(t, []string{"cleverapp/ca-1", "cleverapp/ca-0"}, list("t1", "cleverapp"))
	require.Equal(t, []string{"cleverapp/ca-2", "onebot/ca-1"}, list("t2", ""), "same instant: in the order made")
	require.Equal(t, []string{}, list("t2", "bothelp"))
	require.Equal(t, []string{}, list("nobody", ""))

	// Put with an existing secret replaces it, even moving it to another tenant.
	write(t, s, func(tx *store.Tx) error {
		return tx.PutCredential(store.Credential{Platform: "cleverapp", Secret: "ca-1", TenantID: "t2", Kind: "rotated",
			Data: json.RawMessage(`{"v":2}`), CreatedAt: t0.Add(time.Minute)})
	})
	c, err = s.Credential(ctx, "cleverapp", "ca-1")
	require.NoError(t, err)
	require.Equal(t, "t2", c.TenantID)
	require.Equal(t, "rotated", c.Kind)
	require.JSONEq(t, `{"v":2}`, string(c.Data))
	require.Equal(t, []string{"salebot/sb-1", "cleverapp/ca-0"}, list("t1", ""))

	// Delete is scoped to the tenant and platform.
	tests := []struct {
		name                     string
		tenant, platform, secret string
		deleted                  bool
	}{
		{"another tenant's credential", "t1", "cleverapp", "ca-2", false},
		{"wrong platform", "t1", "onebot", "ca-0", false},
		{"unknown secret", "t1", "cleverapp", "zzz", false},
		{"own credential", "t1", "cleverapp", "ca-0", true},
		{"already deleted", "t1", "cleverapp", "ca-0", false},
	}
	for _, tt := range tests {
		var deleted bool
		write(t, s, func(tx *store.Tx) error {
			var err error
			deleted, err = tx.DeleteCredential(tt.tenant, tt.platform, tt.secret)
			return err
		})
		require.Equal(t, tt.deleted, deleted, tt.name)
	}
	_, err = s.Credential(ctx, "cleverapp", "ca-0")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.Credential(ctx, "cleverapp", "ca-2")
	require.NoError(t, err)
}

func TestCredentialNeedsATenant(t *testing.T) {
	s := open(t, "")
	err := s.Write(testwait.Context(t), func(tx *store.Tx) error {
		return tx.PutCredential(store.Credential{Platform: "cleverapp", Secret: "x", TenantID: "nobody", CreatedAt: t0})
	})
	requireConstraint(t, err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY)
}

func TestDeleteTenantCascades(t *testing.T) {
	ctx := testwait.Context(t)
	s := open(t, "")
	for _, id := range []string{"gone", "stays"} {
		addTenant(t, s, id, t0)
		write(t, s, func(tx *store.Tx) error {
			if err := tx.PutCredential(store.Credential{Platform: "cleverapp", Secret: "tok-" + id, TenantID: id, CreatedAt: t0}); err != nil {
				return err
			}
			for _, due := range []time.Time{t0, t0.Add(time.Hour)} {
				if _, err := tx.Enqueue(store.Message{TenantID: id, Platform: "cleverapp", Operation: "sendMessage", CreatedAt: t0, DueAt: due}); err != nil {
					return err
				}
			}
			return nil
		})
	}

	write(t, s, func(tx *store.Tx) error {
		ok, err := tx.DeleteTenant("gone")
		require.True(t, ok)
		return err
	})

	_, err := s.Credential(ctx, "cleverapp", "tok-gone")
	require.ErrorIs(t, err, store.ErrNotFound)
	msgs, _, err := s.Outbox(ctx, store.OutboxFilter{TenantID: "gone"})
	require.NoError(t, err)
	require.Empty(t, msgs)

	_, err = s.Credential(ctx, "cleverapp", "tok-stays")
	require.NoError(t, err)
	msgs, _, err = s.Outbox(ctx, store.OutboxFilter{TenantID: "stays"})
	require.NoError(t, err)
	require.Len(t, msgs, 2)

	// The deleted tenant's scheduled message is not delivered later.
	next, err := s.NextDue(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"stays"}, slices.Collect(maps.Keys(next)))
}

func TestTenantInfo(t *testing.T) {
	ctx := testwait.Context(t)
	s := open(t, "")
	addTenant(t, s, "t1", t0)

	info, err := s.TenantInfo(ctx, "t1")
	require.NoError(t, err)
	require.JSONEq(t, `{}`, string(info), "a new tenant's info is {}")

	write(t, s, func(tx *store.Tx) error {
		return tx.SetTenantInfo("t1", []byte(`{"id":"t1","cleverapp":{"api_token":"abc"}}`))
	})
	info, err = s.TenantInfo(ctx, "t1")
	require.NoError(t, err)
	require.Equal(t, `{"id":"t1","cleverapp":{"api_token":"abc"}}`, string(info))

	_, err = s.TenantInfo(ctx, "missing")
	require.ErrorIs(t, err, store.ErrNotFound)

	// Setting the info of a missing tenant changes nothing and creates nothing.
	write(t, s, func(tx *store.Tx) error { return tx.SetTenantInfo("missing", []byte(`{}`)) })
	_, err = s.Tenant(ctx, "missing")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestTenantVersionMovesWithTheTenantsCommitsOnly(t *testing.T) {
	s := open(t, "")
	ctx := testwait.Context(t)
	addTenant(t, s, "a", t0)
	addTenant(t, s, "b", t0)
	a, b := s.TenantVersion("a"), s.TenantVersion("b")

	require.NoError(t, s.WriteTenant(ctx, "a", func(tx *store.Tx) error { return nil }))
	require.Greater(t, s.TenantVersion("a"), a, "a's commit")
	require.Equal(t, b, s.TenantVersion("b"), "b wrote nothing")

	a = s.TenantVersion("a")
	require.Error(t, s.WriteTenant(ctx, "a", func(tx *store.Tx) error { return errors.New("no") }))
	require.Equal(t, a, s.TenantVersion("a"), "a rollback changes nothing")

	require.NoError(t, s.Write(ctx, func(tx *store.Tx) error { return nil }))
	require.Greater(t, s.TenantVersion("a"), a, "a write of every tenant moves a")
	require.Greater(t, s.TenantVersion("b"), b, "and b")
}

func TestTenantVersionNeverComesBackAfterDeletion(t *testing.T) {
	s := open(t, "")
	ctx := testwait.Context(t)
	addTenant(t, s, "a", t0)
	seen := map[uint64]bool{s.TenantVersion("a"): true}
	require.NoError(t, s.WriteTenant(ctx, "a", func(tx *store.Tx) error {
		// Reset: deleted and created again in one commit.
		if _, err := tx.DeleteTenant("a"); err != nil {
			return err
		}
		return tx.InsertTenant(store.Tenant{ID: "a", CreatedAt: t0})
	}))
	require.False(t, seen[s.TenantVersion("a")], "a reset is a new state")
	seen[s.TenantVersion("a")] = true
	require.NoError(t, s.WriteTenant(ctx, "a", func(tx *store.Tx) error {
		_, err := tx.DeleteTenant("a")
		return err
	}))
	require.NoError(t, s.WriteTenant(ctx, "a", func(tx *store.Tx) error {
		return tx.InsertTenant(store.Tenant{ID: "a", CreatedAt: t0})
	}))
	require.False(t, seen[s.TenantVersion("a")], "created again: a new state")
}
