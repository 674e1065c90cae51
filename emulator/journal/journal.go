// Package journal records request/response pairs in memory, bounded per
// tenant, newest first.
package journal

import (
	"net/http"
	"slices"
	"sync"
	"time"
)

// Request is the recorded request.
type Request struct {
	Method  string      `json:"method"`
	Host    string      `json:"host"`
	Path    string      `json:"path"`
	Query   string      `json:"query"`
	Headers http.Header `json:"headers"`
	Body    string      `json:"body"`
}

// Response is the recorded response.
type Response struct {
	Status  int         `json:"status"`
	Headers http.Header `json:"headers"`
	Body    string      `json:"body"`
}

// Entry is one exchange.
type Entry struct {
	ID         int64     `json:"id"`
	Time       time.Time `json:"time"`
	TenantID   string    `json:"tenant_id"`
	Platform   string    `json:"platform"`
	Operation  string    `json:"operation"`
	Fault      string    `json:"fault,omitempty"` // id of the injected fault that answered, if any
	Request    Request   `json:"request"`
	Response   Response  `json:"response"`
	DurationMS float64   `json:"duration_ms"`
}

// Filter narrows List and Clear; zero fields match everything.
type Filter struct {
	TenantID  string
	Platform  string
	Operation string
	Limit     int
}

func (f Filter) match(e *Entry) bool {
	return (f.TenantID == "" || f.TenantID == e.TenantID) &&
		(f.Platform == "" || f.Platform == e.Platform) &&
		(f.Operation == "" || f.Operation == e.Operation)
}

// ring holds one tenant's newest entries.
type ring struct {
	entries []Entry // circular, len <= size
	next    int
}

// Journal is safe for concurrent use.
type Journal struct {
	mu    sync.Mutex
	size  int
	seq   int64
	rings map[string]*ring // by tenant id; "" holds requests no tenant was found for
}

// New returns a journal keeping size entries per tenant (0 keeps none).
func New(size int) *Journal {
	return &Journal{size: size, rings: map[string]*ring{}}
}

// Add records e, assigning its id.
func (j *Journal) Add(e Entry) {
	if j.size <= 0 {
		return
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.ID = j.seq
	r := j.rings[e.TenantID]
	if r == nil {
		r = &ring{}
		j.rings[e.TenantID] = r
	}
	if len(r.entries) < j.size {
		r.entries = append(r.entries, e)
		return
	}
	r.entries[r.next] = e
	r.next = (r.next + 1) % j.size
}

// List returns matching entries, newest first.
func (j *Journal) List(f Filter) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []Entry{}
	for tenant, r := range j.rings {
		if f.TenantID != "" && tenant != f.TenantID {
			continue
		}
		for i := range r.entries {
			if f.match(&r.entries[i]) {
				out = append(out, r.entries[i])
			}
		}
	}
	// Ids grow with time, so sorting by id descending is newest first.
	slices.SortFunc(out, func(a, b Entry) int { return int(b.ID - a.ID) })
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out
}

// Clear removes matching entries and returns how many.
func (j *Journal) Clear(f Filter) int {
	j.mu.Lock()
	defer j.mu.Unlock()
	removed := 0
	for tenant, r := range j.rings {
		if f.TenantID != "" && tenant != f.TenantID {
			continue
		}
		kept := make([]Entry, 0, len(r.entries))
		for _, e := range r.orderedOldestFirst() {
			if f.match(&e) {
				removed++
			} else {
				kept = append(kept, e)
			}
		}
		r.entries, r.next = kept, 0
	}
	return removed
}

func (r *ring) orderedOldestFirst() []Entry {
	return append(append([]Entry{}, r.entries[r.next:]...), r.entries[:r.next]...)
}
