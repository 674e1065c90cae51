package scenario

import (
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// checker holds the rules JSON Schema says too, and those it cannot:
// one kind per step, operations that exist, templates captured before use.
type checker struct {
	*decoder
	root     *yaml.Node
	captured map[string]bool
}

// at is the node of a dotted key path below the root ("steps.2.call"),
// for the place of an error; the root when the path is not there.
func (c *checker) at(path string) *yaml.Node {
	n := c.root
	for _, key := range strings.Split(path, ".") {
		next := child(n, key)
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

func child(n *yaml.Node, key string) *yaml.Node {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
	case yaml.SequenceNode:
		var i int
		if _, err := fmt.Sscan(key, &i); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i]
		}
	}
	return nil
}

func (c *checker) failAt(path, format string, args ...any) { c.fail(c.at(path), format, args...) }

func (c *checker) scenario(sc *Scenario) {
	if sc.Version != Version {
		c.failAt("version", "version must be %d", Version)
	}
	if strings.TrimSpace(sc.Name) == "" {
		c.failAt("name", "name is required")
	}
	c.tenant(sc)
	if sc.Exec != nil && strings.TrimSpace(sc.Exec.Command) == "" {
		c.failAt("exec", "exec needs a command")
	}
	if len(sc.Steps) == 0 {
		c.failAt("steps", "steps must list at least one step")
	}
	c.captured = map[string]bool{}
	for i := range sc.Steps {
		c.step(fmt.Sprintf("steps.%d", i), &sc.Steps[i])
	}
}

// tenant normalises the tenant to its creation body.
func (c *checker) tenant(sc *Scenario) {
	switch t := sc.Tenant.V.(type) {
	case nil:
		if sc.Tenant.Set {
			c.failAt("tenant", "tenant must be a fixture name or {fixture: ...}")
		}
		sc.Tenant.V = map[string]any{}
	case string:
		sc.Tenant.V = map[string]any{"fixture": t}
	case map[string]any:
		for k, v := range t {
			if k != "fixture" {
				c.failAt("tenant."+k, "unknown key %q (allowed here: fixture)", k)
				continue
			}
			switch v.(type) {
			case string, map[string]any:
			default:
				c.failAt("tenant.fixture", "fixture must be a fixture name or an inline fixture (a mapping)")
			}
		}
	default:
		c.failAt("tenant", "tenant must be a fixture name or {fixture: ...}")
	}
}

// stepKinds are the step kinds, by their key.
var stepKinds = func() []string {
	var kinds []string
	t := reflect.TypeOf(Step{})
	for i := range t.NumField() {
		if t.Field(i).Type.Kind() == reflect.Pointer && t.Field(i).Name != "Expect" {
			kinds = append(kinds, t.Field(i).Tag.Get("yaml"))
		}
	}
	return kinds
}()

// Kind is the step's kind: its one key among stepKinds.
func (s *Step) Kind() string {
	v := reflect.ValueOf(s).Elem()
	for _, k := range stepKinds {
		if f := fieldByTag(v, k); !f.IsNil() {
			return k
		}
	}
	return ""
}

func fieldByTag(v reflect.Value, tag string) reflect.Value {
	t := v.Type()
	for i := range t.NumField() {
		if t.Field(i).Tag.Get("yaml") == tag {
			return v.Field(i)
		}
	}
	return reflect.Value{}
}

