package cleverapp

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPageCacheKeepsOnlyTheCurrentVersion(t *testing.T) {
	var c pageCache
	page := cachedPage{data: contactList{{ID: 1}}, total: 1}
	_, ok := c.get(0, "k")
	require.False(t, ok, "empty")

	c.put(3, "k", page)
	got, ok := c.get(3, "k")
	require.True(t, ok)
	require.Equal(t, page, got)

	_, ok = c.get(4, "k")
	require.False(t, ok, "a write since: stale")

	c.put(2, "old", page)
	_, ok = c.get(3, "old")
	require.False(t, ok, "a page read before the cache's version is dropped")

	c.put(4, "k2", page)
	_, ok = c.get(4, "k")
	require.False(t, ok, "moving to a newer version empties the cache")
	_, ok = c.get(4, "k2")
	require.True(t, ok)

	for i := 0; i < maxCachedPages; i++ {
		c.put(4, string(rune('a'+i%26))+string(rune(i)), page)
	}
	require.LessOrEqual(t, len(c.pages), maxCachedPages, "bounded")
}
