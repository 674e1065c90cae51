package fakebotstest_test

import (
	"net/http"
	"testing"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// BenchmarkNewAndFirstRequest is what every Go test pays up front: an
// emulator on an httptest server, a fresh tenant, and one platform call.
// The process's first emulator also parses the specs, once for all: it is
// made before the timer starts, so the figure is that of every later test.
func BenchmarkNewAndFirstRequest(b *testing.B) {
	newAndFirstRequest(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		newAndFirstRequest(b)
	}
}

func newAndFirstRequest(b *testing.B) {
	f, err := fakebotstest.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	req, _ := http.NewRequest(http.MethodGet, f.Tenant.CleverApp.BaseURL+"/getMe?api_token="+f.Tenant.CleverApp.APIToken, nil)
	req.Header.Set("X-Requested-With", "XMLHttpRequest")
	resp, err := f.Client().Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("first request: %v %v", resp, err)
	}
	resp.Body.Close()
}
