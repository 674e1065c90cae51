// Package pagecache keeps rendered answers to list reads between writes.
// The engine keys a page by tenant, operation and normalised parameters and
// files it under the tenant's data version when it was read: a page is
// served again only while the tenant's version has not moved, so it is
// always what the store would answer. The cache is bounded in bytes; past
// the bound the least recently used pages go first.
package pagecache

import (
	"container/list"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
)

// Page is a rendered answer. Its header and body are shared by every
// answer served from it and must never be modified.
type Page struct {
	Version uint64 // the tenant's data version read before the page was
	Status  int
	Header  http.Header
	Body    []byte
}

// size is what a page weighs against the bound: its body, its headers and
// the bookkeeping around it.
func (p *Page) size(key string) int {
	n := len(key) + len(p.Body) + 256
	for k, vs := range p.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 32
		}
	}
	return n
}

// Cache is safe for concurrent use. The zero value keeps nothing.
type Cache struct {
	hits  atomic.Uint64
	mu    sync.Mutex
	max   int
	bytes int
	lru   list.List // of *entry, most recently used first
	byKey map[string]*list.Element
	// headers holds one map of each set of headers the pages have, by its
	// form (see headerForm): pages answered alike (every list of a platform)
	// share it, where a header map costs more than a small page's body.
	headers map[string]*sharedHeader
}

type sharedHeader struct {
	header http.Header
	pages  int
}

type entry struct {
	key  string
	page Page
	size int
	form string // of its headers, "" for none
}

// New returns a cache holding up to maxBytes (0 keeps nothing).
func New(maxBytes int) *Cache {
	return &Cache{max: maxBytes, byKey: map[string]*list.Element{}, headers: map[string]*sharedHeader{}}
}

// Get returns the page under key if it was read at version. A page of an
// older version is dropped; a newer one (stored by a reader that started
// later) is kept for the callers that will ask for it.
func (c *Cache) Get(key string, version uint64) (Page, bool) {
	if c == nil || c.max == 0 {
		return Page{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[key]
	if !ok {
		return Page{}, false
	}
	e := el.Value.(*entry)
	if e.page.Version != version {
		if e.page.Version < version {
			c.remove(el)
		}
		return Page{}, false
	}
	c.lru.MoveToFront(el)
	c.hits.Add(1)
	return e.page, true
}

// Put keeps p under key, unless a page of a newer version is already
// there or p alone would take more than an eighth of the cache.
func (c *Cache) Put(key string, p Page) {
	if c == nil || c.max == 0 {
		return
	}
	size := p.size(key)
	if size > c.max/8 {
		return
	}
	form := headerForm(p.Header)
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		if el.Value.(*entry).page.Version > p.Version {
			return
		}
		c.remove(el)
	}
	if form != "" {
		shared := c.headers[form]
		if shared == nil {
			shared = &sharedHeader{header: p.Header}
			c.headers[form] = shared
		}
		shared.pages++
		p.Header = shared.header
	}
	c.byKey[key] = c.lru.PushFront(&entry{key: key, page: p, size: size, form: form})
	c.bytes += size
	for c.bytes > c.max {
		c.remove(c.lru.Back())
	}
}

func (c *Cache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*entry)
	delete(c.byKey, e.key)
	c.bytes -= e.size
	if shared := c.headers[e.form]; shared != nil {
		if shared.pages--; shared.pages == 0 {
			delete(c.headers, e.form)
		}
	}
}

// headerForm is h written out in one string, its keys sorted, each key and
// value after its length: equal headers, and only they, have one form. It
// is "" for a nil header.
func headerForm(h http.Header) string {
	if h == nil {
		return ""
	}
	keys := slices.Sorted(maps.Keys(h))
	var b []byte
	b = append(b, '!') // not "", even for an empty header
	for _, k := range keys {
		b = strconv.AppendInt(b, int64(len(k)), 10)
		b = append(b, ':')
		b = append(b, k...)
		b = strconv.AppendInt(b, int64(len(h[k])), 10)
		if h[k] == nil {
			b = append(b, '-')
		}
		for _, v := range h[k] {
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(len(v)), 10)
			b = append(b, ':')
			b = append(b, v...)
		}
		b = append(b, ';')
	}
	return string(b)
}

// Bytes is what the cache holds, as its bound counts it.
func (c *Cache) Bytes() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

// Hits is how many answers the cache has served.
func (c *Cache) Hits() uint64 {
	if c == nil {
		return 0
	}
	return c.hits.Load()
}

// Clear drops every page.
func (c *Cache) Clear() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lru.Init()
	clear(c.byKey)
	clear(c.headers)
	c.bytes = 0
}

// Len is how many pages the cache holds.
func (c *Cache) Len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey)
}
