package emulator

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/fakebots/fakebots/emulator/faults"
	"github.com/fakebots/fakebots/emulator/journal"
	"github.com/fakebots/fakebots/emulator/platform"
)

// serveAPI is the request pipeline every platform shares. It reads top to
// bottom: body → route → identify → fault → auth → rate limits → parameters
// → validation → handler → render, then writes and journals the exchange.
func (e *Emulator) serveAPI(w http.ResponseWriter, r *http.Request, rt route) {
	started := time.Now()
	p := rt.platform
	req := &platform.Request{HTTP: r, Platform: p.Name(), Path: rt.path, BaseURL: rt.base, Scope: rt.scope, Now: e.tenants.For(rt.scope).Now(), Env: e.env}
	resp, fault := e.handle(req, p)
	if fault != nil && fault.Drop {
		e.record(req, p, started, fault, platform.Response{})
		dropConnection(w)
		return
	}
	writeResponse(w, r, resp)
	e.record(req, p, started, fault, resp)
}

// handle runs the pipeline up to the response. A fault that answers or
// drops is returned alongside.
func (e *Emulator) handle(req *platform.Request, p platform.Platform) (resp platform.Response, fault *faults.Fault) {
	defer func() {
		if v := recover(); v != nil {
			e.cfg.log.Error("handler panic", "platform", p.Name(), "path", req.Path, "panic", v, "stack", string(debug.Stack()))
			resp = render(p, req, nil, fmt.Errorf("panic: %v", v))
		}
	}()
	body, err := readBody(req.HTTP, e.cfg.maxBodyBytes)
	if err != nil {
		return render(p, req, nil, err), nil
	}
	req.Body = body

	op, params, routeErr := p.Spec().Find(req.HTTP.Method, req.Path)
	if routeErr != nil {
		return render(p, req, nil, routeErr), nil
	}
	req.Operation, req.PathParams = op, params

	principal, authErr := p.Authenticate(req)
	if req.Scope != "" && principal.TenantID != "" && principal.TenantID != req.Scope {
		// Another tenant's credential through this tenant's URL.
		principal, authErr = platform.Principal{}, platform.ErrUnknownCredential
	}
	req.Principal = principal
	if principal.TenantID != "" {
		req.Now = e.tenants.For(principal.TenantID).Now() // from here on, the tenant's time
	}

	if f, ok := e.faults.Take(req.Tenant(), p.Name(), op.ID); ok {
		fault = &f
		if f.DelayMS > 0 {
			e.cfg.sleep(req.Context(), f.Delay())
		}
		if f.Drop {
			return platform.Response{}, fault
		}
		if f.Status != 0 {
			return platform.Response{Status: f.Status, Header: f.Header(), Body: f.BodyBytes()}, fault
		}
	}
	if authErr != nil {
		return render(p, req, nil, authErr), fault
	}

	rules := slices.Concat(p.Spec().RateLimits, op.RateLimits)
	if len(rules) > 0 && principal.TenantID != "" && e.tenants.LimitsEnabled(principal.TenantID) {
		verdicts, refused := req.HitLimit(principal.LimitKey, rules...)
		req.Limits = verdicts
		if refused != nil {
			return render(p, req, nil, &platform.RateLimited{
				Verdict:           *refused,
				RetryAfterSeconds: int(refused.RetryAfter(req.Now) / time.Second),
			}), fault
		}
	}

	if req.Input, err = p.Input(req); err != nil {
		return render(p, req, nil, err), fault
	}
	if err := p.Validate(req); err != nil {
		return render(p, req, nil, err), fault
	}
	handler := p.Handler(op.ID)
	if handler == nil {
		return render(p, req, nil, fmt.Errorf("operation %s has no handler", op.ID)), fault
	}
	result, err := handler(req)
	return render(p, req, result, err), fault
}

// render lets the platform answer, unless the client went away and the
// failure is only that: nobody reads the answer, and the failure is not the
// emulator's, so it is journaled as nginx does rather than logged.
func render(p platform.Platform, req *platform.Request, result any, err error) platform.Response {
	if err != nil && req.Context().Err() != nil {
		return platform.Response{Status: statusClientClosedRequest}
	}
	return p.Render(req, result, err)
}

// statusClientClosedRequest is nginx's status for a client that left before
// the answer was ready.
const statusClientClosedRequest = 499

// readBody reads the whole body, up to limit bytes. A body over the limit, or
// one that cannot be read to its end, is refused as too large: the request
// cannot be handled either way, and 413 is what the platforms' servers send
// for a body they will not take.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	if r.ContentLength > limit {
		return nil, platform.ErrBodyTooLarge
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, platform.ErrBodyTooLarge
	}
	if int64(len(body)) > limit {
		return nil, platform.ErrBodyTooLarge
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

func writeResponse(w http.ResponseWriter, r *http.Request, resp platform.Response) {
	h := w.Header()
	for k, v := range resp.Header {
		h[k] = v
	}
	status := resp.Status
	if status == 0 {
		status = http.StatusOK
	}
	if h.Get("Content-Length") == "" && status != http.StatusNoContent && status >= 200 {
		h.Set("Content-Length", fmt.Sprint(len(resp.Body)))
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(resp.Body)
	}
}

// dropConnection closes the client's connection without an answer. Where
// the connection cannot be taken over (an in-process recorder), aborting the
// handler has the same effect for the client.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func (e *Emulator) record(req *platform.Request, p platform.Platform, started time.Time, fault *faults.Fault, resp platform.Response) {
	op := ""
	if req.Operation != nil {
		op = req.Operation.ID
	}
	entry := journal.Entry{
		Time:      req.Now,
		TenantID:  req.Tenant(),
		Platform:  p.Name(),
		Operation: op,
		// Clones: these may be slices of the whole request line, which a
		// long query string makes large.
		Request: journal.Request{
			Method: strings.Clone(req.HTTP.Method),
			Host:   strings.Clone(req.HTTP.Host),
			Path:   strings.Clone(req.HTTP.URL.Path),
		},
		Response: journal.Response{
			Status:  resp.Status,
			Headers: resp.Header, // built for this response alone
		},
		DurationMS: float64(time.Since(started).Microseconds()) / 1000,
	}
	entry.Request.Query, entry.Request.QueryTruncated = journal.Body([]byte(req.HTTP.URL.RawQuery))
	// The request's own header map, unless it must be cut: nothing writes to it after this.
	entry.Request.Headers, entry.Request.HeadersTruncated = journal.Headers(req.HTTP.Header)
	entry.Request.Body, entry.Request.BodyTruncated = journal.Body(req.Body)
	entry.Response.Body, entry.Response.BodyTruncated = journal.Body(resp.Body)
	if fault != nil {
		entry.Fault = fault.ID
	}
	e.journal.Add(entry)
}
