package scenario_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/scenario"
)

// endUsers answers the platforms' end-user control endpoints
// (/__fakebots/tenants/{id}/{platform}/users…) in their shape, recording
// what the runner sent, and passes every other request to the emulator:
// the user step's requests are checked here until every platform serves
// those endpoints itself.
type endUsers struct {
	next http.Handler
	mu   sync.Mutex
	got  []string // "METHOD /path-below-the-tenant body"
}

func (u *endUsers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/__fakebots/tenants/")
	_, below, _ := strings.Cut(rest, "/")
	if !ok || !strings.Contains(below, "/users") {
		u.next.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	u.mu.Lock()
	u.got = append(u.got, strings.TrimSpace(r.Method+" "+below+" "+string(body)))
	u.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case !strings.HasSuffix(below, "/users") && !strings.Contains(below, "/users/501/"):
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":"no user"}`))
	case r.Method == http.MethodPost && strings.HasSuffix(below, "/users"):
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"id": 501, "name": "Анна", "messenger": "telegram", "phone": nil, "subscribed": true})
	case strings.HasSuffix(below, "/messages"), strings.HasSuffix(below, "/buttons"):
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"event": map[string]any{"id": "salebot:control:1", "direction": "in"}, "webhook": true})
	case strings.HasSuffix(below, "/subscribe"), strings.HasSuffix(below, "/unsubscribe"):
		json.NewEncoder(w).Encode(map[string]any{"id": 501, "subscribed": strings.HasSuffix(below, "/subscribe")})
	}
}

func TestUserStepActsThroughTheEndUserEndpoints(t *testing.T) {
	_, e := newEmulator(t)
	users := &endUsers{next: e}
	srv := httptest.NewServer(users)
	t.Cleanup(srv.Close)
	r := &scenario.Runner{Client: srv.Client(), BaseURL: srv.URL}
	requirePassed(t, run(t, r, `
version: 1
name: an end user
steps:
  - user: {platform: bothelp, appears: {name: Анна, messenger: telegram}}
    expect: {status: 201, body: {name: Анна}}
    capture: {user: body.id}
  - user: {platform: bothelp, id: "{{user}}", writes: Привет, attachments: [{type: image, url: "https://example.com/a.png"}]}
    expect: {body: {webhook: true}}
  - user: {platform: bothelp, id: "{{user}}", presses: Да}
  - user: {platform: bothelp, id: "{{user}}", presses: Нет, message_id: "bothelp:outbox:7"}
  - user: {platform: bothelp, id: "{{user}}", unsubscribes: true}
    expect: {body: {subscribed: false}}
  - user: {platform: bothelp, id: "{{user}}", subscribes: true}
`))
	require.Equal(t, []string{
		`POST bothelp/users {"messenger":"telegram","name":"Анна"}`,
		`POST bothelp/users/501/messages {"attachments":[{"type":"image","url":"https://example.com/a.png"}],"text":"Привет"}`,
		`POST bothelp/users/501/buttons {"button":"Да"}`,
		`POST bothelp/users/501/buttons {"button":"Нет","message_id":"bothelp:outbox:7"}`,
		`POST bothelp/users/501/unsubscribe`,
		`POST bothelp/users/501/subscribe`,
	}, users.got)

	res := run(t, r, "version: 1\nname: x\nsteps:\n  - user: {platform: salebot, id: \"9\", writes: hi}\n")
	requireFailedAt(t, res, 0, "the answer (404) differs: status: expected a 2xx status, got 404")
}
