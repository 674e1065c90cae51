package salebot

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"strconv"
	"time"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// ControlRoutes are mounted under /__fakebots/tenants/{tenant}/salebot/:
// the project's own, then its clients as end users (platform.AudienceRoutes).
func (p *Platform) ControlRoutes() []platform.ControlRoute {
	return append([]platform.ControlRoute{
		{Method: http.MethodGet, Path: "keys", Summary: "The project's API keys.", Handle: p.ctlKeys},
		{Method: http.MethodPost, Path: "keys", Summary: "Create a key with permissions.", Handle: p.ctlCreateKey},
		{Method: http.MethodDelete, Path: "keys/{key}", Summary: "Revoke a key.", Handle: p.ctlRevokeKey},
		{Method: http.MethodGet, Path: "settings", Summary: "The project's settings.", Handle: p.ctlSettings},
		{Method: http.MethodPatch, Path: "settings", Summary: "Change settings (merged).", Handle: p.ctlPatchSettings},
		{Method: http.MethodGet, Path: "webhook", Summary: "The webhook configuration.", Handle: p.ctlWebhook},
		{Method: http.MethodPut, Path: "webhook", Summary: "Set the webhook URL and delivery options.", Handle: p.ctlPutWebhook},
		{Method: http.MethodGet, Path: "webhook/deliveries", Summary: "The delivery log, newest first.", Handle: p.ctlDeliveries},
		{Method: http.MethodPost, Path: "webhook/deliveries/{delivery}/redeliver", Summary: "Send a logged delivery's event again.", Handle: p.ctlRedeliver},
		{Method: http.MethodPost, Path: "webhook/flush", Summary: "Wait until queued deliveries are done.", Handle: p.ctlFlush},
		{Method: http.MethodPost, Path: "inbound", Summary: "A client writes to the bot.", Handle: p.ctlInbound},
		{Method: http.MethodGet, Path: "clients/{client}", Summary: "A client's whole card.", Handle: p.ctlClient},
		{Method: http.MethodGet, Path: "deals", Summary: "The deals with their clients, states and variables, and the funnel's states.", Handle: p.ctlDeals},
		{Method: http.MethodGet, Path: "lists", Summary: "The client lists with their sizes.", Handle: p.ctlLists},
		{Method: http.MethodGet, Path: "channels", Summary: "The connected channels (the project's bots).", Handle: p.ctlChannels},
	}, platform.AudienceRoutes(p)...)
}

func (p *Platform) ctlKeys(c *platform.ControlRequest) (int, any, error) {
	creds, err := c.Env.Store.Credentials(c.HTTP.Context(), c.TenantID, Name)
	if err != nil {
		return 0, nil, err
	}
	keys, err := keyList(creds)
	return http.StatusOK, map[string]any{"data": keys}, err
}

func (p *Platform) ctlCreateKey(c *platform.ControlRequest) (int, any, error) {
	var k KeySpec
	if err := c.Decode(&k); err != nil {
		return 0, nil, err
	}
	if err := k.check(); err != nil {
		return 0, nil, platform.BadControlRequest("%v", err)
	}
	var out jsonx.Object
	rnd := rand.New(rand.NewSource(time.Now().UnixNano()))
	err := c.Write(func(tx *store.Tx) error {
		var err error
		out, err = putKey(tx, c.TenantID, k, rnd, c.Now)
		return err
	})
	return http.StatusCreated, out, err
}

func (p *Platform) ctlRevokeKey(c *platform.ControlRequest) (int, any, error) {
	var found bool
	err := c.Write(func(tx *store.Tx) error {
		var err error
		found, err = revokeKey(tx, c.TenantID, c.Vars["key"])
		return err
	})
	if err == nil && !found {
		err = platform.ControlNotFound("no usable key %s", c.Vars["key"])
	}
	return http.StatusNoContent, nil, err
}

