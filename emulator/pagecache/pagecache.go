// Package pagecache keeps rendered answers to list reads between writes.
// The engine keys a page by tenant, operation and normalised parameters and
// files it under the tenant's data version when it was read: a page is
// served again only while the tenant's version has not moved, so it is
// always what the store would answer. The cache is bounded in bytes; past
// the bound the least recently used pages go first.
package pagecache

import (
	"container/list"
	"net/http"
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
}

type entry struct {
	key  string
	page Page
	size int
}

// New returns a cache holding up to maxBytes (0 keeps nothing).
func New(maxBytes int) *Cache {
	return &Cache{max: maxBytes, byKey: map[string]*list.Element{}}
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
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		if el.Value.(*entry).page.Version > p.Version {
			return
		}
		c.remove(el)
	}
	c.byKey[key] = c.lru.PushFront(&entry{key: key, page: p, size: size})
	c.bytes += size
	for c.bytes > c.max {
		c.remove(c.lru.Back())
	}
}

func (c *Cache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*entry)
	delete(c.byKey, e.key)
	c.bytes -= e.size
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
