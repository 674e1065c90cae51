package journal_test

import (
	"bytes"
	"fmt"
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

func ids(entries []journal.Entry) []int64 {
	out := make([]int64, len(entries))
	for i, e := range entries {
		out[i] = e.ID
	}
	return out
}

func TestAddAssignsIDs(t *testing.T) {
	j := journal.New(10)
	e := entry("a", "cleverapp", "me")
	e.ID = 999 // ignored
	j.Add(e)
	j.Add(entry("b", "onebot", "me"))
	got := j.List(journal.Filter{})
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
			j := journal.New(tt.size)
			for i := 0; i < tt.adds; i++ {
				j.Add(entry("a", "cleverapp", fmt.Sprint("op", i+1)))
			}
			got := j.List(journal.Filter{})
			require.Equal(t, tt.wantN, ids(got))
			for _, e := range got {
				require.Equal(t, fmt.Sprint("op", e.ID), e.Operation, "each id keeps its own entry")
			}
		})
	}
}

func TestBoundIsPerTenant(t *testing.T) {
	j := journal.New(2)
	for i := 0; i < 5; i++ {
		j.Add(entry("busy", "cleverapp", "me")) // ids 1..5
	}
	j.Add(entry("quiet", "cleverapp", "me")) // 6
	for i := 0; i < 3; i++ {
		j.Add(entry("", "cleverapp", "me")) // 7..9: requests without a tenant have their own ring
	}
	require.Equal(t, []int64{9, 8, 6, 5, 4}, ids(j.List(journal.Filter{})))
	require.Equal(t, []int64{6}, ids(j.List(journal.Filter{TenantID: "quiet"})))
}

func TestNewestFirstAcrossTenants(t *testing.T) {
	j := journal.New(100)
	tenants := []string{"a", "b", "c", "b", "a", "", "c", "a"}
	for _, tn := range tenants {
		j.Add(entry(tn, "cleverapp", "me"))
	}
	got := j.List(journal.Filter{})
	require.Equal(t, []int64{8, 7, 6, 5, 4, 3, 2, 1}, ids(got))
	for i, e := range got {
		require.Equal(t, tenants[len(tenants)-1-i], e.TenantID)
	}
}

func TestListFilters(t *testing.T) {
	j := journal.New(100)
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
			got := j.List(tt.filter)
			require.NotNil(t, got, "an empty list, not nil, so it encodes as []")
			require.Equal(t, tt.want, ids(got))
		})
	}
}

func TestClear(t *testing.T) {
	seed := func() *journal.Journal {
		j := journal.New(100)
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
			require.Equal(t, tt.kept, ids(j.List(journal.Filter{})))
			require.Equal(t, 0, j.Clear(tt.filter), "a second clear finds nothing")
		})
	}
}

func TestClearWrappedRingKeepsOrderAndBound(t *testing.T) {
	j := journal.New(4)
	ops := []string{"x", "y", "x", "y", "x", "y", "x"} // ids 1..7; the ring holds 4..7 and has wrapped
	for _, op := range ops {
		j.Add(entry("a", "cleverapp", op))
	}
	require.Equal(t, []int64{7, 6, 5, 4}, ids(j.List(journal.Filter{})))

	require.Equal(t, 2, j.Clear(journal.Filter{Operation: "x"})) // drops 5 and 7
	require.Equal(t, []int64{6, 4}, ids(j.List(journal.Filter{})))

	// The ring fills up again and then overwrites its oldest entries.
	for i := 0; i < 2; i++ {
		j.Add(entry("a", "cleverapp", "z")) // 8, 9
	}
	require.Equal(t, []int64{9, 8, 6, 4}, ids(j.List(journal.Filter{})))
	j.Add(entry("a", "cleverapp", "z")) // 10 overwrites 4
	require.Equal(t, []int64{10, 9, 8, 6}, ids(j.List(journal.Filter{})))
	j.Add(entry("a", "cleverapp", "z")) // 11 overwrites 6
	j.Add(entry("a", "cleverapp", "z")) // 12 overwrites 8
	require.Equal(t, []int64{12, 11, 10, 9}, ids(j.List(journal.Filter{})))
}

func TestSizeZeroKeepsNothing(t *testing.T) {
	for _, size := range []int{0, -1} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			j := journal.New(size)
			for i := 0; i < 3; i++ {
				j.Add(entry("a", "cleverapp", "me"))
			}
			got := j.List(journal.Filter{})
			require.NotNil(t, got)
			require.Empty(t, got)
			require.Equal(t, 0, j.Clear(journal.Filter{}))
		})
	}
}

func TestConcurrentAddListClear(t *testing.T) {
	j := journal.New(50)
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
				got := j.List(journal.Filter{TenantID: tenant})
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
	got := j.List(journal.Filter{})
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

func TestTenantBodiesAreBounded(t *testing.T) {
	j := journal.New(1000)
	body := strings.Repeat("x", journal.MaxBody)
	n := journal.MaxTenantBytes/journal.MaxBody + 10
	for i := 0; i < n; i++ {
		j.Add(journal.Entry{TenantID: "t", Response: journal.Response{Body: body}})
	}
	kept := j.List(journal.Filter{TenantID: "t"})
	require.Len(t, kept, journal.MaxTenantBytes/journal.MaxBody, "oldest dropped past the byte budget")
	require.Equal(t, int64(n), kept[0].ID, "the newest stays")
}
