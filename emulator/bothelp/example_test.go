package bothelp_test

import (
	"encoding/json"
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
// credentials for a token, adds a subscriber through the control API and
// calls the API as a BotHelp client would (the tenant's BaseURL).
func TestClientExample(t *testing.T) {
	f := fakebotstest.New(t)
	token := f.BotHelp.Token(t)
	subs := f.BotHelp.AddSubscribers(t, fakebotstest.BotHelpSubscriber{Name: "Иван", Email: "ivan@example.com"})

	req, err := http.NewRequest(http.MethodGet, f.BotHelp.BaseURL+"/v1/subscribers/?email=ivan@example.com", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := f.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var page struct {
		Data []struct {
			ID   int64
			CUID string
			Name string
		}
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Len(t, page.Data, 1)
	require.Equal(t, int64(1), page.Data[0].ID)
	require.Equal(t, "Иван", page.Data[0].Name)
	require.Equal(t, subs[0].CUID, page.Data[0].CUID)
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
