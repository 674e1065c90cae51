package emulator_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

const xhr = "XMLHttpRequest"

func TestRoutingByPrefixAndHost(t *testing.T) {
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false)))
	token := f.Tenant.CleverApp.APIToken

	byPrefix := f.Do(t, http.MethodGet, "/cleverapp/api/v1/getMe?api_token="+token, nil, "X-Requested-With", xhr)
	require.Equal(t, http.StatusOK, byPrefix.Status, string(byPrefix.Body))

	req, err := http.NewRequest(http.MethodGet, f.URL+"/api/v1/getMe?api_token="+token, nil)
	require.NoError(t, err)
	req.Host = "app.cleverapp.pro"
	req.Header.Set("X-Requested-With", xhr)
	resp, err := f.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "Host header routing serves the real path")

	unknown := f.Do(t, http.MethodGet, "/telegram/bot123/getMe", nil)
	require.Equal(t, http.StatusNotFound, unknown.Status)
	require.Equal(t, "application/json", unknown.Header.Get("Content-Type"))
	require.Contains(t, string(unknown.Body), `"error":"no emulated platform at this path"`)

	onebotWithCleverAppToken := f.Do(t, http.MethodGet, "/onebot/api/v1/getMe?api_token="+token, nil, "X-Requested-With", xhr)
	require.Equal(t, http.StatusUnauthorized, onebotWithCleverAppToken.Status)
}

func TestJournal(t *testing.T) {
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false), emulator.WithJournalSize(3)))
	token := f.Tenant.CleverApp.APIToken
	for i := 0; i < 4; i++ {
		f.Do(t, http.MethodGet, fmt.Sprintf("/cleverapp/api/v1/getBotTags?api_token=%s&bot_id=%d&n=%d", token, f.Tenant.CleverApp.BotID, i), nil, "X-Requested-With", xhr)
	}
	f.Do(t, http.MethodPost, "/cleverapp/api/v1/sendMessage?api_token="+token, `{"text":"x"}`, "X-Requested-With", xhr, "Content-Type", "application/json")

	entries := journalPage(t, f.Server, "tenant="+f.Tenant.ID)
	require.Len(t, entries, 3, "bounded per tenant")
	require.Equal(t, "sendMessage", entries[0].Operation, "newest first")
	require.Equal(t, "cleverapp", entries[0].Platform)
	require.Equal(t, http.MethodPost, entries[0].Request.Method)
	require.Equal(t, `{"text":"x"}`, entries[0].Request.Body)
	require.Equal(t, http.StatusUnprocessableEntity, entries[0].Response.Status)
	require.Contains(t, entries[0].Response.Body, "The given data was invalid.")
	require.Contains(t, entries[1].Request.Query, "n=3")
	require.Contains(t, entries[2].Request.Query, "n=2")
	require.Greater(t, entries[0].ID, entries[1].ID)

	onlyTags := journalPage(t, f.Server, "tenant="+f.Tenant.ID+"&operation=getBotTags&limit=1")
	require.Len(t, onlyTags, 1)
	require.Contains(t, onlyTags[0].Request.Query, "n=3")

	cleared := f.Do(t, http.MethodDelete, "/__fakebots/journal?tenant="+f.Tenant.ID+"&operation=getBotTags", nil)
	require.JSONEq(t, `{"removed":2}`, string(cleared.Body))
	require.Len(t, f.Journal(t, fakebotstest.JournalFilter{}), 1)
	require.Equal(t, http.StatusBadRequest, f.Do(t, http.MethodGet, "/__fakebots/journal?limit=x", nil).Status)
}

// journalPage reads one page of the emulator-wide journal, newest first.
func journalPage(t *testing.T, s *fakebotstest.Server, query string) []fakebotstest.JournalEntry {
	t.Helper()
	var page struct{ Data []fakebotstest.JournalEntry }
	require.NoError(t, s.Control.Call(context.Background(), http.MethodGet, "/journal?"+query, nil, &page))
	return page.Data
}

