package emulator_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/internal/golden"
	"github.com/fakebots/fakebots/specs"
)

// usersEpoch is where the end-user tests freeze the clock.
var usersEpoch = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// endUserPlatforms are the platforms with end users, each with a messenger
// id of its own for a created user.
var endUserPlatforms = []struct{ name, platformID string }{
	{"cleverapp", "146467928"},
	{"onebot", "146467929"},
	{"salebot", "146467930"},
	{"bothelp", "146467931"},
}

// newUsersServer is an emulator with its clock frozen at usersEpoch and two
// tenants of chosen ids, acme and other, so every id and generated name is
// the same on every run.
func newUsersServer(t *testing.T) *fakebotstest.Server {
	t.Helper()
	s := newServer(t, emulator.WithRateLimits(false))
	require.NoError(t, s.Control.Call(context.Background(), http.MethodPost, "/clock/set", map[string]any{"now": usersEpoch, "freeze": true}, nil))
	for _, id := range []string{"acme", "other"} {
		r := s.Do(t, http.MethodPost, "/__fakebots/tenants", map[string]any{"id": id})
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	}
	return s
}

// assertUsersGolden compares an answer with testdata/users/name.golden.
func assertUsersGolden(t *testing.T, name string, r *fakebotstest.Response) {
	t.Helper()
	golden.Assert(t, "users/"+name+".golden", golden.Response(r.Status, r.Header, r.Body, "Content-Type"))
}

func usersPath(tenant, platformName, rest string) string {
	return "/__fakebots/tenants/" + tenant + "/" + platformName + "/users" + rest
}

// controlSchema checks values against a schema of specs/control.yaml.
func controlSchema(t *testing.T, name string) func(v any) {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(specs.Control)
	require.NoError(t, err)
	schema := doc.Components.Schemas[name]
	require.NotNil(t, schema, name)
	return func(v any) {
		t.Helper()
		require.NoError(t, schema.Value.VisitJSON(v), name)
	}
}

// TestEndUsers walks the uniform end-user endpoints on every platform:
// create (given and generated), list and page, search, read, write, block
// and unblock, and the thread, with exact bodies.
func TestEndUsers(t *testing.T) {
	s := newUsersServer(t)
	userSchema, eventSchema := controlSchema(t, "EndUser"), controlSchema(t, "ThreadEvent")
	for _, p := range endUserPlatforms {
		t.Run(p.name, func(t *testing.T) {
			path := func(rest string) string { return usersPath("acme", p.name, rest) }
			do := func(method, rest string, body any, status int) *fakebotstest.Response {
				t.Helper()
				r := s.Do(t, method, path(rest), body)
				require.Equal(t, status, r.Status, "%s %s: %s", method, rest, r.Body)
				require.Equal(t, "application/json", r.Header.Get("Content-Type"))
				return r
			}
			require.Equal(t, `{"data":[],"next_after":null}`, string(do("GET", "", nil, 200).Body))

			given := do("POST", "", map[string]any{"name": "Иван Петров", "messenger": "telegram", "phone": "+7 (999) 123-45-67",
				"email": "ivan@example.com", "platform_id": p.platformID}, 201)
			assertUsersGolden(t, p.name+"_created", given)
			generated := do("POST", "", `{}`, 201)
			assertUsersGolden(t, p.name+"_generated", generated)
			var first, second fakebotstest.EndUser
			given.JSON(t, &first)
			generated.JSON(t, &second)
			for _, r := range []*fakebotstest.Response{given, generated} {
				var v any
				r.JSON(t, &v)
				userSchema(v)
			}

			// Pages of one, in ascending id, and the user read back whole.
			page := do("GET", "?limit=1", nil, 200)
			require.Equal(t, fmt.Sprintf(`{"data":[%s],"next_after":%d}`, given.Body, first.ID), string(page.Body))
			page = do("GET", fmt.Sprintf("?limit=1&after=%d", first.ID), nil, 200)
			require.Equal(t, fmt.Sprintf(`{"data":[%s],"next_after":null}`, generated.Body), string(page.Body))
			require.Equal(t, string(given.Body), string(do("GET", fmt.Sprintf("/%d", first.ID), nil, 200).Body))

			// Search: a name in another case, phone digits, the messenger id.
			for _, q := range []string{"иван%20петров", "ИВАН%20ПЕТРОВ", "999-123", "ivan@EXAMPLE", p.platformID} {
				require.Equal(t, fmt.Sprintf(`{"data":[%s],"next_after":null}`, given.Body), string(do("GET", "?q="+q, nil, 200).Body), q)
			}
			require.Equal(t, `{"data":[],"next_after":null}`, string(do("GET", "?q=nobody-like-this", nil, 200).Body))

			// The user writes, blocks the bot (twice: the second changes
			// nothing), and writes again, which unblocks it first.
			user := fmt.Sprintf("/%d", first.ID)
			wrote := do("POST", user+"/messages", map[string]any{"text": "Здравствуйте! Сколько стоит доставка?",
				"attachments": []any{map[string]any{"type": "image", "url": "https://files.example/photos/order.jpg"}}}, 201)
			assertUsersGolden(t, p.name+"_write", wrote)
			advance := func() {
				require.NoError(t, s.Control.Call(context.Background(), http.MethodPost, "/clock/advance", map[string]any{"by": "1m"}, nil))
			}
			advance()
			blocked := do("POST", user+"/unsubscribe", nil, 200)
			var u fakebotstest.EndUser
			blocked.JSON(t, &u)
			require.False(t, u.Subscribed)
			require.Equal(t, string(blocked.Body), string(do("POST", user+"/unsubscribe", nil, 200).Body))
			require.Equal(t, string(blocked.Body), string(do("GET", user, nil, 200).Body))
			advance()
			do("POST", user+"/messages", map[string]any{"text": "Вы тут?"}, 201)
			require.Contains(t, string(do("GET", user, nil, 200).Body), `"subscribed":true`)

			thread := do("GET", user+"/thread", nil, 200)
			assertUsersGolden(t, p.name+"_thread", thread)
			var events struct{ Data []any }
			thread.JSON(t, &events)
			require.Len(t, events.Data, 4, "message, unsubscribe, subscribe, message")
			for _, ev := range events.Data {
				eventSchema(ev)
			}
			// Paging the thread: after an event, a limit.
			var all struct{ Data []fakebotstest.ThreadEvent }
			thread.JSON(t, &all)
			var rest struct{ Data []fakebotstest.ThreadEvent }
			do("GET", user+"/thread?limit=2&after="+all.Data[0].ID, nil, 200).JSON(t, &rest)
			require.Equal(t, all.Data[1:3], rest.Data)
			require.Equal(t, `{"data":[]}`, string(do("GET", user+"/thread?after="+all.Data[3].ID, nil, 200).Body))
			require.Equal(t, `{"data":[]}`, string(do("GET", fmt.Sprintf("/%d/thread", second.ID), nil, 200).Body))
		})
	}
}

