package cleverapp

import "sync"

// pageCache keeps contact pages between writes. Any committed write, of any
// tenant, moves the store's data version and so empties the cache: a cached
// page is always what the store would answer.
type pageCache struct {
	mu      sync.Mutex
	version uint64
	pages   map[string]cachedPage
}

// cachedPage is a page of contacts and the total it was counted with. Its
// list is shared by every answer served from it and is never modified.
type cachedPage struct {
	data  contactList
	total int
}

// maxCachedPages bounds the cache; past it the cache starts again empty.
const maxCachedPages = 1024

func (c *pageCache) get(version uint64, key string) (cachedPage, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version {
		return cachedPage{}, false
	}
	page, ok := c.pages[key]
	return page, ok
}

// put keeps a page read at version, the data version seen before reading.
// A page read at an older version than the cache's is dropped.
func (c *pageCache) put(version uint64, key string, page cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version < c.version {
		return
	}
	if version > c.version || c.pages == nil || len(c.pages) >= maxCachedPages {
		c.version, c.pages = version, map[string]cachedPage{}
	}
	c.pages[key] = page
}