func (p *Platform) ctlSettings(c *platform.ControlRequest) (int, any, error) {
	pr, err := loadProject(reader{c.HTTP.Context(), c.Env.Store}, c.TenantID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, pr.Settings, nil
}

func (p *Platform) ctlPatchSettings(c *platform.ControlRequest) (int, any, error) {
	pr, err := p.updateProject(c, func(pr *project) error { return pr.Settings.patch(c.Body) })
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, pr.Settings, nil
}

func (p *Platform) ctlWebhook(c *platform.ControlRequest) (int, any, error) {
	pr, err := loadProject(reader{c.HTTP.Context(), c.Env.Store}, c.TenantID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, pr.Webhook, nil
}

// ctlPutWebhook replaces the configuration: omitted fields take defaults.
func (p *Platform) ctlPutWebhook(c *platform.ControlRequest) (int, any, error) {
	pr, err := p.updateProject(c, func(pr *project) error {
		pr.Webhook = defaultWebhook()
		return pr.Webhook.patch(c.Body)
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, pr.Webhook, nil
}

// updateProject changes the tenant's project in one transaction; a
// change's error is the caller's (400).
func (p *Platform) updateProject(c *platform.ControlRequest, change func(*project) error) (*project, error) {
	var pr *project
	err := c.Write(func(tx *store.Tx) error {
		var err error
		if pr, err = loadProject(tx, c.TenantID); err != nil {
			return err
		}
		if err := change(pr); err != nil {
			return platform.BadControlRequest("%v", err)
		}
		return saveProject(tx, pr, c.Now)
	})
	return pr, err
}

// ctlDeliveries lists the delivery log (?limit=, default 100), newest first.
func (p *Platform) ctlDeliveries(c *platform.ControlRequest) (int, any, error) {
	limit := 100
	if s := c.HTTP.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return 0, nil, platform.BadControlRequest("limit must be a positive integer")
		}
		limit = n
	}
	rows, err := c.Env.Store.Query(c.HTTP.Context(), `SELECT id, message_id, url, outcome, payload, status_code, attempts, attempt_log, duration_ms, error, created_at
		FROM sb_webhook_deliveries WHERE tenant_id = ? ORDER BY id DESC LIMIT ?`, c.TenantID, limit)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	out := []any{}
	for rows.Next() {
		var id, messageID, at int64
		var status, attempts int
		var duration float64
		var url, outcome, attemptLog, errText string
		var payload sql.NullString
		if err := rows.Scan(&id, &messageID, &url, &outcome, &payload, &status, &attempts, &attemptLog, &duration, &errText, &at); err != nil {
			return 0, nil, err
		}
		var sent any // null: nothing was sent
		if payload.Valid {
			sent = json.RawMessage(payload.String)
		}
		out = append(out, jsonx.Object{
			{Key: "id", Value: id}, {Key: "message_id", Value: messageID}, {Key: "url", Value: url}, {Key: "outcome", Value: outcome},
			{Key: "payload", Value: sent}, {Key: "status", Value: status}, {Key: "attempts", Value: attempts},
			{Key: "attempt_log", Value: json.RawMessage(attemptLog)}, {Key: "duration_ms", Value: duration},
			{Key: "error", Value: errText}, {Key: "created_at", Value: store.FromMicros(at)},
		})
	}
	return http.StatusOK, map[string]any{"data": out}, rows.Err()
}

// ctlFlush waits (up to timeout_ms, default 30000) until the tenant's
// queued deliveries are sent and logged, or wait for a retry on the tenant's
// frozen clock (pending counts those).
func (p *Platform) ctlFlush(c *platform.ControlRequest) (int, any, error) {
	body := struct {
		TimeoutMS int `json:"timeout_ms"`
	}{TimeoutMS: 30000}
	if err := c.Decode(&body); err != nil {
		return 0, nil, err
	}
	ctx, cancel := context.WithTimeout(c.HTTP.Context(), time.Duration(body.TimeoutMS)*time.Millisecond)
	defer cancel()
	if err := p.hooks.Flush(ctx, c.TenantID); err != nil {
		return 0, nil, &platform.ControlError{Status: http.StatusGatewayTimeout, Message: fmt.Sprintf("deliveries still pending: %v", err)}
	}
	return http.StatusOK, map[string]int{"pending": p.hooks.Pending(c.TenantID)}, nil
}

// CurlExample calls connected_channels with the tenant's main key.
func (p *Platform) CurlExample(baseURL string, credentials json.RawMessage) string {
	var c struct {
		APIKey string `json:"api_key"`
	}
	json.Unmarshal(credentials, &c)
	return fmt.Sprintf("curl -s '%s/salebot/api/%s/connected_channels'", baseURL, c.APIKey)
}
