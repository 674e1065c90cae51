package scenario

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Bounds of what the receiver keeps.
const (
	maxReceivedBody = 1 << 20 // a larger request is refused with 413
	maxReceived     = 1000    // requests kept per run, the latest
)

// receiver is the run's built-in webhook receiver ({{receiver.url}}): a
// listener on loopback that records every request it gets, so
// expect_received can check what any platform sent. Without a system under
// test it answers 200 {"ok":true}; with one it passes each request on to
// it and records its answer.
type receiver struct {
	url string
	srv *http.Server
	sut *httputil.ReverseProxy // nil: answer itself

	mu     sync.Mutex
	got    []map[string]any // oldest first
	nextID int64
}

// startReceiver listens on loopback; forward, when set, is the system
// under test's URL.
func startReceiver(forward string) (*receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	rc := &receiver{url: "http://" + ln.Addr().String()}
	if forward != "" {
		target, err := url.Parse(forward)
		if err != nil {
			ln.Close()
			return nil, err
		}
		rc.sut = &httputil.ReverseProxy{
			Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(target) },
			ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadGateway)
				json.NewEncoder(w).Encode(map[string]string{"error": "the system under test did not answer: " + err.Error()})
			},
		}
	}
	rc.srv = &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(rc.serve)}
	go rc.srv.Serve(ln)
	return rc, nil
}

func (rc *receiver) close() { rc.srv.Close() }

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxReceivedBody))
	if err != nil {
		http.Error(w, "fakebots' receiver takes at most 1 MiB", http.StatusRequestEntityTooLarge)
		return
	}
	record := rc.record(r, body)
	status := http.StatusOK
	if rc.sut == nil {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	} else {
		r.Body = io.NopCloser(bytes.NewReader(body))
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		rc.sut.ServeHTTP(sw, r)
		status = sw.status
	}
	rc.mu.Lock()
	record["status"] = int64(status)
	rc.mu.Unlock()
}

// record keeps a request as expect_received matches it: method, path,
// query, headers, the body (its JSON value, else its text) and params (the
// query, form and JSON body merged, as the platforms read theirs); status
// (the answer given) follows once it is known.
func (rc *receiver) record(r *http.Request, body []byte) map[string]any {
	headers := map[string]any{}
	for k, v := range r.Header {
		headers[k] = strings.Join(v, ", ")
	}
	var value any = string(body)
	var parsed any
	if json.Unmarshal(body, &parsed) == nil {
		value = parsed
	}
	params := inputParams(r, body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.nextID++
	record := map[string]any{
		"id": rc.nextID, "at": time.Now().UTC().Format(time.RFC3339Nano),
		"method": r.Method, "path": r.URL.Path, "query": r.URL.RawQuery,
		"headers": headers, "body": value, "params": params, "status": nil,
	}
	if len(rc.got) == maxReceived {
		rc.got = rc.got[1:]
	}
	rc.got = append(rc.got, record)
	return record
}

// received is what the receiver got so far, as JSON values (copies).
func (rc *receiver) received() []any {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := make([]any, len(rc.got))
	for i, g := range rc.got {
		out[i] = normalize(g)
	}
	return out
}

// statusWriter notes the status a handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// Unwrap lets the proxy flush through the writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
