package platform_test

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
)

// audience is an in-memory platform.Audience that records what the routes
// ask of it; fail makes the named method fail.
type audience struct {
	users    map[int64]platform.User
	threads  map[int64][]platform.Event
	list     []platform.User // what Users answers
	queries  []platform.UserQuery
	acts     []platform.Action
	subs     []bool // SetSubscribed calls, in order
	created  []platform.NewUser
	fail     string
	failWith error
}

var errBoom = errors.New("boom")

func newAudience() *audience {
	return &audience{
		users: map[int64]platform.User{
			1: {ID: 1, Name: "Ольга", Subscribed: true},
			2: {ID: 2, Name: "Blocked", Subscribed: false},
		},
		threads: map[int64][]platform.Event{},
	}
}

func (a *audience) err(method string) error {
	if a.fail == method {
		if a.failWith != nil {
			return a.failWith
		}
		return errBoom
	}
	return nil
}

func (a *audience) Name() string { return "p" }

func (a *audience) Users(_ *platform.ControlRequest, q platform.UserQuery) ([]platform.User, error) {
	a.queries = append(a.queries, q)
	return a.list, a.err("Users")
}

func (a *audience) CreateUser(_ *platform.ControlRequest, u platform.NewUser) (platform.User, error) {
	a.created = append(a.created, u)
	return platform.User{ID: 9, Name: u.Name}, a.err("CreateUser")
}

func (a *audience) User(_ *platform.ControlRequest, id int64) (platform.User, error) {
	if err := a.err("User"); err != nil {
		return platform.User{}, err
	}
	u, ok := a.users[id]
	if !ok {
		return platform.User{}, platform.UserNotFound(id)
	}
	return u, nil
}

func (a *audience) Thread(_ *platform.ControlRequest, id int64) ([]platform.Event, error) {
	return a.threads[id], a.err("Thread")
}

func (a *audience) Act(_ *platform.ControlRequest, id int64, act platform.Action) (platform.Reaction, error) {
	a.acts = append(a.acts, act)
	if err := a.err("Act"); err != nil {
		return platform.Reaction{}, err
	}
	return platform.Reaction{Event: platform.Event{ID: "p:control:1", Kind: act.Kind(), Text: act.Text}, Webhook: true}, nil
}

func (a *audience) SetSubscribed(_ *platform.ControlRequest, id int64, subscribed bool) (platform.User, error) {
	a.subs = append(a.subs, subscribed)
	u := a.users[id]
	u.Subscribed = subscribed
	return u, a.err("SetSubscribed")
}

// call runs the audience route method path (as mounted, "users/{user}")
// with the user var, the raw query and the body.
func call(t *testing.T, a platform.Audience, method, path, user, query, body string) (int, any, error) {
	t.Helper()
	for _, r := range platform.AudienceRoutes(a) {
		if r.Method == method && r.Path == path {
			c := &platform.ControlRequest{
				HTTP:     &http.Request{Method: method, URL: &url.URL{Path: "/" + path, RawQuery: query}},
				TenantID: "t1",
				Vars:     map[string]string{"user": user},
				Body:     []byte(body),
			}
			return r.Handle(c)
		}
	}
	t.Fatalf("no route %s %s", method, path)
	return 0, nil, nil
}

// controlError asserts err is a control error of this status and message.
func controlError(t *testing.T, err error, status int, msg string) {
	t.Helper()
	var ce *platform.ControlError
	require.True(t, errors.As(err, &ce), "%v", err)
	require.Equal(t, status, ce.Status)
	require.Equal(t, msg, ce.Message)
}

func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := jsonx.Marshal(v, false)
	require.NoError(t, err)
	return string(b)
}

func users(ids ...int64) []platform.User {
	out := make([]platform.User, len(ids))
	for i, id := range ids {
		out[i] = platform.User{ID: id, CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	}
	return out
}

// TestUsersListPaging: the route asks for one user more than the page to
// know whether another page follows, and names the last id shown.
func TestUsersListPaging(t *testing.T) {
	a := newAudience()
	a.list = users(3, 5, 7)
	status, body, err := call(t, a, http.MethodGet, "users", "", "q=ol&after=2&limit=2", "")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, []platform.UserQuery{{Q: "ol", After: 2, Limit: 3}}, a.queries)
	got := body.(jsonx.Object)
	require.Equal(t, "data", got[0].Key)
	require.Equal(t, users(3, 5), got[0].Value)
	require.Equal(t, jsonx.Field{Key: "next_after", Value: int64(5)}, got[1])

	// Exactly a page: no next page.
	a.list = users(3, 5)
	_, body, err = call(t, a, http.MethodGet, "users", "", "limit=2", "")
	require.NoError(t, err)
	require.Equal(t, users(3, 5), body.(jsonx.Object)[0].Value)
	require.Nil(t, body.(jsonx.Object)[1].Value)
	require.Equal(t, platform.UserQuery{After: 0, Limit: 3}, a.queries[1])

	// Defaults: after 0, a page of 100; no users is an empty list.
	a.list = nil
	_, body, err = call(t, a, http.MethodGet, "users", "", "", "")
	require.NoError(t, err)
	require.Equal(t, platform.UserQuery{After: 0, Limit: 101}, a.queries[2])
	require.Equal(t, `{"data":[],"next_after":null}`, asJSON(t, body))
}

