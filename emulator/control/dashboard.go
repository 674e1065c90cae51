package control

import (
	"net/http"
	"strings"
)

// UIPath is where the dashboard is served.
const UIPath = Prefix + "/ui/"

// dashboard mounts the UI, open to anyone: its files hold no data, and it
// asks for the control token before it reads any.
func (a *API) dashboard() {
	if a.cfg.UI == nil {
		return
	}
	a.mount("GET", Prefix+"/ui", http.RedirectHandler(UIPath, http.StatusMovedPermanently))
	a.mountPrefix("GET", UIPath, http.StripPrefix(UIPath, a.cfg.UI))
}

// Landing is where a request for the emulator's root (/ or /__fakebots)
// is sent: the dashboard, or the JSON index for a client that asks for JSON
// and not HTML.
func Landing(r *http.Request) string {
	if acceptsJSONOnly(r) {
		return Prefix + "/"
	}
	return UIPath
}

// acceptsJSONOnly reports whether Accept names application/json and not
// text/html (a browser names text/html; curl sends */*).
func acceptsJSONOnly(r *http.Request) bool {
	accept := strings.ToLower(strings.Join(r.Header.Values("Accept"), ","))
	return strings.Contains(accept, "application/json") && !strings.Contains(accept, "text/html")
}

// browsing reports whether a person's browser asked: it names text/html.
func browsing(r *http.Request) bool {
	return strings.Contains(strings.ToLower(strings.Join(r.Header.Values("Accept"), ",")), "text/html")
}

// indexOrUI sends a browser that opens the index to the dashboard, before
// any token is asked for; other clients get the JSON index.
func (a *API) indexOrUI(index http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.cfg.UI != nil && browsing(r) {
			http.Redirect(w, r, UIPath, http.StatusFound)
			return
		}
		index.ServeHTTP(w, r)
	})
}
