package webhook_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/fakebots/fakebots/emulator/webhook"
)

// BenchmarkDeliveries sends deliveries round-robin over keys (tenants) to
// a fast local receiver: the cost of a delivery, queueing, bounds and
// fairness included.
func BenchmarkDeliveries(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	}))
	defer srv.Close()
	body := make([]byte, 600) // about a Salebot payload
	for _, keys := range []int{1, 16, 256} {
		b.Run(fmt.Sprintf("keys=%d", keys), func(b *testing.B) {
			d := webhook.New()
			defer d.Close()
			names := make([]string, keys)
			for i := range names {
				names[i] = fmt.Sprint("tenant", i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			// Rounds small enough that no queue bound drops anything.
			for sent := 0; sent < b.N; {
				for i := 0; i < 8*keys && sent < b.N; i, sent = i+1, sent+1 {
					if !d.Send(webhook.Delivery{Key: names[sent%keys], URL: srv.URL, Body: body}) {
						b.Fatal("dropped")
					}
				}
				if err := d.Flush(context.Background(), ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
