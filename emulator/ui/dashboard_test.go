package ui_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// salebotBase is the tenant's own Salebot base URL, from its creation answer.
func salebotBase(t *testing.T, s *fakebotstest.Server, tenant string) string {
	t.Helper()
	r := s.Do(t, http.MethodGet, "/__fakebots/tenants/"+tenant, nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var info struct {
		Salebot struct {
			BaseURL string `json:"base_url"`
		} `json:"salebot"`
	}
	r.JSON(t, &info)
	return info.Salebot.BaseURL
}

type clockState struct {
	Now    time.Time `json:"now"`
	Frozen bool      `json:"frozen"`
}

func tenantClock(t *testing.T, s *fakebotstest.Server, tenant string) clockState {
	t.Helper()
	var c clockState
	s.Do(t, http.MethodGet, "/__fakebots/tenants/"+tenant+"/clock", nil).JSON(t, &c)
	return c
}

// TestDashboardDrivesATenant: a newcomer opens the emulator's address,
// creates a tenant, watches calls arrive and opens one, moves the tenant's
// clock, adds a fault, sets the webhook and redelivers a delivery; each
// change is checked through the control API, and what the API changes
// shows on the page without a reload.
func TestDashboardDrivesATenant(t *testing.T) {
	s := fakebotstest.NewServer(t, fakebotstest.WithRealTime(), fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false), emulator.WithSeed("demo")))
	p := openBrowser(t, s.URL)

	p.open("/")
	p.waitFor("the tenants view", `location.pathname === '/__fakebots/ui/tenants' && !!document.querySelector('tbody a')`)
	p.screenshot("tenants")
	p.fill("#new-id", "acme")
	p.do(chromedp.SetValue(chromedp.CSS("#new-fixture"), "demo"))
	p.click("[data-testid=new-tenant] button[type=submit]")
	p.waitText("main h1", "Tenant acme")
	require.Equal(t, http.StatusOK, s.Do(t, http.MethodGet, "/__fakebots/tenants/acme", nil).Status, "created through the control API")
	base := salebotBase(t, s, "acme")

	t.Run("calls", func(t *testing.T) {
		p.click(`#nav a[href$="/calls"]`)
		p.waitFor("the calls view", `!!document.querySelector('.calls-table tbody[data-count]')`)
		require.Equal(t, http.StatusOK, s.Do(t, http.MethodGet, base+"/connected_channels", nil).Status)
		p.waitText(".calls-table tbody", "connected_channels")
		require.Equal(t, http.StatusNotFound, s.Do(t, http.MethodGet, base+"/conected_channels", nil).Status)
		p.waitText(".calls-table tbody", "conected_channels")
		p.click(".calls-table tbody tr:first-child td.request a")
		p.waitText("[data-testid=entry]", "No operation matched")
		p.waitText("[data-testid=entry] .hint", "connected_channels")
		entryURL := p.eval("location.pathname")
		require.Regexp(t, `^/__fakebots/ui/tenants/acme/calls/\d+$`, entryURL)
		p.screenshot("calls")

		p.open(entryURL + "?status=4xx")
		p.waitText("[data-testid=entry]", "conected_channels")
		p.waitFor("the filter applied", `document.querySelector('.calls-table tbody').dataset.count === '1'`)
	})

	t.Run("time and faults", func(t *testing.T) {
		p.click(`#nav a[href$="/time"]`)
		p.waitFor("the clock", `/\d{4}-\d\d-\d\d/.test(document.querySelector('[data-testid=tenant-time]').textContent)`)
		p.click("[data-testid=freeze]")
		p.waitText("[data-testid=freeze]", "Resume")
		frozen := tenantClock(t, s, "acme")
		require.True(t, frozen.Frozen)
		p.click("[data-testid=advance-1h]")
		later := frozen.Now.Add(time.Hour).UTC().Format("2006-01-02 15:04:05")
		p.waitText("[data-testid=tenant-time]", later)
		p.waitText("[data-testid=clock]", later)
		require.Equal(t, clockState{Now: frozen.Now.Add(time.Hour), Frozen: true}, tenantClock(t, s, "acme"))
		other := tenantClock(t, s, "demo")
		require.False(t, other.Frozen, "another tenant's clock did not move")

		p.waitText("[data-testid=limits-state]", "off")
		p.click("#limits")
		p.waitText("[data-testid=limits-state]", "enforced")
		var limits struct{ Enabled bool }
		s.Do(t, http.MethodGet, "/__fakebots/tenants/acme/rate-limits", nil).JSON(t, &limits)
		require.True(t, limits.Enabled)

		p.do(chromedp.SetValue(chromedp.CSS("[data-testid=add-fault] select[name=platform]"), "salebot"))
		p.fill("[data-testid=add-fault] input[name=operation]", "connected_channels")
		p.fill("[data-testid=add-fault] input[name=status]", "503")
		p.click("[data-testid=add-fault] button[type=submit]")
		p.waitText("[data-testid=faults]", "connected_channels")
		require.Equal(t, http.StatusServiceUnavailable, s.Do(t, http.MethodGet, base+"/connected_channels", nil).Status, "the fault answers")
		p.waitText("[data-testid=faults]", "No faults") // used up, it is gone
		p.screenshot("time")
	})

	t.Run("webhooks", func(t *testing.T) {
		receiver := fakebotstest.NewWebhookReceiver(t)
		p.click(`#nav a[href$="/webhooks"]`)
		p.waitFor("the settings", `!!document.querySelector('[data-testid=webhook-settings] input[name=url]')`)
		p.fill("[data-testid=webhook-settings] input[name=url]", receiver.URL+"/hook")
		p.click("[data-testid=webhook-settings] button[type=submit]")
		p.waitText(".toasts", "Webhook saved")
		in := s.Do(t, http.MethodPost, "/__fakebots/tenants/acme/salebot/inbound", map[string]any{"platform_id": "555", "text": "Хочу платье"})
		require.Equal(t, http.StatusCreated, in.Status, string(in.Body))
		p.waitFor("the delivery", `document.querySelector('[data-testid=deliveries]').dataset.count === '1'`)
		p.click("[data-testid=deliveries] tr:first-child a")
		p.waitText("[data-testid=delivery]", "Хочу платье")
		p.click("[data-testid=redeliver]")
		p.waitFor("the redelivery", `document.querySelector('[data-testid=deliveries]').dataset.count === '2'`)
		require.Equal(t, http.StatusOK, s.Do(t, http.MethodPost, "/__fakebots/tenants/acme/salebot/webhook/flush", nil).Status)
		got := receiver.Received()
		require.Len(t, got, 2)
		require.Equal(t, got[0].Body, got[1].Body, "the same event, sent again")
		p.screenshot("webhooks")
	})
}

