package bothelp_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// controlSubscribers lists every subscriber of the tenant through the
// control API, in ascending id.
func controlSubscribers(t *testing.T, f *fakebotstest.Fake) []fakebotstest.BotHelpSubscriber {
	t.Helper()
	var all []fakebotstest.BotHelpSubscriber
	for {
		var page struct {
			Data []fakebotstest.BotHelpSubscriber
		}
		after := int64(0)
		if len(all) > 0 {
			after = all[len(all)-1].ID
		}
		require.NoError(t, f.Control.Call(context.Background(), http.MethodGet, "/tenants/"+f.Tenant.ID+"/bothelp/subscribers?limit=1000&after="+strconv.FormatInt(after, 10), nil, &page))
		if len(page.Data) == 0 {
			return all
		}
		all = append(all, page.Data...)
	}
}

// Generated subscribers are created oldest first, spread evenly over the
// days before now: 90 unless the request says otherwise.
func TestGeneratedSubscribersSpreadOverTheDaysBeforeNow(t *testing.T) {
	for _, tc := range []struct {
		generate map[string]any
		span     time.Duration
	}{
		{map[string]any{"count": 4}, 90 * 24 * time.Hour},
		{map[string]any{"count": 4, "days": 0}, 90 * 24 * time.Hour},
		{map[string]any{"count": 4, "days": 10}, 10 * 24 * time.Hour},
	} {
		f := newFake(t, nil)
		require.NoError(t, f.Control.Call(context.Background(), http.MethodPost, "/tenants/"+f.Tenant.ID+"/bothelp/subscribers", map[string]any{"generate": tc.generate}, nil))
		var at []time.Time
		for _, s := range controlSubscribers(t, f) {
			at = append(at, s.CreatedAt)
		}
		require.Equal(t, []time.Time{epoch.Add(-tc.span), epoch.Add(-tc.span * 3 / 4), epoch.Add(-tc.span / 2), epoch.Add(-tc.span / 4)}, at, tc.generate)
	}
}

// A fixture's generated subscribers look like an audience: most subscribed,
// most with a phone, many with an e-mail, some with UTM marks, each tag on
// about a third, every custom field filled, and WhatsApp users known by
// their phone. The faker is seeded, so the shares are the same every run;
// the bounds leave room for another seed.
func TestGeneratedSubscribersLookLikeAnAudience(t *testing.T) {
	const n = 2000
	f := newFake(t, map[string]any{"bothelp": map[string]any{"generate": map[string]any{
		"count": n, "channels": []map[string]any{{"type": "whatsapp"}, {"type": "telegram"}},
		"tags": []string{"лид", "купил"}, "custom_fields": []string{"Город"},
	}}})
	subs := controlSubscribers(t, f)
	require.Len(t, subs, n)
	var subscribed, phones, emails, utm, lead, bought, whatsapp int
	for _, s := range subs {
		if *s.Subscribed {
			subscribed++
		}
		if s.Phone != "" {
			phones++
		}
		if s.Email != "" {
			emails++
		}
		if s.UTMSource != "" {
			utm++
			require.NotEmpty(t, s.UTMMedium)
			require.NotEmpty(t, s.UTMCampaign)
		}
		for _, tag := range s.Tags {
			switch tag {
			case "лид":
				lead++
			case "купил":
				bought++
			}
		}
		require.NotEmpty(t, s.CustomFields["Город"])
		require.NotEmpty(t, s.UserID)
		if s.ChannelType == "whatsapp" {
			whatsapp++
			if s.Phone != "" {
				require.Equal(t, s.Phone, s.UserID, "a WhatsApp user is known by the phone")
			}
		}
	}
	share := func(k int) float64 { return float64(k) / n }
	require.InDelta(t, 0.9, share(subscribed), 0.04)
	require.InDelta(t, 0.7, share(phones), 0.04)
	require.InDelta(t, 0.6, share(emails), 0.04)
	require.InDelta(t, 0.3, share(utm), 0.04)
	require.InDelta(t, 1.0/3, share(lead), 0.04)
	require.InDelta(t, 1.0/3, share(bought), 0.04)
	require.InDelta(t, 0.5, share(whatsapp), 0.04)
}
