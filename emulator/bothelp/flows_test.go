package bothelp_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// flowFixture has a known bot with a step and a known funnel.
var flowFixture = map[string]any{"bothelp": map[string]any{
	"bots":    []map[string]any{{"title": "Курс", "referral": "c1723106923821", "steps": []map[string]any{{"title": "Урок 1", "referral": "1723638253735"}}}},
	"funnels": []map[string]any{{"title": "Прогрев", "referral": "1723000000000"}},
}}

func TestBotRunAndStopByEveryAddress(t *testing.T) {
	f := newFake(t, flowFixture)
	c := newClient(t, f, f.Tenant)
	s := c.seed(fakebotstest.BotHelpSubscriber{Name: "Fb", ChannelType: "facebook", UserID: "7300000000000003"})[0]
	for _, tc := range []struct{ run, stop, path string }{
		{"runBot", "stopBot", "/v1/subscribers/" + itoa(s.ID) + "/bot"},
		{"runBotByCuid", "stopBotByCuid", "/v1/subscribers/cuid/" + s.CUID + "/bot"},
		{"runBotByMessenger", "stopBotByMessenger", "/v2/subscribers/messenger/7300000000000003/bot"},
	} {
		t.Run(tc.run, func(t *testing.T) {
			r := c.call(tc.run, http.MethodPost, tc.path, map[string]any{"botReferral": "c1723106923821", "stepReferral": "1723638253735"})
			assertGolden(t, "success_200.golden", r)
			require.Equal(t, []string{"c1723106923821"}, c.detail(s.ID).RunningBots)

			r = c.call(tc.stop, http.MethodDelete, tc.path, map[string]any{"botReferral": "c1723106923821"})
			assertGolden(t, "success_200.golden", r)
			require.Empty(t, c.detail(s.ID).RunningBots)

			// The query form, and a referral that exists nowhere: still success.
			require.Equal(t, http.StatusOK, c.call(tc.run, http.MethodPost, tc.path, map[string]any{"botReferral": "c0000000000000"}).Status)
			require.Equal(t, http.StatusOK, c.call(tc.stop, http.MethodDelete, tc.path+"?botReferral=c0000000000000", nil).Status)
			require.Empty(t, c.detail(s.ID).RunningBots)
		})
	}
	d := c.detail(s.ID)
	require.Len(t, d.Actions, 12)
	first, stop, unknown := d.Actions[0], d.Actions[1], d.Actions[2]
	require.Equal(t, fakebotstest.BotHelpAction{ID: first.ID, SubscriberID: s.ID, Operation: "runBot", Kind: "bot_run",
		Referral: "c1723106923821", StepReferral: "1723638253735", Known: true, CreatedAt: epoch}, first)
	require.Equal(t, fakebotstest.BotHelpAction{ID: stop.ID, SubscriberID: s.ID, Operation: "stopBot", Kind: "bot_stop",
		Referral: "c1723106923821", Known: true, CreatedAt: epoch}, stop, "a known bot without a step is known")
	require.False(t, unknown.Known)

	var all struct{ Data []fakebotstest.BotHelpAction }
	require.NoError(t, f.Control.Call(context.Background(), http.MethodGet, "/tenants/"+f.Tenant.ID+"/bothelp/actions?kind=bot_stop", nil, &all))
	require.Len(t, all.Data, 6)
}

func TestFunnelAddAndRemoveByEveryAddress(t *testing.T) {
	f := newFake(t, flowFixture)
	c := newClient(t, f, f.Tenant)
	s := c.seed(fakebotstest.BotHelpSubscriber{Name: "Fb", ChannelType: "facebook", UserID: "7300000000000004"})[0]
	for _, tc := range []struct{ add, remove, path string }{
		{"addToFunnel", "removeFromFunnel", "/v1/subscribers/" + itoa(s.ID) + "/funnel"},
		{"addToFunnelByCuid", "removeFromFunnelByCuid", "/v1/subscribers/cuid/" + s.CUID + "/funnel"},
		{"addToFunnelByMessenger", "removeFromFunnelByMessenger", "/v2/subscribers/messenger/7300000000000004/funnel"},
	} {
		t.Run(tc.add, func(t *testing.T) {
			assertGolden(t, "success_200.golden", c.call(tc.add, http.MethodPost, tc.path, map[string]any{"funnelReferral": "1723000000000"}))
			assertGolden(t, "success_200.golden", c.call(tc.add, http.MethodPost, tc.path, map[string]any{"funnelReferral": "unknown"}))
			require.Equal(t, []string{"1723000000000", "unknown"}, c.detail(s.ID).Funnels)
			assertGolden(t, "success_200.golden", c.call(tc.remove, http.MethodDelete, tc.path, map[string]any{"funnelReferral": "1723000000000"}))
			require.Equal(t, []string{"unknown"}, c.detail(s.ID).Funnels, "only the funnel named leaves")
			assertGolden(t, "success_200.golden", c.call(tc.remove, http.MethodDelete, tc.path+"?funnelReferral=unknown", nil))
			require.Empty(t, c.detail(s.ID).Funnels)
		})
	}
	known := 0
	for _, a := range c.detail(s.ID).Actions {
		if a.Known {
			known++
		}
	}
	require.Equal(t, 6, known)
}

func TestFlowRejects(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	s := c.seed(fakebotstest.BotHelpSubscriber{Name: "Иван"})[0]
	bot, funnel := "/v1/subscribers/"+itoa(s.ID)+"/bot", "/v1/subscribers/"+itoa(s.ID)+"/funnel"
	for _, tc := range []struct {
		name, op, method, path, golden string
		body                           any
	}{
		{"stop with an empty body", "stopBot", http.MethodDelete, bot, "json_decode_400.golden", nil},
		{"stop with another query", "stopBot", http.MethodDelete, bot + "?funnelReferral=1", "json_decode_400.golden", nil},
		{"leave with an empty body", "removeFromFunnel", http.MethodDelete, funnel, "json_decode_400.golden", nil},
		{"run with an empty body", "runBot", http.MethodPost, bot, "json_decode_400.golden", nil},
		{"run without a bot", "runBot", http.MethodPost, bot, "bot_referral_missing_400.golden", map[string]any{"stepReferral": "1"}},
		{"stop without a bot", "stopBot", http.MethodDelete, bot, "bot_referral_missing_400.golden", map[string]any{}},
		{"run with a number", "runBot", http.MethodPost, bot, "bot_referral_type_400.golden", map[string]any{"botReferral": 17}},
		{"join without a funnel", "addToFunnel", http.MethodPost, funnel, "funnel_referral_missing_400.golden", map[string]any{"funnelReferral": nil}},
		{"run for nobody", "runBot", http.MethodPost, "/v1/subscribers/404/bot", "subscriber_404.golden", map[string]any{"botReferral": "c1"}},
		{"stop for nobody", "stopBotByCuid", http.MethodDelete, "/v1/subscribers/cuid/x.1/bot", "subscriber_404.golden", map[string]any{"botReferral": "c1"}},
		{"join for a non-Facebook id", "addToFunnelByMessenger", http.MethodPost, "/v2/subscribers/messenger/" + s.UserID + "/funnel", "subscriber_404.golden", map[string]any{"funnelReferral": "1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertGolden(t, tc.golden, c.call(tc.op, tc.method, tc.path, tc.body))
		})
	}
	require.Empty(t, c.detail(s.ID).Actions)
}