// TestDashboardAsksForTheToken: with --control-token the page asks for a
// token, keeps it in the tab and sends it in a header (never in a URL); a
// tenant's token sees that tenant only, live events included.
func TestDashboardAsksForTheToken(t *testing.T) {
	s := fakebotstest.NewServer(t, fakebotstest.WithRealTime(), fakebotstest.WithEmulatorOptions(emulator.WithControlToken("s3cret"), emulator.WithRateLimits(false)))
	admin := []string{"Authorization", "Bearer s3cret"}
	var mine, theirs struct {
		ID    string `json:"id"`
		Token string `json:"control_token"`
	}
	s.Do(t, http.MethodPost, "/__fakebots/tenants", map[string]any{"id": "mine"}, admin...).JSON(t, &mine)
	s.Do(t, http.MethodPost, "/__fakebots/tenants", map[string]any{"id": "theirs"}, admin...).JSON(t, &theirs)
	p := openBrowser(t, s.URL)

	p.open("/__fakebots/ui/tenants/mine/calls")
	p.waitFor("the token form", `location.pathname === '/__fakebots/ui/login' && !!document.querySelector('#token')`)
	p.screenshot("login")
	p.fill("#token", "wrong")
	p.do(chromedp.SendKeys(chromedp.CSS("#token"), kb.Enter))
	p.waitText("[role=alert]", "That token opens nothing here.")
	p.fill("#token", mine.Token)
	p.do(chromedp.SendKeys(chromedp.CSS("#token"), kb.Enter))
	p.waitFor("the tenant's calls", `location.pathname === '/__fakebots/ui/tenants/mine/calls' && !!document.querySelector('.calls-table tbody[data-count]')`)
	require.Equal(t, "false", p.eval(`[...document.querySelectorAll('#nav a')].some((a) => a.textContent === 'Tenants')`), "no tenant list for a tenant's token")
	p.waitFor("the live stream", `document.getElementById('status').dataset.status === 'live'`)

	r := s.Do(t, http.MethodGet, "/t/mine/cleverapp/api/v1/getMe", nil, "X-Requested-With", "XMLHttpRequest")
	require.Equal(t, http.StatusUnauthorized, r.Status, "no api_token: the platform's own refusal")
	p.waitText(".calls-table tbody", "getMe")

	p.open("/__fakebots/ui/tenants/theirs/calls")
	p.waitText("main", "This token opens tenant mine only.")

	p.click("#account button")
	p.waitFor("the token form again", `location.pathname === '/__fakebots/ui/login' && sessionStorage.length === 0`)
	p.fill("#token", "s3cret")
	p.do(chromedp.SendKeys(chromedp.CSS("#token"), kb.Enter))
	p.waitText("main table", "theirs")

	p.mu.Lock()
	defer p.mu.Unlock()
	for _, u := range p.requests {
		require.NotContains(t, u, mine.Token, "a token in a URL")
		require.NotContains(t, u, "s3cret", "a token in a URL")
	}
}

