package journal_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/journal"
)

var t0 = time.Date(2024, 5, 17, 12, 0, 0, 0, time.UTC)

func entry(tenant, platform, op string) journal.Entry {
	return journal.Entry{TenantID: tenant, Platform: platform, Operation: op, Time: t0,
		Request: journal.Request{Method: "POST", Path: "/api/v1/" + op}}
}

// list is List without the "more" flag.
func list(j *journal.Journal, f journal.Filter) []journal.Entry {
	out, _ := j.List(f)
	return out
}

func ids(entries []journal.Entry) []int64 {
	out := make([]int64, len(entries))
	for i, e := range entries {
		out[i] = e.ID
	}
	return out
}

func TestAddAssignsIDs(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 10})
	e := entry("a", "cleverapp", "me")
	e.ID = 999 // ignored
	j.Add(e)
	j.Add(entry("b", "onebot", "me"))
	got := list(j, journal.Filter{})
	require.Equal(t, []int64{2, 1}, ids(got))
	require.Equal(t, "b", got[0].TenantID)
	require.Equal(t, "a", got[1].TenantID)
	require.Equal(t, "/api/v1/me", got[1].Request.Path)
}

func TestBoundedPerTenant(t *testing.T) {
	tests := []struct {
		name  string
		size  int
		adds  int
		wantN []int64
	}{
		{"below the bound", 3, 2, []int64{2, 1}},
		{"at the bound", 3, 3, []int64{3, 2, 1}},
		{"one over", 3, 4, []int64{4, 3, 2}},
		{"wrapped twice and more", 3, 8, []int64{8, 7, 6}},
		{"size one", 1, 5, []int64{5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := journal.New(journal.Bounds{Entries: tt.size})
			for i := 0; i < tt.adds; i++ {
				j.Add(entry("a", "cleverapp", fmt.Sprint("op", i+1)))
			}
			got := list(j, journal.Filter{})
			require.Equal(t, tt.wantN, ids(got))
			for _, e := range got {
				require.Equal(t, fmt.Sprint("op", e.ID), e.Operation, "each id keeps its own entry")
			}
		})
	}
}

func TestBoundIsPerTenant(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 2})
	for i := 0; i < 5; i++ {
		j.Add(entry("busy", "cleverapp", "me")) // ids 1..5
	}
	j.Add(entry("quiet", "cleverapp", "me")) // 6
	for i := 0; i < 3; i++ {
		j.Add(entry("", "cleverapp", "me")) // 7..9: requests without a tenant have their own ring
	}
	require.Equal(t, []int64{9, 8, 6, 5, 4}, ids(list(j, journal.Filter{})))
	require.Equal(t, []int64{6}, ids(list(j, journal.Filter{TenantID: "quiet"})))
}

func TestNewestFirstAcrossTenants(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 100})
	tenants := []string{"a", "b", "c", "b", "a", "", "c", "a"}
	for _, tn := range tenants {
		j.Add(entry(tn, "cleverapp", "me"))
	}
	got := list(j, journal.Filter{})
	require.Equal(t, []int64{8, 7, 6, 5, 4, 3, 2, 1}, ids(got))
	for i, e := range got {
		require.Equal(t, tenants[len(tenants)-1-i], e.TenantID)
	}
}

func TestListFilters(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 100})
	adds := []journal.Entry{
		entry("a", "cleverapp", "me"),          // 1
		entry("a", "cleverapp", "sendMessage"), // 2
		entry("b", "cleverapp", "sendMessage"), // 3
		entry("a", "onebot", "sendMessage"),    // 4
		entry("b", "salebot", "message"),       // 5
		entry("", "cleverapp", "me"),           // 6
		entry("a", "cleverapp", "sendMessage"), // 7
	}
	for _, e := range adds {
		j.Add(e)
	}
	tests := []struct {
		name   string
		filter journal.Filter
		want   []int64
	}{
		{"everything", journal.Filter{}, []int64{7, 6, 5, 4, 3, 2, 1}},
		{"tenant", journal.Filter{TenantID: "a"}, []int64{7, 4, 2, 1}},
		{"other tenant", journal.Filter{TenantID: "b"}, []int64{5, 3}},
		{"unknown tenant", journal.Filter{TenantID: "zzz"}, []int64{}},
		{"platform", journal.Filter{Platform: "cleverapp"}, []int64{7, 6, 3, 2, 1}},
		{"operation", journal.Filter{Operation: "sendMessage"}, []int64{7, 4, 3, 2}},
		{"tenant and platform", journal.Filter{TenantID: "a", Platform: "cleverapp"}, []int64{7, 2, 1}},
		{"all three", journal.Filter{TenantID: "a", Platform: "cleverapp", Operation: "sendMessage"}, []int64{7, 2}},
		{"limit", journal.Filter{Limit: 3}, []int64{7, 6, 5}},
		{"limit with a filter", journal.Filter{Operation: "sendMessage", Limit: 2}, []int64{7, 4}},
		{"limit above the count", journal.Filter{TenantID: "b", Limit: 10}, []int64{5, 3}},
		{"negative limit means none", journal.Filter{TenantID: "b", Limit: -1}, []int64{5, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := list(j, tt.filter)
			require.NotNil(t, got, "an empty list, not nil, so it encodes as []")
			require.Equal(t, tt.want, ids(got))
		})
	}
}

