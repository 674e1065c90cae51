package pagecache_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/pagecache"
)

func page(version uint64, body string) pagecache.Page {
	return pagecache.Page{Version: version, Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)}
}

func TestPageIsServedOnlyAtItsVersion(t *testing.T) {
	c := pagecache.New(1 << 20)
	_, ok := c.Get("k", 1)
	require.False(t, ok, "empty")

	c.Put("k", page(3, `{"a":1}`))
	got, ok := c.Get("k", 3)
	require.True(t, ok)
	require.Equal(t, `{"a":1}`, string(got.Body))
	require.EqualValues(t, 1, c.Hits())

	_, ok = c.Get("k", 4)
	require.False(t, ok, "the tenant wrote since")
	require.Zero(t, c.Len(), "a stale page is dropped")

	c.Put("k", page(5, "new"))
	c.Put("k", page(4, "older read, finished later"))
	got, ok = c.Get("k", 5)
	require.True(t, ok)
	require.Equal(t, "new", string(got.Body), "a slower read of an older state never replaces a newer page")

	_, ok = c.Get("k", 4)
	require.False(t, ok, "a caller still at an older state misses")
	got, ok = c.Get("k", 5)
	require.True(t, ok, "and leaves the newer page for the callers at its state")
	require.Equal(t, "new", string(got.Body))
}

func TestCacheIsBoundedInBytes(t *testing.T) {
	c := pagecache.New(64 << 10)
	body := strings.Repeat("x", 1000)
	for i := range 1000 {
		c.Put(fmt.Sprint("k", i), page(1, body))
		require.LessOrEqual(t, c.Bytes(), 64<<10)
	}
	_, ok := c.Get("k0", 1)
	require.False(t, ok, "the least recently used went first")
	_, ok = c.Get("k999", 1)
	require.True(t, ok, "the newest stays")

	c.Put("big", page(1, strings.Repeat("x", 9<<10)))
	_, ok = c.Get("big", 1)
	require.False(t, ok, "a page over an eighth of the cache is not kept")

	c.Clear()
	require.Zero(t, c.Len())
	require.Zero(t, c.Bytes())
}

func TestZeroSizeKeepsNothing(t *testing.T) {
	c := pagecache.New(0)
	c.Put("k", page(1, "x"))
	_, ok := c.Get("k", 1)
	require.False(t, ok)
}

// sized returns a page that weighs exactly n bytes against the bound under
// a two-byte key: 2 for the key, 256 of bookkeeping, 60 for its
// Content-Type header (12 + 16 + 32), the rest body.
func sized(version uint64, n int) pagecache.Page {
	return page(version, strings.Repeat("x", n-2-256-60))
}

// The bound is counted in the bytes Bytes reports, so the weight of a page
// is part of the contract: key, body, 256 of bookkeeping and, per header
// value, its name, the value and 32.
func TestPageWeighsKeyBodyAndEachHeaderValue(t *testing.T) {
	c := pagecache.New(1 << 20)
	c.Put("k", pagecache.Page{Version: 1, Body: []byte("abc")})
	require.Equal(t, 1+3+256, c.Bytes())

	c.Clear()
	c.Put("k", pagecache.Page{Version: 1, Body: []byte("abc"), Header: http.Header{"A": {"bc", "d"}}})
	require.Equal(t, 1+3+256+(1+2+32)+(1+1+32), c.Bytes(), "each value of a header counts with its name")

	c.Put("kk", sized(1, 400))
	require.Equal(t, 329+400, c.Bytes())
}

// A page of exactly an eighth of the cache is kept; one byte more is not.
func TestPageOfExactlyAnEighthIsKept(t *testing.T) {
	c := pagecache.New(3200)
	c.Put("k0", sized(1, 400))
	_, ok := c.Get("k0", 1)
	require.True(t, ok)

	c.Put("k1", sized(1, 401))
	_, ok = c.Get("k1", 1)
	require.False(t, ok)
	require.Equal(t, 400, c.Bytes())
}

// Pages that together fill the bound exactly are all kept: eviction starts
// only past it.
func TestCacheFilledExactlyToItsBoundKeepsEveryPage(t *testing.T) {
	c := pagecache.New(3200)
	for i := range 8 {
		c.Put(fmt.Sprint("k", i), sized(1, 400))
	}
	require.Equal(t, 3200, c.Bytes())
	require.Equal(t, 8, c.Len())

	c.Put("k8", sized(1, 400))
	require.Equal(t, 3200, c.Bytes())
	require.Equal(t, 8, c.Len())
	_, ok := c.Get("k0", 1)
	require.False(t, ok, "one page over the bound evicts the oldest")
}

// Reading a page makes it recently used, so eviction passes it over.
func TestReadPageIsEvictedLast(t *testing.T) {
	c := pagecache.New(3200)
	for i := range 8 {
		c.Put(fmt.Sprint("k", i), sized(1, 400))
	}
	_, ok := c.Get("k0", 1)
	require.True(t, ok)

	c.Put("k8", sized(1, 400))
	_, ok = c.Get("k0", 1)
	require.True(t, ok, "k0 was read after k1 was written")
	_, ok = c.Get("k1", 1)
	require.False(t, ok, "k1 is now the least recently used")
}

// A page read at the same version as the one kept replaces it (the later
// render wins) and the old one stops counting against the bound.
func TestPutAtSameVersionReplacesThePage(t *testing.T) {
	c := pagecache.New(1 << 20)
	c.Put("k", pagecache.Page{Version: 2, Body: []byte("old")})
	c.Put("k", pagecache.Page{Version: 2, Body: []byte("new")})
	got, ok := c.Get("k", 2)
	require.True(t, ok)
	require.Equal(t, "new", string(got.Body))
	require.Equal(t, 1, c.Len())
	require.Equal(t, 1+3+256, c.Bytes(), "the replaced page no longer weighs")

	c.Put("k", pagecache.Page{Version: 3, Body: []byte("newer")})
	require.Equal(t, 1+5+256, c.Bytes())
}

// After Clear the cache starts over: the pages it dropped take no part in
// later eviction, which goes by the pages put since.
func TestClearForgetsPagesForEviction(t *testing.T) {
	c := pagecache.New(3200)
	for i := range 8 {
		c.Put(fmt.Sprint("k", i), sized(1, 400))
	}
	c.Clear()
	for i := range 9 {
		c.Put(fmt.Sprint("a", i), sized(1, 400))
	}
	require.Equal(t, 8, c.Len())
	require.Equal(t, 3200, c.Bytes())
	_, ok := c.Get("a0", 1)
	require.False(t, ok, "the oldest page put since Clear went first")
	_, ok = c.Get("a1", 1)
	require.True(t, ok)
}

// A nil cache is a valid cache that keeps nothing, so callers without one
// need no checks.
func TestNilCacheKeepsNothing(t *testing.T) {
	var c *pagecache.Cache
	require.NotPanics(t, func() {
		c.Put("k", page(1, "x"))
		_, ok := c.Get("k", 1)
		require.False(t, ok)
		require.Zero(t, c.Bytes())
		require.Zero(t, c.Len())
		require.Zero(t, c.Hits())
		c.Clear()
	})
}
