package fakebotstest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// fakeControl is a server whose control API answers with answer(method,
// path, query) instead of the emulator's, so the helpers can be shown
// answers the emulator never gives (malformed, or pages of any size). It
// returns the server and the requests the API got, as "METHOD path?query".
func fakeControl(t *testing.T, answer func(method, path, query string) string) (*fakebotstest.Server, func() []string) {
	t.Helper()
	var (
		mu  sync.Mutex
		got []string
	)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.RequestURI())
		mu.Unlock()
		fmt.Fprint(w, answer(r.Method, r.URL.Path, r.URL.RawQuery))
	}))
	t.Cleanup(api.Close)
	s := fakebotstest.NewServer(t)
	s.URL, s.Control = api.URL, &fakebotstest.Control{URL: api.URL, Client: api.Client()}
	return s, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}
}

// tenantAnswer is a creation answer of tenant t_1 with every section.
const tenantAnswer = `{"id":"t_1","control_token":"ct_1","cleverapp":{"base_url":"/t/t_1/cleverapp/api/v1","api_token":"c"},` +
	`"onebot":{"base_url":"/t/t_1/onebot/api/v1"},"salebot":{"base_url":"/t/t_1/salebot/api/k"},` +
	`"bothelp":{"base_url":"/t/t_1/bothelp","token_url":"/t/t_1/bothelp/oauth2/token"}}`

// A tenant answer that cannot be read fails the test that asked for the
// tenant (NewTenant) or for its reset.
func TestUnreadableTenantAnswersFailTheTest(t *testing.T) {
	for _, tc := range []struct{ name, answer, want string }{
		{"not a tenant", `{"id":5}`, "fakebotstest: tenant answer: json: cannot unmarshal number into Go struct field .id of type string"},
		{"a section missing", `{"id":"t_1","cleverapp":{},"onebot":{},"salebot":{}}`, "fakebotstest: tenant answer: unexpected end of JSON input"},
		{"a section not an object", `{"id":"t_1","cleverapp":[]}`,
			"fakebotstest: tenant answer: json: cannot unmarshal array into Go value of type fakebotstest.CleverAppAccount"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := fakeControl(t, func(string, string, string) string { return tc.answer })
			require.Equal(t, tc.want, fatal(t, func(tb testing.TB) { s.NewTenant(tb) }))
		})
	}

	s, got := fakeControl(t, func(method, path, _ string) string {
		if path == "/__fakebots/tenants/t_1/reset" {
			return `{"id":"t_1"}`
		}
		return tenantAnswer
	})
	tn := s.NewTenant(t)
	require.Equal(t, []string{"t_1", "ct_1", s.URL + "/t/t_1/cleverapp/api/v1", "c", s.URL + "/t/t_1/bothelp/oauth2/token"},
		[]string{tn.ID, tn.ControlToken, tn.CleverApp.BaseURL, tn.CleverApp.APIToken, tn.BotHelp.TokenURL}, "base URLs made absolute")
	require.Equal(t, "fakebotstest: tenant answer: unexpected end of JSON input", fatal(t, func(tb testing.TB) { tn.Reset(tb) }))
	require.Equal(t, []string{"POST /__fakebots/tenants", "POST /__fakebots/tenants/t_1/reset"}, got())
}

// Journal reads every page, following next_before, and returns the
// entries oldest first.
func TestJournalReadsEveryPageOldestFirst(t *testing.T) {
	s, got := fakeControl(t, func(_, path, query string) string {
		switch {
		case path == "/__fakebots/tenants":
			return tenantAnswer
		case query == "limit=1000":
			return `{"data":[{"id":3},{"id":2}],"next_before":2}`
		}
		return `{"data":[{"id":1}],"next_before":null}`
	})
	tn := s.NewTenant(t)
	var ids []int64
	for _, e := range tn.Journal(t, fakebotstest.JournalFilter{}) {
		ids = append(ids, e.ID)
	}
	require.Equal(t, []int64{1, 2, 3}, ids)
	require.Equal(t, []string{"POST /__fakebots/tenants", "GET /__fakebots/tenants/t_1/journal?limit=1000",
		"GET /__fakebots/tenants/t_1/journal?before=2&limit=1000"}, got())
}

// Thread reads a thread longer than a page, page after page.
func TestThreadReadsEveryPage(t *testing.T) {
	events := make([]fakebotstest.ThreadEvent, 1001)
	for i := range events {
		events[i] = fakebotstest.ThreadEvent{ID: fmt.Sprint("e", i+1), Attachments: []fakebotstest.ThreadAttachment{}}
	}
	page := func(evs []fakebotstest.ThreadEvent) string {
		raw, err := json.Marshal(map[string]any{"data": evs})
		require.NoError(t, err)
		return string(raw)
	}
	s, got := fakeControl(t, func(_, _, query string) string {
		switch query {
		case "limit=1000&after=":
			return page(events[:1000])
		case "limit=1000&after=e1000":
			return page(events[1000:])
		}
		return `{"error":"unexpected"}`
	})
	require.Equal(t, events, s.Users("t_1", fakebotstest.Salebot).Thread(t, 7))
	require.Equal(t, []string{"GET /__fakebots/tenants/t_1/salebot/users/7/thread?limit=1000&after=",
		"GET /__fakebots/tenants/t_1/salebot/users/7/thread?limit=1000&after=e1000"}, got())
}
