package emulator_test

import (
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/journal"
)

// TestControlFiltersNameWhatTheyDoNotKnow: a typo in a filter is an error
// naming it, never an empty list that lets "expect nothing" pass.
func TestControlFiltersNameWhatTheyDoNotKnow(t *testing.T) {
	s := newServer(t)
	tn := s.NewTenant(t)
	for _, tt := range []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/__fakebots/journal?platform=salebt", 400, `{"error":"unknown platform \"salebt\" (platforms: cleverapp, onebot, salebot, bothelp)"}`},
		{"GET", "/__fakebots/journal?platform=cleverapp&operation=sendMesage", 400, `{"error":"platform cleverapp has no operation \"sendMesage\""}`},
		{"GET", "/__fakebots/journal?operation=sendMesage", 400, `{"error":"no platform has an operation \"sendMesage\""}`},
		{"GET", "/__fakebots/journal?tenant=nope", 404, `{"error":"no tenant \"nope\""}`},
		{"GET", "/__fakebots/journal?status=999", 400, `{"error":"status must be an HTTP status (429) or a class (4xx), not \"999\""}`},
		{"GET", "/__fakebots/journal?status=9xx", 400, `{"error":"status must be an HTTP status (429) or a class (4xx), not \"9xx\""}`},
		{"GET", "/__fakebots/journal?status=1xx", 200, `{"data":[],"next_before":null}`},
		{"GET", "/__fakebots/journal?status=5xx", 200, `{"data":[],"next_before":null}`},
		{"GET", "/__fakebots/journal?status=100", 200, `{"data":[],"next_before":null}`},
		{"GET", "/__fakebots/journal?status=599", 200, `{"data":[],"next_before":null}`},
		{"GET", "/__fakebots/journal/0", 400, `{"error":"an entry id is a positive integer, not \"0\""}`},
		{"GET", "/__fakebots/journal/1", 404, `{"error":"no journal entry 1 (the journal keeps the last exchanges only)"}`},
		{"GET", "/__fakebots/outbox?limit=0", 400, `{"error":"limit must be an integer from 1 to 1000"}`},
		{"GET", "/__fakebots/journal?limit=0", 400, `{"error":"limit must be an integer from 1 to 1000"}`},
		{"GET", "/__fakebots/journal?before=x", 400, `{"error":"before must be a positive id (a page's next_before)"}`},
		{"DELETE", "/__fakebots/journal?platform=salebt", 400, `{"error":"unknown platform \"salebt\" (platforms: cleverapp, onebot, salebot, bothelp)"}`},
		{"GET", "/__fakebots/outbox?status=bogus", 400, `{"error":"status must be one of scheduled, delivered, failed, not \"bogus\""}`},
		{"GET", "/__fakebots/outbox?tenant=nope", 404, `{"error":"no tenant \"nope\""}`},
		{"GET", "/__fakebots/outbox?platform=telegram", 400, `{"error":"unknown platform \"telegram\" (platforms: cleverapp, onebot, salebot, bothelp)"}`},
		{"GET", "/__fakebots/tenants/" + tn.ID + "/journal?platform=salebt", 400, `{"error":"unknown platform \"salebt\" (platforms: cleverapp, onebot, salebot, bothelp)"}`},
		{"GET", "/__fakebots/faults?tenant=nope", 404, `{"error":"no tenant \"nope\""}`},
		{"GET", "/__fakebots/tenants/nope/faults", 404, `{"error":"tenant not found"}`},
		{"POST", "/__fakebots/tenants/nope/reset", 404, `{"error":"tenant not found"}`},
		{"POST", "/__fakebots/faults", 404, `{"error":"no tenant \"nope\""}`},
		{"GET", "/__fakebots/specs/telegram.yaml", 404, `{"error":"unknown platform \"telegram\" (platforms: cleverapp, onebot, salebot, bothelp)"}`},
	} {
		body := ""
		if tt.method == "POST" {
			body = `{"tenant_id":"nope","platform":"cleverapp","status":500}`
		}
		r := s.Do(t, tt.method, tt.path, body)
		require.Equal(t, tt.status, r.Status, tt.path)
		require.JSONEq(t, tt.body, string(r.Body), tt.path)
	}
}

func TestJournalPagesWithACursor(t *testing.T) {
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false)))
	for i := 0; i < 5; i++ {
		f.Do(t, http.MethodGet, fmt.Sprintf("/cleverapp/api/v1/getMe?api_token=%s&n=%d", f.Tenant.CleverApp.APIToken, i), nil, "X-Requested-With", xhr)
	}
	var queries []string
	next := ""
	for pages := 0; pages < 5; pages++ {
		var page struct {
			Data []struct {
				Request struct{ Query string } `json:"request"`
			} `json:"data"`
			NextBefore *int64 `json:"next_before"`
		}
		f.Do(t, http.MethodGet, "/__fakebots/tenants/"+f.Tenant.ID+"/journal?limit=2"+next, nil).JSON(t, &page)
		for _, e := range page.Data {
			queries = append(queries, e.Request.Query[strings.LastIndex(e.Request.Query, "&")+1:])
		}
		if page.NextBefore == nil {
			break
		}
		next = fmt.Sprintf("&before=%d", *page.NextBefore)
	}
	require.Equal(t, []string{"n=4", "n=3", "n=2", "n=1", "n=0"}, queries)

	r := f.Do(t, http.MethodGet, "/__fakebots/journal", nil)
	require.Contains(t, string(r.Body), `"next_before":null`, "one page holds them all")
}

// TestJournalAfterAndOneEntry: a live view asks only for what is newer
// than what it shows, and opens one entry by its id, within its tenant.
func TestJournalAfterAndOneEntry(t *testing.T) {
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false)))
	other := f.NewTenant(t)
	var ids []int64
	for i := 0; i < 4; i++ {
		f.Do(t, http.MethodGet, fmt.Sprintf("/cleverapp/api/v1/getMe?api_token=%s&n=%d", f.Tenant.CleverApp.APIToken, i), nil, "X-Requested-With", xhr)
		var page struct {
			Data []struct{ ID int64 } `json:"data"`
		}
		f.Do(t, http.MethodGet, "/__fakebots/tenants/"+f.Tenant.ID+"/journal?limit=1", nil).JSON(t, &page)
		ids = append(ids, page.Data[0].ID)
	}
	base := "/__fakebots/tenants/" + f.Tenant.ID + "/journal"
	var newer struct {
		Data []struct {
			ID      int64
			Request struct{ Query string } `json:"request"`
		} `json:"data"`
		NextBefore *int64 `json:"next_before"`
	}
	f.Do(t, http.MethodGet, fmt.Sprintf("%s?after=%d", base, ids[1]), nil).JSON(t, &newer)
	require.Len(t, newer.Data, 2)
	require.Equal(t, []int64{ids[3], ids[2]}, []int64{newer.Data[0].ID, newer.Data[1].ID}, "newest first, only the newer ones")
	require.Nil(t, newer.NextBefore)
	f.Do(t, http.MethodGet, fmt.Sprintf("%s?after=%d&limit=1", base, ids[0]), nil).JSON(t, &newer)
	require.Equal(t, ids[3], newer.Data[0].ID)
	require.NotNil(t, newer.NextBefore, "more are newer than after")

	one := f.Do(t, http.MethodGet, fmt.Sprintf("%s/%d", base, ids[2]), nil)
	require.Equal(t, http.StatusOK, one.Status)
	var entry journal.Entry
	one.JSON(t, &entry)
	require.Equal(t, ids[2], entry.ID)
	require.Contains(t, entry.Request.Query, "n=2")
	require.Equal(t, "getMe", entry.Operation)
	require.Equal(t, http.StatusOK, f.Do(t, http.MethodGet, fmt.Sprintf("/__fakebots/journal/%d", ids[2]), nil).Status, "emulator-wide")

	for path, want := range map[string]string{
		fmt.Sprintf("/__fakebots/tenants/%s/journal/%d", other.ID, ids[2]): `{"error":"no journal entry ` + fmt.Sprint(ids[2]) + ` (the journal keeps the last exchanges only)"}`,
		base + "/999999": `{"error":"no journal entry 999999 (the journal keeps the last exchanges only)"}`,
	} {
		r := f.Do(t, http.MethodGet, path, nil)
		require.Equal(t, http.StatusNotFound, r.Status, path)
		require.JSONEq(t, want, string(r.Body), path)
	}
	for path, want := range map[string]string{
		base + "/x":        `{"error":"an entry id is a positive integer, not \"x\""}`,
		base + "?after=-1": `{"error":"after must be a positive id (the newest entry already seen)"}`,
	} {
		r := f.Do(t, http.MethodGet, path, nil)
		require.Equal(t, http.StatusBadRequest, r.Status, path)
		require.JSONEq(t, want, string(r.Body), path)
	}
}

func TestJournalFiltersByStatusAndText(t *testing.T) {
	f := fakebotstest.New(t)
	f.Do(t, http.MethodGet, "/cleverapp/api/v1/getMe?api_token="+f.Tenant.CleverApp.APIToken, nil, "X-Requested-With", xhr)
	f.Do(t, http.MethodGet, "/cleverapp/api/v1/getMe?api_token=wrong-token", nil, "X-Requested-With", xhr)
	count := func(query string) int {
		var page struct{ Data []any }
		f.Do(t, http.MethodGet, "/__fakebots/journal?"+query, nil).JSON(t, &page)
		return len(page.Data)
	}
	require.Equal(t, 1, count("status=401"))
	require.Equal(t, 1, count("status=4xx"))
	require.Equal(t, 1, count("status=2XX"))
	require.Equal(t, 1, count("q=wrong-token"))
	require.Equal(t, 2, count("q=getMe"))
	require.Equal(t, 0, count("status=5xx"))
}

// TestLongQueryStringsStayBounded: hundreds of requests with near-megabyte
// query strings cost the journal a bounded amount, not their size.
func TestLongQueryStringsStayBounded(t *testing.T) {
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false)))
	query := "x=" + strings.Repeat("q", 900<<10)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := 0; i < 100; i++ {
		r := f.Do(t, http.MethodGet, "/cleverapp/api/v1/getMe?api_token="+f.Tenant.CleverApp.APIToken+"&"+query, nil, "X-Requested-With", xhr)
		require.Equal(t, http.StatusOK, r.Status)
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	require.Less(t, grown, int64(40<<20), "90 MB of query strings sent; the journal keeps at most its bound")

	var page struct {
		Data []struct {
			Request struct {
				Query          string `json:"query"`
				QueryTruncated bool   `json:"query_truncated"`
			} `json:"request"`
		} `json:"data"`
	}
	f.Do(t, http.MethodGet, "/__fakebots/journal?limit=1", nil).JSON(t, &page)
	require.True(t, page.Data[0].Request.QueryTruncated)
	require.Len(t, page.Data[0].Request.Query, journal.MaxBody)
}

func TestTenantFaults(t *testing.T) {
	s := newServer(t)
	a, b := s.NewTenant(t), s.NewTenant(t)
	added := s.Do(t, http.MethodPost, "/__fakebots/tenants/"+a.ID+"/faults", `{"platform":"cleverapp","operation":"getMe","status":503}`)
	require.Equal(t, http.StatusCreated, added.Status, string(added.Body))
	var fault struct {
		ID       string `json:"id"`
		TenantID string `json:"tenant_id"`
	}
	added.JSON(t, &fault)
	require.Equal(t, a.ID, fault.TenantID, "a tenant's fault is the tenant's")

	getMe := func(tn *fakebotstest.Tenant) int {
		return s.Do(t, http.MethodGet, "/cleverapp/api/v1/getMe?api_token="+tn.CleverApp.APIToken, nil, "X-Requested-With", xhr).Status
	}
	require.Equal(t, http.StatusOK, getMe(b))
	require.Contains(t, string(s.Do(t, http.MethodGet, "/__fakebots/tenants/"+a.ID+"/faults", nil).Body), fault.ID)
	require.JSONEq(t, `{"data":[]}`, string(s.Do(t, http.MethodGet, "/__fakebots/tenants/"+b.ID+"/faults", nil).Body))
	require.Equal(t, http.StatusNotFound, s.Do(t, http.MethodDelete, "/__fakebots/tenants/"+b.ID+"/faults/"+fault.ID, nil).Status,
		"another tenant cannot remove it")
	require.Equal(t, http.StatusServiceUnavailable, getMe(a))

	mismatch := s.Do(t, http.MethodPost, "/__fakebots/tenants/"+a.ID+"/faults", `{"tenant_id":"`+b.ID+`","platform":"cleverapp","status":500}`)
	require.Equal(t, http.StatusBadRequest, mismatch.Status)
	require.JSONEq(t, `{"error":"tenant_id \"`+b.ID+`\" is not this route's tenant \"`+a.ID+`\""}`, string(mismatch.Body))

	s.Do(t, http.MethodPost, "/__fakebots/tenants/"+a.ID+"/faults", `{"platform":"salebot","status":500,"count":3}`)
	require.JSONEq(t, `{"removed":1}`, string(s.Do(t, http.MethodDelete, "/__fakebots/tenants/"+a.ID+"/faults", nil).Body))
}

// TestJournalSearchesEveryPartOfAnExchange: q finds text in the answer
// alone as well as in the request.
func TestJournalSearchesEveryPartOfAnExchange(t *testing.T) {
	f := fakebotstest.New(t)
	f.Do(t, http.MethodPost, "/cleverapp/api/v1/sendMessage?api_token="+f.Tenant.CleverApp.APIToken, `{}`, "X-Requested-With", xhr)
	for _, text := range []string{"sendMessage", "given%20data%20was%20invalid"} {
		require.Len(t, journalPage(t, f.Server, "tenant="+f.Tenant.ID+"&q="+text), 1, text)
	}
	require.Empty(t, journalPage(t, f.Server, "tenant="+f.Tenant.ID+"&q=nowhere"))
}

// TestTenantOutboxIsTheTenantsOwn: a tenant's outbox route lists its own
// messages, not every tenant's.
func TestTenantOutboxIsTheTenantsOwn(t *testing.T) {
	s := fakebotstest.NewServer(t)
	mine, theirs := s.NewTenant(t), s.NewTenant(t)
	scheduleReminder(t, s, mine)
	scheduleReminder(t, s, theirs)
	var page struct {
		Data []struct {
			TenantID string `json:"tenant_id"`
		}
	}
	s.Do(t, http.MethodGet, "/__fakebots/tenants/"+mine.ID+"/outbox", nil).JSON(t, &page)
	require.Len(t, page.Data, 1)
	require.Equal(t, mine.ID, page.Data[0].TenantID)
}

// TestControlRefusesBodiesItCannotRead: a body that is not the JSON a call
// takes is the caller's mistake, named; so is a platform's refusal of what
// it was sent, and a body over the bound.
func TestControlRefusesBodiesItCannotRead(t *testing.T) {
	s := newServer(t, emulator.WithMaxBodyBytes(64))
	tn := s.NewTenant(t)
	base := "/__fakebots/tenants/" + tn.ID
	for _, tt := range []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"POST", base + "/clock/set", `{"now":`, 400, `{"error":"invalid JSON body: unexpected EOF"}`},
		{"PUT", base + "/rate-limits", `{"enabled":`, 400, `{"error":"invalid JSON body: unexpected EOF"}`},
		{"POST", "/__fakebots/faults", `{"platform":`, 400, `{"error":"invalid JSON body: unexpected EOF"}`},
		{"PATCH", base + "/salebot/settings", `{"not_found_status":999}`, 400, `{"error":"settings: status 999 is not an HTTP status"}`},
		{"POST", base + "/salebot/inbound", `{"platform_id":"1","text":"` + strings.Repeat("x", 64) + `"}`, 413, `{"error":"http: request body too large"}`},
	} {
		r := s.Do(t, tt.method, tt.path, tt.body)
		require.Equal(t, tt.status, r.Status, "%s %s: %s", tt.method, tt.path, r.Body)
		require.JSONEq(t, tt.want, string(r.Body), tt.path)
	}
}
