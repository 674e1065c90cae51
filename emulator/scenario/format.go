// Package scenario runs scripted flows against fakebots: YAML files that
// create a tenant, act as API clients and as end users, move the tenant's
// clock, inject faults, and check what the system under test did — the calls
// it made, the messages end users received, the state it left — explaining
// every failure with the closest things that did happen (near misses).
//
// The runner is an HTTP client of the documented control API and of the
// platform APIs: it works the same against an in-process emulator (through
// an http.Client whose transport calls the handler) and a remote sidecar.
// The format is described in docs/scenarios.md and by the JSON Schema in
// scenarios/schema.json.
package scenario

import (
	"encoding/json"
	"fmt"
	"time"
)

// Version is the only format version there is.
const Version = 1

// Scenario is one loaded file.
type Scenario struct {
	Version     int    `yaml:"version"`
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// Tenant is the body of the tenant's creation: {"fixture": ...}; a plain
	// fixture name in the file is turned into that.
	Tenant Value `yaml:"tenant"`
	// Exec is the file's own system under test, started for every run.
	Exec  *Exec  `yaml:"exec"`
	Steps []Step `yaml:"steps"`

	// File is where the scenario was read from ("" for one given as bytes).
	File string `yaml:"-"`
	// Dir resolves Exec's relative paths (the file's directory).
	Dir string `yaml:"-"`
}

// Exec describes a system under test started as a child process.
type Exec struct {
	Command string `yaml:"command"`
	// ReadyURL is polled until it answers; ReadyLine waits for a line of the
	// process's output containing this text. Without either, the runner
	// waits until the process listens on its port (FAKEBOTS_RECEIVER_PORT).
	ReadyURL  string   `yaml:"ready_url"`
	ReadyLine string   `yaml:"ready_line"`
	Timeout   Duration `yaml:"ready_timeout"`
	At        Pos      `yaml:"-"`
}

// Step is one entry of steps: exactly one kind, with the keys shared by all.
type Step struct {
	Name string `yaml:"name"`

	Call               *Call           `yaml:"call"`
	Control            *Control        `yaml:"control"`
	User               *UserAct        `yaml:"user"`
	ExpectCalls        *ExpectCalls    `yaml:"expect_calls"`
	ExpectNoOtherCalls *NoOtherCalls   `yaml:"expect_no_other_calls"`
	ExpectOutbox       *ExpectOutbox   `yaml:"expect_outbox"`
	ExpectState        *ExpectState    `yaml:"expect_state"`
	ExpectWebhooks     *ExpectWebhooks `yaml:"expect_webhooks"`
	ExpectReceived     *ExpectReceived `yaml:"expect_received"`
	Clock              *ClockAct       `yaml:"clock"`
	Fault              *FaultAct       `yaml:"fault"`
	RateLimits         *RateLimitsAct  `yaml:"rate_limits"`
	Exhaust            *Exhaust        `yaml:"exhaust"`
	Webhook            *WebhookAct     `yaml:"webhook"`

	// Expect checks the answer of call, control and user steps.
	Expect *Expect `yaml:"expect"`
	// Capture stores values of the answer for later steps: name → path
	// ("body.data.0.id", "status", "headers.Content-Type").
	Capture map[string]string `yaml:"capture"`

	At Pos `yaml:"-"`
}

// Call is a request to a platform API as a client makes it.
type Call struct {
	Platform  string `yaml:"platform"`
	Operation string `yaml:"operation"`
	Method    string `yaml:"method"`
	Path      string `yaml:"path"`
	// Params go in the query string of GET, HEAD and DELETE, and in the body
	// (JSON, or a form with encoding: form) of the others. Parameters of the
	// operation's path ({api_key}, {id}) are taken from them.
	Params Value `yaml:"params"`
	// Query always goes in the query string.
	Query    Value             `yaml:"query"`
	Body     Value             `yaml:"body"` // sent as is: a string verbatim, anything else as JSON
	Encoding string            `yaml:"encoding"`
	Headers  map[string]string `yaml:"headers"`
	At       Pos               `yaml:"-"`
}

// Control is a request to the tenant's control endpoints
// (/__fakebots/tenants/{tenant}/PATH).
type Control struct {
	Method string `yaml:"method"`
	Path   string `yaml:"path"`
	Body   Value  `yaml:"body"`
}

// UserAct is a simulated end user acting on a platform.
type UserAct struct {
	Platform string `yaml:"platform"`
	ID       string `yaml:"id"`
	// Exactly one action.
	Appears      Value  `yaml:"appears"` // {name, messenger, phone, email, platform_id}
	Writes       string `yaml:"writes"`
	Attachments  Value  `yaml:"attachments"`
	Presses      string `yaml:"presses"`
	MessageID    Value  `yaml:"message_id"`
	Subscribes   bool   `yaml:"subscribes"`
	Unsubscribes bool   `yaml:"unsubscribes"`
	At           Pos    `yaml:"-"`
}

// Wait is how long an expectation may take to come true, and on which clock.
type Wait struct {
	Within Duration `yaml:"within"`
	// Clock is "wall" (default: poll until Within has passed) or "tenant"
	// (advance the tenant's clock by Tick until it has moved by Within).
	Clock string   `yaml:"clock"`
	Tick  Duration `yaml:"tick"`
}