// TestDashboardKeyboard: every view is reached with the keyboard alone,
// and the focus can be seen.
func TestDashboardKeyboard(t *testing.T) {
	s := fakebotstest.NewServer(t, fakebotstest.WithRealTime(), fakebotstest.WithEmulatorOptions(emulator.WithSeed("demo")))
	p := openBrowser(t, s.URL)
	p.open("/__fakebots/ui/tenants/demo")
	p.waitText("main h1", "Tenant demo")
	var reached []string
	for range 12 {
		p.do(chromedp.KeyEvent(kb.Tab))
		reached = append(reached, p.eval(`(document.activeElement.getAttribute('href') || document.activeElement.id || document.activeElement.tagName)`))
	}
	require.Equal(t, "#main", reached[0], "the first stop skips to the content")
	for _, view := range []string{"/calls", "/state", "/time", "/webhooks", "/scenarios"} {
		require.True(t, strings.Contains(strings.Join(reached, " "), view), "%s is not reached with Tab: %v", view, reached)
	}
	outline := p.eval(`getComputedStyle(document.activeElement).outlineStyle`)
	require.NotEqual(t, "none", outline, "the focus shows")
	for p.eval(`document.activeElement.getAttribute('href')`) != "/__fakebots/ui/tenants/demo/calls" {
		p.do(chromedp.KeyEvent(kb.Tab))
	}
	p.do(chromedp.KeyEvent(kb.Enter))
	p.waitFor("the calls view", `location.pathname === '/__fakebots/ui/tenants/demo/calls'`)
}

