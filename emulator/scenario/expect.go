package scenario

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/fakebots/fakebots/emulator/journal"
	"github.com/fakebots/fakebots/emulator/platform"
)

// want says what a count expects, and whether n satisfies it.
func (c Count) want(n int) (bool, string) {
	switch {
	case c.Times != nil:
		return n == *c.Times, fmt.Sprintf("exactly %d", *c.Times)
	case c.AtMost != nil:
		return n <= *c.AtMost, fmt.Sprintf("at most %d", *c.AtMost)
	case c.AtLeast != nil:
		return n >= *c.AtLeast, fmt.Sprintf("at least %d", *c.AtLeast)
	}
	return n >= 1, "at least 1"
}

// stable reports whether only more events could break the count.
func (c Count) stable() bool { return (c.Times != nil && *c.Times == 0) || c.AtMost != nil }

// sync reads the journal entries the run has not seen yet.
func (run *Run) sync(ctx context.Context) error {
	fresh, err := run.tenant.journalAfter(ctx, run.lastID)
	if err != nil {
		return err
	}
	for _, e := range fresh {
		run.seen = append(run.seen, e)
		run.lastID = e.ID
	}
	return nil
}

// sutCalls are the calls the system under test made: the journal without
// the runner's own requests.
func (run *Run) sutCalls() []*journal.Entry {
	var out []*journal.Entry
	for i := range run.seen {
		if run.seen[i].Request.Headers.Get(RunnerHeader) == "" {
			out = append(out, &run.seen[i])
		}
	}
	return out
}

func (run *Run) expectCalls(ctx context.Context, e *ExpectCalls) error {
	var verdicts []*verdict
	var matched []*journal.Entry
	calls := 0
	satisfied := false
	err := waitFor(ctx, run, e.Wait, DefaultWithin, e.Count.stable(), func() (bool, error) {
		if err := run.sync(ctx); err != nil {
			return false, err
		}
		verdicts, matched = nil, nil
		all := run.sutCalls()
		calls = len(all)
		for _, entry := range all {
			v := judgeCall(entry, e.Platform, e.Operation, e.Params, e.Headers, e.Status)
			verdicts = append(verdicts, v)
			if v.ok() {
				matched = append(matched, entry)
			}
		}
		satisfied, _ = e.Count.want(len(matched))
		return satisfied || len(matched) > countLimit(e.Count), nil // more calls cannot help
	})
	if err != nil {
		return err
	}
	_, want := e.Count.want(len(matched))
	if satisfied {
		for _, m := range matched {
			run.claimed[m.ID] = true
		}
		return nil
	}
	what := "call to " + e.Platform
	if e.Operation != "" {
		what = "call of " + e.Platform + " " + e.Operation
	}
	f := &failure{
		msg:      fmt.Sprintf("expected %s matching %s from the system under test, got %d", want, what, len(matched)),
		expected: e,
	}
	if len(matched) > 0 && len(matched) > countLimit(e.Count) {
		var lines []string
		for _, m := range matched {
			lines = append(lines, "  "+callSummary(m))
		}
		f.detail = "the matching calls:\n" + strings.Join(lines, "\n")
		return f
	}
	f.nearMisses = nearest(verdicts)
	f.detail = explain(f.nearMisses, calls, "calls the system under test made")
	return f
}

// countLimit is the most a count allows (a large number when unbounded).
func countLimit(c Count) int {
	switch {
	case c.Times != nil:
		return *c.Times
	case c.AtMost != nil:
		return *c.AtMost
	}
	return int(^uint(0) >> 1)
}

func plural(what string, n int) string {
	if n == 1 {
		return what
	}
	return what + "s"
}

// judgeCall judges a journal entry against an expected call: the
// platform, the operation, each parameter (read as the platform reads
// them: query, form and JSON merged, path parameters included), each
// header and the answer's status.
func judgeCall(e *journal.Entry, platformName, operation string, params, headers, status Pattern) *verdict {
	v := &verdict{id: e.ID, summary: callSummary(e)}
	v.equal("platform", platformName, e.Platform)
	v.equal("operation", operation, e.Operation)
	v.pattern(params, entryParams(e), "params", matchOpts{loose: true})
	hs := map[string]any{}
	for k, vals := range e.Request.Headers {
		hs[k] = strings.Join(vals, ", ")
	}
	if headers.Set {
		headers.V = canonicalHeaders(headers.V)
	}
	v.pattern(headers, hs, "headers", matchOpts{})
	if status.Set {
		v.criterion(match(status.V, int64(e.Response.Status), true, "status", matchOpts{}))
	}
	return v
}

// callSummary is a journal entry in one line.
func callSummary(e *journal.Entry) string {
	target := e.Request.Path
	if e.Request.Query != "" {
		target += "?" + e.Request.Query
	}
	return fmt.Sprintf("#%d %s %s (%s %s) → %d", e.ID, e.Request.Method, cut(target, 100), e.Platform, firstOf(e.Operation, "no operation"), e.Response.Status)
}

// entryParams reads a recorded request's parameters as the platforms do:
// query, form and JSON merged (PHP-style keys unfolded), plus the
// operation's path parameters.
func entryParams(e *journal.Entry) map[string]any {
	params := inputParams(&http.Request{
		Method: e.Request.Method,
		URL:    &url.URL{Path: e.Request.Path, RawQuery: e.Request.Query},
		Header: e.Request.Headers,
	}, []byte(e.Request.Body))
	if s, err := platformSpec(e.Platform); err == nil {
		if _, vars, routeErr := s.Find(e.Request.Method, realPath(e)); routeErr == nil {
			for k, val := range vars {
				params[k] = val
			}
		}
	}
	return params
}

