// Package fakebotstest runs fakebots inside Go tests, the way httptest runs
// an HTTP server: New(t) starts an in-process emulator, creates a fresh
// tenant and cleans both up when the test ends.
//
//	fake := fakebotstest.New(t, fakebotstest.WithFixture("demo"))
//	client := myclient.New(fake.CleverApp.BaseURL, fake.CleverApp.APIToken)
//	// ... exercise the client ...
//	sent := fake.Outbox(t, fakebotstest.OutboxFilter{Platform: fakebotstest.CleverApp})
//
// The tenant carries every platform's base URL and credentials (CleverApp,
// Onebot, Salebot, BotHelp); the base URLs are the tenant's own, so every
// call made through them is journaled to the tenant, even one with a wrong
// credential. The helpers take the test's t, fail it on error, and act on
// the test's own tenant through its control token: its clock, rate limits,
// faults, journal and outbox, never another test's.
//
// Time stands still: the emulator's clock starts frozen at Epoch, so
// timestamps, rate-limit windows, token expiry and scheduled sends are the
// same on every run, and only Advance or SetTime moves them. WithRealTime
// lets the clock follow the machine's instead.
//
// Many parallel tests can share one emulator: start it once with NewServer
// (or StartServer in TestMain) and give each test its own tenant with
// Server.NewTenant; tenants never see each other's data, time or faults.
package fakebotstest

//go:generate go run ../internal/opsgen -o operations.go

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fakebots/fakebots/emulator"
)

// Platform names an emulated platform: CleverApp, Onebot, Salebot, BotHelp.
type Platform string

// Operation is an operation id of a platform's spec (CleverAppSendMessage,
// SalebotGetClients …), as the journal and faults name it.
type Operation string

// Epoch is where the emulator's clock stands when a test starts: a fixed
// instant, so what a test sees never depends on when it runs.
var Epoch = time.Date(2026, time.January, 5, 9, 0, 0, 0, time.UTC)

// Server is a running emulator.
type Server struct {
	// URL is the emulator's base URL (http://127.0.0.1:port).
	URL string
	// Emulator is the in-process emulator, for direct access.
	Emulator *emulator.Emulator
	// Control calls the control API with the emulator's control token (if
	// any): emulator-wide endpoints, or any tenant's.
	Control *Control
	http    *httptest.Server
}

// Option configures New, NewServer and NewTenant.
type Option func(*settings)

type settings struct {
	emulatorOpts []emulator.Option
	controlToken string
	realTime     bool
	fixture      json.RawMessage
	err          error
	serverOnly   []string // names of options NewTenant cannot apply
}

// WithEmulatorOptions passes options to emulator.New (rate limits, seeds …).
func WithEmulatorOptions(opts ...emulator.Option) Option {
	return func(s *settings) {
		s.emulatorOpts = append(s.emulatorOpts, opts...)
		s.serverOnly = append(s.serverOnly, "WithEmulatorOptions")
	}
}

// WithControlToken guards the emulator's control API with a token, as
// `fakebots --control-token` does; the helpers keep working (they use the
// tenant's own control token).
func WithControlToken(token string) Option {
	return func(s *settings) {
		s.emulatorOpts = append(s.emulatorOpts, emulator.WithControlToken(token))
		s.controlToken = token
		s.serverOnly = append(s.serverOnly, "WithControlToken")
	}
}

// WithRealTime lets the emulator's clock follow the machine's, from the
// machine's time, instead of standing at Epoch until the test moves it.
func WithRealTime() Option {
	return func(s *settings) {
		s.realTime = true
		s.serverOnly = append(s.serverOnly, "WithRealTime")
	}
}

// WithFixture creates the test's tenant from a fixture: the name of a
// shipped one ("demo"), or any value that encodes to a fixture object
// (fixtures.Tenant, a map, a json.RawMessage). For YAML text use
// WithFixtureYAML. nil is no fixture.
func WithFixture(fixture any) Option {
	return func(s *settings) {
		var err error
		switch name, isName := fixture.(string); {
		case fixture == nil:
			s.fixture = nil
		case isName:
			s.fixture, err = json.Marshal(name)
		default:
			s.fixture, err = fixtureObject(fixture)
		}
		s.err = errors.Join(s.err, err)
	}
}

