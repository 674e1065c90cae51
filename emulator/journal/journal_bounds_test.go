package journal_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/journal"
)

// text is n bytes of filler, for strings whose length is what matters.
func text(n int) string { return strings.Repeat("x", n) }

// TestBodyOfExactlyMaxBodyIsKeptWhole: the cut starts one byte past MaxBody.
func TestBodyOfExactlyMaxBodyIsKeptWhole(t *testing.T) {
	full := bytes.Repeat([]byte("b"), journal.MaxBody)
	kept, cut := journal.Body(full)
	require.False(t, cut)
	require.Equal(t, string(full), kept)

	kept, cut = journal.Body(append(full, 'c'))
	require.True(t, cut)
	require.Equal(t, string(full), kept, "the byte past MaxBody is the one dropped")

	for _, cutOf := range []func(string) (string, bool){journal.Cut, func(s string) (string, bool) { return journal.CutBytes([]byte(s)) }} {
		kept, cut = cutOf(string(full))
		require.False(t, cut, "a query or body of MaxBody bytes is kept whole")
		require.Equal(t, string(full), kept)
		kept, cut = cutOf(string(full) + "c")
		require.True(t, cut)
		require.Equal(t, string(full), kept)
	}
}

// TestSharedBodyOfExactlyMaxBodyIsNotCut: a shared body of MaxBody bytes is
// kept whole and weighs its length; one byte more and it is cut.
func TestSharedBodyOfExactlyMaxBodyIsNotCut(t *testing.T) {
	full := bytes.Repeat([]byte("s"), journal.MaxBody)
	kept, cut, held := journal.SharedBody(full)
	require.False(t, cut)
	require.Equal(t, string(full), kept)
	require.Equal(t, journal.MaxBody, held)

	kept, cut, held = journal.SharedBody(append(full, 't'))
	require.True(t, cut)
	require.Equal(t, string(full), kept)
	require.Equal(t, journal.MaxBody+1, held)

	kept, cut, held = journal.SharedBody(nil)
	require.Equal(t, "", kept)
	require.False(t, cut)
	require.Equal(t, 0, held)
}

// TestHeadersWeighingExactlyMaxHeadersAreKeptAsTheyAre: a header map whose
// weight (text plus 32 a value) is exactly MaxHeaders is the map itself.
func TestHeadersWeighingExactlyMaxHeadersAreKeptAsTheyAre(t *testing.T) {
	h := http.Header{"K": {text(journal.MaxHeaders - 1 - 32)}}
	kept, cut := journal.Headers(h)
	require.False(t, cut)
	require.Equal(t, h, kept)
}

// TestHeadersCutAfterTheLastValueThatFits: values are kept, in order, while
// the kept text (name and value of each) stays within MaxHeaders; a value
// that ends exactly at MaxHeaders is kept, the next one is not.
func TestHeadersCutAfterTheLastValueThatFits(t *testing.T) {
	const name = "X-Abcdefgh"               // 10 bytes
	half := text(journal.MaxHeaders/2 - 10) // with the name, half of MaxHeaders
	h := http.Header{name: {half, half, text(10)}}
	kept, cut := journal.Headers(h)
	require.True(t, cut)
	require.Equal(t, http.Header{name: {half, half}}, kept)
}

// TestHeadersOverOnlyByTheirOverheadAreNotCut: headers whose text fits in
// MaxHeaders but whose weight does not are kept whole, and not reported
// as truncated: nothing of them was dropped.
func TestHeadersOverOnlyByTheirOverheadAreNotCut(t *testing.T) {
	h := http.Header{"K": {text(journal.MaxHeaders - 1)}} // text exactly MaxHeaders, weight 32 more
	kept, cut := journal.Headers(h)
	require.False(t, cut)
	require.Equal(t, h, kept)
}

// TestMissUnmatched: a request matched no operation when it has a miss
// other than refused input.
func TestMissUnmatched(t *testing.T) {
	var none *journal.Miss
	require.False(t, none.Unmatched(), "no miss: a handler ran")
	require.False(t, (&journal.Miss{Reason: journal.InvalidInput}).Unmatched(), "the operation matched and refused the input")
	for _, reason := range []string{journal.NoPlatform, journal.NoTenant, journal.NoOperation} {
		require.True(t, (&journal.Miss{Reason: reason}).Unmatched(), reason)
	}
}

// fullEntry has every string an entry weighs, each of its own length (a
// power of two), so a field counted wrongly shows in the total.
func fullEntry() journal.Entry {
	return journal.Entry{
		TenantID: text(1), Platform: text(2), Operation: text(4), Fault: text(8),
		Request: journal.Request{
			Method: text(16), Host: text(32), Path: text(64), Query: text(128), Body: text(256),
			Headers: http.Header{"K": {"v"}}, // 1+1+32 = 34
		},
		Response: journal.Response{
			Body:    text(512),
			Headers: http.Header{"Kk": {"vv", "vvv"}}, // (2+2+32) + (2+3+32) = 73
		},
	}
}

// TestSizeWeighsEveryField pins what an entry weighs: 512 of overhead, the
// length of each string, 32 more a header value, the miss's texts, and the
// larger of the response body and what it holds.
func TestSizeWeighsEveryField(t *testing.T) {
	e := fullEntry()
	require.Equal(t, 512+1023+34+73, e.Size())

	e.Miss = &journal.Miss{Reason: text(1024), Closest: text(2048), Expected: text(4096), Detail: text(8192)}
	require.Equal(t, 512+1023+34+73+15360, e.Size(), "a miss weighs its texts")

	e = fullEntry()
	e.Response.BodyHeld = 5000
	require.Equal(t, 512+1023-512+5000+34+73, e.Size(), "a shared body weighs all it holds")
	e.Response.BodyHeld = 100
	require.Equal(t, 512+1023+34+73, e.Size(), "never less than the body kept")

	require.Equal(t, 512, (&journal.Entry{}).Size(), "an empty entry weighs its overhead")
}
