package scenario

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/fakebots/fakebots/emulator/journal"
	"github.com/fakebots/fakebots/emulator/platform"
)

// Recorder turns a tenant's journal into a scenario that replays the same
// calls and expects the same answers.
type Recorder struct {
	Client       *http.Client
	BaseURL      string
	ControlToken string
}

// volatileKey names answer fields whose values change from run to run:
// ids, tokens, times. They are matched by type and, when a later request
// uses them, captured.
var volatileKey = regexp.MustCompile(`(?i)(^id$|_id$|Id$|^ids?$|token$|secret$|cuid|_at$|At$|date|time|created|updated|expires|referral)`)

// keptHeaders are the request headers a recording keeps.
var keptHeaders = []string{"Authorization", "Accept", "X-Requested-With", "Content-Type"}

// recStep is a recorded step, its keys in the order people read them.
type recStep struct {
	Clock   *recClock         `yaml:"clock,omitempty"`
	Call    *recCall          `yaml:"call,omitempty"`
	Expect  *recExpect        `yaml:"expect,omitempty"`
	Capture map[string]string `yaml:"capture,omitempty"`
}

type recClock struct {
	Freeze  bool   `yaml:"freeze,omitempty"`
	Advance string `yaml:"advance,omitempty"`
}

type recCall struct {
	Platform string            `yaml:"platform"`
	Method   string            `yaml:"method"`
	Path     string            `yaml:"path"`
	Params   any               `yaml:"params,omitempty"`
	Query    any               `yaml:"query,omitempty"`
	Body     any               `yaml:"body,omitempty"`
	Encoding string            `yaml:"encoding,omitempty"`
	Headers  map[string]string `yaml:"headers,omitempty"`
}

type recExpect struct {
	Status int `yaml:"status"`
	Body   any `yaml:"body,omitempty"`
}

type recScenario struct {
	Version     int        `yaml:"version"`
	Name        string     `yaml:"name"`
	Description string     `yaml:"description"`
	Tenant      any        `yaml:"tenant"`
	Steps       []*recStep `yaml:"steps"`
}

// Record writes a scenario (YAML) from the tenant's journal, oldest first.
func (r *Recorder) Record(ctx context.Context, tenantID string) ([]byte, error) {
	c := &client{http: r.Client, base: strings.TrimSuffix(r.BaseURL, "/"), token: r.ControlToken}
	if c.http == nil {
		c.http = http.DefaultClient
	}
	t, err := c.openTenant(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	fixture, err := tenantFixture(ctx, c, tenantID)
	if err != nil {
		return nil, err
	}
	entries, err := t.journalAfter(ctx, 0)
	if err != nil {
		return nil, err
	}
	rec := &recording{known: map[string]string{}}
	rec.learnTenant(t.info, "tenant")
	out := recScenario{
		Version:     Version,
		Name:        "recorded from tenant " + tenantID,
		Description: fmt.Sprintf("%d calls recorded by fakebots scenario record.", len(entries)),
		Tenant:      map[string]any{"fixture": fixture},
		Steps:       []*recStep{{Clock: &recClock{Freeze: true}}},
	}
	var last time.Time
	for i := range entries {
		e := &entries[i]
		if gap := e.Time.Sub(last); !last.IsZero() && gap >= time.Millisecond {
			out.Steps = append(out.Steps, &recStep{Clock: &recClock{Advance: gap.Round(time.Millisecond).String()}})
		}
		last = e.Time
		s := rec.step(e)
		rec.learnAnswer(s, e)
		out.Steps = append(out.Steps, s)
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return b.Bytes(), enc.Close()
}

// tenantFixture is the fixture the tenant was made from: its name, the
// inline fixture, or nothing.
func tenantFixture(ctx context.Context, c *client, id string) (any, error) {
	a, err := c.controlOK(ctx, http.MethodGet, "/tenants", nil, c.token)
	if err != nil {
		return nil, err
	}
	var list struct {
		Data []struct {
			ID      string `json:"id"`
			Fixture string `json:"fixture"`
		} `json:"data"`
	}
	if err := json.Unmarshal(a.Raw, &list); err != nil {
		return nil, err
	}
	for _, tn := range list.Data {
		if tn.ID != id {
			continue
		}
		var inline map[string]any
		if json.Unmarshal([]byte(tn.Fixture), &inline) == nil {
			delete(inline, "id") // the replay gets a tenant of its own
			return inline, nil
		}
		if tn.Fixture == "" {
			return map[string]any{}, nil
		}
		return tn.Fixture, nil
	}
	return nil, fmt.Errorf("tenant %s is not listed", id)
}

// recording remembers which texts stand for tenant values and captured
// answer values, so later requests use templates instead of copies.
type recording struct {
	known   map[string]string // a value's text → its template
	capture map[string]*recStep
	names   map[string]bool
}

// learnTenant notes the tenant's credentials and large ids.
func (r *recording) learnTenant(v any, path string) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == "base_url" || k == "token_url" || k == "base_path" {
				continue
			}
			r.learnTenant(e, path+"."+k)
		}
	case []any:
		for i, e := range x {
			r.learnTenant(e, path+"."+strconv.Itoa(i))
		}
	case string:
		if len(x) >= 8 {
			r.known[x] = "{{" + path + "}}"
		}
	case float64:
		if x >= 1000 && x == float64(int64(x)) {
			r.known[strconv.FormatInt(int64(x), 10)] = "{{" + path + "}}"
		}
	}
}