// WithFixtureYAML creates the test's tenant from a fixture written in YAML
// (or JSON), as in a fixture file.
func WithFixtureYAML(doc string) Option {
	return func(s *settings) {
		raw, err := yamlToJSON([]byte(doc))
		s.fixture = raw
		s.err = errors.Join(s.err, err)
	}
}

func fixtureObject(v any) (json.RawMessage, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("fixture: %w", err)
	}
	if !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
		return nil, fmt.Errorf("fixture: %T encodes to %.40s, not an object (give a fixture name as a string, YAML with WithFixtureYAML)", v, raw)
	}
	return raw, nil
}

func settingsOf(opts []Option) settings {
	var s settings
	for _, o := range opts {
		o(&s)
	}
	return s
}

// NewServer starts an emulator and closes it at the test's cleanup. Share it
// between parallel subtests by calling it in the parent test.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := StartServer(opts...)
	if err != nil {
		t.Fatalf("fakebotstest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// StartServer starts an emulator outside a test (in TestMain); Close stops
// it.
func StartServer(opts ...Option) (*Server, error) {
	set := settingsOf(opts)
	if set.err != nil {
		return nil, set.err
	}
	e, err := emulator.New(append([]emulator.Option{emulator.WithTick(0)}, set.emulatorOpts...)...)
	if err != nil {
		return nil, err
	}
	if !set.realTime {
		e.Clock().Freeze()
		e.Clock().Set(Epoch)
	}
	ts := httptest.NewServer(e)
	return &Server{
		URL: ts.URL, Emulator: e, http: ts,
		Control: &Control{URL: ts.URL, Client: ts.Client(), Token: set.controlToken},
	}, nil
}

// Close stops the server and releases the emulator.
func (s *Server) Close() {
	s.Emulator.EndStreams() // an event stream still open would hold the server's Close
	s.http.Close()
	s.Emulator.Close()
}

// Client is an HTTP client for the server, as httptest.Server.Client.
func (s *Server) Client() *http.Client { return s.http.Client() }

// Fake is one test's emulator and its tenant: fake.URL and fake.Client()
// are the server's, fake.CleverApp, fake.Journal(t, …) and the rest the
// tenant's.
type Fake struct {
	*Server
	*Tenant
}

// New starts an emulator, creates a fresh tenant and registers cleanup.
func New(t testing.TB, opts ...Option) *Fake {
	t.Helper()
	f, err := Start(opts...)
	if err != nil {
		t.Fatalf("fakebotstest: %v", err)
	}
	t.Cleanup(f.Close)
	return f
}

// Start is New outside a test: an emulator with one fresh tenant. Close
// stops it.
func Start(opts ...Option) (*Fake, error) {
	s, err := StartServer(opts...)
	if err != nil {
		return nil, err
	}
	tn, err := s.createTenant(settingsOf(opts).fixture)
	if err != nil {
		s.Close()
		return nil, err
	}
	return &Fake{Server: s, Tenant: tn}, nil
}

// NewTenant creates an isolated tenant on a shared server (WithFixture,
// WithFixtureYAML) and deletes it at cleanup.
func (s *Server) NewTenant(t testing.TB, opts ...Option) *Tenant {
	t.Helper()
	set := settingsOf(opts)
	if len(set.serverOnly) > 0 {
		t.Fatalf("fakebotstest: %s configures a server: pass it to NewServer", strings.Join(set.serverOnly, ", "))
	}
	if set.err != nil {
		t.Fatalf("fakebotstest: %v", set.err)
	}
	tn, err := s.createTenant(set.fixture)
	if err != nil {
		t.Fatalf("fakebotstest: %v", err)
	}
	t.Cleanup(func() { tn.control.call(http.MethodDelete, "", nil, nil) })
	return tn
}

// Response is a finished exchange with its body read.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it is not JSON.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("fakebotstest: body is not JSON: %v\n%s", err, r.Body)
	}
}

// Do sends a request to the emulator and returns exactly what it answered
// (redirects are not followed). url is absolute or relative to the server;
// body may be nil, a string or []byte (sent as it is), or any value to
// encode as JSON; headers come in name, value pairs.
func (s *Server) Do(t testing.TB, method, url string, body any, headers ...string) *Response {
	t.Helper()
	if strings.HasPrefix(url, "/") {
		url = s.URL + url
	}
	var rd io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("fakebotstest: encode body: %v", err)
		}
		rd, contentType = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatalf("fakebotstest: %v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	client := *s.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("fakebotstest: %s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("fakebotstest: read body: %v", err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}