func (c *checker) step(path string, s *Step) {
	v := reflect.ValueOf(s).Elem()
	var kinds []string
	for _, k := range stepKinds {
		if !fieldByTag(v, k).IsNil() {
			kinds = append(kinds, k)
		}
	}
	switch len(kinds) {
	case 0:
		c.failAt(path, "a step needs one of: %s", strings.Join(stepKinds, ", "))
		return
	case 1:
	default:
		c.failAt(path, "a step has one kind, this one has %s", strings.Join(kinds, " and "))
		return
	}
	kind := kinds[0]
	kp := path + "." + kind
	if (s.Expect != nil || s.Capture != nil) && kind != "call" && kind != "control" && kind != "user" {
		c.failAt(path, "expect and capture go with call, control and user steps, not %s", kind)
	}
	c.templates(path, v)
	switch kind {
	case "call":
		c.call(kp, s.Call)
	case "control":
		c.control(kp, s.Control)
	case "user":
		c.user(kp, s.User)
	case "expect_calls":
		e := s.ExpectCalls
		c.target(kp, e.Platform, e.Operation)
		c.count(kp, e.Count)
		c.wait(kp, e.Wait)
	case "expect_no_other_calls":
		if p := s.ExpectNoOtherCalls.Platform; p != "" {
			c.platform(kp, p)
		}
	case "expect_outbox":
		if s.ExpectOutbox.Platform != "" {
			c.platform(kp, s.ExpectOutbox.Platform)
		}
		c.count(kp, s.ExpectOutbox.Count)
		c.wait(kp, s.ExpectOutbox.Wait)
	case "expect_state":
		e := s.ExpectState
		if (e.Call == nil) == (e.Control == "") {
			c.failAt(kp, "expect_state reads through one of call or control")
		}
		if e.Call != nil {
			c.call(kp+".call", e.Call)
		}
		c.wait(kp, e.Wait)
	case "expect_webhooks":
		c.platform(kp, s.ExpectWebhooks.Platform)
		c.count(kp, s.ExpectWebhooks.Count)
	case "expect_received":
		c.count(kp, s.ExpectReceived.Count)
		c.wait(kp, s.ExpectReceived.Wait)
	case "clock":
		c.clock(kp, s.Clock)
	case "fault":
		f := s.Fault
		c.target(kp, f.Platform, f.Operation)
		if f.Status == 0 && f.DelayMS == 0 && !f.Drop {
			c.failAt(kp, "a fault needs one of status, delay_ms or drop")
		}
	case "exhaust":
		c.call(kp+".call", &s.Exhaust.Call)
	case "rate_limits":
		if s.RateLimits.Enabled == nil {
			c.failAt(kp, "rate_limits needs enabled: true or false")
		}
	case "webhook":
		c.platform(kp, s.Webhook.Platform)
		if s.Webhook.URL == "" {
			c.failAt(kp, "webhook needs a url (empty text switches it off: url: \"\")")
		}
	}
	if s.Expect != nil {
		c.wait(path+".expect", s.Expect.Wait)
	}
	for name := range s.Capture {
		c.captured[name] = true
	}
}

func (c *checker) platform(path, name string) {
	if name == "" {
		c.failAt(path, "platform is required (one of %s)", strings.Join(Platforms, ", "))
	} else if !knownPlatform(name) {
		c.failAt(path+".platform", "unknown platform %q (one of %s)", name, strings.Join(Platforms, ", "))
	}
}

// target checks a platform and, when one is named, an operation of it.
func (c *checker) target(path, platformName, operation string) {
	c.platform(path, platformName)
	if operation != "" {
		c.operation(path+".operation", platformName, operation)
	}
}

func (c *checker) operation(path, platformName, id string) {
	if !knownPlatform(platformName) {
		return
	}
	if _, err := operation(platformName, id); err != nil {
		c.failAt(path, "%v", err)
	}
}

func (c *checker) call(path string, call *Call) {
	c.platform(path, call.Platform)
	switch {
	case call.Operation != "" && (call.Method != "" || call.Path != ""):
		c.failAt(path, "give operation, or method and path, not both")
	case call.Operation != "":
		c.operation(path+".operation", call.Platform, call.Operation)
	case call.Method == "" || call.Path == "":
		c.failAt(path, "a call needs operation, or method and path")
	case !validMethod(call.Method):
		c.failAt(path+".method", "%q is not an HTTP method", call.Method)
	case !strings.HasPrefix(call.Path, "/"):
		c.failAt(path+".path", "path starts with / (the platform's real path, like /api/v1/getMe)")
	}
	if call.Encoding != "" && call.Encoding != "json" && call.Encoding != "form" {
		c.failAt(path+".encoding", "encoding is json or form")
	}
}

func validMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// sendsBody reports whether params travel in the body for this method.
func sendsBody(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodDelete:
		return false
	}
	return true
}

func (c *checker) control(path string, ctl *Control) {
	if ctl.Path == "" {
		c.failAt(path, "control needs a path below the tenant (salebot/webhook, clock...)")
	}
	if ctl.Method != "" && !validMethod(ctl.Method) {
		c.failAt(path+".method", "%q is not an HTTP method", ctl.Method)
	}
}

