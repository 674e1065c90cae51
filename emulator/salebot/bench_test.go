package salebot_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"testing"
)

// benchEnv is a tenant with one client holding ten client and ten deal
// variables; requests go through the whole pipeline over HTTP.
func benchEnv(b *testing.B) (*env, int64) {
	b.Helper()
	e := newEnv(b, shopFixture)
	cid := e.newClients(1)[0]
	vars := map[string]any{}
	for i := 0; i < 10; i++ {
		vars[fmt.Sprintf("client.v%d", i)] = fmt.Sprintf("value %d", i)
		vars[fmt.Sprintf("deal%d", i)] = i
	}
	e.ok("POST", "save_variables", map[string]any{"client_id": cid, "variables": vars})
	return e, cid
}

func send(b *testing.B, client *http.Client, req func() *http.Request) {
	resp, err := client.Do(req())
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("status %d", resp.StatusCode)
	}
}

func BenchmarkSaveVariables(b *testing.B) {
	e, cid := benchEnv(b)
	client, url := e.f.Client(), e.sb.URL("save_variables")
	body := []byte(fmt.Sprintf(`{"client_id":%d,"variables":{"client.city":"Москва","stage":"paid","sum":1500}}`, cid))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		send(b, client, func() *http.Request {
			req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			return req
		})
	}
}

func BenchmarkGetVariables(b *testing.B) {
	e, cid := benchEnv(b)
	client, url := e.f.Client(), e.sb.URL("get_variables")+"?client_id="+itoa(cid)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		send(b, client, func() *http.Request {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			return req
		})
	}
}
