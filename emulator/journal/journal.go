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
	// BodyTruncated is set when Body holds only the first MaxBody bytes.
	BodyTruncated bool `json:"body_truncated,omitempty"`
}

// Response is the recorded response.
type Response struct {
	Status        int         `json:"status"`
	Headers       http.Header `json:"headers"`
	Body          string      `json:"body"`
	BodyTruncated bool        `json:"body_truncated,omitempty"`
}

// MaxBody is how much of a body an entry keeps: the journal is bounded in
// entries, and this bounds each entry, so a tenant paging through large
// lists cannot make it hold tens of megabytes.
const MaxBody = 64 << 10

// Body is the part of a body an entry keeps, and whether it was cut.
func Body(b []byte) (string, bool) {
	if len(b) > MaxBody {
		return string(b[:MaxBody]), true
	}
	return string(b), false
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

// MaxTenantBytes bounds the bodies one tenant's entries hold together: past
// it the oldest entries go first, so a burst of large answers cannot make
// the journal grow to hundreds of megabytes.
const MaxTenantBytes = 16 << 20

// queue holds one tenant's entries, oldest first.
type queue struct {
	entries []Entry
	bytes   int // bodies held
}

func size(e *Entry) int { return len(e.Request.Body) + len(e.Response.Body) }

// push appends e, then drops the oldest entries while there are more than
// max or their bodies weigh more than MaxTenantBytes (the newest stays).
func (q *queue) push(e Entry, max int) {
	q.entries = append(q.entries, e)
	q.bytes += size(&e)
	for len(q.entries) > max || (q.bytes > MaxTenantBytes && len(q.entries) > 1) {
		q.bytes -= size(&q.entries[0])
		q.entries[0] = Entry{} // release its bodies now
		q.entries = q.entries[1:]
	}
}

// Journal is safe for concurrent use.
type Journal struct {
	mu     sync.Mutex
	size   int
	seq    int64
	queues map[string]*queue // by tenant id; "" holds requests no tenant was found for
}

// New returns a journal keeping size entries per tenant (0 keeps none).
func New(size int) *Journal {
	return &Journal{size: size, queues: map[string]*queue{}}
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
	q := j.queues[e.TenantID]
	if q == nil {
		q = &queue{}
		j.queues[e.TenantID] = q
	}
	q.push(e, j.size)
}

// List returns matching entries, newest first.
func (j *Journal) List(f Filter) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []Entry{}
	for tenant, q := range j.queues {
		if f.TenantID != "" && tenant != f.TenantID {
			continue
		}
		for i := range q.entries {
			if f.match(&q.entries[i]) {
				out = append(out, q.entries[i])
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
	for tenant, q := range j.queues {
		if f.TenantID != "" && tenant != f.TenantID {
			continue
		}
		kept := &queue{entries: make([]Entry, 0, len(q.entries))}
		for _, e := range q.entries {
			if f.match(&e) {
				removed++
			} else {
				kept.entries = append(kept.entries, e)
				kept.bytes += size(&e)
			}
		}
		j.queues[tenant] = kept
	}
	return removed
}