// inputParams reads a request's parameters as the platforms do: query,
// form and JSON merged, PHP-style keys unfolded.
func inputParams(r *http.Request, body []byte) map[string]any {
	in, _, err := platform.ParseInput(&platform.Request{HTTP: r, Body: body}, platform.InputOptions{Sniff: true})
	if err != nil && err != platform.ErrMalformedJSON {
		return map[string]any{}
	}
	return in
}

// realPath is the platform's own path of a recorded request, without the
// emulator's prefix (/t/{tenant}/{platform} or /{platform}).
func realPath(e *journal.Entry) string {
	p := e.Request.Path
	for _, prefix := range []string{"/t/" + e.TenantID + "/" + e.Platform, "/" + e.Platform} {
		if rest, ok := strings.CutPrefix(p, prefix); ok && (rest == "" || rest[0] == '/') {
			return rest
		}
	}
	return p
}

func (run *Run) expectNoOtherCalls(ctx context.Context, e *NoOtherCalls) error {
	if err := run.sync(ctx); err != nil {
		return err
	}
	var others []string
	for _, c := range run.sutCalls() {
		if !run.claimed[c.ID] && (e.Platform == "" || c.Platform == e.Platform) {
			others = append(others, "  "+callSummary(c))
		}
	}
	if len(others) == 0 {
		return nil
	}
	return &failure{
		msg:    fmt.Sprintf("the system under test made %d %s no expect_calls step accounted for", len(others), plural("call", len(others))),
		detail: "unexpected calls:\n" + strings.Join(others, "\n"),
	}
}

// expectItems waits for a list (outbox messages, webhook deliveries) to
// hold a count of items matching a pattern, explaining a failure with the
// nearest items.
func (run *Run) expectItems(ctx context.Context, w Wait, count Count, p Pattern, what string, expected any,
	fetch func() ([]any, error), summary func(map[string]any) string) error {
	var verdicts []*verdict
	matched, total := 0, 0
	satisfied := false
	err := waitFor(ctx, run, w, DefaultWithin, count.stable(), func() (bool, error) {
		items, err := fetch()
		if err != nil {
			return false, err
		}
		verdicts, matched, total = nil, 0, len(items)
		for _, it := range items {
			obj, _ := it.(map[string]any)
			id, _ := number(obj["id"])
			v := &verdict{id: int64(id), summary: summary(obj)}
			v.pattern(p, obj, "", matchOpts{loose: true})
			verdicts = append(verdicts, v)
			if v.ok() {
				matched++
			}
		}
		satisfied, _ = count.want(matched)
		return satisfied || matched > countLimit(count), nil // more items cannot help
	})
	if err != nil || satisfied {
		return err
	}
	_, want := count.want(matched)
	f := &failure{msg: fmt.Sprintf("expected %s matching %s, got %d", want, what, matched), expected: expected}
	if matched <= countLimit(count) {
		f.nearMisses = nearest(verdicts)
	}
	f.detail = explain(f.nearMisses, total, what)
	return f
}

func (run *Run) expectOutbox(ctx context.Context, e *ExpectOutbox) error {
	path := "outbox"
	if e.Platform != "" {
		path += "?platform=" + url.QueryEscape(e.Platform)
	}
	return run.expectItems(ctx, e.Wait, e.Count, e.Message, "outbox messages", e,
		func() ([]any, error) { return run.tenant.list(ctx, path) },
		func(m map[string]any) string {
			return fmt.Sprintf("#%v %v %v to %v (%v): %s", m["id"], m["platform"], m["operation"], m["recipient"], m["status"], show(m["text"]))
		})
}

func (run *Run) expectWebhooks(ctx context.Context, e *ExpectWebhooks) error {
	a, err := run.tenant.ctl(ctx, http.MethodPost, e.Platform+"/webhook/flush", map[string]int{"timeout_ms": 10000})
	switch {
	case err != nil:
		return err
	case a.Status == http.StatusNotFound:
		return failf("%s keeps no webhook delivery log to check; expect_received checks what the receiver got from any platform", e.Platform)
	case a.Status >= 400:
		return failf("%s/webhook/flush: %d %s", e.Platform, a.Status, cut(string(a.Raw), 500))
	}
	return run.expectItems(ctx, Wait{}, e.Count, e.Delivery, e.Platform+" webhook deliveries", e,
		func() ([]any, error) { return run.tenant.list(ctx, e.Platform+"/webhook/deliveries") },
		func(m map[string]any) string {
			return fmt.Sprintf("#%v to %v → %v after %v attempts: %s", m["id"], m["url"], m["status"], m["attempts"], cut(show(m["payload"]), 120))
		})
}

func (run *Run) expectReceived(ctx context.Context, e *ExpectReceived) error {
	return run.expectItems(ctx, e.Wait, e.Count, e.Request, "requests to the receiver", e,
		func() ([]any, error) { return run.receiver.received(), nil },
		func(m map[string]any) string {
			return fmt.Sprintf("#%v %v %v → %v: %s", m["id"], m["method"], m["path"], m["status"], cut(show(m["body"]), 120))
		})
}

func (run *Run) expectState(ctx context.Context, e *ExpectState) error {
	exp := &Expect{Status: e.Status, Body: e.Body, Wait: e.Wait}
	return run.answered(ctx, &Step{Expect: exp}, func() (*answer, error) {
		if e.Call != nil {
			return run.call(ctx, e.Call)
		}
		return run.tenant.ctl(ctx, http.MethodGet, e.Control, nil)
	})
}
