package journal

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPackKeepsAnEntryAsAdded: what the journal packs reads back equal,
// nil and empty maps and value lists apart, the strings copied.
func TestPackKeepsAnEntryAsAdded(t *testing.T) {
	line := []byte("GET/v1/a?b=1")
	for _, e := range []Entry{
		{},
		{Request: Request{Headers: http.Header{}}, Response: Response{Headers: http.Header{}}},
		{
			ID: 7, TenantID: "t1", Platform: "bothelp", Operation: "getSubscribers", Fault: "f1",
			Miss: &Miss{Reason: InvalidInput, Detail: "limit"},
			Request: Request{
				Method: string(line[:3]), Host: "api.bothelp.io", Path: string(line[3:8]), Query: string(line[9:]),
				Headers: http.Header{"Authorization": {"Bearer x"}, "X-Many": {"1", "", "3"}, "X-None": nil, "X-Empty": {}, "Ключ": {"\x00\xff" + string(make([]byte, 300))}},
				Body:    `{"a":1}`, QueryTruncated: true,
			},
			Response: Response{Status: 422, Headers: http.Header{"Content-Type": {"application/json"}}, Body: `{"error":1}`, BodyHeld: 40},
		},
		{ID: 10, Request: Request{Headers: http.Header{"X-Long": {string(make([]byte, 128))}}}}, // a length whose varint's first byte is 0x80
		{ID: 8, Fault: "drop"},                                // a fault without a miss
		{ID: 9, Miss: &Miss{Reason: NoPlatform, Detail: "x"}}, // a miss without a fault
	} {
		k := pack(&e)
		require.Equal(t, e, k.entry())
		require.Equal(t, e.Size(), k.size)
	}

	body := []byte(`{"name":"first"}`)
	e := Entry{}
	e.Request.Body, _ = CutBytes(body)
	k := pack(&e)
	copy(body, `{"name":"other"}`)
	require.Equal(t, `{"name":"first"}`, k.entry().Request.Body, "the journal keeps its own copy of a view")
}