// TestDashboardFirstPaintAndFit: the page paints fast, and every view fits
// 1280×720 without the page scrolling sideways, in a readable size. The
// time to first paint is logged (go test -v -run TestDashboardFirstPaintAndFit).
func TestDashboardFirstPaintAndFit(t *testing.T) {
	s := fakebotstest.NewServer(t, fakebotstest.WithRealTime(), fakebotstest.WithEmulatorOptions(emulator.WithSeed("demo")))
	p := openBrowser(t, s.URL)
	p.open("/__fakebots/ui/tenants/demo")
	p.waitText("main h1", "Tenant demo")
	var paint struct {
		FirstPaint, FirstContentfulPaint, DOMContentLoaded float64
	}
	raw := p.eval(`JSON.stringify({
		FirstPaint: performance.getEntriesByName('first-paint')[0].startTime,
		FirstContentfulPaint: performance.getEntriesByName('first-contentful-paint')[0].startTime,
		DOMContentLoaded: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd })`)
	require.NoError(t, json.Unmarshal([]byte(raw), &paint), raw)
	t.Logf("first paint %.0f ms, first contentful paint %.0f ms, DOM content loaded %.0f ms", paint.FirstPaint, paint.FirstContentfulPaint, paint.DOMContentLoaded)
	require.Less(t, paint.FirstContentfulPaint, 5000.0)

	shots := map[string]string{"tenants/demo": "overview", "tenants/demo/state/salebot/deals": "state"}
	for _, view := range []string{"tenants", "tenants/demo", "tenants/demo/cleverapp", "tenants/demo/calls", "tenants/demo/state/salebot/deals", "tenants/demo/time", "tenants/demo/webhooks", "scenarios"} {
		p.open("/__fakebots/ui/" + view)
		p.waitFor(view, `!document.querySelector('main').innerText.includes('Loading')`)
		if name, ok := shots[view]; ok {
			p.screenshot(name)
		}
		require.Equal(t, "true", p.eval(`document.documentElement.scrollWidth <= window.innerWidth`), "%s scrolls sideways at 1280×720", view)
		require.Equal(t, "15px", p.eval(`getComputedStyle(document.querySelector('main')).fontSize`), view)
	}
	require.Equal(t, fmt.Sprint(1280), p.eval(`window.innerWidth`))
}

// TestDashboardRunsScenarios: a shipped scenario runs from the page and its
// steps pass as it goes; one pasted in fails, and the page shows the step
// that failed with what came closest; each run has a URL of its own.
func TestDashboardRunsScenarios(t *testing.T) {
	s := fakebotstest.NewServer(t, fakebotstest.WithRealTime())
	p := openBrowser(t, s.URL)
	p.open("/__fakebots/ui/scenarios")
	p.waitText(".scenario", "BotHelp subscriber synced, tagged and messaged")
	p.click(`[data-file="bothelp-subscriber.yaml"] button`)
	p.waitFor("its run", `/^\/__fakebots\/ui\/scenarios\/runs\/run_/.test(location.pathname)`)
	p.waitFor("the run's end", `['passed', 'failed'].includes(document.querySelector('[data-testid=run]').dataset.status)`)
	require.Equal(t, "passed", p.eval(`document.querySelector('[data-testid=run]').dataset.status`), p.visibleText())
	require.Equal(t, "0", p.eval(`document.querySelectorAll('.step:not(.passed)').length`))

	p.open("/__fakebots/ui/scenarios")
	p.waitFor("the form", `!!document.querySelector('#scenario-text')`)
	p.do(chromedp.SetValue(chromedp.CSS("#scenario-text"), `version: 1
name: a missing message
steps:
  - name: the bot said hello
    expect_calls: {platform: cleverapp, operation: sendMessage, times: 1}
`))
	p.click("#scenario-text ~ .fields button[type=submit]")
	p.waitFor("its end", `document.querySelector('[data-testid=run]')?.dataset.status === 'failed'`)
	p.waitText(".step.failed", "the bot said hello")
	run := p.eval("location.pathname")
	p.screenshot("scenario")
	p.open(run)
	p.waitText("[data-testid=run]", "a missing message")

	var runs struct {
		Data []struct{ Name, Status string }
	}
	s.Do(t, http.MethodGet, "/__fakebots/scenarios/runs", nil).JSON(t, &runs)
	require.Len(t, runs.Data, 2)
	require.Equal(t, "failed", runs.Data[0].Status, "the runs, through the control API")
}
