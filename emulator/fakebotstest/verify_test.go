package fakebotstest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// Each count of Verify passes when the calls meet it and otherwise fails
// the test with Errorf (the test goes on), at the line of the test that
// called it, explaining what was expected and what came closest.
func TestVerifyCountsFailTheTestAtTheCallersLine(t *testing.T) {
	f := fakebotstest.New(t)
	require.Equal(t, http.StatusOK, getMe(t, f.Server, f.Tenant).Status)
	call := fmt.Sprintf("#1 GET /t/%s/cleverapp/api/v1/getMe?api_token=%s (cleverapp getMe) → 200", f.ID, f.CleverApp.APIToken)
	getMeCalls := func(tb testing.TB) *fakebotstest.Verification {
		return f.Verify(tb, "cleverapp", "getMe", map[string]any{"api_token": f.CleverApp.APIToken})
	}
	sends := func(tb testing.TB) *fakebotstest.Verification { return f.Verify(tb, "cleverapp", "sendMessage", nil) }

	for _, tc := range []struct {
		name  string
		check func(testing.TB)
		want  []string
	}{
		{"Times met", func(tb testing.TB) { getMeCalls(tb).Times(1) }, nil},
		{"Once met", func(tb testing.TB) { getMeCalls(tb).Once() }, nil},
		{"Never met", func(tb testing.TB) { sends(tb).Never() }, nil},
		{"AtLeast met", func(tb testing.TB) { getMeCalls(tb).AtLeast(1) }, nil},
		{"AtMost met", func(tb testing.TB) { getMeCalls(tb).AtMost(1) }, nil},
		{"Times missed", func(tb testing.TB) { getMeCalls(tb).Times(2) }, []string{
			"fakebotstest: expected exactly 2 matching call of cleverapp getMe from the system under test, got 1\nclosest of 1 calls the system under test made:",
		}},
		{"Once missed", func(tb testing.TB) { sends(tb).Once() }, []string{
			"fakebotstest: expected exactly 1 matching call of cleverapp sendMessage from the system under test, got 0\nclosest of 1 calls the system under test made:\n" +
				"  1. " + call + "  [1 of 2 met]\n       ✗ operation: expected sendMessage, got getMe",
		}},
		{"Never missed", func(tb testing.TB) { getMeCalls(tb).Never() }, []string{
			"fakebotstest: expected exactly 0 matching call of cleverapp getMe from the system under test, got 1\nthe matching calls:\n  " + call,
		}},
		{"AtLeast missed", func(tb testing.TB) { getMeCalls(tb).AtLeast(2) }, []string{
			"fakebotstest: expected at least 2 matching call of cleverapp getMe from the system under test, got 1\nclosest of 1 calls the system under test made:",
		}},
		{"AtMost missed", func(tb testing.TB) { getMeCalls(tb).AtMost(0) }, []string{
			"fakebotstest: expected at most 0 matching call of cleverapp getMe from the system under test, got 1\nthe matching calls:\n  " + call,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, errorsOf(t, tc.check))
		})
	}
}
