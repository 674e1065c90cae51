package fakebotstest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/fakebots/fakebots/fixtures"
)

// Tenant is a test's isolated tenant: its id, each platform's base URL and
// credentials, and helpers that act on it alone.
type Tenant struct {
	ID string
	// ControlToken opens this tenant's control endpoints
	// (/__fakebots/tenants/{id}/…) and nothing else.
	ControlToken string
	CleverApp    CleverAppAccount
	Onebot       CleverAppAccount
	Salebot      SalebotProject
	BotHelp      BotHelpAccount
	// Raw is the whole creation answer, per key, for fields the types above
	// do not name.
	Raw map[string]json.RawMessage

	server  *Server
	control *Control // with the tenant's control token, rooted at its endpoints
}

// CleverAppAccount is a CleverApp account, or an Onebot one (Onebot is a
// white label of the same backend): what a client needs to call it, and the
// ids a test needs next.
type CleverAppAccount struct {
	// BaseURL is the tenant's own address of the API, ending in /api/v1:
	// append "/" + method.
	BaseURL  string `json:"base_url"`
	APIToken string `json:"api_token"`
	Plan     string `json:"plan"` // pro or free
	BotID    int64  `json:"bot_id"`
	Bots     []Bot  `json:"bots"`

	tenant   *Tenant
	platform Platform
}

// Bot is a CleverApp or Onebot bot of the tenant.
type Bot struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Messenger string `json:"messenger"`
}

// SetPlan switches the account to the "pro" or the "free" plan (a lapsed
// subscription: the API then refuses the token).
func (a *CleverAppAccount) SetPlan(t testing.TB, plan string) {
	t.Helper()
	a.tenant.must(t, http.MethodPut, "/"+string(a.platform)+"/plan", map[string]string{"plan": plan}, nil)
	a.Plan = plan
}

// createTenant asks for a tenant (fixture is a JSON name or object, or nil)
// and reads its creation answer.
func (s *Server) createTenant(fixture json.RawMessage) (*Tenant, error) {
	req := map[string]json.RawMessage{}
	if fixture != nil {
		req["fixture"] = fixture
	}
	var raw json.RawMessage
	if err := s.Control.call(http.MethodPost, "/tenants", req, &raw); err != nil {
		return nil, fmt.Errorf("create tenant: %w", err)
	}
	tn := &Tenant{server: s}
	return tn, tn.fill(raw)
}

// fill reads a creation answer: base URLs become absolute.
func (tn *Tenant) fill(raw json.RawMessage) error {
	var answer struct {
		ID           string          `json:"id"`
		ControlToken string          `json:"control_token"`
		CleverApp    json.RawMessage `json:"cleverapp"`
		Onebot       json.RawMessage `json:"onebot"`
		Salebot      json.RawMessage `json:"salebot"`
		BotHelp      json.RawMessage `json:"bothelp"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		return fmt.Errorf("tenant answer: %w", err)
	}
	tn.ID, tn.ControlToken = answer.ID, answer.ControlToken
	tn.Raw = nil
	if err := json.Unmarshal(raw, &tn.Raw); err != nil {
		return err
	}
	s := tn.server
	tn.control = &Control{URL: s.URL, Client: s.Client(), Token: tn.ControlToken, root: "/tenants/" + tn.ID}
	for _, section := range []struct {
		raw json.RawMessage
		v   any
	}{{answer.CleverApp, &tn.CleverApp}, {answer.Onebot, &tn.Onebot}, {answer.Salebot, &tn.Salebot}, {answer.BotHelp, &tn.BotHelp}} {
		if err := json.Unmarshal(section.raw, section.v); err != nil {
			return fmt.Errorf("tenant answer: %w", err)
		}
	}
	tn.CleverApp.BaseURL, tn.CleverApp.tenant, tn.CleverApp.platform = s.URL+tn.CleverApp.BaseURL, tn, CleverApp
	tn.Onebot.BaseURL, tn.Onebot.tenant, tn.Onebot.platform = s.URL+tn.Onebot.BaseURL, tn, Onebot
	tn.Salebot.BaseURL, tn.Salebot.tenant = s.URL+tn.Salebot.BaseURL, tn
	tn.BotHelp.BaseURL, tn.BotHelp.TokenURL, tn.BotHelp.tenant = s.URL+tn.BotHelp.BaseURL, s.URL+tn.BotHelp.TokenURL, tn
	return nil
}

// must calls one of the tenant's control endpoints (path relative to
// /__fakebots/tenants/{id}), failing the test on error.
func (tn *Tenant) must(t testing.TB, method, path string, in, out any) {
	t.Helper()
	if err := tn.control.call(method, path, in, out); err != nil {
		t.Fatalf("fakebotstest: tenant %s: %v", tn.ID, err)
	}
}

// Reset returns the tenant to its state right after creation (same
// credentials and ids).
func (tn *Tenant) Reset(t testing.TB) {
	t.Helper()
	var raw json.RawMessage
	tn.must(t, http.MethodPost, "/reset", nil, &raw)
	if err := tn.fill(raw); err != nil {
		t.Fatalf("fakebotstest: %v", err)
	}
}

func yamlToJSON(doc []byte) (json.RawMessage, error) { return fixtures.ToJSON(doc) }