func TestClear(t *testing.T) {
	seed := func() *journal.Journal {
		j := journal.New(journal.Bounds{Entries: 100})
		for _, e := range []journal.Entry{
			entry("a", "cleverapp", "me"),          // 1
			entry("a", "cleverapp", "sendMessage"), // 2
			entry("b", "cleverapp", "sendMessage"), // 3
			entry("a", "onebot", "sendMessage"),    // 4
			entry("b", "salebot", "message"),       // 5
			entry("a", "cleverapp", "me"),          // 6
		} {
			j.Add(e)
		}
		return j
	}
	tests := []struct {
		name    string
		filter  journal.Filter
		removed int
		kept    []int64
	}{
		{"everything", journal.Filter{}, 6, []int64{}},
		{"tenant", journal.Filter{TenantID: "a"}, 4, []int64{5, 3}},
		{"platform", journal.Filter{Platform: "cleverapp"}, 4, []int64{5, 4}},
		{"operation in a tenant", journal.Filter{TenantID: "a", Operation: "sendMessage"}, 2, []int64{6, 5, 3, 1}},
		{"nothing matches", journal.Filter{TenantID: "zzz"}, 0, []int64{6, 5, 4, 3, 2, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := seed()
			require.Equal(t, tt.removed, j.Clear(tt.filter))
			require.Equal(t, tt.kept, ids(list(j, journal.Filter{})))
			require.Equal(t, 0, j.Clear(tt.filter), "a second clear finds nothing")
		})
	}
}

func TestClearWrappedRingKeepsOrderAndBound(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 4})
	ops := []string{"x", "y", "x", "y", "x", "y", "x"} // ids 1..7; the ring holds 4..7 and has wrapped
	for _, op := range ops {
		j.Add(entry("a", "cleverapp", op))
	}
	require.Equal(t, []int64{7, 6, 5, 4}, ids(list(j, journal.Filter{})))

	require.Equal(t, 2, j.Clear(journal.Filter{Operation: "x"})) // drops 5 and 7
	require.Equal(t, []int64{6, 4}, ids(list(j, journal.Filter{})))

	// The ring fills up again and then overwrites its oldest entries.
	for i := 0; i < 2; i++ {
		j.Add(entry("a", "cleverapp", "z")) // 8, 9
	}
	require.Equal(t, []int64{9, 8, 6, 4}, ids(list(j, journal.Filter{})))
	j.Add(entry("a", "cleverapp", "z")) // 10 overwrites 4
	require.Equal(t, []int64{10, 9, 8, 6}, ids(list(j, journal.Filter{})))
	j.Add(entry("a", "cleverapp", "z")) // 11 overwrites 6
	j.Add(entry("a", "cleverapp", "z")) // 12 overwrites 8
	require.Equal(t, []int64{12, 11, 10, 9}, ids(list(j, journal.Filter{})))
}

func TestSizeZeroKeepsNothing(t *testing.T) {
	for _, size := range []int{0, -1} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			j := journal.New(journal.Bounds{Entries: size})
			for i := 0; i < 3; i++ {
				j.Add(entry("a", "cleverapp", "me"))
			}
			got := list(j, journal.Filter{})
			require.NotNil(t, got)
			require.Empty(t, got)
			require.Equal(t, 0, j.Clear(journal.Filter{}))
		})
	}
}

