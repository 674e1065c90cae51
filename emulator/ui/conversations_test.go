package ui_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// systemUnderTest is a bot as a client of Salebot's API would be: it
// answers every message a client writes (the webhook's is_input 1) with
// "Echo: …" and two buttons, through the API.
func systemUnderTest(t *testing.T, apiBase string) *httptest.Server {
	t.Helper()
	sut := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var hook struct {
			Client  struct{ ID int64 } `json:"client"`
			Message string             `json:"message"`
			IsInput int                `json:"is_input"`
		}
		if err := json.NewDecoder(r.Body).Decode(&hook); err != nil || hook.IsInput != 1 {
			return
		}
		reply, _ := json.Marshal(map[string]any{"client_id": hook.Client.ID, "message": "Echo: " + hook.Message,
			"buttons": map[string]any{"type": "inline", "buttons": []any{map[string]any{"text": "Да"}, map[string]any{"text": "Нет"}}}})
		resp, err := http.Post(apiBase+"/message", "application/json", bytes.NewReader(reply))
		if err == nil {
			resp.Body.Close()
		}
	}))
	t.Cleanup(sut.Close)
	return sut
}

// TestDashboardActsAsTheEndUser: a Salebot client created and acted as in
// the page writes, the system under test gets the webhook and answers with
// buttons, the reply appears, a button is pressed, the client blocks the
// bot; a CleverApp message sent through the API appears in its thread as
// it is sent.
func TestDashboardActsAsTheEndUser(t *testing.T) {
	s := fakebotstest.NewServer(t, fakebotstest.WithRealTime(), fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false)))
	tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
	base := salebotBase(t, s, tn.ID)
	sut := systemUnderTest(t, s.URL+base)
	require.Equal(t, http.StatusOK, s.Do(t, http.MethodPut, "/__fakebots/tenants/"+tn.ID+"/salebot/webhook", map[string]any{"url": sut.URL}).Status)
	p := openBrowser(t, s.URL)

	t.Run("salebot", func(t *testing.T) {
		p.open("/__fakebots/ui/tenants/" + tn.ID + "/salebot")
		p.click("details.new-user summary")
		p.fill("details.new-user input[name=name]", "Ирина Покупатель")
		p.fill("details.new-user input[name=messenger]", "telegram")
		p.click("details.new-user button[type=submit]")
		p.waitText(".thread-head h1", "Ирина Покупатель")
		userPath := p.eval("location.pathname")
		require.Regexp(t, `/salebot/users/\d+$`, userPath)
		id, err := strconv.ParseInt(userPath[bytes.LastIndexByte([]byte(userPath), '/')+1:], 10, 64)
		require.NoError(t, err)
		users := tn.Users(t, "salebot")
		require.Equal(t, "Ирина Покупатель", users.Get(t, id).Name, "created through the control API")
		p.waitText(".user-list", "Ирина Покупатель")

		p.fill("#composer-text", "Есть платья?")
		p.do(chromedp.SendKeys(chromedp.CSS("#composer-text"), kb.Enter))
		p.waitText(".messages .msg.in", "Есть платья?")
		p.waitText(".messages .msg.out", "Echo: Есть платья?")
		p.waitText(".toasts", "webhook")
		p.click(`.messages .msg.out:last-child .buttons button:first-child`)
		p.waitText(".messages .msg.in .pressed", "Да")
		p.waitText(".messages .msg.out:last-child", "Echo: Да")
		p.screenshot("conversation")

		thread := users.Thread(t, id)
		var seen []string
		for _, ev := range thread {
			seen = append(seen, ev.Direction+":"+ev.Kind+":"+ev.Text)
		}
		require.Equal(t, []string{"in:text:Есть платья?", "out:buttons:Echo: Есть платья?", "in:button_press:Да", "out:buttons:Echo: Да"}, seen)

		p.click(".thread-head button")
		p.waitText(".thread-head", "unsubscribed")
		require.False(t, users.Get(t, id).Subscribed)

		p.click(`#nav a[href$="/webhooks"]`)
		p.waitFor("the deliveries", `Number(document.querySelector('[data-testid=deliveries]').dataset.count) >= 4`)
	})

	t.Run("cleverapp", func(t *testing.T) {
		contact := tn.Users(t, "cleverapp").Create(t, fakebotstest.NewEndUser{Name: "Пётр", Messenger: "telegram", PlatformID: "146467928"})
		p.open(fmt.Sprintf("/__fakebots/ui/tenants/%s/cleverapp/users/%d", tn.ID, contact.ID))
		p.waitText(".thread-head h1", "Пётр")
		p.waitFor("the thread", `document.querySelector('[data-testid=thread]').dataset.count === '0'`)
		sent := s.Do(t, http.MethodPost, tn.CleverApp.BaseURL+"/sendMessage?api_token="+tn.CleverApp.APIToken,
			map[string]any{"contact_id": contact.ID, "text": "Ваш заказ готов"}, "X-Requested-With", "XMLHttpRequest")
		require.Equal(t, http.StatusOK, sent.Status, string(sent.Body))
		p.waitText(".messages .msg.out", "Ваш заказ готов")
		p.waitText(".messages .msg.out .op", "sendMessage")
	})
}

