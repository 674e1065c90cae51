package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

type clockState struct {
	Now    time.Time `json:"now"`
	Frozen bool      `json:"frozen"`
}

func clockCall(t *testing.T, s *fakebotstest.Server, method, path string, body any) clockState {
	t.Helper()
	r := s.Do(t, method, path, body)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var st clockState
	r.JSON(t, &st)
	return st
}

// salebotOutbox lists a tenant's Salebot messages as "text:status".
func salebotOutbox(t *testing.T, s *fakebotstest.Server, tenant string) []string {
	t.Helper()
	r := s.Do(t, http.MethodGet, "/__fakebots/outbox?platform=salebot&tenant="+tenant, nil)
	require.Equal(t, http.StatusOK, r.Status)
	var out struct {
		Data []struct{ Text, Status string }
	}
	r.JSON(t, &out)
	var got []string
	for _, m := range out.Data {
		got = append(got, m.Text+":"+m.Status)
	}
	return got
}

// TestTenantClocksAreIndependent: two jobs share one emulator, each moves its
// own tenant's time, and a scheduled Salebot send falls due only for the
// tenant whose clock moved.
func TestTenantClocksAreIndependent(t *testing.T) {
	s := newServer(t)
	start := time.Date(2024, 10, 16, 10, 0, 0, 0, time.UTC)
	global := clockCall(t, s, http.MethodGet, "/__fakebots/clock", nil)
	t.Run("jobs", func(t *testing.T) {
		for _, job := range []string{"moves", "waits"} {
			t.Run(job, func(t *testing.T) {
				t.Parallel()
				tn := s.NewTenant(t)
				base := "/__fakebots/tenants/" + tn.ID
				set := clockCall(t, s, http.MethodPost, base+"/clock/set", map[string]any{"now": start, "freeze": true})
				require.Equal(t, clockState{Now: start, Frozen: true}, set)

				var sb struct {
					APIKey string `json:"api_key"`
				}
				require.NoError(t, json.Unmarshal(tn.Raw["salebot"], &sb))
				in := s.Do(t, http.MethodPost, base+"/salebot/inbound", map[string]any{"platform_id": "100" + job, "text": "hi"})
				require.Equal(t, http.StatusCreated, in.Status, string(in.Body))
				var inbound struct {
					ClientID int64 `json:"client_id"`
				}
				in.JSON(t, &inbound)
				sent := s.Do(t, http.MethodPost, fmt.Sprintf("/salebot/api/%s/message", sb.APIKey),
					map[string]any{"client_id": inbound.ClientID, "message": "reminder", "time_shift": 7200})
				require.Equal(t, http.StatusOK, sent.Status, string(sent.Body))
				require.Equal(t, []string{"reminder:scheduled"}, salebotOutbox(t, s, tn.ID))

				if job == "moves" {
					moved := clockCall(t, s, http.MethodPost, base+"/clock/advance", map[string]any{"by": "2h"})
					require.Equal(t, clockState{Now: start.Add(2 * time.Hour), Frozen: true}, moved)
					require.Equal(t, []string{"reminder:delivered"}, salebotOutbox(t, s, tn.ID))
					return
				}
				// The other job's advance is not this tenant's: its reminder waits.
				for i := 0; i < 20; i++ {
					require.Equal(t, clockState{Now: start, Frozen: true}, clockCall(t, s, http.MethodGet, base+"/clock", nil))
					require.Equal(t, []string{"reminder:scheduled"}, salebotOutbox(t, s, tn.ID))
				}
			})
		}
	})
	after := clockCall(t, s, http.MethodGet, "/__fakebots/clock", nil)
	require.False(t, after.Frozen, "the global clock was never frozen")
	require.WithinDuration(t, global.Now, after.Now, time.Minute, "nor moved")
}

