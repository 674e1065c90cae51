package journal

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// These tests look inside: what they pin is that the journal's bookkeeping
// stays true and its global order stays bounded, which no exported method
// shows (stale places in the order are skipped, they only cost memory).

// checkBooks verifies what the journal's counts must always agree on.
func checkBooks(t *testing.T, j *Journal) {
	t.Helper()
	live, bytes := 0, 0
	for tenant, q := range j.queues {
		require.NotZero(t, q.entries.len(), "tenant %q: an emptied queue is deleted", tenant)
		n := 0
		for i := range q.entries.len() {
			e := q.entries.at(i).entry()
			require.Equal(t, e.Size(), q.entries.at(i).size, "an entry weighs what it weighed when added")
			n += q.entries.at(i).size
		}
		require.Equal(t, n, q.bytes, "tenant %q", tenant)
		live += q.entries.len()
		bytes += n
	}
	require.Equal(t, live, j.live, "live counts the entries held")
	require.Equal(t, bytes, j.bytes)
	held := 0
	for i := range j.order.len() {
		r := j.order.at(i)
		if q := j.queues[r.tenant]; q != nil && q.index(r.id) >= 0 {
			held++
		}
	}
	require.Equal(t, live, held, "every entry held has its place in the order")
}

// ordered is the ids of every place in the global order, stale or not.
func ordered(j *Journal) []int64 {
	out := make([]int64, j.order.len())
	for i := range out {
		out[i] = j.order.at(i).id
	}
	return out
}

func sizedEntry(tenant string, n int) Entry {
	e := Entry{TenantID: tenant}
	e.Response.Body = strings.Repeat("x", n-e.Size())
	return e
}

// TestOrderIsRebuiltAtAThousandPlacesMostlyStale: one tenant keeping one
// entry leaves a stale place per Add; they stay until the order reaches
// 1024 places, then the order is rebuilt to the one entry held.
func TestOrderIsRebuiltAtAThousandPlacesMostlyStale(t *testing.T) {
	j := New(Bounds{Entries: 1})
	for i := 1; i <= 1023; i++ {
		j.Add(Entry{TenantID: "a"})
		require.Equal(t, i, j.order.len(), "after add %d", i)
	}
	checkBooks(t, j)
	j.Add(Entry{TenantID: "a"})
	require.Equal(t, []int64{1024}, ordered(j))
	checkBooks(t, j)
}

// TestOrderIsRebuiltWhenStalePlacesAreHalfOfIt: at 1024 places, half of
// them stale is enough for a rebuild.
func TestOrderIsRebuiltWhenStalePlacesAreHalfOfIt(t *testing.T) {
	j := New(Bounds{Entries: 1})
	for i := 0; i < 512; i++ {
		j.Add(Entry{TenantID: fmt.Sprint("t", i)}) // ids 1..512
	}
	for i := 0; i < 511; i++ {
		j.Add(Entry{TenantID: fmt.Sprint("t", i)}) // 513..1023 replace 1..511
	}
	require.Equal(t, 1023, j.order.len())
	j.Add(Entry{TenantID: "t511"}) // 1024 replaces 512: 1024 places, 512 held
	require.Equal(t, 512, j.order.len())
	want := make([]int64, 512)
	for i := range want {
		want[i] = int64(513 + i)
	}
	require.Equal(t, want, ordered(j), "the places held, oldest first")
	checkBooks(t, j)
}

// TestOrderKeepsStalePlacesWhileLiveOnesOutnumberThem: past 1024 places, a
// few stale ones among many held do not make the order rebuilt; a Clear
// that leaves them outnumbered does.
func TestOrderKeepsStalePlacesWhileLiveOnesOutnumberThem(t *testing.T) {
	j := New(Bounds{Entries: 1})
	for i := 0; i < 1100; i++ {
		j.Add(Entry{TenantID: fmt.Sprint("t", i)}) // ids 1..1100
	}
	j.Add(Entry{TenantID: "t0"}) // 1101 replaces 1
	require.Equal(t, 1101, j.order.len(), "one stale place among 1100 held stays")
	checkBooks(t, j)

	removed := j.Clear(Filter{Match: func(e *Entry) bool { return e.ID <= 600 }}) // 2..600: their tenants go
	require.Equal(t, 599, removed)
	want := make([]int64, 0, 501)
	for id := int64(601); id <= 1101; id++ {
		want = append(want, id)
	}
	require.Equal(t, want, ordered(j), "rebuilt to the 501 places held")
	checkBooks(t, j)
}

// TestTotalBoundDeletesTheQueuesItEmpties: a tenant whose last entry the
// total bound drops is gone, not left as an empty queue.
func TestTotalBoundDeletesTheQueuesItEmpties(t *testing.T) {
	j := New(Bounds{Entries: 10, TenantBytes: 1 << 20, TotalBytes: 2000})
	j.Add(sizedEntry("a", 1000))
	j.Add(sizedEntry("b", 1000))
	j.Add(sizedEntry("b", 1000)) // 3000 held: a's only entry goes
	require.NotContains(t, j.queues, "a")
	require.Equal(t, 2, j.queues["b"].entries.len())
	require.Equal(t, 2, j.live)
	checkBooks(t, j)
}

// TestBooksStayTrueThroughEveryBound: adds past the tenant, byte and total
// bounds and clears, across tenants, keep the counts true.
func TestBooksStayTrueThroughEveryBound(t *testing.T) {
	j := New(Bounds{Entries: 4, TenantBytes: 3500, TotalBytes: 9000})
	for i := 0; i < 3000; i++ {
		j.Add(sizedEntry(fmt.Sprint("t", i%5), 800+(i%7)*100))
		if i%250 == 249 {
			j.Clear(Filter{TenantID: fmt.Sprint("t", i%3)})
		}
		checkBooks(t, j)
		require.LessOrEqual(t, j.bytes, 9000)
		require.True(t, j.order.len() < 1024 || j.order.len() < 2*j.live, "order rebuilt once mostly stale: %d places, %d held", j.order.len(), j.live)
	}
}
