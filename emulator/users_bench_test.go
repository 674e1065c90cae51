package emulator_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/fakebots/fakebots/emulator"
)

// benchUser is an emulator (limits off) with a tenant and one end user on
// the platform, who has written n messages; it returns the user's path.
func benchUser(b *testing.B, platformName string, n int) (*emulator.Emulator, string) {
	b.Helper()
	e, err := emulator.New(emulator.WithRateLimits(false), emulator.WithTick(0))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	if _, err := e.CreateTenant(context.Background(), emulator.TenantRequest{ID: "bench"}); err != nil {
		b.Fatal(err)
	}
	users := "/__fakebots/tenants/bench/" + platformName + "/users"
	serve(b, e, http.MethodPost, users, `{"platform_id":"146467928"}`, http.StatusCreated)
	first := map[string]string{"cleverapp": "1", "onebot": "1", "salebot": "100001", "bothelp": "1"}[platformName]
	user := users + "/" + first
	for i := 0; i < n; i++ {
		serve(b, e, http.MethodPost, user+"/messages", fmt.Sprintf(`{"text":"сообщение %d"}`, i), http.StatusCreated)
	}
	return e, user
}

// BenchmarkEndUserWrites is a user writing, through the control API, on
// each platform (Salebot without a webhook URL).
func BenchmarkEndUserWrites(b *testing.B) {
	for _, p := range []string{"cleverapp", "salebot", "bothelp"} {
		b.Run(p, func(b *testing.B) {
			e, user := benchUser(b, p, 0)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				serve(b, e, http.MethodPost, user+"/messages", `{"text":"Здравствуйте"}`, http.StatusCreated)
			}
		})
	}
}

// BenchmarkEndUserThread reads the first page of a 1,000-message thread:
// the whole thread is read and ordered for every page.
func BenchmarkEndUserThread(b *testing.B) {
	for _, p := range []string{"cleverapp", "salebot", "bothelp"} {
		b.Run(p, func(b *testing.B) {
			e, user := benchUser(b, p, 1000)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				serve(b, e, http.MethodGet, user+"/thread", "", http.StatusOK)
			}
		})
	}
}
