package faults_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/faults"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name      string
		fault     faults.Fault
		err       string // "" when valid
		wantCount int    // after a successful Validate
	}{
		{"status only", faults.Fault{Platform: "cleverapp", Status: 500}, "", 1},
		{"delay only", faults.Fault{Platform: "cleverapp", DelayMS: 1500}, "", 1},
		{"drop only", faults.Fault{Platform: "cleverapp", Drop: true}, "", 1},
		{"status with delay", faults.Fault{Platform: "cleverapp", Status: 503, DelayMS: 10}, "", 1},
		{"drop with delay", faults.Fault{Platform: "cleverapp", Drop: true, DelayMS: 10}, "", 1},
		{"count kept", faults.Fault{Platform: "cleverapp", Status: 500, Count: 3}, "", 3},
		{"lowest status", faults.Fault{Platform: "cleverapp", Status: 100}, "", 1},
		{"highest status", faults.Fault{Platform: "cleverapp", Status: 599}, "", 1},
		{"longest delay", faults.Fault{Platform: "cleverapp", DelayMS: 600000}, "", 1},
		{"JSON object body", faults.Fault{Platform: "cleverapp", Status: 500, Body: json.RawMessage(`{"a":1}`)}, "", 1},
		{"JSON string body", faults.Fault{Platform: "cleverapp", Status: 500, Body: json.RawMessage(`"oops"`)}, "", 1},
		{"scoped and with headers", faults.Fault{TenantID: "t1", Platform: "salebot", Operation: "message", Status: 502, Headers: map[string]string{"X": "y"}, Body: json.RawMessage(`"bad gateway"`)}, "", 1},

		{"no platform", faults.Fault{Status: 500}, "platform is required", 0},
		{"negative count", faults.Fault{Platform: "cleverapp", Status: 500, Count: -1}, "count must not be negative", 0},
		{"nothing to do", faults.Fault{Platform: "cleverapp"}, "one of status, delay_ms or drop is required", 0},
		{"nothing to do but a body", faults.Fault{Platform: "cleverapp", Body: json.RawMessage(`{}`)}, "one of status, delay_ms or drop is required", 0},
		{"status too low", faults.Fault{Platform: "cleverapp", Status: 99}, "status must be an HTTP status code", 0},
		{"status too high", faults.Fault{Platform: "cleverapp", Status: 600}, "status must be an HTTP status code", 0},
		{"negative status", faults.Fault{Platform: "cleverapp", Status: -200}, "status must be an HTTP status code", 0},
		{"negative delay", faults.Fault{Platform: "cleverapp", Status: 500, DelayMS: -1}, "delay_ms must be between 0 and 600000", 0},
		{"delay too long", faults.Fault{Platform: "cleverapp", DelayMS: 600001}, "delay_ms must be between 0 and 600000", 0},
		{"drop and status", faults.Fault{Platform: "cleverapp", Status: 500, Drop: true}, "drop and status exclude each other", 0},
		{"body not JSON", faults.Fault{Platform: "cleverapp", Status: 500, Body: json.RawMessage(`oops`)}, "body must be JSON", 0},
		{"body truncated JSON", faults.Fault{Platform: "cleverapp", Status: 500, Body: json.RawMessage(`{"a":`)}, "body must be JSON", 0},
		{"first failure wins", faults.Fault{Count: -1}, "platform is required", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.fault
			err := f.Validate()
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				require.Equal(t, tt.fault.Count, f.Count, "a rejected fault is not changed")
				return
			}
			require.NoError(t, err)
			want := tt.fault
			want.Count = tt.wantCount
			require.Equal(t, want, f, "only a zero count changes: the body and the rest are kept")
		})
	}
}

func TestBodyBytes(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"string sent as its text", `"Server Error"`, `Server Error`},
		{"string with escapes decoded", `"line\n\"quoted\" \u041f"`, "line\n\"quoted\" П"},
		{"string holding JSON sent as that text", `"{\"a\":1}"`, `{"a":1}`},
		{"HTML string", `"<html><body>502 Bad Gateway</body></html>"`, `<html><body>502 Bad Gateway</body></html>`},
		{"object verbatim", `{"message": "Too Many Attempts.",  "b":[1, 2]}`, `{"message": "Too Many Attempts.",  "b":[1, 2]}`},
		{"array verbatim", `[1,"a"]`, `[1,"a"]`},
		{"number verbatim", `42`, `42`},
		{"boolean verbatim", `false`, `false`},
		{"empty", ``, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := faults.Fault{Body: json.RawMessage(tt.body)}
			require.Equal(t, tt.want, string(f.BodyBytes()))
		})
	}
}

