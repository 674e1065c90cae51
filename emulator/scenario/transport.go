package scenario

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
)

// HandlerTransport is an http.RoundTripper that serves requests with h in
// the same process, so the runner can drive an in-process emulator without
// a listener.
func HandlerTransport(h http.Handler) http.RoundTripper { return handlerTransport{h} }

type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	if req.Body == nil {
		req.Body = http.NoBody
	}
	if req.Host == "" {
		req.Host = req.URL.Host
	}
	req.RequestURI = req.URL.RequestURI()
	rec := httptest.NewRecorder()
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				resp, err = nil, errors.New("the emulator closed the connection")
				return
			}
			resp, err = nil, fmt.Errorf("handler panic: %v", v)
		}
	}()
	t.h.ServeHTTP(rec, req)
	return rec.Result(), nil
}