func TestFaultAnswersThenExpires(t *testing.T) {
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false)))
	fault := f.AddFault(t, fakebotstest.Fault{
		Platform: "cleverapp", Operation: "getMe", TenantID: f.Tenant.ID, Count: 2,
		Status: http.StatusServiceUnavailable, Body: []byte(`{"message":"Service Unavailable"}`),
	})
	require.Equal(t, 2, fault.Count)
	url := "/cleverapp/api/v1/getMe?api_token=" + f.Tenant.CleverApp.APIToken

	other := f.Server.NewTenant(t)
	require.Equal(t, http.StatusOK, f.Do(t, http.MethodGet, "/cleverapp/api/v1/getMe?api_token="+other.CleverApp.APIToken, nil, "X-Requested-With", xhr).Status,
		"a tenant's fault does not touch other tenants")
	for i := 0; i < 2; i++ {
		r := f.Do(t, http.MethodGet, url, nil, "X-Requested-With", xhr)
		require.Equal(t, http.StatusServiceUnavailable, r.Status)
		require.Equal(t, `{"message":"Service Unavailable"}`, string(r.Body))
		require.Equal(t, "application/json", r.Header.Get("Content-Type"))
	}
	require.Equal(t, http.StatusOK, f.Do(t, http.MethodGet, url, nil, "X-Requested-With", xhr).Status)

	faulted := f.Journal(t, fakebotstest.JournalFilter{}).Faults()
	require.Equal(t, []string{fault.ID, fault.ID, ""}, faulted, "the journal names the fault that answered")

	for _, bad := range []string{`{}`, `{"platform":"cleverapp"}`, `{"platform":"telegram","status":500}`,
		`{"platform":"cleverapp","operation":"nope","status":500}`, `{"platform":"cleverapp","drop":true,"status":500}`} {
		require.Equal(t, http.StatusBadRequest, f.Do(t, http.MethodPost, "/__fakebots/faults", bad).Status, bad)
	}
}

func TestFaultDelayAndTextBody(t *testing.T) {
	var mu sync.Mutex
	var slept []time.Duration
	sleep := func(_ context.Context, d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		slept = append(slept, d)
	}
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false), emulator.WithSleep(sleep)))
	f.AddFault(t, fakebotstest.Fault{Platform: "cleverapp", DelayMS: 1500})
	f.AddFault(t, fakebotstest.Fault{Platform: "cleverapp", Status: 502, Body: []byte(`"<html>Bad Gateway</html>"`)})
	url := "/cleverapp/api/v1/getMe?api_token=" + f.Tenant.CleverApp.APIToken

	delayed := f.Do(t, http.MethodGet, url, nil, "X-Requested-With", xhr)
	require.Equal(t, http.StatusOK, delayed.Status, "a delay alone lets the request through")
	require.Equal(t, []time.Duration{1500 * time.Millisecond}, slept)

	text := f.Do(t, http.MethodGet, url, nil, "X-Requested-With", xhr)
	require.Equal(t, http.StatusBadGateway, text.Status)
	require.Equal(t, "<html>Bad Gateway</html>", string(text.Body))
	require.Equal(t, "text/plain; charset=utf-8", text.Header.Get("Content-Type"))
	mu.Lock()
	require.Equal(t, []time.Duration{1500 * time.Millisecond}, slept, "a fault without a delay does not wait")
	mu.Unlock()

	list := f.Do(t, http.MethodGet, "/__fakebots/faults", nil)
	require.JSONEq(t, `{"data":[]}`, string(list.Body), "used-up faults are gone")
}

func TestFaultDropsTheConnection(t *testing.T) {
	f := fakebotstest.New(t)
	added := f.AddFault(t, fakebotstest.Fault{Platform: "cleverapp", Drop: true})
	req, err := http.NewRequest(http.MethodGet, f.Tenant.CleverApp.BaseURL+"/getMe?api_token="+f.Tenant.CleverApp.APIToken, nil)
	require.NoError(t, err)
	// A fresh connection: Go's client would silently retry a GET on a reused one.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	_, err = client.Do(req)
	require.Error(t, err, "the client sees the connection closed")
	require.Equal(t, []string{added.ID}, f.Journal(t, fakebotstest.JournalFilter{}).Faults(), "the dropped request is journaled")

	// In process, without a listener, the handler aborts instead (a fault of
	// every tenant: the request carries no credential).
	require.NoError(t, f.Control.Call(context.Background(), http.MethodPost, "/faults", fakebotstest.Fault{Platform: "cleverapp", Drop: true}, nil))
	rec := httptest.NewRecorder()
	require.PanicsWithValue(t, http.ErrAbortHandler, func() {
		f.Emulator.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/cleverapp/api/v1/getMe", nil))
	})

	removed := f.Do(t, http.MethodDelete, "/__fakebots/faults/"+added.ID, nil)
	require.Equal(t, http.StatusNotFound, removed.Status, "a used fault is already gone")
}

