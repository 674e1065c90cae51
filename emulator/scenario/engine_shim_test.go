package scenario_test

// PER-TENANT ENGINE STAND-IN. The runner speaks the per-tenant contract
// (/t/{tenant}/{platform}/... base URLs, a control_token, and
// /__fakebots/tenants/{id}/journal|outbox|clock|faults|rate-limits). Until
// the emulator serves those itself, this handler maps them onto the global
// endpoints so the tests exercise the runner for real. Delete this file (and
// its one use in newEmulator) once the emulator answers them: every test
// must pass unchanged.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

func tenantEndpoints(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		if rest, ok := strings.CutPrefix(path, "/t/"); ok {
			_, tail, _ := strings.Cut(rest, "/")
			r.URL.Path = "/" + tail
			next.ServeHTTP(w, r)
			return
		}
		rest, ok := strings.CutPrefix(path, "/__fakebots/tenants/")
		if !ok {
			if path == "/__fakebots/tenants" && r.Method == http.MethodPost {
				withBaseURLs(next, w, r)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		id, sub, _ := strings.Cut(rest, "/")
		what, more, _ := strings.Cut(sub, "/")
		q := r.URL.Query()
		switch what {
		case "":
			if r.Method == http.MethodGet {
				withBaseURLs(next, w, r)
				return
			}
		case "journal":
			journalPage(next, w, r, id)
			return
		case "outbox":
			q.Set("tenant", id)
			r.URL.Path, r.URL.RawQuery = "/__fakebots/outbox", q.Encode()
		case "clock", "rate-limits":
			r.URL.Path = "/__fakebots/" + what
			if more != "" {
				r.URL.Path += "/" + more
			}
		case "faults":
			r.URL.Path = "/__fakebots/faults"
			if r.Method == http.MethodPost {
				var f map[string]any
				raw, _ := io.ReadAll(r.Body)
				json.Unmarshal(raw, &f)
				f["tenant_id"] = id
				raw, _ = json.Marshal(f)
				r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(raw)), int64(len(raw))
			} else {
				q.Set("tenant", id)
				r.URL.RawQuery = q.Encode()
			}
		}
		next.ServeHTTP(w, r)
	})
}

// withBaseURLs adds the per-tenant base URLs and control token to a
// tenant's answer.
func withBaseURLs(next http.Handler, w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	var info map[string]any
	if rec.Code >= 300 || json.Unmarshal(rec.Body.Bytes(), &info) != nil {
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
		return
	}
	id := info["id"].(string)
	info["control_token"] = "tenant-token-" + id
	section := func(name string) map[string]any { return info[name].(map[string]any) }
	section("cleverapp")["base_url"] = "/t/" + id + "/cleverapp/api/v1"
	section("onebot")["base_url"] = "/t/" + id + "/onebot/api/v1"
	section("salebot")["base_url"] = "/t/" + id + "/salebot/api/" + section("salebot")["api_key"].(string)
	section("bothelp")["base_url"] = "/t/" + id + "/bothelp"
	section("bothelp")["token_url"] = "/t/" + id + "/bothelp/oauth2/token"
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rec.Code)
	json.NewEncoder(w).Encode(info)
}

// journalPage pages the tenant's journal newest first with limit and before.
func journalPage(next http.Handler, w http.ResponseWriter, r *http.Request, id string) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	inner := url.Values{"tenant": {id}}
	for _, k := range []string{"platform", "operation"} {
		if v := q.Get(k); v != "" {
			inner.Set(k, v)
		}
	}
	r.URL.Path, r.URL.RawQuery = "/__fakebots/journal", inner.Encode()
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	var all struct{ Data []map[string]any }
	json.Unmarshal(rec.Body.Bytes(), &all)
	sort.Slice(all.Data, func(i, j int) bool { return all.Data[i]["id"].(float64) > all.Data[j]["id"].(float64) })
	page := []map[string]any{}
	for _, e := range all.Data {
		if before == 0 || int64(e["id"].(float64)) < before {
			page = append(page, e)
		}
	}
	var nextBefore any
	if limit > 0 && len(page) > limit {
		page = page[:limit]
		nextBefore = page[limit-1]["id"]
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"data": page, "next_before": nextBefore})
}