func TestConcurrentAddListClear(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 50})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(2)
		tenant := fmt.Sprint("t", w)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				j.Add(entry(tenant, "cleverapp", "me"))
			}
		}()
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				got := list(j, journal.Filter{TenantID: tenant})
				for k := 1; k < len(got); k++ {
					if got[k-1].ID <= got[k].ID {
						t.Errorf("not newest first: %d before %d", got[k-1].ID, got[k].ID)
					}
				}
				if i%10 == 0 {
					j.Clear(journal.Filter{TenantID: "nobody"})
				}
			}
		}()
	}
	wg.Wait()
	got := list(j, journal.Filter{})
	require.Len(t, got, 4*50)
	require.Equal(t, int64(800), got[0].ID, "every Add got a distinct id")
	for k := 1; k < len(got); k++ {
		require.Greater(t, got[k-1].ID, got[k].ID)
	}
}

func TestBodyKeepsAtMostMaxBody(t *testing.T) {
	short, cut := journal.Body([]byte("ok"))
	require.Equal(t, "ok", short)
	require.False(t, cut)
	long := bytes.Repeat([]byte("я"), journal.MaxBody)
	kept, cut := journal.Body(long)
	require.True(t, cut)
	require.Len(t, kept, journal.MaxBody)
	require.Equal(t, string(long[:journal.MaxBody]), kept)
}

func TestSharedBodyIsWeighedByWhatItHolds(t *testing.T) {
	page := bytes.Repeat([]byte("x"), 3*journal.MaxBody)
	kept, cut, held := journal.SharedBody(page)
	require.True(t, cut)
	require.Equal(t, string(page[:journal.MaxBody]), kept)
	require.Equal(t, len(page), held)

	j := journal.New(journal.Bounds{Entries: 1000, TenantBytes: 10 * journal.MaxBody})
	for range 10 {
		e := entry("t", "salebot", "get_clients")
		e.Response.Body, e.Response.BodyTruncated, e.Response.BodyHeld = journal.SharedBody(page)
		j.Add(e)
	}
	require.Len(t, list(j, journal.Filter{TenantID: "t"}), 3, "each entry weighs the whole page it keeps alive")

	small, cut, held := journal.SharedBody([]byte(`{"ok":1}`))
	require.Equal(t, `{"ok":1}`, small)
	require.False(t, cut)
	require.Equal(t, 8, held)
}

// sized is an entry whose response body makes it weigh exactly n bytes.
func sized(tenant string, n int) journal.Entry {
	e := journal.Entry{TenantID: tenant}
	e.Response.Body = strings.Repeat("x", n-e.Size())
	return e
}

func TestTenantBytesAreBounded(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 1000, TenantBytes: 10_000})
	for i := 0; i < 25; i++ {
		j.Add(sized("t", 1000))
	}
	kept := list(j, journal.Filter{TenantID: "t"})
	require.Equal(t, []int64{25, 24, 23, 22, 21, 20, 19, 18, 17, 16}, ids(kept), "oldest dropped past the byte budget")
	require.Equal(t, 10_000, j.Bytes())

	// One entry over the whole budget still stays, alone: the newest always does.
	j.Add(sized("t", 50_000))
	require.Equal(t, []int64{26}, ids(list(j, journal.Filter{TenantID: "t"})))
}

func TestQueryAndHeadersCountAgainstTheBudget(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 1000, TenantBytes: 1 << 20})
	query := strings.Repeat("q", journal.MaxBody)
	headers := http.Header{"X-Big": {strings.Repeat("h", journal.MaxHeaders)}}
	for i := 0; i < 40; i++ {
		e := entry("t", "cleverapp", "me")
		e.Request.Query = query
		e.Request.Headers = headers
		j.Add(e)
	}
	require.LessOrEqual(t, j.Bytes(), 1<<20)
	require.Less(t, len(list(j, journal.Filter{})), 40, "long queries and headers weigh what they hold")
}

func TestTotalBytesDropTheOldestOfAnyTenant(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 1000, TenantBytes: 1 << 20, TotalBytes: 5000})
	for i, tenant := range []string{"a", "b", "a", "c", "", "b", "c"} { // ids 1..7
		j.Add(sized(tenant, 1000))
		require.LessOrEqual(t, j.Bytes(), 5000, "after add %d", i+1)
	}
	require.Equal(t, []int64{7, 6, 5, 4, 3}, ids(list(j, journal.Filter{})))
	require.Equal(t, []int64{3}, ids(list(j, journal.Filter{TenantID: "a"})))
	require.Equal(t, []int64{6}, ids(list(j, journal.Filter{TenantID: "b"})))
}

