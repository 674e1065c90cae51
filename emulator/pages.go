package emulator

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/fakebots/fakebots/emulator/pagecache"
	"github.com/fakebots/fakebots/emulator/platform"
)

// servePage answers a read the spec marks x-page-cache: from the page cache
// while the tenant's data has not moved since the page was read, else from
// the handler, keeping a successful answer for the next caller.
func (e *Emulator) servePage(req *platform.Request, p platform.Platform, handler platform.Handler) outcome {
	key, ok := pageKey(req)
	if !ok {
		result, err := handler(req)
		return outcome{resp: render(p, req, result, err)}
	}
	// The version is read before the data: a write committed in between
	// moves it again, so the page is never served as the newer state.
	version := e.store.TenantVersion(req.TenantID())
	if page, ok := e.pages.Get(key, version); ok {
		return outcome{resp: platform.Response{Status: page.Status, Header: page.Header, Body: page.Body}, shared: true}
	}
	result, err := handler(req)
	resp := render(p, req, result, err)
	if err != nil || resp.Status != http.StatusOK {
		return outcome{resp: resp}
	}
	e.pages.Put(key, pagecache.Page{Version: version, Status: resp.Status, Header: resp.Header, Body: resp.Body})
	return outcome{resp: resp, shared: true}
}

// pageKey is what a cached answer depends on besides the tenant's data:
// the tenant, the operation, the URL the client used (links in pages are
// built from it) and the normalised parameters.
func pageKey(req *platform.Request) (string, bool) {
	params, err := json.Marshal(req.Input) // map keys sorted: the order the client sent them in does not matter
	if err != nil || req.TenantID() == "" {
		return "", false
	}
	parts := [...]string{req.TenantID(), req.Platform, req.HTTP.Method, req.Operation.ID, req.BaseURL, req.Path}
	size := len(params)
	for _, part := range parts {
		size += len(part) + 1
	}
	var b strings.Builder
	b.Grow(size) // the key's exact length: one allocation
	for _, part := range parts {
		b.WriteString(part)
		b.WriteByte(0)
	}
	b.Write(params)
	return b.String(), true
}

// reportLimits lets the platform report the caller's rate-limit standing on
// an answer a limit let through.
func reportLimits(req *platform.Request, p platform.Platform, out *outcome) {
	reporter, ok := p.(platform.LimitReporter)
	if !ok || len(req.Limits) == 0 || out.resp.Status == http.StatusTooManyRequests {
		return
	}
	if out.shared || out.resp.Header == nil {
		out.resp.Header = out.resp.Header.Clone() // a cached page's headers are every answer's
		if out.resp.Header == nil {
			out.resp.Header = http.Header{}
		}
	}
	reporter.ReportLimits(req, out.resp.Header)
}
