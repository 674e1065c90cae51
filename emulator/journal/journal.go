// Package journal records request/response pairs in memory, newest first,
// bounded per tenant (in entries and bytes) and in total (in bytes): past a
// bound the oldest entries go first, so neither one busy tenant nor a
// thousand quiet ones can make it hold more than it was given.
package journal

import (
	"net/http"
	"sync"
	"time"
	"unsafe"
)

// Request is the recorded request.
type Request struct {
	Method  string      `json:"method"`
	Host    string      `json:"host"`
	Path    string      `json:"path"`
	Query   string      `json:"query"`
	Headers http.Header `json:"headers"`
	Body    string      `json:"body"`
	// QueryTruncated, HeadersTruncated and BodyTruncated are set when only
	// the first part (MaxBody bytes, MaxHeaders bytes of headers) is kept.
	QueryTruncated   bool `json:"query_truncated,omitempty"`
	HeadersTruncated bool `json:"headers_truncated,omitempty"`
	BodyTruncated    bool `json:"body_truncated,omitempty"`
}

// Response is the recorded response.
type Response struct {
	Status        int         `json:"status"`
	Headers       http.Header `json:"headers"`
	Body          string      `json:"body"`
	BodyTruncated bool        `json:"body_truncated,omitempty"`
	// BodyHeld is what Body holds in memory when it shares a larger body
	// (SharedBody): the entry is weighed by it.
	BodyHeld int `json:"-"`
}

// Limits of what one entry keeps: a tenant paging through large lists, or a
// client sending a huge query string, cannot make one entry weigh megabytes.
const (
	MaxBody    = 64 << 10
	MaxHeaders = 16 << 10
)

// Body is the part of a body (or query string) an entry keeps, and whether
// it was cut.
func Body(b []byte) (string, bool) {
	if len(b) > MaxBody {
		return string(b[:MaxBody]), true
	}
	return string(b), false
}

// Cut is the part of a request's query string or body an entry keeps, and
// whether it was cut, without a copy: Add copies what it keeps of a request.
func Cut(s string) (string, bool) {
	if len(s) > MaxBody {
		return s[:MaxBody], true
	}
	return s, false
}

// CutBytes is Cut for a body that stays unchanged until Add returns.
func CutBytes(b []byte) (string, bool) {
	return Cut(unsafe.String(unsafe.SliceData(b), len(b)))
}

// SharedBody is Body for a body that is never modified (a cached page,
// served to many callers): it is kept without a copy, so a thousand
// entries of one page hold it once. Cut, it still holds the whole body:
// held is what it weighs against the bounds.
func SharedBody(b []byte) (kept string, truncated bool, held int) {
	if len(b) == 0 {
		return "", false, 0
	}
	return unsafe.String(&b[0], min(len(b), MaxBody)), len(b) > MaxBody, len(b)
}

// Headers is what an entry keeps of a header map: h itself when all of it
// fits, else a copy of the first MaxHeaders bytes of it, and whether it was
// cut.
func Headers(h http.Header) (http.Header, bool) {
	if headerSize(h) <= MaxHeaders {
		return h, false // fits even with its overhead counted
	}
	kept, n := http.Header{}, 0
	for k, vs := range h {
		for _, v := range vs {
			if n+len(k)+len(v) > MaxHeaders {
				return kept, true
			}
			n += len(k) + len(v)
			kept[k] = append(kept[k], v)
		}
	}
	return h, false // only the overhead was over: every value fits
}

func headerSize(h http.Header) int {
	n := 0
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(v) + 32 // a slice element and map overhead, roughly
		}
	}
	return n
}

// Entry is one exchange.
type Entry struct {
	ID         int64     `json:"id"`
	Time       time.Time `json:"time"`
	TenantID   string    `json:"tenant_id"`
	Platform   string    `json:"platform"`
	Operation  string    `json:"operation"`
	Fault      string    `json:"fault,omitempty"` // id of the injected fault that answered, if any
	Miss       *Miss     `json:"miss,omitempty"`  // why no handler ran, when none did
	Request    Request   `json:"request"`
	Response   Response  `json:"response"`
	DurationMS float64   `json:"duration_ms"`
}

// Reasons a request reached no handler.
const (
	NoPlatform   = "no_platform"   // the path names no emulated platform
	NoTenant     = "no_tenant"     // the path names a tenant that does not exist
	NoOperation  = "no_operation"  // the platform has no operation at this method and path
	InvalidInput = "invalid_input" // the operation refused the parameters
)

