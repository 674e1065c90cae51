package platform_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// numbers queries the rows 1..6; the row fail, when not 0, is one SQLite
// fails to compute (an integer overflow) once it is reached.
func numbers(t *testing.T, fail int) (*sql.Rows, error) {
	t.Helper()
	st, err := store.Open("")
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st.Query(t.Context(), `SELECT CASE WHEN column1 = ? THEN abs(-9223372036854775807 - 1) ELSE column1 END
		FROM (VALUES (1), (2), (3), (4), (5), (6))`, fail)
}

func scanInt(rows *sql.Rows) (int64, error) {
	var n int64
	err := rows.Scan(&n)
	return n, err
}

func even(n int64) bool { return n%2 == 0 }

// userIDs is a view of numbers as users, asserting the rows are closed by
// the time it runs, as UserPage promises.
func userIDs(t *testing.T, rows *sql.Rows) func(int64) (platform.User, error) {
	return func(n int64) (platform.User, error) {
		require.False(t, rows.Next(), "the rows are closed before view")
		return platform.User{ID: n}, nil
	}
}

func ids(us []platform.User) []int64 {
	out := make([]int64, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

// TestUserPage: the first limit rows that match, in row order, each shown
// by view.
func TestUserPage(t *testing.T) {
	for limit, want := range map[int][]int64{1: {2}, 2: {2, 4}, 3: {2, 4, 6}, 10: {2, 4, 6}, 0: {}} {
		rows, err := numbers(t, 0)
		got, err := platform.UserPage(rows, err, limit, scanInt, even, userIDs(t, rows))
		require.NoError(t, err)
		require.Equal(t, want, ids(got), "limit %d", limit)
	}
}

// TestUserPageErrors: the query's error, a row that does not scan, a
// failure midway through the rows and a view that fails all fail the page.
func TestUserPageErrors(t *testing.T) {
	got, err := platform.UserPage(nil, errBoom, 10, scanInt, even, func(int64) (platform.User, error) { return platform.User{}, nil })
	require.ErrorIs(t, err, errBoom)
	require.Nil(t, got)

	rows, err := numbers(t, 0)
	got, err = platform.UserPage(rows, err, 10, func(r *sql.Rows) (int64, error) {
		n, err := scanInt(r)
		if n == 3 {
			return 0, errBoom
		}
		return n, err
	}, even, userIDs(t, rows))
	require.ErrorIs(t, err, errBoom)
	require.Nil(t, got)
	require.False(t, rows.Next(), "the rows are closed on a scan error")

	rows, err = numbers(t, 5)
	got, err = platform.UserPage(rows, err, 10, scanInt, even, userIDs(t, rows))
	require.ErrorContains(t, err, "integer overflow")
	require.Nil(t, got)

	rows, err = numbers(t, 0)
	got, err = platform.UserPage(rows, err, 10, scanInt, even, func(n int64) (platform.User, error) {
		if n == 4 {
			return platform.User{}, errBoom
		}
		return platform.User{ID: n}, nil
	})
	require.ErrorIs(t, err, errBoom)
	require.Nil(t, got)
}

// TestNewUserGenerate: only the fields left empty are generated.
func TestNewUserGenerate(t *testing.T) {
	given := platform.NewUser{Name: "Иван", Phone: "79990001122", Email: "Ivan@X.example"}
	u := given
	u.Generate(platform.UserFaker("t1", "p", 1))
	require.Equal(t, given, u)

	var blank platform.NewUser
	blank.Generate(platform.UserFaker("t1", "p", 1))
	require.NotEmpty(t, blank.Name)
	require.Regexp(t, `^79\d{9}$`, blank.Phone)
	require.Contains(t, blank.Email, "@")
	require.Equal(t, strings.ToLower(blank.Email), blank.Email)
}

// TestUserFakerSeed: the same tenant, platform and id give the same person;
// any other gives another.
func TestUserFakerSeed(t *testing.T) {
	person := func(tenant, p string, id int64) platform.NewUser {
		var u platform.NewUser
		u.Generate(platform.UserFaker(tenant, p, id))
		return u
	}
	a := person("t1", "p", 1)
	require.Equal(t, a, person("t1", "p", 1))
	for _, other := range []platform.NewUser{person("t1", "p", 2), person("t2", "p", 1), person("t1", "q", 1)} {
		require.NotEqual(t, a.Phone, other.Phone)
	}
}

// TestUserJSON: keys in order, an empty phone as null, times in UTC.
func TestUserJSON(t *testing.T) {
	u := platform.User{ID: 7, Name: "Ольга", Messenger: "telegram", CreatedAt: time.Date(2026, 3, 2, 12, 0, 0, 0, time.FixedZone("MSK", 3*3600)),
		Subscribed: true, Platform: map[string]any{"tags": []string{"vip"}}}
	require.Equal(t, `{"id":7,"name":"Ольга","messenger":"telegram","phone":null,"created_at":"2026-03-02T09:00:00Z","subscribed":true,"platform":{"tags":["vip"]}}`, asJSON(t, u))
	u.Phone = "79990001122"
	b, err := u.MarshalJSON()
	require.NoError(t, err)
	require.Contains(t, string(b), `"phone":"79990001122"`)
}

// TestSubscriptionKind names the event of each change.
func TestSubscriptionKind(t *testing.T) {
	require.Equal(t, "subscribe", platform.SubscriptionKind(true))
	require.Equal(t, "unsubscribe", platform.SubscriptionKind(false))
}
