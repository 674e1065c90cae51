package journal

import (
	"encoding/binary"
	"net/http"
	"time"
	"unsafe"
)

// kept is an entry as the journal holds it, in 176 bytes where an Entry
// takes 256 (a thousand tenants' queues hold thousands of them). The
// request's strings and both header maps are packed into one string (see
// pack): an entry is its slot, that string and its response body, where a
// header map alone costs more than the few headers it holds, and a dozen
// small objects per entry would be the collector's to trace.
type kept struct {
	id                          int64
	time                        time.Time
	tenant, platform, operation string
	rare                        *rare // nil for an entry with neither
	packed                      string
	method, host, path, query   uint32 // lengths of the first strings of packed; the request body follows
	body                        uint32
	truncated                   uint8 // of the query, the request's headers and body, the response body
	status, size, held          int   // Response.Status, Size, Response.BodyHeld
	responseBody                string
	durationMS                  float64
}

// rare holds what few entries have: an injected fault, a miss.
type rare struct {
	fault string
	miss  *Miss
}

const (
	queryCut = 1 << iota
	headersCut
	bodyCut
	responseCut
)

// pack keeps e. Method, Host, Path, Query and the request's Body are copied
// into one string, the headers packed after them; the response body is kept
// as it is (a copy of its own, or a page shared by its callers).
func pack(e *Entry) kept {
	r := &e.Request
	n := len(r.Method) + len(r.Host) + len(r.Path) + len(r.Query) + len(r.Body) +
		packedSize(r.Headers) + packedSize(e.Response.Headers)
	buf := make([]byte, 0, n)
	buf = append(buf, r.Method...)
	buf = append(buf, r.Host...)
	buf = append(buf, r.Path...)
	buf = append(buf, r.Query...)
	buf = append(buf, r.Body...)
	buf = packHeader(buf, r.Headers)
	buf = packHeader(buf, e.Response.Headers)
	k := kept{
		id: e.ID, time: e.Time, tenant: e.TenantID, platform: e.Platform, operation: e.Operation,
		packed: unsafe.String(unsafe.SliceData(buf), len(buf)), // buf is never written again
		method: uint32(len(r.Method)), host: uint32(len(r.Host)), path: uint32(len(r.Path)),
		query: uint32(len(r.Query)), body: uint32(len(r.Body)),
		status: e.Response.Status, size: e.Size(), held: e.Response.BodyHeld,
		responseBody: e.Response.Body, durationMS: e.DurationMS,
	}
	if e.Fault != "" || e.Miss != nil {
		k.rare = &rare{fault: e.Fault, miss: e.Miss}
	}
	for i, cut := range []bool{r.QueryTruncated, r.HeadersTruncated, r.BodyTruncated, e.Response.BodyTruncated} {
		if cut {
			k.truncated |= 1 << i
		}
	}
	return k
}

// view is the kept entry with the given header maps.
func (k *kept) view(request, response http.Header) Entry {
	e := Entry{
		ID: k.id, Time: k.time, TenantID: k.tenant, Platform: k.platform, Operation: k.operation,
		Response: Response{
			Status: k.status, Headers: response, Body: k.responseBody,
			BodyTruncated: k.truncated&responseCut != 0, BodyHeld: k.held,
		},
		DurationMS: k.durationMS,
	}
	if k.rare != nil {
		e.Fault, e.Miss = k.rare.fault, k.rare.miss
	}
	rest := k.packed
	next := func(n uint32) string {
		s := rest[:n]
		rest = rest[n:]
		return s
	}
	e.Request = Request{
		Method: next(k.method), Host: next(k.host), Path: next(k.path), Query: next(k.query),
		Headers: request, Body: next(k.body),
		QueryTruncated: k.truncated&queryCut != 0, HeadersTruncated: k.truncated&headersCut != 0, BodyTruncated: k.truncated&bodyCut != 0,
	}
	return e
}

// entry is the kept entry as it was added, its header maps made anew.
func (k *kept) entry() Entry {
	rest := k.packed[k.method+k.host+k.path+k.query+k.body:]
	request, rest := unpackHeader(rest)
	response, _ := unpackHeader(rest)
	return k.view(request, response)
}

// A packed header is a flag (0 for a nil map, 1 for a map), the number of
// keys, then each key and its values, every count and length a uvarint. A
// nil value list is counted 0, a list of n values n+1.
func packedSize(h http.Header) int {
	if h == nil {
		return 1
	}
	n := 1 + uvarintLen(len(h))
	for k, vs := range h {
		n += uvarintLen(len(k)) + len(k) + uvarintLen(len(vs)+1)
		for _, v := range vs {
			n += uvarintLen(len(v)) + len(v)
		}
	}
	return n
}

func uvarintLen(x int) int {
	return len(binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64), uint64(x)))
}

func packHeader(buf []byte, h http.Header) []byte {
	if h == nil {
		return append(buf, 0)
	}
	buf = append(buf, 1)
	buf = binary.AppendUvarint(buf, uint64(len(h)))
	for k, vs := range h {
		buf = binary.AppendUvarint(buf, uint64(len(k)))
		buf = append(buf, k...)
		if vs == nil {
			buf = binary.AppendUvarint(buf, 0)
			continue
		}
		buf = binary.AppendUvarint(buf, uint64(len(vs))+1)
		for _, v := range vs {
			buf = binary.AppendUvarint(buf, uint64(len(v)))
			buf = append(buf, v...)
		}
	}
	return buf
}

// unpackHeader reads a header packed by packHeader at the start of s and
// returns it with what follows it. Keys and values are substrings of s.
func unpackHeader(s string) (http.Header, string) {
	flag, s := s[0], s[1:]
	if flag == 0 {
		return nil, s
	}
	var keys, count, n int
	keys, s = readUvarint(s)
	h := make(http.Header, keys)
	for range keys {
		n, s = readUvarint(s)
		k := s[:n]
		if count, s = readUvarint(s[n:]); count == 0 {
			h[k] = nil
			continue
		}
		vs := make([]string, count-1)
		for i := range vs {
			n, s = readUvarint(s)
			vs[i], s = s[:n], s[n:]
		}
		h[k] = vs
	}
	return h, s
}

func readUvarint(s string) (int, string) {
	var v uint64
	for shift := 0; ; shift += 7 {
		b := s[0]
		s = s[1:]
		v |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return int(v), s
		}
	}
}
