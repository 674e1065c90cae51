package cleverapp_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// settings patches the tenant's CleverApp settings and returns the answer.
func settings(t *testing.T, f *fakebotstest.Fake, patch string) *fakebotstest.Response {
	t.Helper()
	return f.Do(t, http.MethodPatch, "/__fakebots/tenants/"+f.Tenant.ID+"/cleverapp/settings", patch)
}

func TestSettingsDefaultsAndChanges(t *testing.T) {
	f := newFake(t)
	got := f.Do(t, http.MethodGet, "/__fakebots/tenants/"+f.Tenant.ID+"/cleverapp/settings", nil)
	require.Equal(t, http.StatusOK, got.Status)
	require.JSONEq(t, `{"rate_limits":"documented","contact_variables":"on_request"}`, string(got.Body))

	changed := settings(t, f, `{"rate_limits":"laravel"}`)
	require.Equal(t, http.StatusOK, changed.Status)
	require.JSONEq(t, `{"rate_limits":"laravel","contact_variables":"on_request"}`, string(changed.Body))

	for _, tt := range []struct{ body, err string }{
		{`{"rate_limits":"nginx"}`, `settings: rate_limits must be \"documented\" or \"laravel\"`},
		{`{"contact_variables":"sometimes"}`, `settings: contact_variables must be \"on_request\" or \"always\"`},
		{`{"rate_limit":"laravel"}`, `settings: json: unknown field \"rate_limit\"`},
	} {
		r := settings(t, f, tt.body)
		require.Equal(t, http.StatusBadRequest, r.Status, tt.body)
		require.JSONEq(t, `{"error":"`+tt.err+`"}`, string(r.Body), tt.body)
	}
	onebot := f.Do(t, http.MethodGet, "/__fakebots/tenants/"+f.Tenant.ID+"/onebot/settings", nil)
	require.JSONEq(t, `{"rate_limits":"documented","contact_variables":"on_request"}`, string(onebot.Body), "each brand has its own")
}

// burst sends n getMe calls at one instant of a frozen clock.
func burst(t *testing.T, f *fakebotstest.Fake, n int) (statuses []int, limit string) {
	t.Helper()
	for i := 0; i < n; i++ {
		r := call(t, f, http.MethodGet, "getMe", nil)
		statuses = append(statuses, r.Status)
		limit = r.Header.Get("X-RateLimit-Limit")
	}
	return statuses, limit
}

func TestRateLimitsReadAsDocumentedOrAsLaravels(t *testing.T) {
	f := fakebotstest.New(t) // rate limits on
	f.Do(t, http.MethodPost, "/__fakebots/tenants/"+f.Tenant.ID+"/clock/freeze", nil)

	statuses, _ := burst(t, f, 3)
	require.Equal(t, []int{200, 200, 429}, statuses, "seed 000: 2 a second")

	require.Equal(t, http.StatusOK, settings(t, f, `{"rate_limits":"laravel"}`).Status)
	f.Do(t, http.MethodPost, "/__fakebots/tenants/"+f.Tenant.ID+"/clock/advance", `{"by":"1m"}`)
	statuses, limit := burst(t, f, 121)
	require.Equal(t, "120", limit)
	for i, s := range statuses[:120] {
		require.Equal(t, http.StatusOK, s, "call %d: throttle:120,1 has no per-second window", i+1)
	}
	require.Equal(t, http.StatusTooManyRequests, statuses[120], "the 121st in the minute")

	// Per-method limits stay: WhatsApp's one a second.
	f.Do(t, http.MethodPost, "/__fakebots/tenants/"+f.Tenant.ID+"/clock/advance", `{"by":"1m"}`)
	wa := func() int {
		return call(t, f, http.MethodPost, "sendMessageToWhatsApp",
			map[string]any{"bot_id": f.Tenant.CleverApp.BotID, "phone": "79991234567", "text": "hi"}).Status
	}
	require.Equal(t, http.StatusOK, wa())
	require.Equal(t, http.StatusTooManyRequests, wa())
}

func TestContactVariablesOnRequestOrAlways(t *testing.T) {
	f := newFake(t, fakebotstest.WithFixture(map[string]any{"cleverapp": map[string]any{
		"bots": []any{map[string]any{"name": "Shop", "messenger": "telegram", "variables": []any{"Город"}, "contacts": 2}},
	}}))
	page := func(query string) string {
		r := f.Do(t, http.MethodGet, f.Tenant.CleverApp.BaseURL+"/getContacts?api_token="+f.Tenant.CleverApp.APIToken+"&"+query, nil,
			"X-Requested-With", "XMLHttpRequest")
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		return string(r.Body)
	}
	require.NotContains(t, page(""), `"variables"`, "documented: only with=variables")
	require.Equal(t, 2, strings.Count(page("with=variables"), `"variables":[`))

	require.Equal(t, http.StatusOK, settings(t, f, `{"contact_variables":"always"}`).Status)
	require.Equal(t, 2, strings.Count(page(""), `"variables":[`), "every item, unasked")
	withTags := page("with=tags")
	require.Equal(t, 2, strings.Count(withTags, `"variables":[`))
	require.Equal(t, 2, strings.Count(withTags, `"tags":[`))
}

func TestSettingsFromTheFixture(t *testing.T) {
	f := newFake(t, fakebotstest.WithFixture(map[string]any{"cleverapp": map[string]any{"settings": map[string]any{"contact_variables": "always"}}}))
	got := f.Do(t, http.MethodGet, "/__fakebots/tenants/"+f.Tenant.ID+"/cleverapp/settings", nil)
	require.JSONEq(t, `{"rate_limits":"documented","contact_variables":"always"}`, string(got.Body))

	bad := f.Server.Do(t, http.MethodPost, "/__fakebots/tenants", `{"fixture":{"cleverapp":{"settings":{"rate_limits":"x"}}}}`)
	require.Equal(t, http.StatusBadRequest, bad.Status)
	require.JSONEq(t, `{"error":"fixture: cleverapp: settings: rate_limits must be \"documented\" or \"laravel\""}`, string(bad.Body))
}
