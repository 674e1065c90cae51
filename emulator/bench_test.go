package emulator_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fakebots/fakebots/emulator"
)

// benchTenant is an emulator (limits off) with one tenant whose CleverApp
// bot has 20 generated contacts.
func benchTenant(b *testing.B) (*emulator.Emulator, string, int64) {
	b.Helper()
	e, err := emulator.New(emulator.WithRateLimits(false), emulator.WithTick(0), emulator.WithJournalSize(1000))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	info, err := e.CreateTenant(context.Background(), emulator.TenantRequest{
		Fixture: json.RawMessage(`{"cleverapp":{"bots":[{"name":"Bench","messenger":"telegram","contacts":20}]}}`),
	})
	if err != nil {
		b.Fatal(err)
	}
	raw, _ := json.Marshal(info)
	var creds struct {
		CleverApp struct {
			APIToken string `json:"api_token"`
			BotID    int64  `json:"bot_id"`
		} `json:"cleverapp"`
	}
	if err := json.Unmarshal(raw, &creds); err != nil {
		b.Fatal(err)
	}
	return e, creds.CleverApp.APIToken, creds.CleverApp.BotID
}

func serve(b *testing.B, e http.Handler, method, target, body string, want int) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("X-Requested-With", "XMLHttpRequest")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	e.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: %d %s", method, target, rec.Code, rec.Body)
	}
}

// BenchmarkGetContacts is a validated getContacts of a 20-contact page
// through the whole pipeline (auth, limits, rules, render, journal); with no
// write between calls, every call after the first is served from the page
// cache.
func BenchmarkGetContacts(b *testing.B) {
	e, token, botID := benchTenant(b)
	target := fmt.Sprintf("/cleverapp/api/v1/getContacts?api_token=%s&bot_id=%d&count=20", token, botID)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			serve(b, e, http.MethodGet, target, "", http.StatusOK)
		}
	})
}

// BenchmarkSendMessage is a sendMessage by contact id through the whole
// pipeline, including the outbox write.
func BenchmarkSendMessage(b *testing.B) {
	e, token, _ := benchTenant(b)
	target := "/cleverapp/api/v1/sendMessage?api_token=" + token
	body := `{"contact_id":1,"text":"Ваш заказ отправлен"}`
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		serve(b, e, http.MethodPost, target, body, http.StatusOK)
	}
}

// BenchmarkGetMe is the pipeline's fixed cost: a call whose handler reads one row.
func BenchmarkGetMe(b *testing.B) {
	e, token, _ := benchTenant(b)
	target := "/cleverapp/api/v1/getMe?api_token=" + token
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		serve(b, e, http.MethodGet, target, "", http.StatusOK)
	}
}

// BenchmarkSendThenGetContacts is a write followed by a read of the page,
// which the write sent to SQLite: less BenchmarkSendMessage, the uncached read.
func BenchmarkSendThenGetContacts(b *testing.B) {
	e, token, botID := benchTenant(b)
	send := "/cleverapp/api/v1/sendMessage?api_token=" + token
	get := fmt.Sprintf("/cleverapp/api/v1/getContacts?api_token=%s&bot_id=%d&count=20", token, botID)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		serve(b, e, http.MethodPost, send, `{"contact_id":1,"text":"Ваш заказ отправлен"}`, http.StatusOK)
		serve(b, e, http.MethodGet, get, "", http.StatusOK)
	}
}
