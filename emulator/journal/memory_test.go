package journal_test

import (
	"fmt"
	"net/http"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/journal"
)

// TestEntryCostsUnder600Bytes pins what an entry of a list read costs the
// heap: a request with three headers (its header map made for it, as
// net/http makes one per request), an answer whose body is a cached page
// shared by every entry. Past the shared body, an entry is its slot, its
// place in the global order and one packed string: about 430 bytes (1,274
// when it kept both header maps and an Entry per slot). 20,000 entries keep
// the measure clear of anything else the test process allocates.
func TestEntryCostsUnder600Bytes(t *testing.T) {
	const n = 20000
	page := []byte(`{"data":[{"id":1,"name":"Анна"}],"meta":{"total":1}}`)
	j := journal.New(journal.Bounds{Entries: n, TenantBytes: 1 << 30, TotalBytes: 1 << 30})
	before := heapInUse()
	for i := range n {
		e := journal.Entry{TenantID: "t_abc123", Platform: "cleverapp", Operation: "getContacts"}
		e.Request = journal.Request{
			Method: http.MethodGet, Host: "127.0.0.1:8080", Path: "/cleverapp/api/v1/getContacts",
			Query:   fmt.Sprintf("api_token=tok_%d&bot_id=%d&count=20", i, i),
			Headers: http.Header{"Accept": {"*/*"}, "User-Agent": {"wrk"}, "X-Requested-With": {"XMLHttpRequest"}},
		}
		e.Response.Status = http.StatusOK
		e.Response.Headers = http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"no-cache, private"}}
		e.Response.Body, e.Response.BodyTruncated, e.Response.BodyHeld = journal.SharedBody(page)
		j.Add(e)
	}
	perEntry := (heapInUse() - before) / n
	entries, _ := j.List(journal.Filter{})
	require.Len(t, entries, n)
	require.Less(t, perEntry, 600, "heap bytes per journal entry")
}

func heapInUse() int {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return int(m.HeapAlloc)
}

// TestAddAtItsBoundAllocatesOnlyTheEntry: a tenant's queue and the global
// order at their bound (one entry in, the oldest out) allocate nothing but
// the entry's packed string; slices trimmed at the front and appended to
// were copied anew every few hundred entries (over 400 bytes an entry).
func TestAddAtItsBoundAllocatesOnlyTheEntry(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 1000})
	add := func() {
		j.Add(journal.Entry{TenantID: "t", Request: journal.Request{Method: http.MethodGet, Path: "/v1/subscribers"}})
	}
	for range 5000 {
		add()
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const n = 10000
	for range n {
		add()
	}
	runtime.ReadMemStats(&after)
	require.Less(t, int(after.TotalAlloc-before.TotalAlloc)/n, 64, "bytes allocated per Add")
}
