package control

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/fakebots/fakebots/emulator/journal"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/emulator/tenant"
)

// Page sizes of the journal and the outbox: a default that keeps answers
// small, and a most that keeps them bounded.
const (
	defaultPage = 100
	maxPage     = 1000
)

// unknownTenant names the tenant a filter or a body asked for.
func unknownTenant(id string, err error) error {
	if errors.Is(err, tenant.ErrNotFound) {
		return platform.ControlNotFound("no tenant %q", id)
	}
	return err
}

// tenantFilter is the ?tenant= of an emulator-wide route, which must exist.
func (a *API) tenantFilter(r *http.Request) (string, error) {
	id := r.URL.Query().Get("tenant")
	if id == "" {
		return "", nil
	}
	if err := a.cfg.Tenants.Exists(r.Context(), id); err != nil {
		return "", unknownTenant(id, err)
	}
	return id, nil
}

// knownOperation checks a platform name and, when given, an operation id of it.
func (a *API) knownOperation(name, operation string) error {
	p := a.byName[name]
	switch {
	case name == "" && operation == "":
		return nil
	case name == "":
		for _, p := range a.cfg.Platforms {
			if p.Spec().Operation(operation) != nil {
				return nil
			}
		}
		return platform.BadControlRequest("no platform has an operation %q", operation)
	case p == nil:
		return platform.BadControlRequest("unknown platform %q (platforms: %s)", name, strings.Join(a.names(), ", "))
	case operation != "" && p.Spec().Operation(operation) == nil:
		return platform.BadControlRequest("platform %s has no operation %q", name, operation)
	}
	return nil
}

func platformNotFound(name string, names []string) error {
	return platform.ControlNotFound("unknown platform %q (platforms: %s)", name, strings.Join(names, ", "))
}

func (a *API) names() []string {
	names := make([]string, len(a.cfg.Platforms))
	for i, p := range a.cfg.Platforms {
		names[i] = p.Name()
	}
	return names
}

// page reads limit (default defaultPage, at most maxPage) and before.
func page(r *http.Request) (limit int, before int64, err error) {
	q := r.URL.Query()
	limit = defaultPage
	if s := q.Get("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > maxPage {
			return 0, 0, platform.BadControlRequest("limit must be an integer from 1 to %d", maxPage)
		}
	}
	before, err = idParam(r, "before", "before must be a positive id (a page's next_before)")
	return limit, before, err
}

// paged is a page of a list, newest first, with the cursor of the next one.
func paged[T any](data []T, more bool, id func(T) int64) map[string]any {
	var next any
	if more && len(data) > 0 {
		next = id(data[len(data)-1])
	}
	return map[string]any{"data": data, "next_before": next}
}

// journalFilter reads and checks the journal's filters: tenant (the route's
// or ?tenant=), platform, operation, status ("429" or a class such as "4xx"),
// q (text in the path, query or bodies), limit and before.
func (a *API) journalFilter(r *http.Request) (journal.Filter, error) {
	id, err := a.scope(r)
	if err == nil && id == "" {
		id, err = a.tenantFilter(r)
	}
	if err != nil {
		return journal.Filter{}, err
	}
	q := r.URL.Query()
	f := journal.Filter{TenantID: id, Platform: q.Get("platform"), Operation: q.Get("operation")}
	if err := a.knownOperation(f.Platform, f.Operation); err != nil {
		return f, err
	}
	var conds []func(*journal.Entry) bool
	if s := q.Get("status"); s != "" {
		lo, hi, ok := statusRange(s)
		if !ok {
			return f, platform.BadControlRequest("status must be an HTTP status (429) or a class (4xx), not %q", s)
		}
		conds = append(conds, func(e *journal.Entry) bool { return e.Response.Status >= lo && e.Response.Status <= hi })
	}
	if text := q.Get("q"); text != "" {
		conds = append(conds, func(e *journal.Entry) bool {
			return strings.Contains(e.Request.Path, text) || strings.Contains(e.Request.Query, text) ||
				strings.Contains(e.Request.Body, text) || strings.Contains(e.Response.Body, text)
		})
	}
	if len(conds) > 0 {
		f.Match = func(e *journal.Entry) bool {
			return !slices.ContainsFunc(conds, func(c func(*journal.Entry) bool) bool { return !c(e) })
		}
	}
	if f.Limit, f.Before, err = page(r); err != nil {
		return f, err
	}
	f.After, err = idParam(r, "after", "after must be a positive id (the newest entry already seen)")
	return f, err
}

