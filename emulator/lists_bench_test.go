package emulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// call runs one request through the emulator and returns its body, failing
// the benchmark on any status but want.
func call(b *testing.B, e http.Handler, method, target, body string, want int, headers ...string) []byte {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Accept", "application/json")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	e.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: %d %s", method, target, rec.Code, rec.Body)
	}
	return rec.Body.Bytes()
}

// listRead is one list read as the load script sends it.
type listRead struct {
	name, method, target, body string
	headers                    []string
}

// listEnv is an emulator (limits off) seeded with the demo tenant, plus a
// tenant with 500 Salebot clients, and the list reads of both.
func listEnv(b *testing.B, opts ...emulator.Option) (*emulator.Emulator, []listRead) {
	b.Helper()
	e, err := emulator.New(append([]emulator.Option{emulator.WithSeed("demo"), emulator.WithRateLimits(false), emulator.WithTick(0)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	info, err := e.CreateTenant(context.Background(), emulator.TenantRequest{
		Fixture: json.RawMessage(`{"salebot":{"generate":{"clients":500,"variables":["city"]}}}`),
	})
	if err != nil {
		b.Fatal(err)
	}
	raw, _ := json.Marshal(info)
	var big struct {
		Salebot struct {
			APIKey string `json:"api_key"`
		} `json:"salebot"`
	}
	json.Unmarshal(raw, &big)
	var token struct {
		AccessToken string `json:"access_token"`
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"demo-bothelp-client-id"}, "client_secret": {"demo-bothelp-client-secret"}}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/bothelp/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	e.ServeHTTP(rec, req)
	json.Unmarshal(rec.Body.Bytes(), &token)
	var schemas struct {
		Data []struct{ ID, Name string }
	}
	json.Unmarshal(call(b, e, http.MethodGet, "/cleverapp/api/v1/getListSchemas?api_token=demo-cleverapp-token", "", http.StatusOK), &schemas)
	orders := ""
	for _, s := range schemas.Data {
		if s.Name == "Заказы" {
			orders = s.ID
		}
	}
	auth := []string{"Authorization", "Bearer " + token.AccessToken}
	const demo = "/salebot/api/d3f31dabef80ddeb73d43938b4ef8bb0"
	return e, []listRead{
		{name: "cleverapp-getContacts-20", method: http.MethodGet, target: "/cleverapp/api/v1/getContacts?api_token=demo-cleverapp-token&count=20"},
		{name: "cleverapp-getListItems-30", method: http.MethodPost, target: "/cleverapp/api/v1/getListItems?api_token=demo-cleverapp-token",
			body: fmt.Sprintf(`{"schema_id":%q,"limit":30}`, orders)},
		{name: "salebot-get_clients-100", method: http.MethodGet, target: "/salebot/api/" + big.Salebot.APIKey + "/get_clients?limit=100"},
		{name: "salebot-get_clients-500", method: http.MethodGet, target: "/salebot/api/" + big.Salebot.APIKey + "/get_clients?limit=500"},
		{name: "salebot-get_history", method: http.MethodGet, target: demo + "/get_history?client_id=15099119"},
		{name: "salebot-find_client_id_by_var", method: http.MethodGet, target: demo + "/find_client_id_by_var?var=tg_username&val=%40belik"},
		{name: "salebot-find_clients", method: http.MethodPost, target: demo + "/find_clients", body: `{"q":{"city":"Москва"}}`},
		{name: "bothelp-subscribers-100", method: http.MethodGet, target: "/bothelp/v1/subscribers/", headers: auth},
		{name: "bothelp-bots", method: http.MethodGet, target: "/bothelp/v1/bots/", headers: auth},
		{name: "bothelp-funnels", method: http.MethodGet, target: "/bothelp/v1/funnels/", headers: auth},
	}
}

// BenchmarkListReads is every list read through the whole pipeline (auth,
// parameters, rules, render, journal), served from the page cache and with
// the cache off, so that every call reads SQLite.
func BenchmarkListReads(b *testing.B) {
	for _, mode := range []struct {
		name  string
		bytes int
	}{{"cached", emulator.DefaultPageCacheBytes}, {"sqlite", 0}} {
		e, reads := listEnv(b, emulator.WithPageCacheBytes(mode.bytes))
		for _, r := range reads {
			b.Run(r.name+"/"+mode.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					call(b, e, r.method, r.target, r.body, http.StatusOK, r.headers...)
				}
			})
		}
	}
}

// BenchmarkWriteMix is one-row writes of 8 tenants on every platform, from
// as many goroutines as cores: Salebot save_variables, CleverApp
// setContactVariable, BotHelp PATCH of a subscriber.
func BenchmarkWriteMix(b *testing.B) {
	e, err := emulator.New(emulator.WithRateLimits(false), emulator.WithTick(0))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	var writes []listRead
	for range 8 {
		info, err := e.CreateTenant(context.Background(), emulator.TenantRequest{Fixture: json.RawMessage(
			`{"cleverapp":{"bots":[{"name":"W","messenger":"whatsapp","contacts":1}]},"salebot":{"generate":{"clients":1}},"bothelp":{"generate":{"count":1}}}`)})
		if err != nil {
			b.Fatal(err)
		}
		raw, _ := json.Marshal(info)
		var tn struct {
			CleverApp fakebotstest.CleverAppAccount `json:"cleverapp"`
			Salebot   fakebotstest.SalebotProject   `json:"salebot"`
			BotHelp   fakebotstest.BotHelpAccount   `json:"bothelp"`
		}
		json.Unmarshal(raw, &tn)
		var contacts struct{ Data []struct{ ID int64 } }
		json.Unmarshal(call(b, e, http.MethodGet, fmt.Sprintf("/cleverapp/api/v1/getContacts?api_token=%s&bot_id=%d", tn.CleverApp.APIToken, tn.CleverApp.BotID), "", http.StatusOK), &contacts)
		var clients struct{ Clients []struct{ ID int64 } }
		json.Unmarshal(call(b, e, http.MethodGet, "/salebot/api/"+tn.Salebot.APIKey+"/get_clients", "", http.StatusOK), &clients)
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {tn.BotHelp.ClientID}, "client_secret": {tn.BotHelp.ClientSecret}}
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/bothelp/oauth2/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		e.ServeHTTP(rec, req)
		var token struct {
			AccessToken string `json:"access_token"`
		}
		json.Unmarshal(rec.Body.Bytes(), &token)
		writes = append(writes,
			listRead{method: http.MethodPost, target: "/salebot/api/" + tn.Salebot.APIKey + "/save_variables",
				body: fmt.Sprintf(`{"client_id":%d,"variables":{"client.stage":"paid","sum":1500}}`, clients.Clients[0].ID)},
			listRead{method: http.MethodPost, target: "/cleverapp/api/v1/setContactVariable?api_token=" + tn.CleverApp.APIToken,
				body: fmt.Sprintf(`{"contact_id":%d,"name":"stage","value":"paid"}`, contacts.Data[0].ID)},
			listRead{method: http.MethodPatch, target: "/bothelp/v1/subscribers/1",
				body: `[{"op":"replace","path":"/name","value":"Нагрузка"}]`, headers: []string{"Authorization", "Bearer " + token.AccessToken}})
	}
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := writes[int(next.Add(1))%len(writes)]
			call(b, e, w.method, w.target, w.body, http.StatusOK, w.headers...)
		}
	})
}
