package emulator

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"slices"
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
	req := &platform.Request{HTTP: r, Platform: p.Name(), Path: rt.path, BaseURL: rt.base, Scope: rt.scope, Now: e.tenants.Now(rt.scope), Env: e.env}
	out := e.handle(req, p)
	reportLimits(req, p, &out)
	if out.fault != nil && out.fault.DelayMS > 0 {
		e.restartWriteDeadline(w)
	}
	if out.fault != nil && out.fault.Drop {
		e.record(req, p, started, out)
		dropConnection(w)
		return
	}
	if out.miss != nil && e.cfg.hints {
		if out.resp.Header == nil {
			out.resp.Header = http.Header{}
		}
		out.resp.Header.Set(HintHeader, hint(out.miss))
	}
	writeResponse(w, r, out.resp)
	e.record(req, p, started, out)
}

// outcome is what the pipeline made of a request: the answer, the fault
// that shaped it, and why no handler ran when none did.
type outcome struct {
	resp  platform.Response
	fault *faults.Fault
	miss  *journal.Miss
	// shared is set when resp's header and body belong to a cached page:
	// they are copied before any change and never copied to be kept.
	shared bool
}

// handle runs the pipeline up to the response.
func (e *Emulator) handle(req *platform.Request, p platform.Platform) (out outcome) {
	defer func() {
		if v := recover(); v != nil {
			e.cfg.log.Error("handler panic", "platform", p.Name(), "path", req.Path, "panic", v, "stack", string(debug.Stack()))
			out.resp = render(p, req, nil, fmt.Errorf("panic: %v", v))
		}
	}()
	answer := func(result any, err error) outcome {
		out.resp = render(p, req, result, err)
		return out
	}
	body, err := readBody(req.HTTP, e.cfg.maxBodyBytes)
	if err != nil {
		return answer(nil, err)
	}
	req.Body = body

	op, params, routeErr := p.Spec().Find(req.HTTP.Method, req.Path)
	if routeErr != nil {
		out.miss = routeMiss(p, req.HTTP.Method, req.Path, routeErr)
		return answer(nil, routeErr)
	}
	req.Operation, req.PathParams = op, params

	principal, authErr := p.Authenticate(req)
	if req.Scope != "" && principal.TenantID != "" && principal.TenantID != req.Scope {
		// Another tenant's credential through this tenant's URL.
		principal, authErr = platform.Principal{}, platform.ErrUnknownCredential
	}
	req.Principal = principal
	if principal.TenantID != "" {
		req.Now = e.tenants.Now(principal.TenantID) // from here on, the tenant's time
	}
	if resp, refused := e.refuseOwnDelivery(req); refused {
		out.resp = resp
		return out
	}

	if f, ok := e.faults.Take(req.Tenant(), p.Name(), op.ID); ok {
		out.fault = &f
		if f.DelayMS > 0 {
			e.cfg.sleep(req.Context(), f.Delay())
		}
		if f.Drop {
			return out
		}
		if f.Status != 0 {
			out.resp = platform.Response{Status: f.Status, Header: f.Header(), Body: f.BodyBytes()}
			return out
		}
	}
	if authErr != nil {
		return answer(nil, authErr)
	}

	if principal.TenantID != "" && e.tenants.LimitsEnabled(principal.TenantID) { // the rules only where they apply
		rules := slices.Concat(p.Spec().RateLimits, op.RateLimits)
		if shaper, ok := p.(platform.LimitShaper); ok {
			rules = shaper.LimitRules(req, rules)
		}
		if len(rules) > 0 {
			verdicts, refused := req.HitLimit(principal.LimitKey, rules...)
			req.Limits = verdicts
			if refused != nil {
				return answer(nil, &platform.RateLimited{
					Verdict:           *refused,
					RetryAfterSeconds: int(refused.RetryAfter(req.Now) / time.Second),
				})
			}
		}
	}

	if req.Input, err = p.Input(req); err != nil {
		out.miss = inputMiss(op, err)
		return answer(nil, err)
	}
	if err := p.Validate(req); err != nil {
		out.miss = inputMiss(op, err)
		return answer(nil, err)
	}
	handler := p.Handler(op.ID)
	if handler == nil {
		return answer(nil, fmt.Errorf("operation %s has no handler", op.ID))
	}
	if op.PageCache {
		page := e.servePage(req, p, handler)
		page.fault = out.fault
		return page
	}
	return answer(handler(req))
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
	if r.Body == nil || r.Body == http.NoBody { // a request without one: nothing to read or keep
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

func (e *Emulator) record(req *platform.Request, p platform.Platform, started time.Time, out outcome) {
	entry := journal.Entry{
		Time:     req.Now,
		TenantID: req.Tenant(),
		Platform: p.Name(),
		Miss:     out.miss,
		Request:  journalRequest(req.HTTP, req.Body),
		Response: journal.Response{
			Status:  out.resp.Status,
			Headers: out.resp.Header, // built for this response alone
		},
		DurationMS: float64(time.Since(started).Microseconds()) / 1000,
	}
	if req.Operation != nil {
		entry.Operation = req.Operation.ID
	}
	if out.shared {
		entry.Response.Body, entry.Response.BodyTruncated, entry.Response.BodyHeld = journal.SharedBody(out.resp.Body)
	} else {
		entry.Response.Body, entry.Response.BodyTruncated = journal.Body(out.resp.Body)
	}
	if out.fault != nil {
		entry.Fault = out.fault.ID
	}
	e.journal.Add(entry)
	e.logExchange(req.HTTP, &entry)
}

// journalRequest is what the journal keeps of a request.
func journalRequest(r *http.Request, body []byte) journal.Request {
	// Views of the request: the journal copies what it keeps of them.
	kept := journal.Request{Method: r.Method, Host: r.Host, Path: r.URL.Path}
	kept.Query, kept.QueryTruncated = journal.Cut(r.URL.RawQuery)
	kept.Headers, kept.HeadersTruncated = journal.Headers(r.Header)
	kept.Body, kept.BodyTruncated = journal.CutBytes(body)
	return kept
}

// logExchange writes one line per request at info (bodies at debug).
func (e *Emulator) logExchange(r *http.Request, entry *journal.Entry) {
	ctx := r.Context()
	if !e.cfg.log.Enabled(ctx, slog.LevelInfo) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", entry.Request.Method),
		slog.String("path", entry.Request.Path),
		slog.String("tenant", entry.TenantID),
		slog.String("platform", entry.Platform),
		slog.String("operation", entry.Operation),
		slog.Int("status", entry.Response.Status),
		slog.Float64("duration_ms", entry.DurationMS),
	}
	if entry.Fault != "" {
		attrs = append(attrs, slog.String("fault", entry.Fault))
	}
	if entry.Miss != nil {
		attrs = append(attrs, slog.String("miss", entry.Miss.Reason), slog.String("hint", hint(entry.Miss)))
	}
	if e.cfg.log.Enabled(ctx, slog.LevelDebug) {
		attrs = append(attrs, slog.String("query", entry.Request.Query),
			slog.String("request_body", entry.Request.Body), slog.String("response_body", entry.Response.Body))
	}
	e.cfg.log.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
}