// TestDashboardThreadKeepsUp: a thread open while the system under test
// sends 200 messages a second shows each of them, and has caught up within
// a bound once the sending stops. The lag is logged
// (go test -v -run TestDashboardThreadKeepsUp).
func TestDashboardThreadKeepsUp(t *testing.T) {
	const rate, seconds = 200, 3
	s := fakebotstest.NewServer(t, fakebotstest.WithRealTime(), fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false)))
	tn := s.NewTenant(t)
	contact := tn.Users(t, "cleverapp").Create(t, fakebotstest.NewEndUser{Messenger: "telegram"})
	p := openBrowser(t, s.URL)
	p.open(fmt.Sprintf("/__fakebots/ui/tenants/%s/cleverapp/users/%d", tn.ID, contact.ID))
	p.waitFor("the empty thread", `document.querySelector('[data-testid=thread]').dataset.count === '0'`)
	p.waitFor("the live stream", `document.getElementById('status').dataset.status === 'live'`)

	url := tn.CleverApp.BaseURL + "/sendMessage?api_token=" + tn.CleverApp.APIToken // absolute
	send := func(n int) error {
		body, _ := json.Marshal(map[string]any{"contact_id": contact.ID, "text": fmt.Sprintf("message %d", n)})
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Requested-With", "XMLHttpRequest")
		resp, err := s.Client().Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("message %d: %s", n, resp.Status)
		}
		return nil
	}
	total := rate * seconds
	jobs := make(chan int, total)
	errs := make(chan error, total)
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range jobs {
				errs <- send(n)
			}
		}()
	}
	// Each quarter second: how far the page is behind what was sent.
	var sent atomic.Int64
	maxBehind := 0
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		every := time.NewTicker(250 * time.Millisecond)
		defer every.Stop()
		for sent.Load() < int64(total) {
			<-every.C
			shown, _ := strconv.Atoi(p.eval(`document.querySelector('[data-testid=thread]').dataset.count`))
			maxBehind = max(maxBehind, int(sent.Load())-shown)
		}
	}()
	started := time.Now()
	tick := time.NewTicker(time.Second / rate)
	for n := 1; n <= total; {
		<-tick.C // a busy machine drops ticks: send what is due by now
		for due := min(total, int(time.Since(started)*rate/time.Second)); n <= due; n++ {
			jobs <- n
			sent.Store(int64(n))
		}
	}
	tick.Stop()
	close(jobs)
	wg.Wait()
	sentIn := time.Since(started)
	<-sampled
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	stopped := time.Now()
	p.waitFor("every message", fmt.Sprintf(`document.querySelector('[data-testid=thread]').dataset.count === '%d'`, total))
	caughtUp := time.Since(stopped)
	t.Logf("%d messages in %v (%.0f/s); the page was at most %d behind while they came and showed the last %v after it was sent",
		total, sentIn.Round(time.Millisecond), float64(total)/sentIn.Seconds(), maxBehind, caughtUp.Round(time.Millisecond))
	require.Less(t, caughtUp, 5*time.Second, "the page fell behind")
	var want []string
	for _, ev := range tn.Users(t, "cleverapp").Thread(t, contact.ID) {
		want = append(want, ev.Text)
	}
	require.Len(t, want, total)
	shown := p.eval(`JSON.stringify([...document.querySelectorAll('.messages li.msg .text')].map((el) => el.textContent))`)
	var got []string
	require.NoError(t, json.Unmarshal([]byte(shown), &got))
	require.Equal(t, want, got, "the page shows the thread as the control API does, in its order")
}