// Count is how many matching things an expectation wants.
type Count struct {
	Times   *int `yaml:"times"`
	AtLeast *int `yaml:"at_least"`
	AtMost  *int `yaml:"at_most"`
}

// ExpectCalls checks calls the system under test made to a platform API.
type ExpectCalls struct {
	Platform  string  `yaml:"platform"`
	Operation string  `yaml:"operation"`
	Params    Pattern `yaml:"params"`
	Headers   Pattern `yaml:"headers"`
	Status    Pattern `yaml:"status"` // the answer the call got
	Count     `yaml:",inline"`
	Wait      `yaml:",inline"`
	At        Pos `yaml:"-"`
}

// NoOtherCalls fails when the system under test made calls no earlier
// expect_calls step accounted for.
type NoOtherCalls struct {
	Platform string `yaml:"platform"`
}

// ExpectOutbox checks messages end users received.
type ExpectOutbox struct {
	Platform string  `yaml:"platform"`
	Message  Pattern `yaml:"message"` // matched against each outbox message
	Count    `yaml:",inline"`
	Wait     `yaml:",inline"`
}

// ExpectState reads state through a platform read operation or a control
// endpoint and matches it.
type ExpectState struct {
	Call    *Call   `yaml:"call"`
	Control string  `yaml:"control"` // a GET under the tenant's control endpoints
	Status  Pattern `yaml:"status"`
	Body    Pattern `yaml:"body"`
	Wait    `yaml:",inline"`
}

// ExpectWebhooks waits for a platform's webhook deliveries and matches them.
type ExpectWebhooks struct {
	Platform string  `yaml:"platform"`
	Delivery Pattern `yaml:"delivery"` // {url, status, payload, attempts, error}
	Count    `yaml:",inline"`
}

// ExpectReceived checks the requests the run's built-in receiver
// ({{receiver.url}}) got, from any platform: with a system under test, the
// ones passed on to it, with its answers.
type ExpectReceived struct {
	// Request is matched against each request: method, path, query,
	// headers, body, params (query, form and JSON merged), status (the
	// answer it got), at.
	Request Pattern `yaml:"request"`
	Count   `yaml:",inline"`
	Wait    `yaml:",inline"`
}

// ClockAct moves, freezes or sets the tenant's clock: one of its fields.
type ClockAct struct {
	Freeze  bool     `yaml:"freeze"`
	Resume  bool     `yaml:"resume"`
	Reset   bool     `yaml:"reset"`
	Advance Duration `yaml:"advance"`
	Set     string   `yaml:"set"` // RFC 3339; freezes there when freeze is given too
	At      Pos      `yaml:"-"`
}

// FaultAct injects a fault for the tenant's next matching requests.
type FaultAct struct {
	Platform  string            `yaml:"platform"`
	Operation string            `yaml:"operation"`
	Count     int               `yaml:"count"`
	Status    int               `yaml:"status"`
	Body      Value             `yaml:"body"`
	Headers   map[string]string `yaml:"headers"`
	DelayMS   int               `yaml:"delay_ms"`
	Drop      bool              `yaml:"drop"`
}

// RateLimitsAct switches the tenant's rate limits on or off.
type RateLimitsAct struct {
	Enabled *bool `yaml:"enabled"`
}

// Exhaust repeats a call until the platform refuses it (429 by default), so
// the next one hits the limit.
type Exhaust struct {
	Call  Call `yaml:"call"`
	Until int  `yaml:"until"` // the status that ends it (default 429)
	Max   int  `yaml:"max"`   // give up after this many calls (default 1000)
}

// WebhookAct sets a platform's webhook URL (and its options) for the tenant.
type WebhookAct struct {
	Platform string `yaml:"platform"`
	URL      string `yaml:"url"`
	Options  Value  `yaml:"options"` // the platform's other settings (timeout_ms, retries...)
}

// Expect checks an answer: status and a partial body.
type Expect struct {
	Status  Pattern `yaml:"status"`
	Body    Pattern `yaml:"body"`
	Headers Pattern `yaml:"headers"`
	Wait    `yaml:",inline"`
}

// Value is a free-form value (anything YAML holds), sent as given after its
// {{templates}} are filled.
type Value struct {
	V   any
	Set bool // the key was present
	At  Pos
}

// MarshalJSON writes the value itself.
func (v Value) MarshalJSON() ([]byte, error) { return json.Marshal(v.V) }

// Pattern is a value to match: exact values with matchers where a mapping
// holds a single matcher key ({contains: x}, {regex: x}, {type: x},
// {any: true}, {absent: true}, {equals: x}).
type Pattern struct {
	Value
}

// Duration is a Go duration written as text ("90s", "2h").
type Duration struct {
	D   time.Duration
	Set bool
}

// MarshalJSON writes the duration as text.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.D.String()) }

// Pos is a place in a scenario file.
type Pos struct {
	File   string
	Line   int
	Column int
}

func (p Pos) String() string {
	file := p.File
	if file == "" {
		file = "<scenario>"
	}
	if p.Line == 0 {
		return file
	}
	return fmt.Sprintf("%s:%d:%d", file, p.Line, p.Column)
}
