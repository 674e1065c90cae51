package fakebotstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BotHelp paths on the emulator (prefix form). The API path is followed by
// the real one: /bothelp + /v1/subscribers/.
const (
	BotHelpTokenPath = "/bothelp/oauth2/token"
	BotHelpAPIPath   = "/bothelp"
)

// BotHelp is a tenant's BotHelp account as its creation answer gives it
// (Tenant.Raw["bothelp"]): the Open API client credentials and the ids a
// test needs next.
type BotHelp struct {
	ClientID       string        `json:"client_id"`
	ClientSecret   string        `json:"client_secret"`
	AccountID      int64         `json:"account_id"`
	CUIDPrefix     string        `json:"cuid_prefix"`
	BotReferral    string        `json:"bot_referral"`
	StepReferral   string        `json:"step_referral"`
	FunnelReferral string        `json:"funnel_referral"`
	Bots           []BotHelpBot  `json:"bots"`
	Funnels        []BotHelpItem `json:"funnels"`
	Subscribers    int           `json:"subscribers"`
}

// BotHelpItem is a step or a funnel.
type BotHelpItem struct {
	Title    string `json:"title"`
	Referral string `json:"referral"`
}

// BotHelpBot is a bot with its steps.
type BotHelpBot struct {
	Title    string        `json:"title"`
	Referral string        `json:"referral"`
	Steps    []BotHelpItem `json:"steps"`
}

// BotHelp decodes the tenant's BotHelp account.
func (t *Tenant) BotHelp() (BotHelp, error) {
	var b BotHelp
	raw, ok := t.Raw["bothelp"]
	if !ok {
		return b, errors.New("the tenant has no bothelp section")
	}
	return b, json.Unmarshal(raw, &b)
}

// CUID is the CUID of the subscriber with id in this account.
func (b BotHelp) CUID(id int64) string { return b.CUIDPrefix + "." + strconv.FormatInt(id, 36) }

// BotHelpSubscriber is a subscriber as the control API creates and shows
// it. Fields left empty on creation take defaults (a telegram channel,
// subscribed, created now, the next id, a user id derived from it).
type BotHelpSubscriber struct {
	ID                int64             `json:"id,omitempty"`
	CUID              string            `json:"cuid,omitempty"` // read only
	UserID            string            `json:"user_id,omitempty"`
	CreatedAt         time.Time         `json:"created_at,omitzero"`
	Subscribed        *bool             `json:"subscribed,omitempty"`
	Name              string            `json:"name,omitempty"`
	FirstName         string            `json:"first_name,omitempty"`
	LastName          string            `json:"last_name,omitempty"`
	Notes             string            `json:"notes,omitempty"`
	Email             string            `json:"email,omitempty"`
	Phone             string            `json:"phone,omitempty"`
	ChannelName       string            `json:"channel_name,omitempty"`
	ChannelType       string            `json:"channel_type,omitempty"`
	UTMSource         string            `json:"utm_source,omitempty"`
	UTMMedium         string            `json:"utm_medium,omitempty"`
	UTMCampaign       string            `json:"utm_campaign,omitempty"`
	UTMContent        string            `json:"utm_content,omitempty"`
	UTMTerm           string            `json:"utm_term,omitempty"`
	ProdamusProfileID string            `json:"prodamus_profile_id,omitempty"`
	YaClientID        string            `json:"ya_client_id,omitempty"`
	Tags              []string          `json:"tags,omitempty"`
	CustomFields      map[string]string `json:"custom_fields,omitempty"`
}

// BotHelpSubscriberDetail is a subscriber with what the API did to it.
type BotHelpSubscriberDetail struct {
	BotHelpSubscriber
	RunningBots []string        `json:"running_bots"`
	Funnels     []string        `json:"funnels"`
	Actions     []BotHelpAction `json:"actions"`
}

// BotHelpAction is a recorded bot run or stop, funnel add or remove.
type BotHelpAction struct {
	ID           int64     `json:"id"`
	SubscriberID int64     `json:"subscriber_id"`
	Operation    string    `json:"operation"`
	Kind         string    `json:"kind"` // bot_run | bot_stop | funnel_add | funnel_remove
	Referral     string    `json:"referral"`
	StepReferral string    `json:"step_referral"`
	Known        bool      `json:"known"` // the referral names an existing bot, step or funnel
	CreatedAt    time.Time `json:"created_at"`
}

// BotHelpToken exchanges an account's client credentials for an access token.
func (c *Control) BotHelpToken(ctx context.Context, b BotHelp) (string, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {b.ClientID}, "client_secret": {b.ClientSecret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL+BotHelpTokenPath, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	client := c.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("bothelp token: %d %s", resp.StatusCode, raw)
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	return out.AccessToken, json.Unmarshal(raw, &out)
}

// CreateBotHelpSubscribers creates subscribers in a tenant's account and
// returns them as stored (ids, CUIDs, defaults filled in).
func (c *Control) CreateBotHelpSubscribers(ctx context.Context, tenantID string, subs []BotHelpSubscriber) ([]BotHelpSubscriber, error) {
	var out struct{ Data []BotHelpSubscriber }
	err := c.call(ctx, http.MethodPost, "/tenants/"+url.PathEscape(tenantID)+"/bothelp/subscribers", map[string]any{"subscribers": subs}, &out)
	return out.Data, err
}

// BotHelpSubscriber reads one subscriber of a tenant with its custom
// fields, running bots, funnels and recorded actions.
func (c *Control) BotHelpSubscriber(ctx context.Context, tenantID string, id int64) (BotHelpSubscriberDetail, error) {
	var out BotHelpSubscriberDetail
	err := c.call(ctx, http.MethodGet, fmt.Sprintf("/tenants/%s/bothelp/subscribers/%d", url.PathEscape(tenantID), id), nil, &out)
	return out, err
}

// BotHelpToken gets an access token for the tenant's account, failing the test on error.
func (s *Server) BotHelpToken(t testing.TB, tn *Tenant) string {
	t.Helper()
	b, err := tn.BotHelp()
	if err != nil {
		t.Fatalf("fakebotstest: %v", err)
	}
	token, err := s.Control.BotHelpToken(context.Background(), b)
	if err != nil {
		t.Fatalf("fakebotstest: %v", err)
	}
	return token
}

// SeedBotHelpSubscribers creates subscribers in the tenant's account,
// failing the test on error, and returns them as stored.
func (s *Server) SeedBotHelpSubscribers(t testing.TB, tn *Tenant, subs ...BotHelpSubscriber) []BotHelpSubscriber {
	t.Helper()
	out, err := s.Control.CreateBotHelpSubscribers(context.Background(), tn.ID, subs)
	if err != nil {
		t.Fatalf("fakebotstest: seed bothelp subscribers: %v", err)
	}
	return out
}
