package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// exec runs one step whose templates are filled.
func (run *Run) exec(ctx context.Context, s *Step, res *StepResult) error {
	switch {
	case s.Call != nil:
		return run.answered(ctx, s, func() (*answer, error) { return run.call(ctx, s.Call) })
	case s.Control != nil:
		return run.answered(ctx, s, func() (*answer, error) { return run.control(ctx, s.Control) })
	case s.User != nil:
		return run.answered(ctx, s, func() (*answer, error) { return run.user(ctx, s.User) })
	case s.ExpectCalls != nil:
		return run.expectCalls(ctx, s.ExpectCalls)
	case s.ExpectNoOtherCalls != nil:
		return run.expectNoOtherCalls(ctx, s.ExpectNoOtherCalls)
	case s.ExpectOutbox != nil:
		return run.expectOutbox(ctx, s.ExpectOutbox)
	case s.ExpectState != nil:
		return run.expectState(ctx, s.ExpectState)
	case s.ExpectWebhooks != nil:
		return run.expectWebhooks(ctx, s.ExpectWebhooks)
	case s.ExpectReceived != nil:
		return run.expectReceived(ctx, s.ExpectReceived)
	case s.Clock != nil:
		return run.clock(ctx, s.Clock)
	case s.Fault != nil:
		return run.fault(ctx, s.Fault)
	case s.RateLimits != nil:
		_, err := run.tenant.ctlOK(ctx, http.MethodPut, "rate-limits", map[string]bool{"enabled": *s.RateLimits.Enabled})
		return err
	case s.Exhaust != nil:
		return run.exhaust(ctx, s.Exhaust, res)
	case s.Webhook != nil:
		return run.webhook(ctx, s.Webhook)
	}
	return fmt.Errorf("step has no kind")
}

// answered sends a request, checks its answer against the step's expect
// (by default: a 2xx status), retrying while expect.within allows, and
// captures values from it.
func (run *Run) answered(ctx context.Context, s *Step, send func() (*answer, error)) error {
	exp := s.Expect
	if exp == nil {
		exp = &Expect{}
	}
	var last *answer
	var lastFail *failure
	err := waitFor(ctx, run, exp.Wait, 0, false, func() (bool, error) {
		a, err := send()
		if err != nil {
			return false, err
		}
		last, lastFail = a, checkAnswer(exp, a)
		return lastFail == nil, nil
	})
	if err != nil {
		return err
	}
	if lastFail != nil {
		return lastFail
	}
	return run.capture(s.Capture, last)
}

// checkAnswer matches an answer against an expectation.
func checkAnswer(exp *Expect, a *answer) *failure {
	tree := a.tree()
	var diffs []Diff
	if exp.Status.Set {
		diffs = append(diffs, match(exp.Status.V, tree["status"], true, "status", matchOpts{})...)
	} else if a.Status < 200 || a.Status > 299 {
		diffs = append(diffs, Diff{Path: "status", Expected: "2xx", Actual: a.Status, Reason: fmt.Sprintf("expected a 2xx status, got %d", a.Status)})
	}
	if exp.Headers.Set {
		diffs = append(diffs, match(canonicalHeaders(exp.Headers.V), tree["headers"], true, "headers", matchOpts{})...)
	}
	if exp.Body.Set {
		diffs = append(diffs, match(exp.Body.V, a.Body, true, "body", matchOpts{})...)
	}
	if len(diffs) == 0 {
		return nil
	}
	msgs := make([]string, len(diffs))
	for i, d := range diffs {
		msgs[i] = d.String()
	}
	return &failure{
		msg:      fmt.Sprintf("the answer (%d) differs: %s", a.Status, strings.Join(msgs, "; ")),
		expected: exp,
		diffs:    diffs,
		detail:   "answer: " + cut(string(a.Raw), 2000),
	}
}

// canonicalHeaders writes header names of a pattern as Go canonicalises them.
func canonicalHeaders(p any) any {
	m, ok := p.(map[string]any)
	if !ok {
		return p
	}
	if _, _, isMatcher := asMatcher(m); isMatcher {
		return p
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[http.CanonicalHeaderKey(k)] = v
	}
	return out
}

