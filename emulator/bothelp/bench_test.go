package bothelp_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// send does one request over the loopback and drains the answer.
func send(b *testing.B, req func() *http.Request, want int) {
	resp, err := shared.Client().Do(req())
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		b.Fatalf("status %d", resp.StatusCode)
	}
}

// BenchmarkTokenExchange is a client-credentials exchange over HTTP.
func BenchmarkTokenExchange(b *testing.B) {
	tn := shared.NewTenant(b)
	bh := tn.BotHelp
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {bh.ClientID}, "client_secret": {bh.ClientSecret}}.Encode()
	req := func() *http.Request {
		r, _ := http.NewRequest(http.MethodPost, shared.URL+"/bothelp/oauth2/token", strings.NewReader(form))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	for b.Loop() {
		send(b, req, http.StatusOK)
	}
}

// BenchmarkSubscribersPage is a full page (100 subscribers) from an
// account of 1000, over HTTP.
func BenchmarkSubscribersPage(b *testing.B) {
	tn := shared.NewTenant(b, fakebotstest.WithFixture(map[string]any{"bothelp": map[string]any{
		"generate": map[string]any{"count": 1000, "tags": []string{"лид", "вебинар"}},
	}}))
	token := tn.BotHelp.Token(b)
	req := func() *http.Request {
		r, _ := http.NewRequest(http.MethodGet, shared.URL+"/bothelp"+"/v1/subscribers/?after=500", nil)
		r.Header.Set("Authorization", "Bearer "+token)
		return r
	}
	for b.Loop() {
		send(b, req, http.StatusOK)
	}
}
