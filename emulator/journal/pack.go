package journal

import (
	"encoding/binary"
	"net/http"
	"unsafe"
)

// kept is an entry as the journal holds it. The request's strings and both
// header maps are packed into one allocation (see pack): an entry is its
// slot and that string (and its response body), where a header map alone
// costs more than the few headers it holds, and a thousand quiet tenants'
// entries would otherwise each keep a dozen small objects for the collector
// to trace.
type kept struct {
	Entry  // Request.Headers and Response.Headers are nil: they are in headers
	size   int
	header string // the packed headers of the request, then of the response
}

// pack keeps e: Method, Host, Path, Query and the request's Body are copied
// into one string, with the headers after them. The response body is kept
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
	all := unsafe.String(unsafe.SliceData(buf), len(buf)) // buf is never written again
	k := kept{Entry: *e, size: e.Size()}
	kr := &k.Request
	at := 0
	next := func(s string) string {
		at += len(s)
		return all[at-len(s) : at]
	}
	kr.Method, kr.Host, kr.Path, kr.Query, kr.Body = next(r.Method), next(r.Host), next(r.Path), next(r.Query), next(r.Body)
	k.header = all[at:]
	kr.Headers, k.Response.Headers = nil, nil
	return k
}

// entry is the kept entry as it was added, its header maps made anew.
func (k *kept) entry() Entry {
	e := k.Entry
	rest := k.header
	e.Request.Headers, rest = unpackHeader(rest)
	e.Response.Headers, _ = unpackHeader(rest)
	return e
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