func (run *Run) capture(paths map[string]string, a *answer) error {
	tree := a.tree()
	for _, name := range sortedKeys(paths) {
		path := paths[name]
		if root, rest, _ := strings.Cut(path, "."); root == "headers" && rest != "" {
			path = "headers." + http.CanonicalHeaderKey(rest)
		}
		v, ok := walkPath(tree, path)
		if !ok {
			return &failure{msg: fmt.Sprintf("capture %s: the answer has no %s", name, paths[name]), detail: "answer: " + cut(string(a.Raw), 2000)}
		}
		run.scope.captured[name] = v
	}
	return nil
}

// pathParam is a {name} in an operation's path.
var pathParam = regexp.MustCompile(`\{([^{}]+)\}`)

// call sends a platform request as a client would.
func (run *Run) call(ctx context.Context, c *Call) (*answer, error) {
	req, err := run.callRequest(c)
	if err != nil {
		return nil, err
	}
	return run.tenant.send(ctx, req, "")
}

func (run *Run) callRequest(c *Call) (*http.Request, error) {
	method, path := c.Method, c.Path
	params, _ := c.Params.V.(map[string]any)
	if c.Params.Set && params == nil {
		return nil, failf("params must be a mapping")
	}
	if c.Operation != "" {
		op, err := operation(c.Platform, c.Operation)
		if err != nil {
			return nil, err
		}
		method, path = op.Method, op.Path
		// Path parameters come out of params.
		rest := make(map[string]any, len(params))
		for k, v := range params {
			rest[k] = v
		}
		var missing []string
		path = pathParam.ReplaceAllStringFunc(path, func(m string) string {
			name := m[1 : len(m)-1]
			v, ok := rest[name]
			if !ok {
				missing = append(missing, name)
				return m
			}
			delete(rest, name)
			return url.PathEscape(render(v))
		})
		if len(missing) > 0 {
			return nil, failf("operation %s needs %s in params (a part of its path %s)", c.Operation, strings.Join(missing, ", "), op.Path)
		}
		if params != nil {
			params = rest
		}
	}
	root, err := run.tenant.platformRoot(c.Platform)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(root + path)
	if err != nil {
		return nil, failf("path %q: %v", path, err)
	}
	q := u.Query()
	addValues(q, c.Query.V)
	var body io.Reader
	contentType := ""
	if len(params) > 0 && c.Body.Set {
		return nil, failf("params left after filling the path (%s) and a body: send one of them", strings.Join(sortedKeys(params), ", "))
	}
	switch {
	case len(params) > 0 && !sendsBody(method):
		addValues(q, params)
	case len(params) > 0 && c.Encoding == "form":
		form := url.Values{}
		addValues(form, params)
		body, contentType = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	case len(params) > 0:
		raw, err := json.Marshal(params)
		if err != nil {
			return nil, err
		}
		body, contentType = bytes.NewReader(raw), "application/json"
	case c.Body.Set:
		if s, ok := c.Body.V.(string); ok {
			body = strings.NewReader(s)
		} else {
			raw, err := json.Marshal(c.Body.V)
			if err != nil {
				return nil, err
			}
			body, contentType = bytes.NewReader(raw), "application/json"
		}
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequest(method, u.String(), body)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range c.Headers {
		req.Header.Set(k, v)
	}
	return req, nil
}

// addValues adds parameters as a form or query string writes them:
// lists as name[]=..., objects as name[key]=..., as PHP reads them.
func addValues(into url.Values, v any) {
	m, _ := v.(map[string]any)
	for _, k := range sortedKeys(m) {
		addValue(into, k, m[k])
	}
}

func addValue(into url.Values, key string, v any) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			addValue(into, key+"[]", e)
		}
	case map[string]any:
		for _, k := range sortedKeys(x) {
			addValue(into, key+"["+k+"]", x[k])
		}
	case nil:
		into.Add(key, "")
	default:
		into.Add(key, render(x))
	}
}

func (run *Run) control(ctx context.Context, c *Control) (*answer, error) {
	method := c.Method
	if method == "" {
		method = http.MethodGet
		if c.Body.Set {
			method = http.MethodPost
		}
	}
	var body any
	if c.Body.Set {
		body = c.Body.V
	}
	return run.tenant.ctl(ctx, method, c.Path, body)
}

