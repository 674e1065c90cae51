package bothelp

import (
	"net/http"
	"strings"

	"github.com/fakebots/fakebots/emulator/platform"
)

// slashRedirect answers a GET (or HEAD) of a path whose other trailing-slash
// form is a list the spec serves with 301 to that canonical form, keeping
// the query: /v1/bots → /v1/bots/ (observed), /v1/bots/{ref}/steps/ →
// /v1/bots/{ref}/steps (observed), the same for the other lists (inferred).
// Writes are not redirected: a client would resend them as GETs.
func (p *Platform) slashRedirect(r *platform.Request) (platform.Response, bool) {
	if r.HTTP.Method != http.MethodGet && r.HTTP.Method != http.MethodHead {
		return platform.Response{}, false
	}
	alt := otherSlashForm(r.Path)
	if alt == "" {
		return platform.Response{}, false
	}
	op, _, routeErr := p.spec.Find(r.HTTP.Method, alt)
	if routeErr != nil || !hostServes(r.HTTP, op.ID) {
		return platform.Response{}, false
	}
	location := r.BaseURL + alt
	if q := r.HTTP.URL.RawQuery; q != "" {
		location += "?" + q
	}
	return platform.Response{Status: http.StatusMovedPermanently, Header: http.Header{"Location": {location}}}, true
}

// otherSlashForm adds or removes the trailing slash ("" for the root).
func otherSlashForm(path string) string {
	switch {
	case path == "" || path == "/":
		return ""
	case strings.HasSuffix(path, "/"):
		return strings.TrimSuffix(path, "/")
	}
	return path + "/"
}