// idParam reads an optional positive id of the query; 0 when absent.
func idParam(r *http.Request, name, complaint string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, platform.BadControlRequest("%s", complaint)
	}
	return id, nil
}

// statusRange reads "429" as 429–429 and "4xx" as 400–499.
func statusRange(s string) (lo, hi int, ok bool) {
	if len(s) == 3 && s[0] >= '1' && s[0] <= '5' && strings.EqualFold(s[1:], "xx") {
		lo = int(s[0]-'0') * 100
		return lo, lo + 99, true
	}
	n, err := strconv.Atoi(s)
	return n, n, err == nil && n >= 100 && n <= 599
}

func (a *API) listJournal(r *http.Request) (int, any, error) {
	f, err := a.journalFilter(r)
	if err != nil {
		return 0, nil, err
	}
	entries, more := a.cfg.Journal.List(f)
	return http.StatusOK, paged(entries, more, func(e journal.Entry) int64 { return e.ID }), nil
}

// listUnmatched lists requests that matched no operation (no platform at
// the path, a tenant prefix naming no tenant, no operation of the platform),
// each with the operation it came closest to and what differed.
func (a *API) listUnmatched(r *http.Request) (int, any, error) {
	f, err := a.journalFilter(r)
	if err != nil {
		return 0, nil, err
	}
	also := f.Match
	f.Match = func(e *journal.Entry) bool { return e.Miss.Unmatched() && (also == nil || also(e)) }
	entries, more := a.cfg.Journal.List(f)
	return http.StatusOK, paged(entries, more, func(e journal.Entry) int64 { return e.ID }), nil
}

// journalEntry is one entry by id: the route's tenant's, or any tenant's.
func (a *API) journalEntry(r *http.Request) (int, any, error) {
	id, err := a.scope(r)
	if err != nil {
		return 0, nil, err
	}
	n, err := strconv.ParseInt(mux.Vars(r)["entry"], 10, 64)
	if err != nil || n < 1 {
		return 0, nil, platform.BadControlRequest("an entry id is a positive integer, not %q", mux.Vars(r)["entry"])
	}
	e, ok := a.cfg.Journal.Entry(id, n)
	if !ok {
		return 0, nil, platform.ControlNotFound("no journal entry %d (the journal keeps the last exchanges only)", n)
	}
	return http.StatusOK, e, nil
}

func (a *API) clearJournal(r *http.Request) (int, any, error) {
	f, err := a.journalFilter(r)
	if err != nil {
		return 0, nil, err
	}
	f.Limit, f.Before, f.After = 0, 0, 0
	return http.StatusOK, map[string]int{"removed": a.cfg.Journal.Clear(f)}, nil
}

var outboxStatuses = []string{store.StatusScheduled, store.StatusDelivered, store.StatusFailed}

func (a *API) listOutbox(r *http.Request) (int, any, error) {
	id, err := a.scope(r)
	if err == nil && id == "" {
		id, err = a.tenantFilter(r)
	}
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	f := store.OutboxFilter{TenantID: id, Platform: q.Get("platform"), Recipient: q.Get("recipient"), Status: q.Get("status")}
	if err := a.knownOperation(f.Platform, ""); err != nil {
		return 0, nil, err
	}
	if f.Status != "" && !slices.Contains(outboxStatuses, f.Status) {
		return 0, nil, platform.BadControlRequest("status must be one of %s, not %q", strings.Join(outboxStatuses, ", "), f.Status)
	}
	if f.Limit, f.Before, err = page(r); err != nil {
		return 0, nil, err
	}
	msgs, more, err := a.cfg.Store.Outbox(r.Context(), f)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, paged(msgs, more, func(m store.Message) int64 { return m.ID }), nil
}
