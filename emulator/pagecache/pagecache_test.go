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