// TestUsersListQueryBounds: after is at least 0, limit from 1 to 1000, both
// integers; the bounds themselves are accepted.
func TestUsersListQueryBounds(t *testing.T) {
	a := newAudience()
	for _, q := range []string{"after=0", "limit=1", "limit=1000", "after=9223372036854775807"} {
		_, _, err := call(t, a, http.MethodGet, "users", "", q, "")
		require.NoError(t, err, q)
	}
	require.Equal(t, 2, a.queries[1].Limit)
	require.Equal(t, 1001, a.queries[2].Limit)
	for q, msg := range map[string]string{
		"after=-1":   "after must be an integer of at least 0",
		"after=x":    "after must be an integer of at least 0",
		"limit=0":    "limit must be an integer from 1 to 1000",
		"limit=1001": "limit must be an integer from 1 to 1000",
		"limit=1.5":  "limit must be an integer from 1 to 1000",
	} {
		_, _, err := call(t, a, http.MethodGet, "users", "", q, "")
		controlError(t, err, http.StatusBadRequest, msg)
	}
	require.Len(t, a.queries, 4, "refused queries reach no platform")
}

// TestUsersListError: the platform's error is the route's.
func TestUsersListError(t *testing.T) {
	a := newAudience()
	a.fail = "Users"
	_, _, err := call(t, a, http.MethodGet, "users", "", "", "")
	require.ErrorIs(t, err, errBoom)
}

// TestCreateUser: the body is decoded strictly and handed on; the answer is 201.
func TestCreateUser(t *testing.T) {
	a := newAudience()
	status, body, err := call(t, a, http.MethodPost, "users", "", "", `{"name":"Иван","messenger":"telegram"}`)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, status)
	require.Equal(t, platform.User{ID: 9, Name: "Иван"}, body)
	require.Equal(t, []platform.NewUser{{Name: "Иван", Messenger: "telegram"}}, a.created)

	_, _, err = call(t, a, http.MethodPost, "users", "", "", `{"nmae":"x"}`)
	controlError(t, err, http.StatusBadRequest, `invalid JSON body: json: unknown field "nmae"`)
	require.Len(t, a.created, 1)

	a.fail = "CreateUser"
	_, _, err = call(t, a, http.MethodPost, "users", "", "", `{}`)
	require.ErrorIs(t, err, errBoom)
}

// TestUserIDs: a user var that is not a positive integer names no one; the
// platform's not-found passes through.
func TestUserIDs(t *testing.T) {
	a := newAudience()
	status, body, err := call(t, a, http.MethodGet, "users/{user}", "1", "", "")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, a.users[1], body)
	for user, msg := range map[string]string{"0": `no user "0"`, "-1": `no user "-1"`, "x": `no user "x"`, "": `no user ""`} {
		for _, path := range []string{"users/{user}", "users/{user}/thread"} {
			_, _, err := call(t, a, http.MethodGet, path, user, "", "")
			controlError(t, err, http.StatusNotFound, msg)
		}
		for _, path := range []string{"users/{user}/messages", "users/{user}/buttons", "users/{user}/subscribe", "users/{user}/unsubscribe"} {
			_, _, err := call(t, a, http.MethodPost, path, user, "", `{"text":"hi","button":"b"}`)
			controlError(t, err, http.StatusNotFound, msg)
		}
	}
	_, _, err = call(t, a, http.MethodGet, "users/{user}", "3", "", "")
	controlError(t, err, http.StatusNotFound, "no user 3")
	a.fail = "User"
	_, _, err = call(t, a, http.MethodGet, "users/{user}", "1", "", "")
	require.ErrorIs(t, err, errBoom)
	require.Empty(t, a.subs)
	require.Empty(t, a.acts)
}

// TestSubscribeRoutes: subscribe and unsubscribe set the flag and answer
// the user; the platform's error passes through.
func TestSubscribeRoutes(t *testing.T) {
	a := newAudience()
	status, body, err := call(t, a, http.MethodPost, "users/{user}/unsubscribe", "1", "", "")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status)
	require.False(t, body.(platform.User).Subscribed)
	_, body, err = call(t, a, http.MethodPost, "users/{user}/subscribe", "2", "", "")
	require.NoError(t, err)
	require.True(t, body.(platform.User).Subscribed)
	require.Equal(t, []bool{false, true}, a.subs)

	a.fail = "SetSubscribed"
	_, _, err = call(t, a, http.MethodPost, "users/{user}/subscribe", "2", "", "")
	require.ErrorIs(t, err, errBoom)
}
