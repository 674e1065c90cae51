package bothelp_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// A BotHelp fixture the account cannot be made from is refused, naming
// what is wrong, and no tenant is created.
func TestFixturesTheAccountCannotBeMadeFromAreRefused(t *testing.T) {
	for _, tc := range []struct{ fixture, refusal string }{
		{`{"colour":"red"}`, `json: unknown field \"colour\"`},
		{`{"cuid_prefix":"Demo"}`, `cuid_prefix must match ^[0-9a-z]{1,16}$`},
		{`{"account_id":-1}`, `account_id and generate.count must not be negative`},
		{`{"generate":{"count":-1}}`, `account_id and generate.count must not be negative`},
		{`{"settings":{"error_format":"xml"}}`, `settings: error_format must be \"envelope\" or \"jsonapi\"`},
		{`{"bots":[{"title":"Курс"},{}]}`, `a bot needs a title`},
		{`{"funnels":[{}]}`, `a funnel needs a title`},
		{`{"subscribers":[{"id":-1}]}`, `subscriber 1: id must be positive`},
		{`{"subscribers":[{},{"cuid":"x.1"}]}`, `subscriber 2: cuid is derived from the id and the account's prefix; leave it out`},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			r := shared.Do(t, http.MethodPost, "/__fakebots/tenants", `{"fixture":{"bothelp":`+tc.fixture+`}}`, "Content-Type", "application/json")
			require.Equal(t, http.StatusBadRequest, r.Status)
			require.Equal(t, `{"error":"fixture: bothelp: `+tc.refusal+`"}`, string(r.Body))
		})
	}
}

// A fixture's client credentials are the account's while the client id is
// free; once another account has it, both are generated.
func TestFixtureClientCredentialsAreKeptWhileFree(t *testing.T) {
	const id = "fixture-client-kept-while-free"
	fixture := map[string]any{"bothelp": map[string]any{"client_id": id, "client_secret": "fixture-secret"}}
	first := newFake(t, fixture).Tenant.BotHelp
	require.Equal(t, id, first.ClientID)
	require.Equal(t, "fixture-secret", first.ClientSecret)

	second := newFake(t, fixture).Tenant.BotHelp
	require.Regexp(t, `^`+strconv.FormatInt(second.AccountID, 10)+`:[0-9a-f]{32}$`, second.ClientID)
	require.Regexp(t, `^`+strconv.FormatInt(second.AccountID, 10)+`:[0-9a-f]{32}$`, second.ClientSecret)
}

// A first bot without steps has no step referral to offer.
func TestFixtureBotWithoutStepsHasNoStepReferral(t *testing.T) {
	bh := newFake(t, map[string]any{"bothelp": map[string]any{"bots": []map[string]any{{"title": "Пустой"}}}}).Tenant.BotHelp
	require.Empty(t, bh.StepReferral)
	require.Empty(t, bh.Bots[0].Steps)
	require.NotEmpty(t, bh.BotReferral)
}

// Fixture referrals are millisecond timestamps from 90 days before the
// tenant was made (on the emulator's clock, which fakebotstest holds at
// its Epoch), moving forward by up to an hour each.
func TestFixtureReferralsStartNinetyDaysBack(t *testing.T) {
	bh := newFake(t, nil).Tenant.BotHelp
	start := fakebotstest.Epoch.Add(-90 * 24 * time.Hour).UnixMilli()
	ms := func(referral string) int64 {
		n, err := strconv.ParseInt(strings.TrimPrefix(referral, "c"), 10, 64)
		require.NoError(t, err)
		return n
	}
	bot, step, funnel := ms(bh.BotReferral), ms(bh.StepReferral), ms(bh.FunnelReferral)
	require.Greater(t, bot, start)
	require.LessOrEqual(t, bot, start+time.Hour.Milliseconds())
	require.Greater(t, step, bot)
	require.LessOrEqual(t, step, bot+time.Hour.Milliseconds())
	require.Greater(t, funnel, step)
	require.LessOrEqual(t, funnel, step+time.Hour.Milliseconds())
}
