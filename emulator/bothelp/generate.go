package bothelp

import (
	"time"

	"github.com/brianvoe/gofakeit/v6"

	"github.com/fakebots/fakebots/emulator/fakedata"
)

// GenerateSpec asks for generated subscribers (fixtures and the control API):
//
//	generate:
//	  count: 300
//	  channels: [{type: telegram, name: Школа в Telegram}, {type: facebook}]
//	  tags: [лид, купил_базовый]      # each subscriber gets some of them
//	  custom_fields: [Город, Бюджет]  # each subscriber gets a value for each
//	  days: 90                        # createdAt spread over the days before now
type GenerateSpec struct {
	Count        int       `json:"count"`
	Channels     []Channel `json:"channels"`
	Tags         []string  `json:"tags"`
	CustomFields []string  `json:"custom_fields"`
	Days         int       `json:"days"`
}

var (
	utmSources   = []string{"yandex", "vk", "telegram", "instagram", "google"}
	utmMediums   = []string{"cpc", "social", "email", "referral"}
	utmCampaigns = []string{"spring_sale", "webinar", "welcome", "retarget"}
)

// subscribers draws Count subscribers from the faker, oldest first, spread
// evenly over the Days before now; ids are left to the store (ascending, so
// ids and createdAt grow together).
func (g GenerateSpec) subscribers(f *gofakeit.Faker, now time.Time) []ControlSubscriber {
	channels := g.Channels
	if len(channels) == 0 {
		channels = []Channel{{Type: defaultChannelType}}
	}
	days := g.Days
	if days <= 0 {
		days = 90
	}
	span := time.Duration(days) * 24 * time.Hour
	out := make([]ControlSubscriber, g.Count)
	for i := range out {
		ch := channels[f.Number(0, len(channels)-1)]
		created := now.Add(-span * time.Duration(g.Count-i) / time.Duration(g.Count)).Truncate(time.Second)
		subscribed := f.Number(1, 10) > 1
		first, last := fakedata.Person(f)
		s := ControlSubscriber{
			CreatedAt: &created, Subscribed: &subscribed,
			Name: first + " " + last, FirstName: first, LastName: last,
			ChannelType: ch.Type, ChannelName: ch.Name,
		}
		if f.Number(1, 10) <= 7 {
			s.Phone = fakedata.Phone(f)
		}
		if f.Number(1, 10) <= 6 {
			s.Email = f.Email()
		}
		s.UserID = fakeUserID(f, ch.Type, s.Phone)
		if f.Number(1, 10) <= 3 {
			s.UTMSource, s.UTMMedium, s.UTMCampaign = f.RandomString(utmSources), f.RandomString(utmMediums), f.RandomString(utmCampaigns)
		}
		for _, tag := range g.Tags {
			if f.Number(1, 3) == 1 {
				s.Tags = append(s.Tags, tag)
			}
		}
		if len(g.CustomFields) > 0 {
			s.CustomFields = map[string]string{}
			for _, name := range g.CustomFields {
				s.CustomFields[name] = f.Word()
			}
		}
		out[i] = s
	}
	return out
}

// fakeUserID is an id shaped like the channel's: Telegram and VK numbers,
// 16-digit Facebook PSIDs, 17-digit Instagram ids, WhatsApp phone numbers.
func fakeUserID(f *gofakeit.Faker, channelType, phone string) string {
	switch channelType {
	case "facebook":
		return f.Numerify("7###############")
	case "instagram":
		return f.Numerify("178##############")
	case "whatsapp":
		if phone != "" {
			return phone
		}
		return fakedata.Phone(f)
	case "vk":
		return f.Numerify("#########")
	}
	return f.Numerify("1#########")
}