func TestHeader(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		headers map[string]string
		want    http.Header
	}{
		{"no body, no headers", ``, nil, http.Header{}},
		{"JSON object body", `{"a":1}`, nil, http.Header{"Content-Type": {"application/json"}}},
		{"JSON array body", `[]`, nil, http.Header{"Content-Type": {"application/json"}}},
		{"string body", `"oops"`, nil, http.Header{"Content-Type": {"text/plain; charset=utf-8"}}},
		{"named content type wins", `"<h1>x</h1>"`, map[string]string{"content-type": "text/html"},
			http.Header{"Content-Type": {"text/html"}}},
		{"other headers kept, canonicalised", `{}`, map[string]string{"retry-after": "30", "X-Custom": "v"},
			http.Header{"Retry-After": {"30"}, "X-Custom": {"v"}, "Content-Type": {"application/json"}}},
		{"headers without a body", ``, map[string]string{"Retry-After": "5"}, http.Header{"Retry-After": {"5"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := faults.Fault{Body: json.RawMessage(tt.body), Headers: tt.headers}
			require.Equal(t, tt.want, f.Header())
		})
	}
}

func TestDelay(t *testing.T) {
	require.Equal(t, 1500*time.Millisecond, (&faults.Fault{DelayMS: 1500}).Delay())
	require.Equal(t, time.Duration(0), (&faults.Fault{}).Delay())
}

func TestAddAssignsIDs(t *testing.T) {
	var s faults.Set
	a := s.Add(faults.Fault{ID: "mine", Platform: "cleverapp", Status: 500, Count: 1})
	b := s.Add(faults.Fault{Platform: "onebot", Status: 500, Count: 1})
	require.Equal(t, "f1", a.ID)
	require.Equal(t, "f2", b.ID)
	require.Equal(t, "onebot", b.Platform)
	list := s.List("")
	require.Len(t, list, 2)
	require.Equal(t, "f1", list[0].ID)
	require.Equal(t, "f2", list[1].ID)
}

func TestTakeConsumesInOrder(t *testing.T) {
	var s faults.Set
	s.Add(faults.Fault{Platform: "cleverapp", Status: 500, Count: 2}) // f1
	s.Add(faults.Fault{Platform: "cleverapp", Status: 503, Count: 1}) // f2

	steps := []struct {
		id      string
		status  int
		count   int
		matched int
		left    []string
	}{
		{"f1", 500, 1, 1, []string{"f1", "f2"}},
		{"f1", 500, 0, 2, []string{"f2"}},
		{"f2", 503, 0, 1, []string{}},
	}
	for i, st := range steps {
		f, ok := s.Take("t1", "cleverapp", "me")
		require.True(t, ok, "step %d", i)
		require.Equal(t, st.id, f.ID, "step %d", i)
		require.Equal(t, st.status, f.Status, "step %d", i)
		require.Equal(t, st.count, f.Count, "step %d: the copy shows the matches left", i)
		require.Equal(t, st.matched, f.Matched, "step %d", i)
		var left []string
		for _, x := range s.List("") {
			left = append(left, x.ID)
		}
		if len(st.left) == 0 {
			require.Empty(t, left, "step %d", i)
		} else {
			require.Equal(t, st.left, left, "step %d", i)
		}
	}
	_, ok := s.Take("t1", "cleverapp", "me")
	require.False(t, ok, "every fault is used up")
}

func TestTakeReturnsACopy(t *testing.T) {
	var s faults.Set
	s.Add(faults.Fault{Platform: "cleverapp", Status: 500, Count: 3, Headers: map[string]string{"A": "1"}})
	f, ok := s.Take("", "cleverapp", "me")
	require.True(t, ok)
	f.Count = 100
	f.Status = 200
	list := s.List("")
	require.Len(t, list, 1)
	require.Equal(t, 2, list[0].Count)
	require.Equal(t, 1, list[0].Matched)
	require.Equal(t, 500, list[0].Status)
}

func TestTakeMatching(t *testing.T) {
	tests := []struct {
		name      string
		fault     faults.Fault
		tenant    string
		platform  string
		operation string
		match     bool
	}{
		{"platform only matches every operation and tenant", faults.Fault{Platform: "cleverapp"}, "t1", "cleverapp", "sendMessage", true},
		{"platform only, no tenant found", faults.Fault{Platform: "cleverapp"}, "", "cleverapp", "me", true},
		{"other platform", faults.Fault{Platform: "cleverapp"}, "t1", "onebot", "sendMessage", false},
		{"operation matches", faults.Fault{Platform: "cleverapp", Operation: "sendMessage"}, "t1", "cleverapp", "sendMessage", true},
		{"operation differs", faults.Fault{Platform: "cleverapp", Operation: "sendMessage"}, "t1", "cleverapp", "me", false},
		{"operation is case-sensitive", faults.Fault{Platform: "cleverapp", Operation: "sendMessage"}, "t1", "cleverapp", "sendmessage", false},
		{"tenant matches", faults.Fault{Platform: "cleverapp", TenantID: "t1"}, "t1", "cleverapp", "me", true},
		{"tenant differs", faults.Fault{Platform: "cleverapp", TenantID: "t1"}, "t2", "cleverapp", "me", false},
		{"tenant set, request without tenant", faults.Fault{Platform: "cleverapp", TenantID: "t1"}, "", "cleverapp", "me", false},
		{"all three match", faults.Fault{Platform: "salebot", Operation: "message", TenantID: "t9"}, "t9", "salebot", "message", true},
		{"all set, platform differs", faults.Fault{Platform: "salebot", Operation: "message", TenantID: "t9"}, "t9", "bothelp", "message", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s faults.Set
			f := tt.fault
			f.Status, f.Count = 500, 1
			added := s.Add(f)
			got, ok := s.Take(tt.tenant, tt.platform, tt.operation)
			require.Equal(t, tt.match, ok)
			if tt.match {
				require.Equal(t, added.ID, got.ID)
				require.Empty(t, s.List(""))
			} else {
				require.Equal(t, faults.Fault{}, got)
				require.Len(t, s.List(""), 1, "a fault that did not match is not consumed")
			}
		})
	}
}

