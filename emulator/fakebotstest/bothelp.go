package fakebotstest

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// BotHelpAccount is a tenant's BotHelp account: the Open API client
// credentials with the tenant's own API and token URLs, the ids a test needs
// next, and helpers for the account's control endpoints.
type BotHelpAccount struct {
	// BaseURL is the tenant's own address of the API: append the real path
	// (/v1/subscribers/).
	BaseURL string `json:"base_url"`
	// TokenURL is where client credentials become an access token.
	TokenURL       string        `json:"token_url"`
	ClientID       string        `json:"client_id"`
	ClientSecret   string        `json:"client_secret"`
	AccountID      int64         `json:"account_id"`
	CUIDPrefix     string        `json:"cuid_prefix"`
	BotReferral    string        `json:"bot_referral"`
	StepReferral   string        `json:"step_referral"`
	FunnelReferral string        `json:"funnel_referral"`
	Bots           []BotHelpBot  `json:"bots"`
	Funnels        []BotHelpItem `json:"funnels"`
	Subscribers    int           `json:"subscribers"` // how many the fixture made

	tenant *Tenant
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

// CUID is the CUID of the subscriber with id in this account.
func (b *BotHelpAccount) CUID(id int64) string { return b.CUIDPrefix + "." + strconv.FormatInt(id, 36) }

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

// Token exchanges the account's client credentials for an access token at
// TokenURL, failing the test unless it is granted.
func (b *BotHelpAccount) Token(t testing.TB) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {b.ClientID}, "client_secret": {b.ClientSecret}}
	r := b.tenant.server.Do(t, http.MethodPost, b.TokenURL, form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if r.Status != http.StatusOK {
		t.Fatalf("fakebotstest: bothelp token: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &out)
	return out.AccessToken
}

// AddSubscribers creates subscribers in the account and returns them as
// stored (ids, CUIDs, defaults filled in).
func (b *BotHelpAccount) AddSubscribers(t testing.TB, subs ...BotHelpSubscriber) []BotHelpSubscriber {
	t.Helper()
	return b.createSubscribers(t, map[string]any{"subscribers": subs})
}

// GenerateSubscribers creates n subscribers with made-up names, contacts,
// channels and dates, and returns them as stored.
func (b *BotHelpAccount) GenerateSubscribers(t testing.TB, n int) []BotHelpSubscriber {
	t.Helper()
	return b.createSubscribers(t, map[string]any{"generate": map[string]int{"count": n}})
}

func (b *BotHelpAccount) createSubscribers(t testing.TB, body any) []BotHelpSubscriber {
	t.Helper()
	var out struct{ Data []BotHelpSubscriber }
	b.tenant.must(t, http.MethodPost, "/bothelp/subscribers", body, &out)
	return out.Data
}

// Subscriber reads one subscriber with its custom fields, running bots,
// funnels and the actions the API recorded.
func (b *BotHelpAccount) Subscriber(t testing.TB, id int64) BotHelpSubscriberDetail {
	t.Helper()
	var out BotHelpSubscriberDetail
	b.tenant.must(t, http.MethodGet, "/bothelp/subscribers/"+strconv.FormatInt(id, 10), nil, &out)
	return out
}