// Miss says why a request reached no handler and what it came closest to.
type Miss struct {
	Reason string `json:"reason"`
	// Closest is the operation (or platform) the request most likely meant,
	// and Expected its method and path.
	Closest  string `json:"closest,omitempty"`
	Expected string `json:"expected,omitempty"`
	// Detail is what differed, or which parameters failed.
	Detail string `json:"detail"`
}

// Unmatched reports whether the request matched no operation at all.
func (m *Miss) Unmatched() bool { return m != nil && m.Reason != InvalidInput }

// entryOverhead is what an entry costs besides its strings and headers:
// the struct, its slot in a queue, its place in the global order.
const entryOverhead = 512

// Size is what e weighs against the journal's bounds, in bytes.
func (e *Entry) Size() int {
	n := 0
	if e.Miss != nil {
		n = len(e.Miss.Reason) + len(e.Miss.Closest) + len(e.Miss.Expected) + len(e.Miss.Detail)
	}
	return n + entryOverhead + len(e.TenantID) + len(e.Platform) + len(e.Operation) + len(e.Fault) +
		len(e.Request.Method) + len(e.Request.Host) + len(e.Request.Path) + len(e.Request.Query) +
		len(e.Request.Body) + headerSize(e.Request.Headers) + max(len(e.Response.Body), e.Response.BodyHeld) + headerSize(e.Response.Headers)
}

// Filter narrows List and Clear; zero fields match everything.
type Filter struct {
	TenantID  string
	Platform  string
	Operation string
	Match     func(*Entry) bool // any other condition (status, text)
	// Before keeps entries older than this id (a page's cursor), After
	// those newer (what a live view has not seen yet); 0 for none.
	Before, After int64
	Limit         int
}

// match reports whether k matches; Match sees the entry with its headers.
func (f Filter) match(k *kept) bool {
	if !((f.TenantID == "" || f.TenantID == k.tenant) &&
		(f.Platform == "" || f.Platform == k.platform) &&
		(f.Operation == "" || f.Operation == k.operation) &&
		(f.Before <= 0 || k.id < f.Before) &&
		k.id > f.After) {
		return false
	}
	if f.Match == nil {
		return true
	}
	full := k.entry()
	return f.Match(&full)
}

// Bounds of a journal. Zero Entries keeps nothing; zero byte bounds mean
// the defaults.
type Bounds struct {
	Entries     int // per tenant
	TenantBytes int // per tenant
	TotalBytes  int // over all tenants
}

// Default bounds: a tenant's last 1,000 exchanges within 8 MiB, all
// tenants' within 16 MiB (which keeps a sidecar of 20 busy tenants near
// 80 MB of RSS).
const (
	DefaultEntries     = 1000
	DefaultTenantBytes = 8 << 20
	DefaultTotalBytes  = 16 << 20
)

// queue holds one tenant's entries, oldest first.
type queue struct {
	entries ring[kept]
	bytes   int
}

func (q *queue) dropOldest() int {
	n := q.entries.pop().size
	q.bytes -= n
	return n
}

// ref is an entry's place in the global order, oldest first.
type ref struct {
	tenant string
	id     int64
}

// Journal is safe for concurrent use.
type Journal struct {
	mu     sync.Mutex
	bounds Bounds
	seq    int64
	bytes  int               // held by all queues
	queues map[string]*queue // by tenant id; "" holds requests no tenant was found for
	// order lists entries by age over all tenants, so the total bound drops
	// the oldest of any tenant. Entries dropped another way stay listed
	// until they reach the front, or until stale refs outnumber live ones.
	order ring[ref]
	live  int
	added func(Entry)
}

// New returns a journal with the given bounds.
func New(b Bounds) *Journal {
	if b.TenantBytes <= 0 {
		b.TenantBytes = DefaultTenantBytes
	}
	if b.TotalBytes <= 0 {
		b.TotalBytes = DefaultTotalBytes
	}
	return &Journal{bounds: b, queues: map[string]*queue{}}
}

// OnAdd registers fn to run, outside the journal's lock, with every entry
// recorded from now on (live views of the journal use it). One function at
// a time: a later call replaces it.
func (j *Journal) OnAdd(fn func(Entry)) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.added = fn
}

