package pagecache

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

func sameMap(a, b http.Header) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// TestPagesAnsweredAlikeShareOneHeaderMap: equal headers are kept once
// while a page has them; unequal ones, however near, are not merged.
func TestPagesAnsweredAlikeShareOneHeaderMap(t *testing.T) {
	c := New(1 << 20)
	json := func() http.Header { return http.Header{"Content-Type": {"application/json"}, "X-A": {"1", "2"}} }
	c.Put("a", Page{Version: 1, Header: json(), Body: []byte("a")})
	c.Put("b", Page{Version: 1, Header: json(), Body: []byte("b")})
	for i, h := range []http.Header{
		{"Content-Type": {"application/json"}, "X-A": {"1,2"}},
		{"Content-Type": {"application/json"}, "X-A": {"1", "2"}, "X-B": nil},
		{"Content-Type": {"application/json"}, "X-A": {"1", "2"}, "X-B": {}},
		{},
	} {
		c.Put(fmt.Sprint("near", i), Page{Version: 1, Header: h, Body: []byte("c")})
	}
	c.Put("none", Page{Version: 1, Body: []byte("d")})

	a, _ := c.Get("a", 1)
	b, _ := c.Get("b", 1)
	require.True(t, sameMap(a.Header, b.Header))
	require.Equal(t, json(), a.Header)
	require.Len(t, c.headers, 5, "json's, three near misses and the empty one")
	none, _ := c.Get("none", 1)
	require.Nil(t, none.Header)

	c.remove(c.byKey["a"])
	require.Len(t, c.headers, 5, "b still has it")
	c.remove(c.byKey["b"])
	require.Len(t, c.headers, 4, "a form goes with its last page")
	c.Clear()
	require.Empty(t, c.headers)
}
