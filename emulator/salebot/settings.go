package salebot

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
	_ "time/tzdata" // project time zones work without the system's zoneinfo

	"github.com/fakebots/fakebots/emulator/clock"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/webhook"
)

// Settings are a project's choices where Salebot's behaviour is unknown
// (every default is inferred). They come from the fixture's settings and
// change through PATCH /__fakebots/tenants/{tenant}/salebot/settings.
type Settings struct {
	// ContentType labels every answer. Salebot sends JSON as text/html
	// (observed indirectly); "application/json" is the other choice.
	ContentType string `json:"content_type"`
	// NotFoundStatus is the HTTP code of client_not_found and similar
	// bodies (404, observed for message); CRMNotFoundStatus that of the CRM
	// actions' documented error bodies, whose code the docs do not show.
	NotFoundStatus    int `json:"not_found_status"`
	CRMNotFoundStatus int `json:"crm_not_found_status"`
	// FailStatus is the HTTP code of {"status":"fail"} bodies (bad or
	// missing parameters).
	FailStatus int `json:"fail_status"`
	// Timezone reads send_time and get_history's dates (IANA name).
	Timezone string `json:"timezone"`
	// AutoOrder gives every new client an active deal, as SalebotCRM does.
	AutoOrder bool `json:"auto_order"`
	// NoWhatsApp lists the numbers check_whatsapp says have no WhatsApp.
	NoWhatsApp []string `json:"no_whatsapp"`
	// Errors are the answers to an unknown or revoked key, a key without the
	// action's permission and an unknown action.
	Errors ErrorAnswers `json:"errors"`
}

// ErrorAnswers are the undocumented error answers.
type ErrorAnswers struct {
	UnknownKey    Answer `json:"unknown_key"`
	Forbidden     Answer `json:"forbidden"`
	UnknownAction Answer `json:"unknown_action"`
}

// Answer is a status and a body (any JSON; a JSON string is sent as text).
type Answer struct {
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body,omitempty"`
}

// WebhookConfig is the project's «Webhook URL» setting and how the emulator
// delivers to it. A delivery's attempts and the waits between them must fit
// in the time the emulator gives a delivery (webhook.Limits).
type WebhookConfig struct {
	URL string `json:"url"` // empty: no webhook
	// TimeoutMS bounds each attempt (default 10000, at most 30000).
	TimeoutMS int `json:"timeout_ms"`
	// Retries is the number of extra attempts after a failure. Salebot
	// documents none (default 0, at most 10).
	Retries int `json:"retries"`
	// RetryBackoffMS is the wait before each retry on the tenant's clock
	// (default 1000, at most 60000).
	RetryBackoffMS int `json:"retry_backoff_ms"`
	// Callbacks also reports callbacks (is_input 1); they are not messages,
	// so by default they are not sent.
	Callbacks bool `json:"callbacks"`
	// Extended adds the observed keys client.order_variables and
	// internal_id (client.variables is always sent).
	Extended bool `json:"extended"`
}

// maxRetryBackoffMS bounds the wait before a retry.
const maxRetryBackoffMS = 60000

func defaultSettings() Settings {
	return Settings{
		ContentType:       "text/html; charset=utf-8",
		NotFoundStatus:    http.StatusNotFound,
		CRMNotFoundStatus: http.StatusNotFound,
		FailStatus:        http.StatusBadRequest,
		Timezone:          "Europe/Moscow",
		AutoOrder:         true,
		NoWhatsApp:        []string{},
		Errors: ErrorAnswers{
			UnknownKey:    Answer{http.StatusForbidden, json.RawMessage(`{"status":"error","message":"invalid api key"}`)},
			Forbidden:     Answer{http.StatusForbidden, json.RawMessage(`{"status":"error","message":"permission denied"}`)},
			UnknownAction: Answer{http.StatusNotFound, json.RawMessage(`{"status":"error","message":"unknown action"}`)},
		},
	}
}

func defaultWebhook() WebhookConfig {
	return WebhookConfig{TimeoutMS: 10000, RetryBackoffMS: 1000}
}

// patch lays a JSON object over the settings and checks the result.
func (s *Settings) patch(raw []byte) error {
	if len(raw) == 0 {
		return nil
	}
	if err := platform.DecodeStrict(raw, s); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	return s.check()
}

