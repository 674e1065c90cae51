package fakebotstest_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

const xhr = "XMLHttpRequest"

func getMe(t *testing.T, s *fakebotstest.Server, tn *fakebotstest.Tenant) *fakebotstest.Response {
	t.Helper()
	return s.Do(t, http.MethodGet, tn.CleverApp.BaseURL+"/getMe?api_token="+tn.CleverApp.APIToken, nil, "X-Requested-With", xhr)
}

func TestTimeStandsStillUntilTheTestMovesIt(t *testing.T) {
	fake := fakebotstest.New(t)
	require.Equal(t, fakebotstest.ClockState{Now: fakebotstest.Epoch, Frozen: true}, fake.Clock(t))

	require.Equal(t, fakebotstest.Epoch.Add(90*time.Second), fake.Advance(t, 90*time.Second))
	at := time.Date(2030, 2, 3, 4, 5, 6, 0, time.UTC)
	require.Equal(t, at, fake.SetTime(t, at))
	require.Equal(t, at, fake.Now(t))
	require.Equal(t, at, fake.Freeze(t))
	fake.Resume(t)
	require.False(t, fake.Clock(t).Frozen)

	other := fake.Server.NewTenant(t)
	require.Equal(t, fakebotstest.ClockState{Now: fakebotstest.Epoch, Frozen: true}, other.Clock(t), "a tenant's clock is its own")
}

func TestRealTimeFollowsTheMachine(t *testing.T) {
	fake := fakebotstest.New(t, fakebotstest.WithRealTime())
	state := fake.Clock(t)
	require.False(t, state.Frozen)
	require.WithinDuration(t, time.Now(), state.Now, time.Minute)
}

// Three quick calls meet the documented 2 a second on every run; the
// tenant's switch turns limits off for it alone.
func TestRateLimitsAreTheSameOnEveryRun(t *testing.T) {
	s := fakebotstest.NewServer(t)
	tn, other := s.NewTenant(t), s.NewTenant(t)
	for range 3 {
		getMe(t, s, tn)
	}
	require.Equal(t, []int{200, 200, 429}, tn.Journal(t, fakebotstest.JournalFilter{}).Statuses())

	tn.SetRateLimits(t, false)
	require.Equal(t, http.StatusOK, getMe(t, s, tn).Status)
	for range 2 {
		getMe(t, s, other)
	}
	require.Equal(t, http.StatusTooManyRequests, getMe(t, s, other).Status, "the other tenant keeps its limits")
}

func TestParallelTenantsOnOneServer(t *testing.T) {
	s := fakebotstest.NewServer(t)
	for i := 1; i <= 3; i++ {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			tn := s.NewTenant(t)
			tn.FailNext(t, fakebotstest.CleverApp, fakebotstest.CleverAppGetMe, i, http.StatusBadGateway, nil)
			tn.Advance(t, time.Duration(i)*time.Hour)
			for range i + 1 {
				getMe(t, s, tn)
				tn.Advance(t, time.Second)
			}
			want := make([]int, i+1)
			for j := range want {
				want[j] = http.StatusBadGateway
			}
			want[i] = http.StatusOK
			require.Equal(t, want, tn.Journal(t, fakebotstest.JournalFilter{}).Statuses())
			require.Equal(t, fakebotstest.Epoch.Add(time.Duration(i)*time.Hour+time.Duration(i+1)*time.Second), tn.Now(t))
		})
	}
}

