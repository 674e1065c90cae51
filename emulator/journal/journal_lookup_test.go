package journal_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/journal"
)

// sizedOp is sized with an operation, so a filter can tell entries apart.
func sizedOp(tenant, op string, n int) journal.Entry {
	e := journal.Entry{TenantID: tenant, Operation: op}
	e.Response.Body = text(n - e.Size())
	return e
}

// TestEntryFindsAnyTenantsOrOnlyTheNamedOnes: Entry with no tenant finds
// an id in any tenant's entries; with a tenant, only in that tenant's.
func TestEntryFindsAnyTenantsOrOnlyTheNamedOnes(t *testing.T) {
	for run := 0; run < 20; run++ { // the tenants' map order differs from run to run
		j := journal.New(journal.Bounds{Entries: 100})
		for i := 0; i < 50; i++ {
			j.Add(entry(fmt.Sprint("t", i%10), "cleverapp", fmt.Sprint("op", i+1))) // t3 has ids 4, 14, 24, 34, 44
		}
		for id := int64(1); id <= 50; id++ {
			e, ok := j.Entry("", id)
			require.True(t, ok, "id %d", id)
			require.Equal(t, id, e.ID)
			require.Equal(t, fmt.Sprint("op", id), e.Operation)
			require.Equal(t, fmt.Sprint("t", (id-1)%10), e.TenantID)
		}
		for _, id := range []int64{4, 14, 24, 34, 44} {
			e, ok := j.Entry("t3", id)
			require.True(t, ok, "id %d", id)
			require.Equal(t, fmt.Sprint("op", id), e.Operation)
		}
		for _, id := range []int64{0, 3, 5, 45, 51} {
			_, ok := j.Entry("t3", id)
			require.False(t, ok, "id %d is not t3's", id)
		}
		_, ok := j.Entry("", 51)
		require.False(t, ok, "no such id")
		_, ok = j.Entry("nobody", 4)
		require.False(t, ok, "no such tenant")
	}
}

// TestEntryOfADroppedEntryIsGone: an entry a bound dropped is not found.
func TestEntryOfADroppedEntryIsGone(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 2})
	for i := 0; i < 3; i++ {
		j.Add(entry("a", "cleverapp", "me"))
	}
	_, ok := j.Entry("a", 1)
	require.False(t, ok)
	e, ok := j.Entry("a", 2)
	require.True(t, ok)
	require.Equal(t, int64(2), e.ID)
}

// TestClearAfterRemovesOnlyNewerEntries: After narrows Clear as it does
// List: the entry with that id stays.
func TestClearAfterRemovesOnlyNewerEntries(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 100})
	for i := 0; i < 6; i++ {
		j.Add(entry([]string{"a", "b"}[i%2], "cleverapp", "me")) // a has the odd ids
	}
	require.Equal(t, 2, j.Clear(journal.Filter{After: 4}))
	require.Equal(t, []int64{4, 3, 2, 1}, ids(list(j, journal.Filter{})))
	require.Equal(t, 1, j.Clear(journal.Filter{TenantID: "a", After: 1}))
	require.Equal(t, []int64{4, 2, 1}, ids(list(j, journal.Filter{})))
}

// TestClearPartOfATenantFreesJustWhatItRemoved: the journal's bytes drop by
// the weight of the removed entries, not by what the tenant keeps.
func TestClearPartOfATenantFreesJustWhatItRemoved(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 100})
	j.Add(sizedOp("t", "x", 1000))
	j.Add(sizedOp("t", "y", 2000))
	j.Add(sizedOp("t", "x", 1000))
	j.Add(sizedOp("u", "x", 4000))
	require.Equal(t, 8000, j.Bytes())
	require.Equal(t, 2, j.Clear(journal.Filter{TenantID: "t", Operation: "x"}))
	require.Equal(t, 6000, j.Bytes())
	require.Equal(t, []int64{4, 2}, ids(list(j, journal.Filter{})))
}

// TestZeroEntriesRecordsNothingAndTellsNobody: a journal that keeps nothing
// has no entries to announce either.
func TestZeroEntriesRecordsNothingAndTellsNobody(t *testing.T) {
	j := journal.New(journal.Bounds{})
	told := 0
	j.OnAdd(func(journal.Entry) { told++ })
	for i := 0; i < 3; i++ {
		j.Add(entry("a", "cleverapp", "me"))
	}
	require.Equal(t, 0, told)
	require.Equal(t, 0, j.Bytes())
	require.Empty(t, list(j, journal.Filter{}))
}

// TestEntryOverTheTotalBoundStaysAlone: the newest entry stays even when it
// alone weighs more than the total bound; every older one goes.
func TestEntryOverTheTotalBoundStaysAlone(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 10, TenantBytes: 1 << 20, TotalBytes: 5000})
	j.Add(sized("a", 1000))
	j.Add(sized("b", 1000))
	j.Add(sized("c", 8000))
	require.Equal(t, []int64{3}, ids(list(j, journal.Filter{})))
	require.Equal(t, 8000, j.Bytes())
	require.Empty(t, list(j, journal.Filter{TenantID: "a"}))
}

// TestTotalBoundSkipsClearedTenants: a cleared tenant's places in the global
// order are passed over; the total bound drops the oldest entry still held.
func TestTotalBoundSkipsClearedTenants(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 10, TenantBytes: 1 << 20, TotalBytes: 2000})
	j.Add(sized("a", 1000)) // 1
	j.Add(sized("b", 1000)) // 2
	require.Equal(t, 1, j.Clear(journal.Filter{TenantID: "a"}))
	j.Add(sized("c", 1000)) // 3
	j.Add(sized("d", 1000)) // 4: 3000 held, b's 2 goes
	require.Equal(t, []int64{4, 3}, ids(list(j, journal.Filter{})))
	require.Equal(t, 2000, j.Bytes())
}

// TestTotalBoundSkipsEntriesATenantBoundDropped: a place in the global order
// whose entry its tenant's bound already dropped is passed over, not taken
// for that tenant's next entry.
func TestTotalBoundSkipsEntriesATenantBoundDropped(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 1, TenantBytes: 1 << 20, TotalBytes: 2000})
	j.Add(sized("a", 1000)) // 1
	j.Add(sized("b", 1000)) // 2
	j.Add(sized("a", 1000)) // 3: a's bound drops 1
	j.Add(sized("c", 1000)) // 4: 3000 held, b's 2 is the oldest
	require.Equal(t, []int64{4, 3}, ids(list(j, journal.Filter{})))
	require.Equal(t, 2000, j.Bytes())
}

// TestListSeesEveryKeptEntryAsTheOrderIsRebuilt: whenever the global order
// is rebuilt (its dropped places pile up past a thousand), List across
// tenants still finds each kept entry.
func TestListSeesEveryKeptEntryAsTheOrderIsRebuilt(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 3})
	for id := int64(1); id <= 1500; id++ {
		j.Add(entry([]string{"a", "b"}[id%2], "cleverapp", "me"))
		var want []int64
		for k := id; k > 0 && k > id-6; k-- {
			want = append(want, k)
		}
		require.Equal(t, want, ids(list(j, journal.Filter{})), "after add %d", id)
	}
}
