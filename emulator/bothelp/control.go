package bothelp

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// ControlRoutes are BotHelp's control endpoints, under
// /__fakebots/tenants/{tenant}/bothelp/. The API cannot create bots,
// funnels or subscribers, so tests and demos do it here, and read what the
// API recorded (bot runs, funnel membership, custom fields). Errors that
// are not control errors answer 400, as the engine maps them. The
// subscribers are also the end users of platform.AudienceRoutes.
func (p *Platform) ControlRoutes() []platform.ControlRoute {
	return append([]platform.ControlRoute{
		{Method: http.MethodGet, Path: "credentials", Summary: "The client credentials and the access tokens issued.", Handle: p.ctlCredentials},
		{Method: http.MethodPut, Path: "credentials", Summary: "Replace the client credentials; fields left out are generated.", Handle: p.ctlSetCredentials},
		{Method: http.MethodGet, Path: "settings", Summary: "The tenant's choices for inferred behaviour.", Handle: p.ctlSettings},
		{Method: http.MethodPatch, Path: "settings", Summary: "Merge a change into the settings.", Handle: p.ctlSetSettings},
		{Method: http.MethodGet, Path: "subscribers", Summary: "Subscribers with every field, in ascending id (after, limit).", Handle: p.ctlSubscribers},
		{Method: http.MethodPost, Path: "subscribers", Summary: "Create subscribers, given and/or generated.", Handle: p.ctlCreateSubscribers},
		{Method: http.MethodGet, Path: "subscribers/{id}", Summary: "One subscriber with its custom fields, actions, running bots and funnels.", Handle: p.ctlSubscriber},
		{Method: http.MethodGet, Path: "bots", Summary: "The bots with their steps.", Handle: p.ctlBots},
		{Method: http.MethodPost, Path: "bots", Summary: "Create a bot with steps.", Handle: p.ctlCreateBot},
		{Method: http.MethodGet, Path: "funnels", Summary: "The funnels.", Handle: p.ctlFunnels},
		{Method: http.MethodPost, Path: "funnels", Summary: "Create a funnel.", Handle: p.ctlCreateFunnel},
		{Method: http.MethodGet, Path: "actions", Summary: "Bot runs and stops, funnel adds and removes, oldest first (subscriber, kind).", Handle: p.ctlActions},
	}, platform.AudienceRoutes(p)...)
}

type tokenView struct {
	AccessToken string    `json:"access_token"`
	CreatedAt   time.Time `json:"created_at"`
	ExpiresAt   time.Time `json:"expires_at"`
	Expired     bool      `json:"expired"`
}

func (p *Platform) ctlCredentials(c *platform.ControlRequest) (int, any, error) {
	creds, err := c.Env.Store.Credentials(c.HTTP.Context(), c.TenantID, Name)
	if err != nil {
		return 0, nil, err
	}
	out := struct {
		clientCredentials
		AccessTokens []tokenView `json:"access_tokens"`
	}{AccessTokens: []tokenView{}}
	for _, cred := range creds {
		switch cred.Kind {
		case kindClient:
			var data clientData
			if err := json.Unmarshal(cred.Data, &data); err != nil {
				return 0, nil, err
			}
			out.clientCredentials = clientCredentials{ID: cred.Secret, Secret: data.ClientSecret}
		case kindAccessToken:
			var data tokenData
			if err := json.Unmarshal(cred.Data, &data); err != nil {
				return 0, nil, err
			}
			expires := store.FromMicros(data.ExpiresAt)
			out.AccessTokens = append(out.AccessTokens, tokenView{cred.Secret, cred.CreatedAt, expires, !c.Now.Before(expires)})
		}
	}
	return http.StatusOK, out, nil
}

// ctlSetCredentials replaces the client credentials. Access tokens already
// issued stay valid until they expire.
func (p *Platform) ctlSetCredentials(c *platform.ControlRequest) (int, any, error) {
	var body clientCredentials
	if err := c.Decode(&body); err != nil {
		return 0, nil, err
	}
	err := c.Write(func(tx *store.Tx) error {
		acc, err := loadAccount(tx.QueryRow, c.TenantID)
		if err != nil {
			return err
		}
		prefix := strconv.FormatInt(acc.ID, 10) + ":"
		if body.ID == "" {
			body.ID = prefix + store.RandomToken(16)
		}
		if body.Secret == "" {
			body.Secret = prefix + store.RandomToken(16)
		}
		var owner string
		err = tx.QueryRow(`SELECT tenant_id FROM credentials WHERE platform = ? AND secret = ?`, Name, body.ID).Scan(&owner)
		if err == nil && owner != c.TenantID {
			return &platform.ControlError{Status: http.StatusConflict, Message: "client_id " + body.ID + " belongs to another tenant"}
		}
		if _, err := tx.Exec(`DELETE FROM credentials WHERE tenant_id = ? AND platform = ? AND kind = ?`, c.TenantID, Name, kindClient); err != nil {
			return err
		}
		return putClient(tx, c.TenantID, body, c.Now)
	})
	return http.StatusOK, body, err
}

func (p *Platform) ctlSettings(c *platform.ControlRequest) (int, any, error) {
	acc, err := loadAccount(p.reader(c.HTTP.Context()), c.TenantID)
	return http.StatusOK, acc.Settings, err
}

func (p *Platform) ctlSetSettings(c *platform.ControlRequest) (int, any, error) {
	var settings Settings
	err := c.Write(func(tx *store.Tx) error {
		acc, err := loadAccount(tx.QueryRow, c.TenantID)
		if err != nil {
			return err
		}
		if settings, err = acc.Settings.Merge(c.Body); err != nil {
			return err
		}
		raw, err := json.Marshal(settings)
		if err != nil {
			return err
		}
		_, err = tx.Exec(`UPDATE bh_accounts SET settings = ? WHERE tenant_id = ?`, string(raw), c.TenantID)
		return err
	})
	return http.StatusOK, settings, err
}

// CurlExample gets a token with the tenant's client credentials and lists
// its bots: one line that works when pasted into a shell.
func (p *Platform) CurlExample(baseURL string, credentials json.RawMessage) string {
	var c clientCredentials
	json.Unmarshal(credentials, &c)
	return fmt.Sprintf(`T=$(curl -s -d grant_type=client_credentials -d 'client_id=%s' -d 'client_secret=%s' '%s/%s/oauth2/token' | sed -E 's/.*"access_token":"([^"]+)".*/\1/') && curl -s -H "Authorization: Bearer $T" '%s/%s/v1/bots/'`,
		url.QueryEscape(c.ID), url.QueryEscape(c.Secret), baseURL, Name, baseURL, Name)
}