// TestEndUserErrors: bad input gets a clear control error, the same on
// every platform.
func TestEndUserErrors(t *testing.T) {
	s := newUsersServer(t)
	for _, p := range endUserPlatforms {
		t.Run(p.name, func(t *testing.T) {
			var u fakebotstest.EndUser
			created := s.Do(t, http.MethodPost, usersPath("acme", p.name, ""), map[string]any{"platform_id": p.platformID})
			require.Equal(t, http.StatusCreated, created.Status, string(created.Body))
			created.JSON(t, &u)
			user := fmt.Sprintf("/%d", u.ID)
			cases := []struct {
				name, method, rest string
				body               any
				status             int
				want               string
			}{
				{"unknown user", "GET", "/999999", nil, 404, `{"error":"no user 999999"}`},
				{"not a number", "GET", "/abc", nil, 404, `{"error":"no user \"abc\""}`},
				{"zero", "GET", "/0/thread", nil, 404, `{"error":"no user \"0\""}`},
				{"unknown user's thread", "GET", "/999999/thread", nil, 404, `{"error":"no user 999999"}`},
				{"unknown user writes", "POST", "/999999/messages", `{"text":"hi"}`, 404, `{"error":"no user 999999"}`},
				{"unknown user presses", "POST", "/999999/buttons", `{"button":"Да"}`, 404, `{"error":"no user 999999"}`},
				{"unknown user unsubscribes", "POST", "/999999/unsubscribe", nil, 404, `{"error":"no user 999999"}`},
				{"empty text", "POST", user + "/messages", `{"text":"  "}`, 400, `{"error":"give text or attachments"}`},
				{"no body", "POST", user + "/messages", ``, 400, `{"error":"give text or attachments"}`},
				{"bad JSON", "POST", user + "/messages", `{"text":`, 400, `{"error":"invalid JSON body: unexpected EOF"}`},
				{"unknown field", "POST", user + "/messages", `{"txt":"hi"}`, 400, `{"error":"invalid JSON body: json: unknown field \"txt\""}`},
				{"text of wrong type", "POST", user + "/messages", `{"text":5}`, 400, `{"error":"invalid JSON body: json: cannot unmarshal number into Go struct field userMessage.text of type string"}`},
				{"attachment type", "POST", user + "/messages", `{"attachments":[{"type":"sticker","url":"https://x.example/a"}]}`, 400, `{"error":"attachments[0].type must be one of image, file, video, audio"}`},
				{"attachment url", "POST", user + "/messages", `{"attachments":[{"type":"file","url":"ftp://x.example/a"}]}`, 400, `{"error":"attachments[0].url must be an http(s) URL"}`},
				{"no button", "POST", user + "/buttons", `{}`, 400, `{"error":"button (its text or data) is required"}`},
				{"bad message_id", "POST", user + "/buttons", `{"button":"Да","message_id":true}`, 400, `{"error":"message_id must be a thread event id or an outbox id"}`},
				{"nothing to press", "POST", user + "/buttons", `{"button":"Да"}`, 404, fmt.Sprintf(`{"error":"user %d has got no message with buttons"}`, u.ID)},
				{"unknown message", "POST", user + "/buttons", `{"button":"Да","message_id":"x:outbox:1"}`, 404, fmt.Sprintf(`{"error":"no message x:outbox:1 in the thread of user %d"}`, u.ID)},
				{"limit zero", "GET", "?limit=0", nil, 400, `{"error":"limit must be an integer from 1 to 1000"}`},
				{"limit too big", "GET", "?limit=1001", nil, 400, `{"error":"limit must be an integer from 1 to 1000"}`},
				{"after negative", "GET", "?after=-1", nil, 400, `{"error":"after must be an integer of at least 0"}`},
				{"thread after unknown", "GET", user + "/thread?after=nope", nil, 400, fmt.Sprintf(`{"error":"after: no event \"nope\" in the thread of user %d"}`, u.ID)},
				{"thread limit", "GET", user + "/thread?limit=x", nil, 400, `{"error":"limit must be an integer from 1 to 1000"}`},
				{"create: unknown field", "POST", "", `{"nick":"x"}`, 400, `{"error":"invalid JSON body: json: unknown field \"nick\""}`},
				{"create: taken messenger id", "POST", "", map[string]any{"platform_id": p.platformID}, 409, ""},
				{"wrong method", "DELETE", user, nil, 405, ""},
			}
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					r := s.Do(t, tc.method, usersPath("acme", p.name, tc.rest), tc.body)
					require.Equal(t, tc.status, r.Status, string(r.Body))
					if tc.want != "" {
						require.Equal(t, tc.want, string(r.Body))
					}
				})
			}
			require.Empty(t, s.Users("acme", fakebotstest.Platform(p.name)).Thread(t, u.ID), "no failed call left a trace")
		})
	}
}

