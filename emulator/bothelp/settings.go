package bothelp

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/fakebots/fakebots/emulator/platform"
)

// Settings are a tenant's choices where BotHelp's behaviour is inferred and
// a user may need the other answer. The defaults are the most plausible
// reading of the evidence. Set them in the fixture (`settings:`) or with
// PATCH /__fakebots/tenants/{tenant}/bothelp/settings.
type Settings struct {
	// ErrorFormat is the envelope of API errors: "envelope"
	// ({"success":false,"error":{"code","message"}}) or "jsonapi"
	// ({"errors":[{"status","code","detail"}]}).
	ErrorFormat string `json:"error_format"`
	// TokenErrorStatus is the status of bad client credentials: 400 (as
	// observed, weakly) or 401.
	TokenErrorStatus int `json:"token_error_status"`
	// PageSize is the subscribers page size (100 observed).
	PageSize int `json:"page_size"`
	// PagingOnLastPage sends paging on the last non-empty page too; when
	// false, paging is null as soon as no more subscribers follow.
	PagingOnLastPage bool `json:"paging_on_last_page"`
	// NextKeepsFilters repeats createdAtAfter, email and phone in paging.next
	// (observed: only after=N).
	NextKeepsFilters bool `json:"next_keeps_filters"`
	// CreatedAtAfter is "strict" (created after the instant) or "inclusive".
	CreatedAtAfter string `json:"created_at_after"`
	// RevokeOldTokens invalidates a tenant's earlier access tokens when a new
	// one is issued; by default they stay valid until they expire.
	RevokeOldTokens bool `json:"revoke_old_tokens"`
	// UnknownBotSteps is the answer for the steps of a bot that does not
	// exist: "empty" ([]) or "not_found" (404).
	UnknownBotSteps string `json:"unknown_bot_steps"`
}

// DefaultSettings are the settings of a tenant that chose none.
func DefaultSettings() Settings {
	return Settings{
		ErrorFormat:      formatEnvelope,
		TokenErrorStatus: http.StatusBadRequest,
		PageSize:         100,
		PagingOnLastPage: false,
		CreatedAtAfter:   "strict",
		UnknownBotSteps:  "empty",
	}
}

const (
	formatEnvelope = "envelope"
	formatJSONAPI  = "jsonapi"
)

// Merge lays a partial settings object over s and checks the result.
func (s Settings) Merge(raw json.RawMessage) (Settings, error) {
	if err := platform.DecodeStrict(raw, &s); err != nil {
		return s, fmt.Errorf("settings: %w", err)
	}
	return s, s.check()
}

func (s Settings) check() error {
	switch {
	case s.ErrorFormat != formatEnvelope && s.ErrorFormat != formatJSONAPI:
		return fmt.Errorf("settings: error_format must be %q or %q", formatEnvelope, formatJSONAPI)
	case s.TokenErrorStatus != http.StatusBadRequest && s.TokenErrorStatus != http.StatusUnauthorized:
		return errors.New("settings: token_error_status must be 400 or 401")
	case s.PageSize < 1 || s.PageSize > 1000:
		return errors.New("settings: page_size must be between 1 and 1000")
	case s.CreatedAtAfter != "strict" && s.CreatedAtAfter != "inclusive":
		return errors.New(`settings: created_at_after must be "strict" or "inclusive"`)
	case s.UnknownBotSteps != "empty" && s.UnknownBotSteps != "not_found":
		return errors.New(`settings: unknown_bot_steps must be "empty" or "not_found"`)
	}
	return nil
}

// account is a tenant's BotHelp account.
type account struct {
	ID       int64
	Prefix   string // of every CUID
	Settings Settings
}

// rowQuerier is a store or a transaction, bound to its context.
type rowQuerier func(query string, args ...any) *sql.Row

func (p *Platform) reader(ctx context.Context) rowQuerier {
	return func(query string, args ...any) *sql.Row { return p.store().QueryRow(ctx, query, args...) }
}

// loadAccount reads a tenant's account and settings.
func loadAccount(q rowQuerier, tenantID string) (account, error) {
	var a account
	var raw string
	err := q(`SELECT account_id, cuid_prefix, settings FROM bh_accounts WHERE tenant_id = ?`, tenantID).Scan(&a.ID, &a.Prefix, &raw)
	if err != nil {
		return a, fmt.Errorf("bothelp account of tenant %s: %w", tenantID, err)
	}
	a.Settings, err = DefaultSettings().Merge(json.RawMessage(raw))
	return a, err
}

// settingsFor is the caller's tenant's settings, the defaults while the
// caller is unknown.
func (p *Platform) settingsFor(r *platform.Request) Settings {
	if r.Principal.TenantID == "" {
		return DefaultSettings()
	}
	a, err := loadAccount(p.reader(r.Context()), r.Principal.TenantID)
	if err != nil {
		return DefaultSettings()
	}
	return a.Settings
}
