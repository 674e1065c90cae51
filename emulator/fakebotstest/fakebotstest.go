// Package fakebotstest runs fakebots inside Go tests: New(t) starts an
// isolated in-process emulator on an httptest server, creates a fresh tenant
// and cleans both up when the test ends.
//
// Many parallel tests can share one emulator instead: start it once with
// NewServer and give each test its own tenant with Server.NewTenant; tenants
// never see each other's data.
package fakebotstest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fakebots/fakebots/emulator"
)

// Server is a running emulator.
type Server struct {
	// URL is the emulator's base URL (http://127.0.0.1:port).
	URL string
	// Emulator is the in-process emulator, for direct access (its clock, say).
	Emulator *emulator.Emulator
	// Control is a typed client of the control API.
	Control *Control
	http    *httptest.Server
}

// Option configures New and NewServer.
type Option func(*settings)

type settings struct {
	emulatorOpts []emulator.Option
	fixture      any
}

// WithEmulatorOptions passes options to emulator.New (rate limits, clock ...).
func WithEmulatorOptions(opts ...emulator.Option) Option {
	return func(s *settings) { s.emulatorOpts = append(s.emulatorOpts, opts...) }
}

// WithFixture creates the test's tenant from a fixture: a name ("demo") or
// an inline fixture (any value that encodes to a JSON object).
func WithFixture(fixture any) Option { return func(s *settings) { s.fixture = fixture } }

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

// StartServer starts an emulator outside a test (in TestMain or an
// example); Close stops it.
func StartServer(opts ...Option) (*Server, error) {
	set := settingsOf(opts)
	e, err := emulator.New(append([]emulator.Option{emulator.WithTick(0)}, set.emulatorOpts...)...)
	if err != nil {
		return nil, err
	}
	ts := httptest.NewServer(e)
	return &Server{URL: ts.URL, Emulator: e, Control: &Control{URL: ts.URL, Client: ts.Client()}, http: ts}, nil
}

// Close stops the server and releases the emulator.
func (s *Server) Close() {
	s.http.Close()
	s.Emulator.Close()
}

func settingsOf(opts []Option) settings {
	var s settings
	for _, o := range opts {
		o(&s)
	}
	return s
}

// Client is an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.http.Client() }

// Fake is one test's emulator and tenant.
type Fake struct {
	*Server
	Tenant *Tenant
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

// NewTenant creates an isolated tenant on a shared server (optionally from a
// fixture) and deletes it at cleanup.
func (s *Server) NewTenant(t testing.TB, fixture any) *Tenant {
	t.Helper()
	tn, err := s.createTenant(fixture)
	if err != nil {
		t.Fatalf("fakebotstest: create tenant: %v", err)
	}
	t.Cleanup(func() { s.Control.DeleteTenant(context.Background(), tn.ID) })
	return tn
}

func (s *Server) createTenant(fixture any) (*Tenant, error) {
	tn, err := s.Control.CreateTenant(context.Background(), fixture)
	if err != nil {
		return nil, fmt.Errorf("create tenant: %w", err)
	}
	tn.server = s
	return tn, nil
}

// Laravel holds a CleverApp or Onebot tenant's credentials and its base URL.
type Laravel struct {
	APIToken string `json:"api_token"`
	Plan     string `json:"plan"`
	BotID    int64  `json:"bot_id"`
	Bots     []Bot  `json:"bots"`
	// BaseURL ends in /api/v1: append the method name.
	BaseURL string `json:"-"`
}

// Bot is a bot of a tenant.
type Bot struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Messenger string `json:"messenger"`
}

// Tenant is a tenant's id and credentials on every platform.
type Tenant struct {
	ID        string  `json:"id"`
	CleverApp Laravel `json:"cleverapp"`
	Onebot    Laravel `json:"onebot"`
	// Raw is the whole creation answer, per platform, for fields this type
	// does not name.
	Raw    map[string]json.RawMessage `json:"-"`
	server *Server
}

func (t *Tenant) fill(base string, raw []byte) error {
	if err := json.Unmarshal(raw, t); err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &t.Raw); err != nil {
		return err
	}
	t.CleverApp.BaseURL = base + "/cleverapp/api/v1"
	t.Onebot.BaseURL = base + "/onebot/api/v1"
	return nil
}

// Reset returns the tenant to its state right after creation.
func (t *Tenant) Reset(tb testing.TB) {
	tb.Helper()
	if err := t.server.Control.ResetTenant(context.Background(), t.ID); err != nil {
		tb.Fatalf("fakebotstest: reset tenant: %v", err)
	}
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
// (redirects are not followed); url is absolute or relative to the server. body may be nil, a string, []byte, url.Values-encoded string or
// any value to encode as JSON. headers come in name, value pairs.
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