// Add records e, assigning its id, and drops the oldest entries past the
// bounds (the newest of a tenant always stays). It copies the request's
// strings and both header maps, so they may be views of the request's own
// memory; the response body is kept as it is (see Body and SharedBody).
func (j *Journal) Add(e Entry) {
	if j.bounds.Entries <= 0 {
		return
	}
	j.mu.Lock()
	j.seq++
	e.ID = j.seq
	q := j.queues[e.TenantID]
	if q == nil {
		q = &queue{}
		j.queues[e.TenantID] = q
	}
	k := pack(&e)
	q.entries.push(k)
	q.bytes += k.size
	j.bytes += k.size
	j.order.push(ref{e.TenantID, e.ID})
	j.live++
	for q.entries.len() > j.bounds.Entries || (q.bytes > j.bounds.TenantBytes && q.entries.len() > 1) {
		j.bytes -= q.dropOldest()
		j.live--
	}
	j.trimTotal()
	j.compact()
	added := j.added
	j.mu.Unlock()
	if added != nil {
		added(k.view(e.Request.Headers, e.Response.Headers)) // what is kept, the caller's maps unpacked
	}
}

// trimTotal drops the oldest entries of any tenant while all of them
// together weigh more than the total bound.
func (j *Journal) trimTotal() {
	for j.bytes > j.bounds.TotalBytes && j.order.len() > 1 {
		r := j.order.pop()
		q := j.queues[r.tenant]
		if q == nil || q.entries.len() == 0 || q.entries.at(0).id != r.id {
			continue // already gone
		}
		j.bytes -= q.dropOldest()
		j.live--
		if q.entries.len() == 0 {
			delete(j.queues, r.tenant)
		}
	}
}

// compact rebuilds the global order when most of it points at entries
// dropped by a tenant's own bound or by Clear.
func (j *Journal) compact() {
	if j.order.len() < 1024 || j.order.len() < 2*j.live {
		return
	}
	held := 0
	for i := range j.order.len() {
		r := *j.order.at(i)
		if q := j.queues[r.tenant]; q != nil && q.index(r.id) >= 0 {
			*j.order.at(held) = r
			held++
		}
	}
	j.order.truncate(held)
}

// index finds id in the queue (ids ascend: a binary search); -1 when gone.
func (q *queue) index(id int64) int {
	lo, hi := 0, q.entries.len()
	for lo < hi {
		m := (lo + hi) / 2
		switch at := q.entries.at(m).id; {
		case at == id:
			return m
		case at < id:
			lo = m + 1
		default:
			hi = m
		}
	}
	return -1
}

// List returns up to f.Limit matching entries (all with 0), newest first,
// and whether older matching ones remain.
func (j *Journal) List(f Filter) (out []Entry, more bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	out = []Entry{}
	take := func(k *kept) bool { // false once the page is full and one more matched
		if k.id <= f.After {
			return false // newest first: the rest are older still
		}
		if !f.match(k) {
			return true
		}
		if f.Limit > 0 && len(out) == f.Limit {
			more = true
			return false
		}
		out = append(out, k.entry())
		return true
	}
	if f.TenantID != "" {
		if q := j.queues[f.TenantID]; q != nil {
			for i := q.entries.len() - 1; i >= 0 && take(q.entries.at(i)); i-- {
			}
		}
		return out, more
	}
	for i := j.order.len() - 1; i >= 0; i-- {
		r := *j.order.at(i)
		q := j.queues[r.tenant]
		if q == nil {
			continue
		}
		if at := q.index(r.id); at >= 0 && !take(q.entries.at(at)) {
			break
		}
	}
	return out, more
}

// Entry is the entry with that id, of the tenant ("" for any tenant's).
func (j *Journal) Entry(tenantID string, id int64) (Entry, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for tenant, q := range j.queues {
		if tenantID != "" && tenant != tenantID {
			continue
		}
		if at := q.index(id); at >= 0 {
			return q.entries.at(at).entry(), true
		}
	}
	return Entry{}, false
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
		left := &queue{}
		for i := range q.entries.len() {
			k := q.entries.at(i)
			if f.match(k) {
				removed++
				continue
			}
			left.entries.push(*k)
			left.bytes += k.size
		}
		j.bytes -= q.bytes - left.bytes
		if left.entries.len() == 0 {
			delete(j.queues, tenant)
		} else {
			j.queues[tenant] = left
		}
	}
	j.live -= removed
	j.compact()
	return removed
}

// Bytes is what the journal holds, as its bounds count it.
func (j *Journal) Bytes() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.bytes
}
