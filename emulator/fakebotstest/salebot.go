package fakebotstest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"
)

// SalebotProject is a tenant's Salebot project: its main key and base URL,
// the ids a test needs next, and helpers for the project's control
// endpoints.
type SalebotProject struct {
	// BaseURL is the tenant's own address of the API with the main key,
	// ending in /api/{api_key}: append "/" + action.
	BaseURL   string           `json:"base_url"`
	APIKey    string           `json:"api_key"` // the main (old-style) key: every permission
	ProjectID int64            `json:"project_id"`
	ChannelID int64            `json:"channel_id"`
	GroupID   string           `json:"group_id"` // the first channel's bot
	Channels  []SalebotChannel `json:"channels"`
	Keys      []SalebotKey     `json:"keys"` // the fixture's extra keys

	tenant *Tenant
}

// SalebotChannel is a connected messenger.
type SalebotChannel struct {
	ID         int64  `json:"id"`
	Type       string `json:"type"`
	ClientType int    `json:"client_type"`
	GroupID    string `json:"group_id"`
}

// SalebotKey is an API key as the control API shows it.
type SalebotKey struct {
	Key         string    `json:"key"`
	Name        string    `json:"name"`
	Legacy      bool      `json:"legacy"`
	Main        bool      `json:"main"`
	Permissions []string  `json:"permissions"`
	Revoked     bool      `json:"revoked"`
	CreatedAt   time.Time `json:"created_at"`
}

// URL is the address of an action with the main key.
func (s *SalebotProject) URL(action string) string { return s.BaseURL + "/" + action }

// KeyURL is the address of an action with another key, through the
// tenant's own base URL.
func (s *SalebotProject) KeyURL(key, action string) string {
	return s.tenant.server.URL + "/t/" + s.tenant.ID + "/salebot/api/" + url.PathEscape(key) + "/" + action
}

func (s *SalebotProject) control(t testing.TB, method, path string, in, out any) {
	t.Helper()
	s.tenant.must(t, method, "/salebot/"+path, in, out)
}

// CreateKey creates a new-style key with the permissions (clients_read,
// clients_write, clients_delete, crm_read, crm_write) and returns it.
func (s *SalebotProject) CreateKey(t testing.TB, name string, permissions ...string) string {
	t.Helper()
	var k SalebotKey
	s.control(t, http.MethodPost, "keys", map[string]any{"name": name, "permissions": permissions}, &k)
	return k.Key
}

// RevokeKey revokes a key; requests with it are answered as with an unknown key.
func (s *SalebotProject) RevokeKey(t testing.TB, key string) {
	t.Helper()
	s.control(t, http.MethodDelete, "keys/"+url.PathEscape(key), nil, nil)
}

// ListKeys lists the project's keys, revoked ones included.
func (s *SalebotProject) ListKeys(t testing.TB) []SalebotKey {
	t.Helper()
	var out struct{ Data []SalebotKey }
	s.control(t, http.MethodGet, "keys", nil, &out)
	return out.Data
}

// PatchSettings merges patch (content_type, not_found_status, errors ...)
// into the project's settings and returns them.
func (s *SalebotProject) PatchSettings(t testing.TB, patch any) map[string]any {
	t.Helper()
	var out map[string]any
	s.control(t, http.MethodPatch, "settings", patch, &out)
	return out
}

// SalebotWebhook is the project's webhook configuration.
type SalebotWebhook struct {
	URL            string `json:"url"`
	TimeoutMS      int    `json:"timeout_ms,omitempty"`
	Retries        int    `json:"retries,omitempty"`
	RetryBackoffMS int    `json:"retry_backoff_ms,omitempty"`
	Callbacks      bool   `json:"callbacks,omitempty"`
	// Extended adds client.order_variables and internal_id (client.variables
	// is always sent).
	Extended bool `json:"extended,omitempty"`
}

// SetWebhook replaces the webhook configuration (zero fields: defaults).
func (s *SalebotProject) SetWebhook(t testing.TB, w SalebotWebhook) {
	t.Helper()
	s.control(t, http.MethodPut, "webhook", w, nil)
}

// Flush waits until the project's queued webhook deliveries are sent and
// logged, or wait for a retry on the tenant's frozen clock (advance it, then
// flush again).
func (s *SalebotProject) Flush(t testing.TB) {
	t.Helper()
	s.control(t, http.MethodPost, "webhook/flush", nil, nil)
}

// SalebotDelivery is one entry of the delivery log.
type SalebotDelivery struct {
	ID        int64  `json:"id"`
	MessageID int64  `json:"message_id"`
	URL       string `json:"url"`
	// Outcome is delivered, failed, dropped (never sent: a queue was full or
	// the emulator shut down) or refused (the URL reaches the emulator itself).
	Outcome string `json:"outcome"`
	// Payload is the body sent; null for dropped and refused deliveries.
	Payload    json.RawMessage  `json:"payload"`
	Status     int              `json:"status"`
	Attempts   int              `json:"attempts"`
	AttemptLog []SalebotAttempt `json:"attempt_log"`
	DurationMS float64          `json:"duration_ms"`
	Error      string           `json:"error"`
	CreatedAt  time.Time        `json:"created_at"`
}