func TestTakeSkipsNonMatchingOlderFaults(t *testing.T) {
	var s faults.Set
	s.Add(faults.Fault{Platform: "cleverapp", Operation: "me", Status: 500, Count: 1})          // f1
	s.Add(faults.Fault{Platform: "cleverapp", TenantID: "t2", Status: 502, Count: 1})           // f2
	s.Add(faults.Fault{Platform: "cleverapp", Status: 503, Count: 1})                           // f3
	s.Add(faults.Fault{Platform: "cleverapp", Operation: "sendMessage", Status: 504, Count: 1}) // f4

	f, ok := s.Take("t1", "cleverapp", "sendMessage")
	require.True(t, ok)
	require.Equal(t, "f3", f.ID, "the oldest matching one, not the most specific")

	f, ok = s.Take("t1", "cleverapp", "sendMessage")
	require.True(t, ok)
	require.Equal(t, "f4", f.ID)

	_, ok = s.Take("t1", "cleverapp", "sendMessage")
	require.False(t, ok)

	f, ok = s.Take("t2", "cleverapp", "me")
	require.True(t, ok)
	require.Equal(t, "f1", f.ID)
}

func TestListAndRemove(t *testing.T) {
	seed := func() *faults.Set {
		s := &faults.Set{}
		s.Add(faults.Fault{Platform: "cleverapp", TenantID: "t1", Status: 500, Count: 1}) // f1
		s.Add(faults.Fault{Platform: "cleverapp", Status: 500, Count: 1})                 // f2: every tenant
		s.Add(faults.Fault{Platform: "onebot", TenantID: "t2", Status: 500, Count: 1})    // f3
		s.Add(faults.Fault{Platform: "onebot", TenantID: "t1", Status: 500, Count: 1})    // f4
		return s
	}
	listIDs := func(s *faults.Set, tenant string) []string {
		out := []string{}
		for _, f := range s.List(tenant) {
			out = append(out, f.ID)
		}
		return out
	}

	t.Run("list", func(t *testing.T) {
		s := seed()
		require.Equal(t, []string{"f1", "f2", "f3", "f4"}, listIDs(s, ""))
		require.Equal(t, []string{"f1", "f4"}, listIDs(s, "t1"))
		require.Equal(t, []string{"f3"}, listIDs(s, "t2"))
		require.NotNil(t, s.List("nobody"))
		require.Empty(t, s.List("nobody"))
		var empty faults.Set
		require.NotNil(t, empty.List(""), "an empty list, not nil, so it encodes as []")
	})

	tests := []struct {
		name    string
		id      string
		tenant  string
		removed int
		left    []string
	}{
		{"by id", "f3", "", 1, []string{"f1", "f2", "f4"}},
		{"unknown id", "f99", "", 0, []string{"f1", "f2", "f3", "f4"}},
		{"by tenant", "", "t1", 2, []string{"f2", "f3"}},
		{"by id of its tenant", "f4", "t1", 1, []string{"f1", "f2", "f3"}},
		{"by id of another tenant", "f3", "t1", 0, []string{"f1", "f2", "f3", "f4"}},
		{"an every-tenant fault is no tenant's", "f2", "t1", 0, []string{"f1", "f2", "f3", "f4"}},
		{"tenant without faults", "", "nobody", 0, []string{"f1", "f2", "f3", "f4"}},
		{"all", "", "", 4, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := seed()
			require.Equal(t, tt.removed, s.Remove(tt.id, tt.tenant))
			require.Equal(t, tt.left, listIDs(s, ""))
			// Ids are never reused after a removal.
			require.Equal(t, "f5", s.Add(faults.Fault{Platform: "x", Status: 500, Count: 1}).ID)
		})
	}
}

func TestConcurrentTake(t *testing.T) {
	var s faults.Set
	s.Add(faults.Fault{Platform: "cleverapp", Status: 500, Count: 50})
	results := make(chan bool, 100)
	for i := 0; i < 100; i++ {
		go func() {
			_, ok := s.Take("t", "cleverapp", "me")
			results <- ok
		}()
	}
	taken := 0
	for i := 0; i < 100; i++ {
		if <-results {
			taken++
		}
	}
	require.Equal(t, 50, taken, "a fault is taken exactly Count times")
	require.Empty(t, s.List(""))
}