func TestFaultsJournalAndUnmatched(t *testing.T) {
	fake := fakebotstest.New(t, fakebotstest.WithFixture("demo"))
	fake.SetRateLimits(t, false)
	text := fake.FailNext(t, fakebotstest.CleverApp, fakebotstest.CleverAppGetMe, 1, http.StatusBadGateway, "<html>Bad Gateway</html>")
	jsonFault := fake.FailNext(t, fakebotstest.CleverApp, "", 2, http.StatusServiceUnavailable, map[string]string{"message": "down"})
	require.Len(t, fake.Faults(t), 2)
	require.Equal(t, "fakebotstest: fault body: json: unsupported type: chan int",
		fatal(t, func(tb testing.TB) {
			fake.FailNext(tb, fakebotstest.CleverApp, "", 1, http.StatusBadGateway, make(chan int))
		}))

	first := getMe(t, fake.Server, fake.Tenant)
	require.Equal(t, "<html>Bad Gateway</html>", string(first.Body))
	require.Equal(t, `{"message":"down"}`, string(getMe(t, fake.Server, fake.Tenant).Body))
	fake.ClearFaults(t)
	require.Empty(t, fake.Faults(t))
	require.Equal(t, http.StatusOK, getMe(t, fake.Server, fake.Tenant).Status)
	fake.Do(t, http.MethodPost, fake.CleverApp.BaseURL+"/sendMesage?api_token="+fake.CleverApp.APIToken, nil, "X-Requested-With", xhr)

	all := fake.Journal(t, fakebotstest.JournalFilter{Platform: fakebotstest.CleverApp})
	require.Equal(t, []string{text.ID, jsonFault.ID, "", ""}, all.Faults())
	require.Equal(t, []fakebotstest.Operation{fakebotstest.CleverAppGetMe, fakebotstest.CleverAppGetMe, fakebotstest.CleverAppGetMe, ""}, all.Operations())
	require.Equal(t, []int{502, 503}, fake.Journal(t, fakebotstest.JournalFilter{Status: "5xx"}).Statuses())
	require.Len(t, fake.Journal(t, fakebotstest.JournalFilter{Text: "sendMesage"}), 1)

	unmatched := fake.Unmatched(t)
	require.Len(t, unmatched, 1)
	require.Equal(t, "sendMessage", unmatched[0].Miss.Closest)
}

func TestFixtureOptions(t *testing.T) {
	fake := fakebotstest.New(t, fakebotstest.WithFixtureYAML("cleverapp:\n  bots: [{name: Shop, messenger: viber}]\n"))
	require.Equal(t, []fakebotstest.Bot{{ID: fake.CleverApp.BotID, Name: "Shop", Messenger: "viber"}}, fake.CleverApp.Bots)

	_, err := fakebotstest.Start(fakebotstest.WithFixture("cleverapp:\n  plan: free\n"))
	require.ErrorContains(t, err, "unknown fixture", "a string is a fixture's name, never YAML")
	_, err = fakebotstest.Start(fakebotstest.WithFixture(42))
	require.ErrorContains(t, err, "not an object")
	_, err = fakebotstest.Start(fakebotstest.WithFixtureYAML("- a list"))
	require.ErrorContains(t, err, "mapping")

	s := fakebotstest.NewServer(t)
	require.Contains(t, fatal(t, func(tb testing.TB) { s.NewTenant(tb, fakebotstest.WithRealTime()) }), "WithRealTime configures a server")
	require.Contains(t, fatal(t, func(tb testing.TB) { s.NewTenant(tb, fakebotstest.WithFixture("nope")) }), `unknown fixture \"nope\"`)
}

// With a control token the helpers use the tenant's own token: the
// emulator-wide API stays closed to a caller without one.
func TestControlTokenGuardsTheAPI(t *testing.T) {
	fake := fakebotstest.New(t, fakebotstest.WithControlToken("secret"))
	getMe(t, fake.Server, fake.Tenant)
	require.Len(t, fake.Journal(t, fakebotstest.JournalFilter{}), 1)
	require.Equal(t, http.StatusUnauthorized, fake.Do(t, http.MethodGet, "/__fakebots/journal", nil).Status)
	require.NoError(t, fake.Control.Call(t.Context(), http.MethodGet, "/journal", nil, nil), "the server's client has the token")
	require.Regexp(t, `^ct_`, fake.ControlToken)
}

