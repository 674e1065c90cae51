package bothelp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/platform"
)

// A test gets an emulator with a fresh tenant, exchanges the tenant's client
// credentials for a token, seeds a subscriber through the control API and
// calls the API as a BotHelp client would (base URL .../bothelp).
func Example() {
	f, err := fakebotstest.Start()
	if err != nil {
		panic(err)
	}
	defer f.Close()
	ctx := context.Background()
	bh, _ := f.Tenant.BotHelp()
	token, _ := f.Control.BotHelpToken(ctx, bh)
	subs, _ := f.Control.CreateBotHelpSubscribers(ctx, f.Tenant.ID, []fakebotstest.BotHelpSubscriber{{Name: "Иван", Email: "ivan@example.com"}})

	req, _ := http.NewRequest(http.MethodGet, f.URL+"/bothelp/v1/subscribers/?email=ivan@example.com", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := f.Client().Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var page struct {
		Data []struct {
			ID   int64
			CUID string
			Name string
		}
	}
	json.NewDecoder(resp.Body).Decode(&page)
	fmt.Println(resp.StatusCode, page.Data[0].ID, page.Data[0].Name, page.Data[0].CUID == subs[0].CUID)
	// Output: 200 1 Иван true
}

func TestBannerCurlLineWorks(t *testing.T) {
	for _, tool := range []string{"sh", "curl", "sed"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("no %s", tool)
		}
	}
	f := newFake(t, nil)
	line := thePlatform(t, f).(platform.Demonstrator).CurlExample(f.URL, f.Tenant.Raw["bothelp"])
	out, err := exec.Command("sh", "-c", line).Output()
	require.NoError(t, err, line)
	require.True(t, strings.HasPrefix(string(out), `[{"title":"Бот","referral":"c`), string(out))
}

func TestBodyTooLarge(t *testing.T) {
	f := newFake(t, nil, emulator.WithRateLimits(false), emulator.WithMaxBodyBytes(512))
	c := newClient(t, f, f.Tenant)
	s := c.seed(fakebotstest.BotHelpSubscriber{Name: "Иван"})[0]
	r := c.call("sendMessage", http.MethodPost, "/v1/subscribers/"+itoa(s.ID)+"/messages", `[{"content":"`+strings.Repeat("я", 512)+`"}]`)
	assertGolden(t, "too_large_413.golden", r)
}