// TestEndUsersOfOneTenant: another tenant's users are unknown, whatever the
// call, and lists show only the tenant's own.
func TestEndUsersOfOneTenant(t *testing.T) {
	s := newUsersServer(t)
	for _, p := range endUserPlatforms {
		t.Run(p.name, func(t *testing.T) {
			r := s.Do(t, http.MethodPost, usersPath("acme", p.name, ""), `{}`)
			require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
			var u fakebotstest.EndUser
			r.JSON(t, &u)
			want := fmt.Sprintf(`{"error":"no user %d"}`, u.ID)
			for _, call := range []struct{ method, rest, body string }{
				{"GET", "", ""}, {"GET", "/thread", ""}, {"POST", "/messages", `{"text":"hi"}`},
				{"POST", "/buttons", `{"button":"Да"}`}, {"POST", "/subscribe", ""}, {"POST", "/unsubscribe", ""},
			} {
				r := s.Do(t, call.method, usersPath("other", p.name, fmt.Sprintf("/%d%s", u.ID, call.rest)), call.body)
				require.Equal(t, http.StatusNotFound, r.Status, "%s %s", call.method, call.rest)
				require.Equal(t, want, string(r.Body))
			}
			require.Equal(t, `{"data":[],"next_after":null}`, string(s.Do(t, http.MethodGet, usersPath("other", p.name, ""), nil).Body))
			require.Equal(t, `{"error":"tenant not found"}`, string(s.Do(t, http.MethodGet, usersPath("nobody", p.name, ""), nil).Body))
			require.Empty(t, s.Users("acme", fakebotstest.Platform(p.name)).Thread(t, u.ID), "the other tenant's calls did nothing")
			require.True(t, s.Users("acme", fakebotstest.Platform(p.name)).Get(t, u.ID).Subscribed)
			s.Users("acme", fakebotstest.Platform(p.name)).Write(t, u.ID, "hi")
		})
	}
	// A reset takes the users and all they did with it.
	require.NoError(t, s.Control.Call(context.Background(), http.MethodPost, "/tenants/acme/reset", nil, nil))
	for _, p := range endUserPlatforms {
		require.Empty(t, s.Users("acme", fakebotstest.Platform(p.name)).List(t, ""), p.name)
	}
}