func TestPlanAndReset(t *testing.T) {
	fake := fakebotstest.New(t)
	token := fake.Onebot.APIToken
	fake.Onebot.SetPlan(t, "free")
	require.Equal(t, "free", fake.Onebot.Plan)
	r := fake.Do(t, http.MethodGet, fake.Onebot.BaseURL+"/getMe?api_token="+token, nil, "X-Requested-With", xhr)
	require.Equal(t, http.StatusForbidden, r.Status)

	fake.Reset(t)
	require.Equal(t, "pro", fake.Onebot.Plan)
	require.Equal(t, token, fake.Onebot.APIToken, "a reset keeps the credentials")
	r = fake.Do(t, http.MethodGet, fake.Onebot.BaseURL+"/getMe?api_token="+token, nil, "X-Requested-With", xhr)
	require.Equal(t, http.StatusOK, r.Status)
}

func TestSalebotHelpers(t *testing.T) {
	fake := fakebotstest.New(t)
	sb := &fake.Salebot
	key := sb.CreateKey(t, "read only", "clients_read")
	require.Equal(t, http.StatusOK, fake.Do(t, http.MethodGet, sb.KeyURL(key, "get_clients"), nil).Status)
	require.Len(t, sb.ListKeys(t), 2)
	sb.RevokeKey(t, key)
	require.NotEqual(t, http.StatusOK, fake.Do(t, http.MethodGet, sb.KeyURL(key, "get_clients"), nil).Status)
	require.EqualValues(t, 404, sb.PatchSettings(t, map[string]any{"not_found_status": 404})["not_found_status"])

	hook := fakebotstest.NewWebhookReceiver(t)
	sb.SetWebhook(t, fakebotstest.SalebotWebhook{URL: hook.URL, Callbacks: true})
	in := sb.Inbound(t, fakebotstest.SalebotInbound{PlatformID: "555", Name: "Иван", Text: "Здравствуйте"})
	require.True(t, in.Webhook)
	deliveries := sb.Deliveries(t)
	require.Len(t, deliveries, 1)
	require.Equal(t, "delivered", deliveries[0].Outcome)
	received := hook.Received()
	require.Len(t, received, 1)
	var payload struct{ Message string }
	received[0].JSON(t, &payload)
	require.Equal(t, "Здравствуйте", payload.Message)

	hook.SetStatus(http.StatusInternalServerError)
	require.Equal(t, "Иван", *sb.ClientCard(t, in.ClientID).Name)
}

func TestBotHelpHelpers(t *testing.T) {
	fake := fakebotstest.New(t)
	bh := &fake.BotHelp
	added := bh.AddSubscribers(t, fakebotstest.BotHelpSubscriber{Name: "Иван", Email: "ivan@example.com"})
	require.Len(t, added, 1)
	require.Equal(t, bh.CUID(added[0].ID), added[0].CUID)
	require.Len(t, bh.GenerateSubscribers(t, 3), 3)
	require.Equal(t, "Иван", bh.Subscriber(t, added[0].ID).Name)

	r := fake.Do(t, http.MethodGet, bh.BaseURL+"/v1/subscribers/?email=ivan@example.com", nil, "Authorization", "Bearer "+bh.Token(t))
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Contains(t, string(r.Body), `"name":"Иван"`)
	require.Equal(t, []fakebotstest.Operation{fakebotstest.BotHelpGetToken, fakebotstest.BotHelpListSubscribers},
		fake.Journal(t, fakebotstest.JournalFilter{Platform: fakebotstest.BotHelp}).Operations(), "the tenant's own URLs journal to it")
}

func TestCloseEndsOpenEventStreams(t *testing.T) {
	s, err := fakebotstest.StartServer()
	require.NoError(t, err)
	var tn struct{ ID string }
	s.Do(t, http.MethodPost, "/__fakebots/tenants", `{}`).JSON(t, &tn)
	resp, err := s.Client().Get(s.URL + "/__fakebots/tenants/" + tn.ID + "/events")
	require.NoError(t, err)
	defer resp.Body.Close() // the test leaves the stream open on purpose until Close
	require.Equal(t, http.StatusOK, resp.StatusCode)
	closed := make(chan struct{})
	go func() {
		s.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited for an event stream the test left open")
	}
}
