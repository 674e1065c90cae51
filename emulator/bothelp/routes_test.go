package bothelp_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

func TestListsAnswer301ToTheirCanonicalForm(t *testing.T) {
	f := newFake(t, flowFixture)
	c := newClient(t, f, f.Tenant)
	base := f.URL + "/bothelp"
	for _, tc := range []struct{ op, method, path, location string }{
		{"listBots", http.MethodGet, "/v1/bots", "/v1/bots/"},
		{"listFunnels", http.MethodGet, "/v1/funnels", "/v1/funnels/"},
		{"listSubscribers", http.MethodGet, "/v1/subscribers?after=3&email=a@b.c", "/v1/subscribers/?after=3&email=a@b.c"},
		{"listBotSteps", http.MethodGet, "/v1/bots/c1723106923821/steps/", "/v1/bots/c1723106923821/steps"},
		{"listBots", http.MethodHead, "/v1/bots", "/v1/bots/"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			r := c.call(tc.op, tc.method, tc.path, nil)
			require.Equal(t, http.StatusMovedPermanently, r.Status)
			require.Equal(t, base+tc.location, r.Header.Get("Location"), "absolute, query kept")
			require.Equal(t, http.StatusOK, c.call(tc.op, http.MethodGet, tc.location, nil).Status)
		})
	}
	// On the real host, as an unmodified client sees it.
	req, err := http.NewRequest(http.MethodGet, f.URL+"/v1/bots?x=1", nil)
	require.NoError(t, err)
	req.Host = "api.bothelp.io"
	real := exchange(t, req)
	checkSpec(t, f, "listBots", real)
	assertGolden(t, "bots_301.golden", real)

	// Writes are not redirected; unknown paths are 404, known ones 405 for other methods.
	r := c.f.Do(t, http.MethodPatch, "/bothelp/v1/subscribers/1/", `[]`, "Authorization", "Bearer "+c.token)
	assertGolden(t, "route_404.golden", r)
	for _, path := range []string{"/v1/messages", "/v1/subscribers/search/x", "/v1/tags", "/v3/bots/"} {
		require.Equal(t, http.StatusNotFound, c.f.Do(t, http.MethodGet, "/bothelp"+path, nil, "Authorization", "Bearer "+c.token).Status, path)
	}
	assertGolden(t, "subscriber_get_405.golden", c.f.Do(t, http.MethodGet, "/bothelp/v1/subscribers/1", nil, "Authorization", "Bearer "+c.token))
}

func TestCatalogLists(t *testing.T) {
	f := newFake(t, map[string]any{"bothelp": map[string]any{
		"bots": []map[string]any{
			{"title": "Курс", "referral": "c1723106923821", "steps": []any{"Приветствие", map[string]any{"title": "Урок 1", "referral": "1723638253735"}}},
			{"title": "Вебинар", "referral": "c1778263208250"},
		},
		"funnels": []any{map[string]any{"title": "Прогрев", "referral": "1723000000000"}},
	}})
	c := newClient(t, f, f.Tenant)
	assertGolden(t, "bots_200.golden", c.call("listBots", http.MethodGet, "/v1/bots/", nil))
	assertGolden(t, "funnels_200.golden", c.call("listFunnels", http.MethodGet, "/v1/funnels/", nil))
	steps := c.call("listBotSteps", http.MethodGet, "/v1/bots/c1723106923821/steps", nil)
	require.Regexp(t, `^\[\{"title":"Приветствие","referral":"\d{13}"\},\{"title":"Урок 1","referral":"1723638253735"\}\]$`, string(steps.Body))

	require.Equal(t, "[]", string(c.call("listBotSteps", http.MethodGet, "/v1/bots/c1778263208250/steps", nil).Body), "a bot without steps")
	require.Equal(t, "[]", string(c.call("listBotSteps", http.MethodGet, "/v1/bots/c404/steps", nil).Body), "an unknown bot")
	c.settings(map[string]any{"unknown_bot_steps": "not_found"})
	require.Equal(t, "[]", string(c.call("listBotSteps", http.MethodGet, "/v1/bots/c1778263208250/steps", nil).Body))
	assertGolden(t, "bot_404.golden", c.call("listBotSteps", http.MethodGet, "/v1/bots/c404/steps", nil))
}

func TestPerMethodLimitsPerToken(t *testing.T) {
	f := newFake(t, nil, emulator.WithRateLimits(true))
	c := newClient(t, f, f.Tenant)
	s := c.seed(fakebotstest.BotHelpSubscriber{Name: "Иван"})[0]

	for i := 0; i < 10; i++ {
		require.Equal(t, http.StatusOK, c.call("listBots", http.MethodGet, "/v1/bots/", nil).Status, i)
	}
	limited := c.call("listBots", http.MethodGet, "/v1/bots/", nil)
	assertGolden(t, "bots_429.golden", limited)
	require.Equal(t, http.StatusOK, c.call("listFunnels", http.MethodGet, "/v1/funnels/", nil).Status, "another method has its own bucket")

	other := *c
	other.token = f.Tenant.BotHelp.Token(t)
	require.Equal(t, http.StatusOK, other.call("listBots", http.MethodGet, "/v1/bots/", nil).Status, "another token has its own bucket")

	path := "/v1/subscribers/" + itoa(s.ID) + "/bot"
	for i := 0; i < 25; i++ {
		require.Equal(t, http.StatusOK, c.call("runBot", http.MethodPost, path, map[string]any{"botReferral": "c1"}).Status, i)
	}
	require.Equal(t, http.StatusTooManyRequests, c.call("runBot", http.MethodPost, path, map[string]any{"botReferral": "c1"}).Status)
	for i := 0; i < 30; i++ {
		require.Equal(t, http.StatusOK, c.call("listSubscribers", http.MethodGet, "/v1/subscribers/", nil).Status, "no limit is stated for the list")
	}

	f.Advance(t, time.Second)
	require.Equal(t, http.StatusOK, c.call("listBots", http.MethodGet, "/v1/bots/", nil).Status, "a new window")
	require.Equal(t, http.StatusOK, c.call("runBot", http.MethodPost, path, map[string]any{"botReferral": "c1"}).Status)
}

func TestErrorFormatSetting(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	c.settings(map[string]any{"error_format": "jsonapi"})
	assertGolden(t, "subscriber_404_jsonapi.golden", c.call("updateSubscriber", http.MethodPatch, "/v1/subscribers/1", patch{}))

	var bad map[string]any
	err := f.Control.Call(context.Background(), http.MethodPatch, "/tenants/"+f.Tenant.ID+"/bothelp/settings", map[string]any{"error_format": "xml"}, &bad)
	require.ErrorContains(t, err, "400")
	err = f.Control.Call(context.Background(), http.MethodPatch, "/tenants/"+f.Tenant.ID+"/bothelp/settings", map[string]any{"colour": "red"}, &bad)
	require.ErrorContains(t, err, "unknown field")
}