// SalebotAttempt is one request of a delivery.
type SalebotAttempt struct {
	At         time.Time `json:"at"` // on the tenant's clock
	Status     int       `json:"status"`
	Error      string    `json:"error"`
	DurationMS float64   `json:"duration_ms"`
}

// Deliveries flushes, then lists the delivery log, the delivery that ended
// last first.
func (s *SalebotProject) Deliveries(t testing.TB) []SalebotDelivery {
	t.Helper()
	s.Flush(t)
	var out struct{ Data []SalebotDelivery }
	s.control(t, http.MethodGet, "webhook/deliveries", nil, &out)
	return out.Data
}

// SalebotInbound is a message a simulated client writes to the bot: an
// existing client, or one found or created by PlatformID in a messenger.
type SalebotInbound struct {
	ClientID    int64               `json:"client_id,omitempty"`
	PlatformID  string              `json:"platform_id,omitempty"`
	Type        string              `json:"type,omitempty"`
	ClientType  *int                `json:"client_type,omitempty"`
	Group       string              `json:"group,omitempty"`
	Name        string              `json:"name,omitempty"`
	Text        string              `json:"text,omitempty"`
	Attachments []SalebotAttachment `json:"attachments,omitempty"`
}

// SalebotAttachment is a file of a message.
type SalebotAttachment struct {
	URL  string `json:"attachment_url"`
	Type string `json:"attachment_type"`
}

// SalebotInboundResult is the client and the history entry the message made.
type SalebotInboundResult struct {
	ClientID int64           `json:"client_id"`
	Message  json.RawMessage `json:"message"`
	Webhook  bool            `json:"webhook"`
}

// Inbound makes a client write to the bot: the message enters the history
// and the project's webhook fires with is_input 1.
func (s *SalebotProject) Inbound(t testing.TB, m SalebotInbound) SalebotInboundResult {
	t.Helper()
	var out SalebotInboundResult
	s.control(t, http.MethodPost, "inbound", m, &out)
	return out
}

// WebhookReceiver is an httptest server that records every request it
// gets and answers a chosen status (default 200).
type WebhookReceiver struct {
	URL    string
	server *httptest.Server
	mu     sync.Mutex
	got    []ReceivedWebhook
	status int
}

// ReceivedWebhook is one recorded request.
type ReceivedWebhook struct {
	Method string
	Header http.Header
	Body   []byte
}

// JSON decodes the body.
func (r ReceivedWebhook) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("fakebotstest: webhook body is not JSON: %v\n%s", err, r.Body)
	}
}

// NewWebhookReceiver starts a receiver, closed at the test's cleanup.
func NewWebhookReceiver(t testing.TB) *WebhookReceiver {
	t.Helper()
	w := &WebhookReceiver{status: http.StatusOK}
	w.server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.mu.Lock()
		w.got = append(w.got, ReceivedWebhook{Method: r.Method, Header: r.Header.Clone(), Body: body})
		status := w.status
		w.mu.Unlock()
		rw.WriteHeader(status)
	}))
	w.URL = w.server.URL
	t.Cleanup(w.server.Close)
	return w
}

// SetStatus makes the receiver answer code from now on.
func (w *WebhookReceiver) SetStatus(code int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.status = code
}

// Received is every request so far, oldest first. Flush the platform's
// deliveries first (Salebot.Flush) to see them all.
func (w *WebhookReceiver) Received() []ReceivedWebhook {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]ReceivedWebhook(nil), w.got...)
}

// SalebotClientCard is a client's card as the control API shows it.
type SalebotClientCard struct {
	ID         int64   `json:"id"`
	PlatformID string  `json:"platform_id"`
	ClientType int     `json:"client_type"`
	Name       *string `json:"name"`
	Group      string  `json:"group"`
	Manager    *struct {
		ID    int64  `json:"id"`
		Email string `json:"email"`
		Name  string `json:"name"`
	} `json:"manager"`
	Variables map[string]any `json:"variables"`
	Lists     []int64        `json:"lists"`
	Orders    []struct {
		ID        int64          `json:"id"`
		Name      string         `json:"name"`
		StateID   *int64         `json:"state_id"`
		Status    int            `json:"status"`
		Variables map[string]any `json:"variables"`
	} `json:"orders"`
}

// ClientCard reads a client's card: variables, manager, lists and deals.
func (s *SalebotProject) ClientCard(t testing.TB, id int64) SalebotClientCard {
	t.Helper()
	var out SalebotClientCard
	s.control(t, http.MethodGet, "clients/"+strconv.FormatInt(id, 10), nil, &out)
	return out
}
