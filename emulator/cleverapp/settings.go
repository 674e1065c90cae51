package cleverapp

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/fakebots/fakebots/emulator/limits"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// Settings are a tenant's choices where the evidence reads two ways; the
// defaults follow the platform's own documentation.
type Settings struct {
	// RateLimits is "documented": 2 requests a second and 120 a minute, as
	// seed 000 states; or "laravel": the one window of 120 a minute of the
	// usual throttle:120,1 whose 429 body and headers the API sends.
	RateLimits string `json:"rate_limits"`
	// ContactVariables is "on_request": getContacts embeds variables only
	// with with=variables, as documented; or "always": every item carries
	// them, as clients written for the sister platforms expect (inferred).
	ContactVariables string `json:"contact_variables"`
}

// Values of the settings.
const (
	LimitsDocumented   = "documented"
	LimitsLaravel      = "laravel"
	VariablesOnRequest = "on_request"
	VariablesAlways    = "always"
)

// DefaultSettings are a tenant's settings until it changes them.
func DefaultSettings() Settings {
	return Settings{RateLimits: LimitsDocumented, ContactVariables: VariablesOnRequest}
}

// Merge applies a JSON object of changes (unknown keys refused) and checks
// the result.
func (s Settings) Merge(raw json.RawMessage) (Settings, error) {
	if err := platform.DecodeStrict(raw, &s); err != nil {
		return s, fmt.Errorf("settings: %w", err)
	}
	switch {
	case s.RateLimits != LimitsDocumented && s.RateLimits != LimitsLaravel:
		return s, fmt.Errorf("settings: rate_limits must be %q or %q", LimitsDocumented, LimitsLaravel)
	case s.ContactVariables != VariablesOnRequest && s.ContactVariables != VariablesAlways:
		return s, fmt.Errorf("settings: contact_variables must be %q or %q", VariablesOnRequest, VariablesAlways)
	}
	return s, nil
}

// parseSettings reads settings as stored (an object of changes to the
// defaults).
func parseSettings(stored string) (Settings, error) {
	return DefaultSettings().Merge(json.RawMessage(stored))
}

// LimitRules drops the per-second window for a tenant that reads the limits
// as Laravel's throttle:120,1; per-method limits (WhatsApp's one a second)
// stay.
func (p *Platform) LimitRules(r *platform.Request, rules []limits.Rule) []limits.Rule {
	if p.settingsOf(r).RateLimits != LimitsLaravel {
		return rules
	}
	kept := make([]limits.Rule, 0, len(rules))
	for _, rule := range rules {
		if rule.Name != perSecondRule {
			kept = append(kept, rule)
		}
	}
	return kept
}

// perSecondRule is the name of the document-wide 2-a-second window in the spec.
const perSecondRule = "per-second"

// settingsOf is the caller's tenant's settings (the defaults for a caller
// not known).
func (p *Platform) settingsOf(r *platform.Request) Settings {
	if owner, ok := p.owners.Load(r.Principal.LimitKey); ok && r.Principal.LimitKey != "" {
		return owner.(tokenOwner).settings
	}
	return DefaultSettings()
}

func (p *Platform) ctlSettings(c *platform.ControlRequest) (int, any, error) {
	var stored string
	if err := c.Env.Store.QueryRow(c.HTTP.Context(), `SELECT settings FROM ca_accounts WHERE tenant_id = ? AND brand = ?`,
		c.TenantID, p.brand.Name).Scan(&stored); err != nil {
		return 0, nil, err
	}
	s, err := parseSettings(stored)
	return http.StatusOK, s, err
}

func (p *Platform) ctlPatchSettings(c *platform.ControlRequest) (int, any, error) {
	var s Settings
	err := c.Write(func(tx *store.Tx) error {
		var stored string
		if err := tx.QueryRow(`SELECT settings FROM ca_accounts WHERE tenant_id = ? AND brand = ?`, c.TenantID, p.brand.Name).Scan(&stored); err != nil {
			return err
		}
		current, err := parseSettings(stored)
		if err != nil {
			return err
		}
		if s, err = current.Merge(c.Body); err != nil {
			return platform.BadControlRequest("%v", err)
		}
		tx.AuthChanged() // cached token owners carry the settings
		return saveSettings(tx, c.TenantID, p.brand.Name, s)
	})
	return http.StatusOK, s, err
}

func saveSettings(tx *store.Tx, tenantID, brand string, s Settings) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	_, err = tx.Exec(`UPDATE ca_accounts SET settings = ? WHERE tenant_id = ? AND brand = ?`, string(raw), tenantID, brand)
	return err
}
