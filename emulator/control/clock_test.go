package control_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/limits"
	"github.com/fakebots/fakebots/emulator/platform"
)

// A tenant's scheduled work runs once its clock moved; the global clock's
// is the emulator's own business (it watches that clock), and reading a
// clock runs nothing.
func TestMovingATenantsClockRunsItsDueWork(t *testing.T) {
	h := newHarness(t)
	h.expect(t, "POST", "/tenants/acme/clock/advance", `{"by":"90s"}`, http.StatusOK, `{"now":"2026-03-01T09:01:30Z","frozen":true}`)
	require.Equal(t, []string{"acme@09:01:30"}, h.due)
	h.expect(t, "GET", "/tenants/acme/clock", "", http.StatusOK, `{"now":"2026-03-01T09:01:30Z","frozen":true}`)
	h.expect(t, "POST", "/clock/advance", `{"seconds":60}`, http.StatusOK, `{"now":"2026-03-01T09:01:00Z","frozen":true}`)
	require.Equal(t, []string{"acme@09:01:30"}, h.due)
}

// Bodies are read strictly: a field the call does not know is refused as
// such, before the call looks for the fields it needs.
func TestControlBodiesWithUnknownFieldsAreRefused(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct{ method, path, body, field string }{
		{"POST", "/clock/set", `{"at":"2026-03-02T00:00:00Z"}`, "at"},
		{"PUT", "/rate-limits", `{"on":false}`, "on"},
		{"PUT", "/tenants/acme/rate-limits", `{"on":false}`, "on"},
		{"POST", "/faults", `{"platfrom":"alpha"}`, "platfrom"},
	} {
		h.expect(t, tc.method, tc.path, tc.body, http.StatusBadRequest, `{"error":"invalid JSON body: json: unknown field \"`+tc.field+`\""}`)
	}
	require.Empty(t, h.due)
	require.True(t, h.runtime.LimitsEnabled(""))
	h.expect(t, "GET", "/faults", "", http.StatusOK, `{"data":[]}`)
}

// Switching limits, for everyone or for a tenant, lifts the refusals it
// covers at once: those counters start again, others keep counting.
func TestSwitchingLimitsStartsTheirCountersAgain(t *testing.T) {
	h := newHarness(t)
	rule := limits.Rule{Name: "minute", Limit: 1, Window: time.Minute}
	acme, other := platform.LimitKey("acme", "alpha", "k"), platform.LimitKey("other", "alpha", "k")
	refused := func(key string) bool {
		_, refusal := h.limiter.Hit(epoch, key, rule)
		return refusal != nil
	}
	require.False(t, refused(acme))
	require.False(t, refused(other))
	require.True(t, refused(acme))
	require.True(t, refused(other))

	h.expect(t, "PUT", "/tenants/acme/rate-limits", `{"enabled":true}`, http.StatusOK, `{"enabled":true}`)
	require.False(t, refused(acme))
	require.True(t, refused(other))

	h.expect(t, "PUT", "/rate-limits", `{"enabled":true}`, http.StatusOK, `{"enabled":true}`)
	require.False(t, refused(other))
}
