package emulator_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// getMeStatus calls CleverApp's getMe with the account's token.
func getMeStatus(t *testing.T, s *fakebotstest.Server, token string) int {
	t.Helper()
	return s.Do(t, http.MethodGet, "/cleverapp/api/v1/getMe?api_token="+token, nil, "X-Requested-With", xhr).Status
}

// TestTenantResetForgetsItsJournalFaultsAndLimits: a tenant's reset drops
// what the emulator keeps of it in memory, and nothing of another tenant's.
func TestTenantResetForgetsItsJournalFaultsAndLimits(t *testing.T) {
	s := fakebotstest.NewServer(t) // the clock stands still: two calls a second
	reset, kept := s.NewTenant(t), s.NewTenant(t)
	for _, tn := range []*fakebotstest.Tenant{reset, kept} {
		require.Equal(t, []int{200, 200, 429}, []int{getMeStatus(t, s, tn.CleverApp.APIToken), getMeStatus(t, s, tn.CleverApp.APIToken), getMeStatus(t, s, tn.CleverApp.APIToken)})
		tn.FailNext(t, fakebotstest.CleverApp, fakebotstest.CleverAppGetBotTags, 1, http.StatusServiceUnavailable, nil)
	}

	require.Equal(t, http.StatusOK, s.Do(t, http.MethodPost, "/__fakebots/tenants/"+reset.ID+"/reset", nil).Status)
	require.Empty(t, reset.Journal(t, fakebotstest.JournalFilter{}))
	require.Empty(t, reset.Faults(t))
	require.Equal(t, http.StatusOK, getMeStatus(t, s, reset.CleverApp.APIToken), "its counters start again")

	require.Len(t, kept.Journal(t, fakebotstest.JournalFilter{}), 3)
	require.Len(t, kept.Faults(t), 1)
	require.Equal(t, http.StatusTooManyRequests, getMeStatus(t, s, kept.CleverApp.APIToken), "another tenant's counters stay")
}

// TestWholeResetForgetsEveryRateLimitCounter: after a whole reset a tenant
// made again with the same id and token starts with fresh limits.
func TestWholeResetForgetsEveryRateLimitCounter(t *testing.T) {
	s := fakebotstest.NewServer(t)
	create := func() {
		r := s.Do(t, http.MethodPost, "/__fakebots/tenants", `{"fixture":{"id":"keep","cleverapp":{"api_token":"keep-token"}}}`)
		require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
	}
	create()
	require.Equal(t, []int{200, 200, 429}, []int{getMeStatus(t, s, "keep-token"), getMeStatus(t, s, "keep-token"), getMeStatus(t, s, "keep-token")})
	require.Equal(t, http.StatusOK, s.Do(t, http.MethodPost, "/__fakebots/reset", nil).Status)
	globalClock(t, s, "/set", map[string]any{"now": fakebotstest.Epoch, "freeze": true}) // the same second as before
	create()
	require.Equal(t, http.StatusOK, getMeStatus(t, s, "keep-token"))
}

// keepTenant creates tenant "keep" with CleverApp token "keep-token".
func keepTenant(t *testing.T, s *fakebotstest.Server) {
	t.Helper()
	r := s.Do(t, http.MethodPost, "/__fakebots/tenants", `{"fixture":{"id":"keep","cleverapp":{"api_token":"keep-token"}}}`)
	require.Equal(t, http.StatusCreated, r.Status, string(r.Body))
}

// TestDeletedTenantIsForgotten: a tenant made again with a deleted one's id
// inherits none of its journal, clock or rate-limit switch.
func TestDeletedTenantIsForgotten(t *testing.T) {
	s := fakebotstest.NewServer(t)
	keepTenant(t, s)
	require.Equal(t, http.StatusOK, getMeStatus(t, s, "keep-token"))
	clockCall(t, s, http.MethodPost, "/__fakebots/tenants/keep/clock/set", map[string]any{"now": "2030-01-01T00:00:00Z", "freeze": true})
	require.Equal(t, http.StatusOK, s.Do(t, http.MethodPut, "/__fakebots/tenants/keep/rate-limits", `{"enabled":false}`).Status)
	require.Equal(t, http.StatusNoContent, s.Do(t, http.MethodDelete, "/__fakebots/tenants/keep", nil).Status)

	keepTenant(t, s)
	require.Equal(t, clockState{Now: fakebotstest.Epoch, Frozen: true}, clockCall(t, s, http.MethodGet, "/__fakebots/tenants/keep/clock", nil), "the global clock again")
	require.JSONEq(t, `{"enabled":true}`, string(s.Do(t, http.MethodGet, "/__fakebots/tenants/keep/rate-limits", nil).Body), "the global switch again")
	require.JSONEq(t, `{"data":[],"next_before":null}`, string(s.Do(t, http.MethodGet, "/__fakebots/tenants/keep/journal", nil).Body))
}

// TestWholeResetRestoresTheSwitchesAndClocks: the global rate-limit switch
// is back on and no tenant keeps a clock of its own.
func TestWholeResetRestoresTheSwitchesAndClocks(t *testing.T) {
	s := fakebotstest.NewServer(t)
	keepTenant(t, s)
	clockCall(t, s, http.MethodPost, "/__fakebots/tenants/keep/clock/set", map[string]any{"now": "2030-01-01T00:00:00Z", "freeze": true})
	require.Equal(t, http.StatusOK, s.Do(t, http.MethodPut, "/__fakebots/rate-limits", `{"enabled":false}`).Status)
	require.Equal(t, http.StatusOK, s.Do(t, http.MethodPost, "/__fakebots/reset", nil).Status)

	require.JSONEq(t, `{"enabled":true}`, string(s.Do(t, http.MethodGet, "/__fakebots/rate-limits", nil).Body))
	globalClock(t, s, "/set", map[string]any{"now": fakebotstest.Epoch, "freeze": true})
	keepTenant(t, s)
	require.Equal(t, clockState{Now: fakebotstest.Epoch, Frozen: true}, clockCall(t, s, http.MethodGet, "/__fakebots/tenants/keep/clock", nil))
}

// TestRateLimitSwitchStartsCountersAgain: switching limits (on again, even)
// lifts a refusal at once, for a tenant or for everyone.
func TestRateLimitSwitchStartsCountersAgain(t *testing.T) {
	s := fakebotstest.NewServer(t)
	tn := s.NewTenant(t)
	token := tn.CleverApp.APIToken
	refused := func() {
		t.Helper()
		require.Equal(t, []int{200, 200, 429}, []int{getMeStatus(t, s, token), getMeStatus(t, s, token), getMeStatus(t, s, token)})
	}
	refused()
	require.Equal(t, http.StatusOK, s.Do(t, http.MethodPut, "/__fakebots/tenants/"+tn.ID+"/rate-limits", `{"enabled":true}`).Status)
	refused()
	require.Equal(t, http.StatusOK, s.Do(t, http.MethodPut, "/__fakebots/rate-limits", `{"enabled":true}`).Status)
	refused()
}