func TestTenantClockFollowsTheGlobalOneUntilChanged(t *testing.T) {
	s := newServer(t)
	tn := s.NewTenant(t)
	base := "/__fakebots/tenants/" + tn.ID + "/clock"
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	clockCall(t, s, http.MethodPost, "/__fakebots/clock/set", map[string]any{"now": at, "freeze": true})
	require.Equal(t, clockState{Now: at, Frozen: true}, clockCall(t, s, http.MethodGet, base, nil), "the global default")

	own := clockCall(t, s, http.MethodPost, base+"/advance", map[string]any{"seconds": 30})
	require.Equal(t, clockState{Now: at.Add(30 * time.Second), Frozen: true}, own)
	clockCall(t, s, http.MethodPost, "/__fakebots/clock/advance", map[string]any{"by": "1h"})
	require.Equal(t, own, clockCall(t, s, http.MethodGet, base, nil), "its own time now")

	back := clockCall(t, s, http.MethodPost, base+"/reset", nil)
	require.Equal(t, clockState{Now: at.Add(time.Hour), Frozen: true}, back, "reset: the global clock again")

	resumed := clockCall(t, s, http.MethodPost, base+"/resume", nil)
	require.False(t, resumed.Frozen)
	require.True(t, clockCall(t, s, http.MethodGet, "/__fakebots/clock", nil).Frozen, "resuming a tenant's clock leaves the global one")
}

func TestTenantClockOfAnUnknownTenant(t *testing.T) {
	s := newServer(t)
	for _, call := range []struct{ method, path string }{
		{http.MethodGet, "/clock"}, {http.MethodPost, "/clock/freeze"}, {http.MethodGet, "/rate-limits"},
	} {
		r := s.Do(t, call.method, "/__fakebots/tenants/nope"+call.path, nil)
		require.Equal(t, http.StatusNotFound, r.Status, call.path)
		require.JSONEq(t, `{"error":"tenant not found"}`, string(r.Body), call.path)
	}
}

func TestTenantRateLimitSwitch(t *testing.T) {
	s := newServer(t)
	off, on := s.NewTenant(t), s.NewTenant(t)
	r := s.Do(t, http.MethodPut, "/__fakebots/tenants/"+off.ID+"/rate-limits", `{"enabled":false}`)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.JSONEq(t, `{"enabled":false}`, string(r.Body))
	require.JSONEq(t, `{"enabled":false}`, string(s.Do(t, http.MethodGet, "/__fakebots/tenants/"+off.ID+"/rate-limits", nil).Body))
	require.JSONEq(t, `{"enabled":true}`, string(s.Do(t, http.MethodGet, "/__fakebots/tenants/"+on.ID+"/rate-limits", nil).Body))
	require.JSONEq(t, `{"enabled":true}`, string(s.Do(t, http.MethodGet, "/__fakebots/rate-limits", nil).Body), "the global switch is untouched")

	clockCall(t, s, http.MethodPost, "/__fakebots/clock/freeze", nil)
	statuses := func(tn *fakebotstest.Tenant) ([]int, []string) {
		var got []int
		var remaining []string
		for i := 0; i < 3; i++ {
			r := s.Do(t, http.MethodGet, "/cleverapp/api/v1/getMe?api_token="+tn.CleverApp.APIToken, nil, "X-Requested-With", xhr)
			got, remaining = append(got, r.Status), append(remaining, r.Header["X-Ratelimit-Remaining"]...)
		}
		return got, remaining
	}
	got, remaining := statuses(off)
	require.Equal(t, []int{200, 200, 200}, got)
	require.Empty(t, remaining, "no limits, none reported")
	got, remaining = statuses(on)
	require.Equal(t, []int{200, 200, 429}, got, "2 a second for the tenant that kept its limits")
	require.Equal(t, []string{"119", "118", "0"}, remaining)
}

// TestTenantClockResetDeliversWhatTheGlobalTimeMadeDue: a tenant's clock
// told to follow the global one again, which is past a send of the tenant's,
// delivers it.
func TestTenantClockResetDeliversWhatTheGlobalTimeMadeDue(t *testing.T) {
	s := fakebotstest.NewServer(t)
	tn := s.NewTenant(t)
	tn.SetTime(t, fakebotstest.Epoch)
	scheduleReminder(t, s, tn)
	globalClock(t, s, "/advance", map[string]string{"by": "3h"})
	require.Equal(t, []string{"reminder:scheduled"}, salebotOutbox(t, s, tn.ID), "the tenant's own time stands still")
	clockCall(t, s, http.MethodPost, "/__fakebots/tenants/"+tn.ID+"/clock/reset", nil)
	require.Equal(t, []string{"reminder:delivered"}, salebotOutbox(t, s, tn.ID))
}