// user acts as an end user through the platform's end-user control
// endpoints (/__fakebots/tenants/{id}/{platform}/users...).
func (run *Run) user(ctx context.Context, u *UserAct) (*answer, error) {
	base := u.Platform + "/users"
	one := base + "/" + url.PathEscape(u.ID)
	switch u.action() {
	case "appears":
		body := u.Appears.V
		if body == nil {
			body = map[string]any{}
		}
		return run.tenant.ctl(ctx, http.MethodPost, base, body)
	case "writes":
		body := map[string]any{"text": u.Writes}
		if u.Attachments.Set {
			body["attachments"] = u.Attachments.V
		}
		return run.tenant.ctl(ctx, http.MethodPost, one+"/messages", body)
	case "presses":
		body := map[string]any{"button": u.Presses}
		if u.MessageID.Set {
			body["message_id"] = u.MessageID.V
		}
		return run.tenant.ctl(ctx, http.MethodPost, one+"/buttons", body)
	case "subscribes":
		return run.tenant.ctl(ctx, http.MethodPost, one+"/subscribe", nil)
	default:
		return run.tenant.ctl(ctx, http.MethodPost, one+"/unsubscribe", nil)
	}
}

func (u *UserAct) action() string {
	switch {
	case u.Appears.Set:
		return "appears"
	case u.Writes != "":
		return "writes"
	case u.Presses != "":
		return "presses"
	case u.Subscribes:
		return "subscribes"
	}
	return "unsubscribes"
}

func (run *Run) clock(ctx context.Context, c *ClockAct) error {
	switch {
	case c.Set != "":
		_, err := run.tenant.ctlOK(ctx, http.MethodPost, "clock/set", map[string]any{"now": c.Set, "freeze": c.Freeze})
		return err
	case c.Advance.Set:
		return run.advance(ctx, c.Advance.D)
	case c.Freeze:
		_, err := run.tenant.ctlOK(ctx, http.MethodPost, "clock/freeze", nil)
		return err
	case c.Resume:
		_, err := run.tenant.ctlOK(ctx, http.MethodPost, "clock/resume", nil)
		return err
	}
	_, err := run.tenant.ctlOK(ctx, http.MethodPost, "clock/reset", nil)
	return err
}

func (run *Run) advance(ctx context.Context, d time.Duration) error {
	_, err := run.tenant.ctlOK(ctx, http.MethodPost, "clock/advance", map[string]string{"by": d.String()})
	return err
}

func (run *Run) fault(ctx context.Context, f *FaultAct) error {
	body := map[string]any{"platform": f.Platform}
	for k, v := range map[string]any{"operation": f.Operation, "count": f.Count, "status": f.Status, "delay_ms": f.DelayMS, "drop": f.Drop} {
		if v != "" && v != 0 && v != false {
			body[k] = v
		}
	}
	if f.Body.Set {
		body["body"] = f.Body.V
	}
	if len(f.Headers) > 0 {
		body["headers"] = f.Headers
	}
	_, err := run.tenant.ctlOK(ctx, http.MethodPost, "faults", body)
	return err
}

// exhaust calls until the platform refuses, so the next call hits the limit.
func (run *Run) exhaust(ctx context.Context, e *Exhaust, res *StepResult) error {
	until, limit := e.Until, e.Max
	if until == 0 {
		until = http.StatusTooManyRequests
	}
	if limit == 0 {
		limit = 1000
	}
	var last *answer
	for n := 1; n <= limit; n++ {
		a, err := run.call(ctx, &e.Call)
		if err != nil {
			return err
		}
		if a.Status == until {
			res.Detail = fmt.Sprintf("answered %d after %d calls", until, n)
			return nil
		}
		last = a
	}
	return &failure{
		msg:    fmt.Sprintf("%d calls and no %d: the limit was not reached", limit, until),
		detail: fmt.Sprintf("last answer (%d): %s", last.Status, cut(string(last.Raw), 2000)),
	}
}

func (run *Run) webhook(ctx context.Context, w *WebhookAct) error {
	body := map[string]any{}
	if opts, ok := w.Options.V.(map[string]any); ok {
		for k, v := range opts {
			body[k] = v
		}
	} else if w.Options.Set {
		return failf("webhook options must be a mapping")
	}
	body["url"] = w.URL
	_, err := run.tenant.ctlOK(ctx, http.MethodPut, w.Platform+"/webhook", body)
	return err
}

// cut shortens text for a message.
func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
