package scenario

import (
	"net"
	"net/http"
	"time"
)

// receiver is the run's built-in webhook receiver: a listener on loopback
// that answers every request 200 {"ok":true}, so a flow can set a
// platform's webhook to {{receiver.url}} and check the deliveries without a
// system under test of its own.
type receiver struct {
	url string
	srv *http.Server
}

func startReceiver() (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{
		ReadHeaderTimeout: 5 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"ok":true}`))
		}),
	}
	go srv.Serve(ln)
	return &receiver{url: "http://" + ln.Addr().String(), srv: srv}, nil
}

func (r *receiver) close() { r.srv.Close() }
