package control_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/journal"
	"github.com/fakebots/fakebots/emulator/store"
)

// listed calls a list route and returns the ids it answered, newest first.
func (h *harness) listed(t *testing.T, path string) []int64 {
	t.Helper()
	status, body := h.do(t, "GET", path, "")
	require.Equal(t, http.StatusOK, status, "%s: %s", path, body)
	var page struct{ Data []struct{ ID int64 } }
	require.NoError(t, json.Unmarshal([]byte(body), &page))
	ids := []int64{}
	for _, e := range page.Data {
		ids = append(ids, e.ID)
	}
	return ids
}

// A status filter is one status from 100 to 599, or a class 1xx to 5xx.
func TestTheJournalFiltersByStatusOrClass(t *testing.T) {
	h := newHarness(t)
	for _, status := range []int{100, 199, 200, 404, 500, 599} { // ids 1 to 6
		h.journal.Add(journal.Entry{TenantID: "acme", Platform: "alpha", Response: journal.Response{Status: status}})
	}
	for filter, ids := range map[string][]int64{
		"1xx": {2, 1}, "5xx": {6, 5}, "4XX": {4}, "100": {1}, "599": {6}, "200": {3},
	} {
		require.Equal(t, ids, h.listed(t, "/journal?status="+filter), filter)
	}
	for _, filter := range []string{"0xx", "6xx", "099", "600", "4x", "abc"} {
		h.expect(t, "GET", "/journal?status="+filter, "", http.StatusBadRequest,
			`{"error":"status must be an HTTP status (429) or a class (4xx), not \"`+filter+`\""}`)
	}
}

// q finds text in the path, the query, the request's body or the answer's.
func TestJournalTextSearchLooksInEveryPart(t *testing.T) {
	h := newHarness(t)
	for _, e := range []journal.Entry{
		{Request: journal.Request{Path: "/needle"}},
		{Request: journal.Request{Query: "q=needle"}},
		{Request: journal.Request{Body: `{"needle":1}`}},
		{Response: journal.Response{Body: `{"needle":2}`}},
		{Request: journal.Request{Path: "/hay", Body: "hay"}, Response: journal.Response{Body: "hay"}},
	} {
		e.TenantID = "acme"
		h.journal.Add(e)
	}
	require.Equal(t, []int64{4, 3, 2, 1}, h.listed(t, "/journal?q=needle"))
	require.Equal(t, []int64{4, 3, 2, 1}, h.listed(t, "/tenants/acme/journal?q=needle"))
}

func TestJournalEntryIDsArePositive(t *testing.T) {
	h := newHarness(t)
	h.journal.Add(journal.Entry{TenantID: "acme", Platform: "alpha", Response: journal.Response{Status: 200}})
	status, body := h.do(t, "GET", "/journal/1", "")
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, `"id":1,`)
	for _, id := range []string{"0", "-1", "x"} {
		h.expect(t, "GET", "/journal/"+id, "", http.StatusBadRequest, `{"error":"an entry id is a positive integer, not \"`+id+`\""}`)
	}
}

// Every tenant route of a tenant that does not exist is not found; none
// falls back to the emulator-wide view.
func TestTenantRoutesOfAnUnknownTenantAreNotFound(t *testing.T) {
	h := newHarness(t)
	for _, route := range []struct{ method, path string }{
		{"GET", "/faults"}, {"DELETE", "/faults"}, {"GET", "/outbox"}, {"GET", "/journal"}, {"GET", "/clock"}, {"GET", "/rate-limits"},
	} {
		h.expect(t, route.method, "/tenants/nobody"+route.path, "", http.StatusNotFound, `{"error":"tenant not found"}`)
	}
}

// A tenant's outbox holds its own messages; the emulator-wide one every
// tenant's, or the ?tenant= one's.
func TestATenantsOutboxHoldsItsOwnMessages(t *testing.T) {
	h := newHarness(t)
	err := h.store.Write(context.Background(), func(tx *store.Tx) error {
		for _, id := range []string{"acme", "other", "acme"} { // messages 1 to 3
			if _, err := tx.Enqueue(store.Message{TenantID: id, Platform: "alpha", Recipient: "r", Text: "hi", CreatedAt: epoch}); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, []int64{3, 1}, h.listed(t, "/tenants/acme/outbox"))
	require.Equal(t, []int64{2}, h.listed(t, "/outbox?tenant=other"))
	require.Equal(t, []int64{3, 2, 1}, h.listed(t, "/outbox"))
}

func TestOutboxFiltersAreChecked(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		query  string
		status int
		answer string
	}{
		{"platform=nope", http.StatusBadRequest, `{"error":"unknown platform \"nope\" (platforms: plain, alpha)"}`},
		{"status=sent", http.StatusBadRequest, `{"error":"status must be one of scheduled, delivered, failed, not \"sent\""}`},
		{"limit=0", http.StatusBadRequest, `{"error":"limit must be an integer from 1 to 1000"}`},
		{"before=0", http.StatusBadRequest, `{"error":"before must be a positive id (a page's next_before)"}`},
		{"tenant=nobody", http.StatusNotFound, `{"error":"no tenant \"nobody\""}`},
		{"platform=alpha&status=scheduled&limit=1000&before=1", http.StatusOK, `{"data":[],"next_before":null}`},
	} {
		h.expect(t, "GET", "/outbox?"+tc.query, "", tc.status, tc.answer)
	}
}