func TestRateLimitsOnTheClock(t *testing.T) {
	f := fakebotstest.New(t)
	f.Freeze(t)
	url := "/cleverapp/api/v1/getMe?api_token=" + f.Tenant.CleverApp.APIToken
	get := func() *fakebotstest.Response { return f.Do(t, http.MethodGet, url, nil, "X-Requested-With", xhr) }

	first := get()
	require.Equal(t, http.StatusOK, first.Status)
	require.Equal(t, []string{"120"}, first.Header["X-Ratelimit-Limit"])
	require.Equal(t, []string{"119"}, first.Header["X-Ratelimit-Remaining"])
	require.Equal(t, http.StatusOK, get().Status)
	third := get()
	require.Equal(t, http.StatusTooManyRequests, third.Status, "2 a second")
	require.Equal(t, `{"message":"Too Many Attempts."}`, string(third.Body))
	require.Equal(t, "1", third.Header.Get("Retry-After"))
	require.Equal(t, "0", third.Header.Get("X-Ratelimit-Remaining"))

	// 118 more over the minute (2 a second), then the minute limit bites.
	for i := 0; i < 59; i++ {
		f.Advance(t, time.Second)
		require.Equal(t, http.StatusOK, get().Status, "second %d", i+1)
		require.Equal(t, http.StatusOK, get().Status, "second %d", i+1)
	}
	f.Advance(t, 500*time.Millisecond)
	limited := get()
	require.Equal(t, http.StatusTooManyRequests, limited.Status, "120 a minute")
	require.Equal(t, "1", limited.Header.Get("Retry-After"), "the minute window ends 0.5 s later, rounded up")
	f.Advance(t, time.Second)
	require.Equal(t, http.StatusOK, get().Status, "a new window")

	// Another tenant has its own buckets.
	other := f.Server.NewTenant(t)
	require.Equal(t, http.StatusOK, f.Do(t, http.MethodGet, "/cleverapp/api/v1/getMe?api_token="+other.CleverApp.APIToken, nil, "X-Requested-With", xhr).Status)
}

func TestIsolationUnderParallelTenants(t *testing.T) {
	s := fakebotstest.NewServer(t, fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false)))
	tenants := make([]*fakebotstest.Tenant, 6)
	for i := range tenants {
		tenants[i] = s.NewTenant(t)
	}
	t.Run("group", func(t *testing.T) {
		for i, tn := range tenants {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				token := tn.CleverApp.APIToken
				for n := 0; n < 5; n++ {
					r := s.Do(t, http.MethodPost, tn.CleverApp.BaseURL+"/createOrUpdateContact?api_token="+token,
						map[string]any{"bot_id": tn.CleverApp.BotID, "messenger": "whatsapp", "name": fmt.Sprintf("t%d-c%d", i, n), "phone": fmt.Sprintf("7999%07d", n)},
						"X-Requested-With", xhr)
					require.Equal(t, http.StatusOK, r.Status, string(r.Body))
				}
				page := s.Do(t, http.MethodGet, tn.CleverApp.BaseURL+"/getContacts?api_token="+token, nil, "X-Requested-With", xhr)
				require.Equal(t, http.StatusOK, page.Status)
				require.Equal(t, 5, strings.Count(string(page.Body), fmt.Sprintf(`"name":"t%d-c`, i)))
				require.Equal(t, 5, strings.Count(string(page.Body), `"name":"t`), "no other tenant's contacts")

				foreignBot := tenants[(i+1)%len(tenants)].CleverApp.BotID
				r := s.Do(t, http.MethodGet, fmt.Sprintf("%s/getBotTags?api_token=%s&bot_id=%d", tn.CleverApp.BaseURL, token, foreignBot), nil, "X-Requested-With", xhr)
				require.Equal(t, http.StatusForbidden, r.Status)
				require.Equal(t, `{"message":"Forbidden"}`, string(r.Body))
			})
		}
	})
}

func TestFileStoreSurvivesRestart(t *testing.T) {
	path := t.TempDir() + "/state.db"
	open := func() *emulator.Emulator {
		e, err := emulator.New(emulator.WithDB(path), emulator.WithSeed("demo"), emulator.WithTick(0), emulator.WithRateLimits(false))
		require.NoError(t, err)
		return e
	}
	do := func(e *emulator.Emulator, method, target, body string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("X-Requested-With", xhr)
		req.Header.Set("Content-Type", "application/json")
		e.ServeHTTP(rec, req)
		return rec
	}
	e := open()
	created := do(e, http.MethodPost, "/__fakebots/tenants", `{"id":"keep"}`)
	require.Equal(t, http.StatusCreated, created.Code, created.Body.String())
	token := strings.Split(strings.Split(created.Body.String(), `"api_token":"`)[1], `"`)[0]
	before := do(e, http.MethodGet, "/cleverapp/api/v1/getMe?api_token="+token, "")
	require.Equal(t, http.StatusOK, before.Code)
	require.NoError(t, e.Close())

	e = open()
	defer e.Close()
	after := do(e, http.MethodGet, "/cleverapp/api/v1/getMe?api_token="+token, "")
	require.Equal(t, before.Body.String(), after.Body.String())
	require.Equal(t, "demo", e.SeedTenantID(), "the seed tenant is kept, not created twice")
	demo := do(e, http.MethodGet, "/cleverapp/api/v1/getMe?api_token=demo-cleverapp-token", "")
	require.Equal(t, http.StatusOK, demo.Code)
}

func TestUnreadableBodyIsRefusedLikeAnOversizedOne(t *testing.T) {
	f := fakebotstest.New(t)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/cleverapp/api/v1/sendMessage", errReader{})
	req.Header.Set("X-Requested-With", xhr)
	f.Emulator.ServeHTTP(rec, req)
	require.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
	require.Equal(t, `{"message":""}`, rec.Body.String())
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func basic(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
