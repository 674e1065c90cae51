package fakebotstest

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/fakebots/fakebots/emulator/journal"
	"github.com/fakebots/fakebots/emulator/store"
)

// JournalEntry is one recorded exchange: the request as the client sent it,
// the answer, the operation it matched (or why none did: Miss) and the
// fault that answered, if any.
type JournalEntry = journal.Entry

// Message is a message the emulator delivered (or scheduled) to an end
// user: a send of a platform's API, a broadcast, a scheduled send.
type Message = store.Message

// Outbox statuses.
const (
	Scheduled = store.StatusScheduled
	Delivered = store.StatusDelivered
	Failed    = store.StatusFailed
)

// JournalFilter narrows Journal; zero fields match everything.
type JournalFilter struct {
	Platform  Platform
	Operation Operation
	// Status is an HTTP status ("429") or a class ("4xx").
	Status string
	// Text is found in the path, the query or a body.
	Text string
}

// Journal is the tenant's recorded exchanges, oldest first.
type Journal []JournalEntry

// Statuses are the answers' statuses, in order.
func (j Journal) Statuses() []int {
	out := make([]int, len(j))
	for i, e := range j {
		out[i] = e.Response.Status
	}
	return out
}

// Operations are the operations called, in order ("" for a request that
// matched none).
func (j Journal) Operations() []Operation {
	out := make([]Operation, len(j))
	for i, e := range j {
		out[i] = Operation(e.Operation)
	}
	return out
}

// Journal lists the tenant's exchanges that match f, oldest first: every
// call made through the tenant's base URLs or with its credentials, wrong
// ones included.
func (tn *Tenant) Journal(t testing.TB, f JournalFilter) Journal {
	t.Helper()
	q := url.Values{}
	set(q, "platform", string(f.Platform))
	set(q, "operation", string(f.Operation))
	set(q, "status", f.Status)
	set(q, "q", f.Text)
	return pages[JournalEntry](t, tn, "/journal", q)
}

// Unmatched lists the tenant's requests that matched no operation (a
// mistyped method, a wrong path), oldest first, each with the operation it
// came closest to in Miss.
func (tn *Tenant) Unmatched(t testing.TB) Journal {
	t.Helper()
	return pages[JournalEntry](t, tn, "/requests/unmatched", url.Values{})
}

// OutboxFilter narrows Outbox; zero fields match everything.
type OutboxFilter struct {
	Platform  Platform
	Recipient string // the end user's id on the platform
	Status    string // Scheduled, Delivered or Failed
}

// Messages are outbox messages, oldest first.
type Messages []Message

// Texts are the messages' texts, in order.
func (m Messages) Texts() []string {
	out := make([]string, len(m))
	for i, msg := range m {
		out[i] = msg.Text
	}
	return out
}

// Outbox lists the messages the tenant's end users were sent (or are due
// to be), oldest first.
func (tn *Tenant) Outbox(t testing.TB, f OutboxFilter) Messages {
	t.Helper()
	q := url.Values{}
	set(q, "platform", string(f.Platform))
	set(q, "recipient", f.Recipient)
	set(q, "status", f.Status)
	return pages[Message](t, tn, "/outbox", q)
}

func set(q url.Values, key, value string) {
	if value != "" {
		q.Set(key, value)
	}
}

// pages reads every page of a newest-first list and returns it oldest first.
func pages[T any](t testing.TB, tn *Tenant, path string, q url.Values) []T {
	t.Helper()
	var all []T
	q.Set("limit", "1000")
	for {
		var page struct {
			Data       []T    `json:"data"`
			NextBefore *int64 `json:"next_before"`
		}
		tn.must(t, http.MethodGet, path+"?"+q.Encode(), nil, &page)
		all = append(all, page.Data...)
		if page.NextBefore == nil {
			break
		}
		q.Set("before", strconv.FormatInt(*page.NextBefore, 10))
	}
	slices.Reverse(all)
	return all
}

// Faults are the ids of the faults that answered, in order ("" where the
// emulator answered as the platform).
func (j Journal) Faults() []string {
	out := make([]string, len(j))
	for i, e := range j {
		out[i] = e.Fault
	}
	return out
}