func (s *Settings) check() error {
	def := defaultSettings().Errors
	for _, a := range []struct {
		answer *Answer
		def    Answer
	}{{&s.Errors.UnknownKey, def.UnknownKey}, {&s.Errors.Forbidden, def.Forbidden}, {&s.Errors.UnknownAction, def.UnknownAction}} {
		if a.answer.Status == 0 {
			a.answer.Status = a.def.Status
		}
		if len(a.answer.Body) == 0 || string(a.answer.Body) == "null" {
			a.answer.Body = a.def.Body
		}
		if !validStatus(a.answer.Status) {
			return fmt.Errorf("settings: error status %d is not an HTTP status", a.answer.Status)
		}
	}
	for _, st := range []int{s.NotFoundStatus, s.CRMNotFoundStatus, s.FailStatus} {
		if !validStatus(st) {
			return fmt.Errorf("settings: status %d is not an HTTP status", st)
		}
	}
	if s.ContentType == "" {
		return errors.New("settings: content_type must not be empty")
	}
	if _, err := clock.LoadLocation(s.Timezone); err != nil {
		return fmt.Errorf("settings: timezone: %w", err)
	}
	if s.NoWhatsApp == nil {
		s.NoWhatsApp = []string{}
	}
	return nil
}

func validStatus(n int) bool { return n >= 200 && n <= 599 }

// patch lays a JSON object over the webhook configuration and checks it.
func (w *WebhookConfig) patch(raw []byte) error {
	if len(raw) == 0 {
		return nil
	}
	if err := platform.DecodeStrict(raw, w); err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	return w.check()
}

func (w *WebhookConfig) check() error {
	if w.URL != "" {
		u, err := url.Parse(w.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("webhook: url must be an http(s) URL, got %q", w.URL)
		}
	}
	lim := webhook.DefaultLimits()
	for _, f := range []struct {
		name      string
		v, lo, hi int
	}{
		{"timeout_ms", w.TimeoutMS, 1, int(lim.AttemptTimeout.Milliseconds())},
		{"retries", w.Retries, 0, lim.Retries},
		{"retry_backoff_ms", w.RetryBackoffMS, 0, maxRetryBackoffMS},
	} {
		if f.v < f.lo || f.v > f.hi {
			return fmt.Errorf("webhook: %s must be between %d and %d, got %d", f.name, f.lo, f.hi, f.v)
		}
	}
	longest := time.Duration((w.Retries+1)*w.TimeoutMS+w.Retries*w.RetryBackoffMS) * time.Millisecond
	if longest > lim.Duration {
		return fmt.Errorf("webhook: a delivery could take %g s ((retries+1)×timeout_ms + retries×retry_backoff_ms), more than the %g s a delivery may last",
			longest.Seconds(), lim.Duration.Seconds())
	}
	return nil
}

// project is a tenant's Salebot project as a request sees it.
type project struct {
	TenantID string
	ID       int64
	Settings Settings
	Webhook  WebhookConfig
	loc      *time.Location
}

// defaultProject answers requests whose tenant is unknown.
var defaultProject = func() *project {
	s := defaultSettings()
	loc, _ := clock.LoadLocation(s.Timezone)
	return &project{Settings: s, Webhook: defaultWebhook(), loc: loc}
}()

// loadProject reads a tenant's project.
func loadProject(q db, tenantID string) (*project, error) {
	pr := &project{TenantID: tenantID, Settings: defaultSettings(), Webhook: defaultWebhook()}
	var settings, hook string
	err := q.QueryRow(`SELECT id, settings, webhook FROM sb_projects WHERE tenant_id = ?`, tenantID).Scan(&pr.ID, &settings, &hook)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, platform.ControlNotFound("tenant %s has no Salebot project", tenantID)
	} else if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(settings), &pr.Settings); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(hook), &pr.Webhook); err != nil {
		return nil, err
	}
	if pr.loc, err = clock.LoadLocation(pr.Settings.Timezone); err != nil {
		return nil, err
	}
	return pr, nil
}

type projectKey struct{}

// withProject remembers the caller's project for the handler and renderer.
func withProject(r *platform.Request, pr *project) {
	r.HTTP = r.HTTP.WithContext(context.WithValue(r.HTTP.Context(), projectKey{}, pr))
}

// projectOf is the caller's project, or the defaults when it is unknown.
func projectOf(r *platform.Request) *project {
	if pr, ok := r.HTTP.Context().Value(projectKey{}).(*project); ok {
		return pr
	}
	return defaultProject
}
