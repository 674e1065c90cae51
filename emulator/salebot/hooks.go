package salebot

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/emulator/webhook"
)

// pendingHook is a webhook ready to send once its transaction committed.
type pendingHook struct {
	tenant    string
	messageID int64
	cfg       WebhookConfig
	payload   []byte
	at        time.Time
}

// hookFor builds the documented POST body for a message of the history,
// when the project has a webhook URL.
func hookFor(q db, pr *project, c client, messageID int64, e historyEntry) (*pendingHook, error) {
	if pr.Webhook.URL == "" {
		return nil, nil
	}
	body, err := webhookPayload(q, pr, c, messageID, e)
	if err != nil {
		return nil, err
	}
	return &pendingHook{tenant: pr.TenantID, messageID: messageID, cfg: pr.Webhook, payload: body, at: e.CreatedAt}, nil
}

// webhookPayload has the documented keys in the documented order,
// «recepient» spelling included, and the client's variables (observed).
// Extended adds the observed client.order_variables and internal_id.
func webhookPayload(q db, pr *project, c client, messageID int64, e historyEntry) ([]byte, error) {
	urls := make([]string, len(e.Attachments))
	for i, a := range e.Attachments {
		urls[i] = a.URL
	}
	vars, err := loadVars(q, clientVars, pr.TenantID, c.ID)
	if err != nil {
		return nil, err
	}
	cl := jsonx.Object{
		{Key: "id", Value: c.ID},
		{Key: "recepient", Value: c.PlatformID},
		{Key: "client_type", Value: c.ClientType},
		{Key: "name", Value: nullString(c.Name)},
		{Key: "avatar", Value: nullString(c.Avatar)},
		{Key: "created_at", Value: store.FromMicros(c.CreatedAt).In(pr.loc).Format(time.RFC3339)},
		{Key: "tag", Value: nullString(c.Tag)},
		{Key: "group", Value: c.Group},
		{Key: "variables", Value: vars},
	}
	if pr.Webhook.Extended {
		deal := jsonx.Object{}
		if o, err := currentOrder(q, pr.TenantID, c.ID); err == nil {
			if deal, err = loadVars(q, orderVars, pr.TenantID, o.ID); err != nil {
				return nil, err
			}
		} else if !errors.Is(err, errOrderNotFound) {
			return nil, err
		}
		cl = append(cl, jsonx.Field{Key: "order_variables", Value: deal})
	}
	body := jsonx.Object{
		{Key: "id", Value: messageID},
		{Key: "client", Value: cl},
		{Key: "message", Value: e.Text},
		{Key: "attachments", Value: urls},
		{Key: "message_id", Value: nullInt(e.BlockID)},
		{Key: "project_id", Value: pr.ID},
		{Key: "is_input", Value: boolInt(e.ClientReplica)},
		{Key: "delivered", Value: boolInt(e.Delivered)},
		{Key: "error_message", Value: nullString(e.ErrorMessage)},
	}
	if pr.Webhook.Extended {
		body = append(body, jsonx.Field{Key: "internal_id", Value: nil})
	}
	return jsonx.Marshal(body, false)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// userAgent is the webhook requests' User-Agent (inferred).
const userAgent = "fakebots-salebot-webhook/1"

// dispatch hands committed webhooks to the background dispatcher: each
// tenant's go out in order, their retries wait on the tenant's clock, and
// the outcome lands in the delivery log.
func (p *Platform) dispatch(hooks []*pendingHook) {
	for _, h := range hooks {
		p.hooks.Send(webhook.Delivery{
			Key:     h.tenant,
			URL:     h.cfg.URL,
			Body:    h.payload,
			Header:  http.Header{"User-Agent": {userAgent}},
			Timeout: time.Duration(h.cfg.TimeoutMS) * time.Millisecond,
			Retries: h.cfg.Retries,
			Backoff: time.Duration(h.cfg.RetryBackoffMS) * time.Millisecond,
			Clock:   p.env.Tenants.For(h.tenant),
			Done:    func(res webhook.Result) { p.logDelivery(h, res) },
		})
	}
}

// ForgetTenant cancels the tenant's webhook deliveries still queued or
// waiting for a retry: it was reset or deleted.
func (p *Platform) ForgetTenant(tenantID string) { p.hooks.Cancel(tenantID) }

// logDelivery records a delivery's outcome for the control API: each
// attempt at its time on the tenant's clock, and the payload only when it
// was sent to the receiver (not when dropped or refused).
func (p *Platform) logDelivery(h *pendingHook, res webhook.Result) {
	if errors.Is(res.Err, webhook.ErrCancelled) {
		return // the tenant was reset or deleted: its log is gone or starts afresh
	}
	outcome := res.Outcome()
	var payload any // NULL
	if outcome == webhook.Delivered || outcome == webhook.Failed {
		payload = string(h.payload)
	}
	if outcome == webhook.Refused {
		p.env.Log.Warn("webhook delivery refused", "platform", Name, "tenant", h.tenant, "url", h.cfg.URL, "err", res.Err)
	}
	attempts := make([]jsonx.Object, len(res.Attempts))
	for i, a := range res.Attempts {
		attempts[i] = jsonx.Object{
			{Key: "at", Value: a.At.UTC()},
			{Key: "status", Value: a.Status},
			{Key: "error", Value: errorText(a.Err)},
			{Key: "duration_ms", Value: millis(a.Duration)},
		}
	}
	var id int64 // 0: the tenant is gone
	attemptLog, err := jsonx.Marshal(attempts, false)
	if err == nil {
		err = p.env.Store.WriteTenant(context.Background(), h.tenant, func(tx *store.Tx) error {
			row, err := tx.Exec(`INSERT INTO sb_webhook_deliveries
				(tenant_id, message_id, url, outcome, payload, status_code, attempts, attempt_log, duration_ms, error, created_at)
				SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM tenants WHERE id = ?`,
				h.messageID, h.cfg.URL, outcome, payload, res.Status(), len(res.Attempts), string(attemptLog),
				millis(res.Duration()), errorText(res.Err), store.Micros(h.at), h.tenant)
			if err != nil {
				return err
			}
			if n, err := row.RowsAffected(); err != nil || n == 0 {
				return err
			}
			id, err = row.LastInsertId()
			return err
		})
	}
	if err != nil {
		p.env.Log.Warn("record webhook delivery", "platform", Name, "tenant", h.tenant, "err", err)
	}
	if id != 0 {
		p.env.Announce(h.tenant, "webhook", jsonx.Object{
			{Key: "platform", Value: Name}, {Key: "delivery", Value: id}, {Key: "message_id", Value: h.messageID},
			{Key: "outcome", Value: outcome}, {Key: "status", Value: res.Status()},
		})
	}
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