func (c *checker) user(path string, u *UserAct) {
	c.platform(path, u.Platform)
	var acts []string
	for name, set := range map[string]bool{
		"appears": u.Appears.Set, "writes": u.Writes != "", "presses": u.Presses != "",
		"subscribes": u.Subscribes, "unsubscribes": u.Unsubscribes,
	} {
		if set {
			acts = append(acts, name)
		}
	}
	sort.Strings(acts)
	switch {
	case len(acts) != 1:
		c.failAt(path, "a user step does one of appears, writes, presses, subscribes, unsubscribes (found %d)", len(acts))
	case acts[0] == "appears" && u.ID != "":
		c.failAt(path+".id", "a user who appears gets a new id: capture it (capture: {user: body.id})")
	case acts[0] != "appears" && u.ID == "":
		c.failAt(path, "%s needs the user's id", acts[0])
	}
	if u.Attachments.Set && u.Writes == "" {
		c.failAt(path+".attachments", "attachments go with writes")
	}
	if u.MessageID.Set && u.Presses == "" {
		c.failAt(path+".message_id", "message_id goes with presses")
	}
}

func (c *checker) count(path string, n Count) {
	set := 0
	for _, p := range []*int{n.Times, n.AtLeast, n.AtMost} {
		if p != nil {
			set++
			if *p < 0 {
				c.failAt(path, "counts are not negative")
			}
		}
	}
	if set > 1 {
		c.failAt(path, "give one of times, at_least, at_most")
	}
}

func (c *checker) wait(path string, w Wait) {
	switch w.Clock {
	case "", "wall":
	case "tenant":
		if !w.Within.Set {
			c.failAt(path+".clock", "clock: tenant needs within (how far to move the tenant's clock)")
		}
	default:
		c.failAt(path+".clock", "clock is wall or tenant")
	}
	if w.Tick.Set && w.Tick.D <= 0 {
		c.failAt(path+".tick", "tick must be positive")
	}
	if w.Within.Set && w.Clock != "tenant" && w.Within.D > MaxWallWait {
		c.failAt(path+".within", "a wall-clock wait is at most %s (move the tenant's clock for longer spans: clock: tenant)", MaxWallWait)
	}
}

// MaxWallWait bounds a wall-clock wait: a scenario that needs longer
// should move the tenant's clock.
const MaxWallWait = 5 * time.Minute

func (c *checker) clock(path string, a *ClockAct) {
	n := 0
	for _, set := range []bool{a.Freeze && a.Set == "", a.Resume, a.Reset, a.Advance.Set, a.Set != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		c.failAt(path, "clock does one of freeze, resume, reset, advance, set (set may come with freeze)")
	}
	if a.Advance.Set && a.Advance.D <= 0 {
		c.failAt(path+".advance", "advance by a positive duration")
	}
	if a.Set != "" && !strings.Contains(a.Set, "{{") {
		if _, err := time.Parse(time.RFC3339, a.Set); err != nil {
			c.failAt(path+".set", "set takes an RFC 3339 time like 2026-03-01T10:00:00+03:00")
		}
	}
}

// templates checks that every {{name}} a step uses was captured earlier.
func (c *checker) templates(path string, step reflect.Value) {
	eachString(step, func(s string) {
		for _, name := range templateNames(s) {
			root, _, _ := strings.Cut(name, ".")
			if root == "tenant" || root == "env" || root == "receiver" || c.captured[root] {
				continue
			}
			c.failAt(path, "{{%s}} is used before a step captures it", name)
		}
	})
}

// eachString visits every text in a decoded value (struct fields, maps,
// free-form values), keys of free-form maps included.
func eachString(v reflect.Value, visit func(string)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			eachString(v.Elem(), visit)
		}
	case reflect.String:
		visit(v.String())
	case reflect.Struct:
		if v.Type() == posType {
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				eachString(v.Field(i), visit)
			}
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			eachString(v.MapIndex(k), visit)
		}
	case reflect.Slice:
		for i := range v.Len() {
			eachString(v.Index(i), visit)
		}
	}
}