// learnAnswer sets the step's expected body: volatile values matched by
// type, and remembered for capture should a later request use them.
func (r *recording) learnAnswer(s *recStep, e *journal.Entry) {
	var body any
	if json.Unmarshal([]byte(e.Response.Body), &body) != nil {
		if e.Response.Body != "" {
			s.Expect.Body = map[string]any{"equals": e.Response.Body}
		}
		return
	}
	s.Expect.Body = r.pattern(s, body, "body", "")
}

func (r *recording) pattern(s *recStep, v any, path, key string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = r.pattern(s, e, path+"."+k, k)
		}
		if _, _, isMatcher := asMatcher(out); isMatcher {
			return map[string]any{"equals": out}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = r.pattern(s, e, path+"."+strconv.Itoa(i), key)
		}
		return out
	}
	if v == nil || !volatileKey.MatchString(key) {
		return v
	}
	if txt, ok := text(v); ok && len(txt) >= 2 {
		if _, taken := r.known[txt]; !taken {
			name := r.name(key)
			r.known[txt] = "{{" + name + "}}"
			if r.capture == nil {
				r.capture = map[string]*recStep{}
			}
			r.capture[name] = s
			s.pendingCapture(name, path)
		}
	}
	return map[string]any{"type": typeOf(v)}
}

// name picks a capture name from a field's key, unique in the recording.
func (r *recording) name(key string) string {
	if r.names == nil {
		r.names = map[string]bool{}
	}
	base := strings.Trim(regexp.MustCompile(`[^A-Za-z0-9_]+`).ReplaceAllString(key, "_"), "_")
	if base == "" {
		base = "value"
	}
	name := base
	for i := 2; r.names[name]; i++ {
		name = base + "_" + strconv.Itoa(i)
	}
	r.names[name] = true
	return name
}

// pendingCapture keeps a possible capture on the step; templated later
// uses turn it into a real one (see use).
func (s *recStep) pendingCapture(name, path string) {
	if s.Capture == nil {
		s.Capture = map[string]string{}
	}
	s.Capture["\x00"+name] = path
}

// use replaces known values in a text by their templates, turning the
// captures they come from into real ones.
func (r *recording) use(txt string) string {
	if tmpl, ok := r.known[txt]; ok {
		r.confirm(tmpl)
		return tmpl
	}
	for value, tmpl := range r.known {
		if len(value) >= 8 && strings.Contains(txt, value) {
			r.confirm(tmpl)
			txt = strings.ReplaceAll(txt, value, tmpl)
		}
	}
	return txt
}

func (r *recording) confirm(tmpl string) {
	name := strings.TrimSuffix(strings.TrimPrefix(tmpl, "{{"), "}}")
	if s := r.capture[name]; s != nil {
		if path, ok := s.Capture["\x00"+name]; ok {
			s.Capture[name] = path
		}
	}
}

func (r *recording) useTree(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = r.useTree(e)
		}
	case []any:
		for i, e := range x {
			x[i] = r.useTree(e)
		}
	case string:
		return r.use(x)
	case float64:
		if tmpl, ok := r.known[strconv.FormatFloat(x, 'f', -1, 64)]; ok {
			r.confirm(tmpl)
			return tmpl
		}
	}
	return v
}

// step turns an exchange into a call step.
func (r *recording) step(e *journal.Entry) *recStep {
	segments := strings.Split(realPath(e), "/")
	for i, seg := range segments {
		if seg != "" {
			unescaped, err := url.PathUnescape(seg)
			if err == nil {
				segments[i] = r.use(unescaped)
			}
		}
	}
	call := &recCall{Platform: e.Platform, Method: e.Request.Method, Path: strings.Join(segments, "/"), Headers: map[string]string{}}
	query := queryParams(e.Request.Query)
	ct, _, _ := mime.ParseMediaType(e.Request.Headers.Get("Content-Type"))
	body := strings.TrimSpace(e.Request.Body)
	var decoded any
	switch {
	case body == "":
	case json.Unmarshal([]byte(body), &decoded) == nil:
		if obj, ok := decoded.(map[string]any); ok && len(obj) > 0 {
			call.Params = r.useTree(obj)
		} else {
			call.Body = r.useTree(decoded)
		}
		if ct == "application/json" {
			ct = ""
		}
	case ct == "application/x-www-form-urlencoded":
		call.Params, call.Encoding, ct = r.useTree(queryParams(body)), "form", ""
	default:
		call.Body = r.use(e.Request.Body)
	}
	if len(query) > 0 {
		if call.Params == nil && call.Body == nil && !sendsBody(call.Method) {
			call.Params = r.useTree(query)
		} else {
			call.Query = r.useTree(query)
		}
	}
	for _, h := range keptHeaders {
		v := e.Request.Headers.Get(h)
		if h == "Content-Type" {
			v = ct
		}
		if v != "" {
			call.Headers[h] = r.use(v)
		}
	}
	return &recStep{Call: call, Expect: &recExpect{Status: e.Response.Status}}
}

// queryParams reads a query string or form as the platforms do (PHP-style
// keys unfolded), so a replay writes it back the same way.
func queryParams(raw string) map[string]any {
	if raw == "" {
		return nil
	}
	req := &http.Request{Method: http.MethodGet, URL: &url.URL{RawQuery: raw}, Header: http.Header{}}
	in, _, _ := platform.ParseInput(&platform.Request{HTTP: req}, platform.InputOptions{})
	return in
}

// MarshalYAML drops the captures no later request used.
func (s recStep) MarshalYAML() (any, error) {
	type plain recStep
	out := plain(s)
	out.Capture = map[string]string{}
	for k, v := range s.Capture {
		if !strings.HasPrefix(k, "\x00") {
			out.Capture[k] = v
		}
	}
	if len(out.Capture) == 0 {
		out.Capture = nil
	}
	return out, nil
}