func TestTotalBoundAfterTenantDropsAndClears(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 2, TenantBytes: 1 << 20, TotalBytes: 8000})
	for i := 0; i < 3000; i++ { // the tenant bound drops most: stale places in the global order pile up
		j.Add(sized(fmt.Sprint("t", i%3), 1000))
	}
	require.Equal(t, 6000, j.Bytes(), "two entries of each of three tenants")
	j.Clear(journal.Filter{TenantID: "t0"})
	require.Equal(t, 4000, j.Bytes())
	for i := 0; i < 4; i++ {
		j.Add(sized("t0", 1000)) // 3001..3004: t0 keeps 3003, 3004
	}
	require.Equal(t, 6000, j.Bytes())
	j.Add(sized("t3", 3000)) // 3005: the oldest of any tenant goes (t1's 2996)
	require.Equal(t, 8000, j.Bytes())
	require.Equal(t, []int64{3005, 3004, 3003, 3000, 2999, 2997}, ids(list(j, journal.Filter{})))
}

func TestClearOneTenantAmongSeveral(t *testing.T) {
	for run := 0; run < 20; run++ { // the tenants' map order differs from run to run
		j := journal.New(journal.Bounds{Entries: 100})
		for i := 0; i < 12; i++ {
			j.Add(sized(fmt.Sprint("t", i%4), 1000))
		}
		require.Equal(t, 3, j.Clear(journal.Filter{TenantID: "t2"}))
		require.Equal(t, 9000, j.Bytes(), "the budget counts what is left")
		for _, e := range list(j, journal.Filter{}) {
			require.NotEqual(t, "t2", e.TenantID)
		}
		require.Len(t, list(j, journal.Filter{}), 9)
	}
}

func TestPages(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 100})
	for i := 0; i < 10; i++ {
		j.Add(entry([]string{"a", "b"}[i%2], "cleverapp", "me")) // a has the odd ids
	}
	page, more := j.List(journal.Filter{Limit: 4})
	require.Equal(t, []int64{10, 9, 8, 7}, ids(page))
	require.True(t, more)
	page, more = j.List(journal.Filter{Limit: 4, Before: 7})
	require.Equal(t, []int64{6, 5, 4, 3}, ids(page))
	require.True(t, more)
	page, more = j.List(journal.Filter{Limit: 4, Before: 3})
	require.Equal(t, []int64{2, 1}, ids(page))
	require.False(t, more)

	page, more = j.List(journal.Filter{TenantID: "a", Limit: 3, Before: 9})
	require.Equal(t, []int64{7, 5, 3}, ids(page))
	require.True(t, more)
	page, more = j.List(journal.Filter{TenantID: "a", Limit: 2, Before: 3})
	require.Equal(t, []int64{1}, ids(page))
	require.False(t, more, "exactly the page: nothing older")
}

func TestMatchNarrowsLikeTheOtherFields(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 100})
	for i := 0; i < 6; i++ {
		e := entry("a", "cleverapp", "me")
		e.Response.Status = 200 + 200*(i%2)
		j.Add(e)
	}
	failed := func(e *journal.Entry) bool { return e.Response.Status >= 400 }
	require.Equal(t, []int64{6, 4, 2}, ids(list(j, journal.Filter{Match: failed})))
	require.Equal(t, 3, j.Clear(journal.Filter{Match: failed}))
	require.Equal(t, []int64{5, 3, 1}, ids(list(j, journal.Filter{})))
}

func TestOnAddSeesEveryEntry(t *testing.T) {
	j := journal.New(journal.Bounds{Entries: 1})
	var seen []int64
	j.OnAdd(func(e journal.Entry) { seen = append(seen, e.ID) })
	for i := 0; i < 3; i++ {
		j.Add(entry("a", "cleverapp", "me"))
	}
	require.Equal(t, []int64{1, 2, 3}, seen, "even those the bound drops at once")
}

func TestHeadersKeepAtMostMaxHeaders(t *testing.T) {
	small := http.Header{"A": {"b"}}
	kept, cut := journal.Headers(small)
	require.False(t, cut)
	require.Equal(t, small, kept)
	big := http.Header{}
	for i := 0; i < 100; i++ {
		big.Set(fmt.Sprint("X-", i), strings.Repeat("v", 1000))
	}
	kept, cut = journal.Headers(big)
	require.True(t, cut)
	n := 0
	for k, vs := range kept {
		for _, v := range vs {
			n += len(k) + len(v)
		}
	}
	require.LessOrEqual(t, n, journal.MaxHeaders)
	require.Greater(t, n, journal.MaxHeaders-1100)
}
