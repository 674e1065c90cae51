package bothelp

import (
	"errors"
	"slices"
	"strconv"
	"time"
)

// ControlSubscriber is a subscriber as fixtures and the control API write
// and read it: snake_case, with what the API does not show (first and last
// name, notes, custom fields). Left-out fields take defaults: a telegram
// channel, subscribed, created now, the next id, a user id derived from it.
type ControlSubscriber struct {
	ID                int64             `json:"id,omitempty"`
	CUID              string            `json:"cuid,omitempty"`
	UserID            string            `json:"user_id"`
	CreatedAt         *time.Time        `json:"created_at,omitempty"`
	Subscribed        *bool             `json:"subscribed,omitempty"`
	Name              string            `json:"name"`
	FirstName         string            `json:"first_name"`
	LastName          string            `json:"last_name"`
	Notes             string            `json:"notes"`
	Email             string            `json:"email"`
	Phone             string            `json:"phone"`
	ChannelName       string            `json:"channel_name"`
	ChannelType       string            `json:"channel_type"`
	UTMSource         string            `json:"utm_source"`
	UTMMedium         string            `json:"utm_medium"`
	UTMCampaign       string            `json:"utm_campaign"`
	UTMContent        string            `json:"utm_content"`
	UTMTerm           string            `json:"utm_term"`
	ProdamusProfileID string            `json:"prodamus_profile_id"`
	YaClientID        string            `json:"ya_client_id"`
	Tags              []string          `json:"tags"`
	CustomFields      map[string]string `json:"custom_fields"`
}

// Channel is a messenger channel of the account.
type Channel struct {
	Type string `json:"type"`
	Name string `json:"name"`
}

// channelNames name a channel of a type when the data does not.
var channelNames = map[string]string{
	"telegram":  "Бот в Telegram",
	"facebook":  "Страница в Facebook",
	"instagram": "Аккаунт в Instagram",
	"vk":        "Сообщество ВКонтакте",
	"whatsapp":  "WhatsApp",
	"viber":     "Viber",
}

const defaultChannelType = "telegram"

// model turns the control form into a subscriber to store.
func (c ControlSubscriber) model(now time.Time) (subscriber, error) {
	if c.ID < 0 {
		return subscriber{}, errors.New("id must be positive")
	}
	if c.CUID != "" {
		return subscriber{}, errors.New("cuid is derived from the id and the account's prefix; leave it out")
	}
	s := subscriber{
		ID: c.ID, UserID: c.UserID, CreatedAt: now, Subscribed: true,
		Name: c.Name, FirstName: c.FirstName, LastName: c.LastName, Notes: c.Notes, Email: c.Email, Phone: c.Phone,
		ChannelName: c.ChannelName, ChannelType: c.ChannelType,
		UTMSource: c.UTMSource, UTMMedium: c.UTMMedium, UTMCampaign: c.UTMCampaign, UTMContent: c.UTMContent, UTMTerm: c.UTMTerm,
		ProdamusProfileID: c.ProdamusProfileID, YaClientID: c.YaClientID, Tags: []string{},
	}
	if c.CreatedAt != nil {
		s.CreatedAt = c.CreatedAt.UTC().Truncate(time.Microsecond)
	}
	if c.Subscribed != nil {
		s.Subscribed = *c.Subscribed
	}
	if s.ChannelType == "" {
		s.ChannelType = defaultChannelType
	}
	if s.ChannelName == "" {
		s.ChannelName = channelNames[s.ChannelType]
	}
	for _, tag := range c.Tags {
		if tag != "" && !slices.Contains(s.Tags, tag) {
			s.Tags = append(s.Tags, tag)
		}
	}
	return s, nil
}

// controlView shows a stored subscriber in the control form.
func controlView(s subscriber, prefix string, fields map[string]string) ControlSubscriber {
	created, subscribed := s.CreatedAt, s.Subscribed
	if fields == nil {
		fields = map[string]string{}
	}
	return ControlSubscriber{
		ID: s.ID, CUID: formatCUID(prefix, s.ID), UserID: s.UserID, CreatedAt: &created, Subscribed: &subscribed,
		Name: s.Name, FirstName: s.FirstName, LastName: s.LastName, Notes: s.Notes, Email: s.Email, Phone: s.Phone,
		ChannelName: s.ChannelName, ChannelType: s.ChannelType,
		UTMSource: s.UTMSource, UTMMedium: s.UTMMedium, UTMCampaign: s.UTMCampaign, UTMContent: s.UTMContent, UTMTerm: s.UTMTerm,
		ProdamusProfileID: s.ProdamusProfileID, YaClientID: s.YaClientID, Tags: s.Tags, CustomFields: fields,
	}
}

// derivedUserID is the messenger id of a subscriber created without one:
// shaped like the channel's ids (a Telegram user id, a 16-digit Facebook
// PSID ...) and derived from the subscriber id, so tests can predict it.
func derivedUserID(channelType string, id int64) string {
	base := map[string]int64{
		"facebook":  7_000_000_000_000_000,
		"instagram": 17_800_000_000_000_000,
		"whatsapp":  79_000_000_000,
	}[channelType]
	if base == 0 {
		base = 500_000_000
	}
	return strconv.FormatInt(base+id, 10)
}
