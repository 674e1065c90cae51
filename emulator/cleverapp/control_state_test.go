package cleverapp_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// TestStateTables reads each brand's bots (with their variables, tags and
// contact counts) and lists (with their fields and sizes) as the dashboard
// shows them, byte for byte.
func TestStateTables(t *testing.T) {
	f := newFake(t, fakebotstest.WithFixture("demo"))
	for _, brand := range []string{"cleverapp", "onebot"} {
		for _, table := range []string{"bots", "lists"} {
			assertGolden(t, "state/"+brand+"_"+table+".golden", f.Do(t, http.MethodGet, "/__fakebots/tenants/"+f.Tenant.ID+"/"+brand+"/"+table, nil))
		}
	}
}

// The plan control takes pro or free, nothing else; a free plan forbids
// the API until the account is back on pro.
func TestPlanControlTakesProOrFree(t *testing.T) {
	f := newFake(t)
	plan := func(body string) (int, string) {
		r := f.Do(t, http.MethodPut, "/__fakebots/tenants/"+f.Tenant.ID+"/cleverapp/plan", body, "Content-Type", "application/json")
		return r.Status, string(r.Body)
	}
	refusal := `{"error":"body must be {\"plan\": \"pro\"} or {\"plan\": \"free\"}"}`
	for _, body := range []string{`{"plan":"gold"}`, `{"plan":""}`, `{"plan":`, `"free"`} {
		status, answer := plan(body)
		require.Equal(t, http.StatusBadRequest, status, body)
		require.Equal(t, refusal, answer, body)
	}
	ok(t, f, http.MethodGet, "getMe", nil, nil)
	status, answer := plan(`{"plan":"free"}`)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, `{"plan":"free"}`, answer)
	assertAnswer(t, f, "getMe", call(t, f, http.MethodGet, "getMe", nil), http.StatusForbidden, `{"message":"Forbidden"}`)
	status, answer = plan(`{"plan":"pro"}`)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, `{"plan":"pro"}`, answer)
	ok(t, f, http.MethodGet, "getMe", nil, nil)
}
