package fakebotstest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// EndUser is an end user of a platform as the control API shows them: a
// CleverApp or Onebot contact, a Salebot client, a BotHelp subscriber.
type EndUser struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Messenger  string    `json:"messenger"`
	Phone      *string   `json:"phone"`
	CreatedAt  time.Time `json:"created_at"`
	Subscribed bool      `json:"subscribed"`
	// Platform holds the platform's own fields (variables, tags, custom
	// fields, deals ...).
	Platform json.RawMessage `json:"platform"`
}

// NewEndUser is a user to create; empty fields are generated. Bot picks the
// bot (CleverApp bot id, Salebot group, BotHelp channel name).
type NewEndUser struct {
	Name       string `json:"name,omitempty"`
	Messenger  string `json:"messenger,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Email      string `json:"email,omitempty"`
	PlatformID string `json:"platform_id,omitempty"`
	Bot        string `json:"bot,omitempty"`
}

// ThreadEvent is one item of a user's conversation.
type ThreadEvent struct {
	ID          string             `json:"id"`
	At          time.Time          `json:"at"`
	Direction   string             `json:"direction"` // in, out, system
	Kind        string             `json:"kind"`
	Text        string             `json:"text"`
	Buttons     []ThreadButton     `json:"buttons"`
	Attachments []ThreadAttachment `json:"attachments"`
	Source      string             `json:"source"`
	Operation   string             `json:"operation"`
	Status      string             `json:"status"`
	ReplyTo     string             `json:"reply_to"`
}

// ThreadButton is a button of an outgoing message.
type ThreadButton struct {
	Text string `json:"text"`
	Data string `json:"data"`
	URL  string `json:"url,omitempty"`
}

// ThreadAttachment is an image or a file of a message.
type ThreadAttachment struct {
	Type string `json:"type"` // image, file, video, audio
	URL  string `json:"url"`
	Name string `json:"name,omitempty"`
}

// EndUserReaction is what a user's action recorded, and whether the
// platform sent a webhook to the system under test.
type EndUserReaction struct {
	Event   ThreadEvent `json:"event"`
	Webhook bool        `json:"webhook"`
}

// EndUsers acts as, and looks at, a tenant's end users on one platform.
type EndUsers struct {
	control  *Control
	tenantID string
	platform Platform
}

// Users is the tenant's end users on a platform (cleverapp, onebot,
// salebot, bothelp).
func (t *Tenant) Users(tb testing.TB, platform Platform) *EndUsers {
	tb.Helper()
	if t.server == nil {
		tb.Fatalf("fakebotstest: tenant %s was not created through a Server", t.ID)
	}
	return t.server.Users(t.ID, platform)
}

// Users is the fake's tenant's end users on a platform. Fake has it of its
// own because it embeds both the Server's Users and the Tenant's.
func (f *Fake) Users(tb testing.TB, platform Platform) *EndUsers {
	tb.Helper()
	return f.Tenant.Users(tb, platform)
}

// Users is the end users of a tenant of the server on a platform.
func (s *Server) Users(tenantID string, platform Platform) *EndUsers {
	return &EndUsers{control: s.Control, tenantID: tenantID, platform: platform}
}

func (u *EndUsers) call(tb testing.TB, method, path string, in, out any) {
	tb.Helper()
	full := "/tenants/" + url.PathEscape(u.tenantID) + "/" + string(u.platform) + "/users" + path
	if err := u.control.Call(context.Background(), method, full, in, out); err != nil {
		tb.Fatalf("fakebotstest: %v", err)
	}
}

func userPath(id int64, rest string) string { return "/" + strconv.FormatInt(id, 10) + rest }

// Create makes a user as if they had just found the bot.
func (u *EndUsers) Create(tb testing.TB, nu NewEndUser) EndUser {
	tb.Helper()
	var out EndUser
	u.call(tb, http.MethodPost, "", nu, &out)
	return out
}

// List is every user matching q ("" for all), in ascending id.
func (u *EndUsers) List(tb testing.TB, q string) []EndUser {
	tb.Helper()
	var all []EndUser
	after := int64(0)
	for {
		var page struct {
			Data      []EndUser `json:"data"`
			NextAfter *int64    `json:"next_after"`
		}
		u.call(tb, http.MethodGet, "?limit=1000&after="+strconv.FormatInt(after, 10)+"&q="+url.QueryEscape(q), nil, &page)
		all = append(all, page.Data...)
		if page.NextAfter == nil {
			return all
		}
		after = *page.NextAfter
	}
}

// Get reads a user with the platform's fields.
func (u *EndUsers) Get(tb testing.TB, id int64) EndUser {
	tb.Helper()
	var out EndUser
	u.call(tb, http.MethodGet, userPath(id, ""), nil, &out)
	return out
}

// Thread is the user's whole conversation, oldest first.
func (u *EndUsers) Thread(tb testing.TB, id int64) []ThreadEvent {
	tb.Helper()
	var all []ThreadEvent
	after := ""
	for {
		var page struct{ Data []ThreadEvent }
		u.call(tb, http.MethodGet, userPath(id, "/thread?limit=1000&after="+url.QueryEscape(after)), nil, &page)
		all = append(all, page.Data...)
		if len(page.Data) < 1000 {
			return all
		}
		after = page.Data[len(page.Data)-1].ID
	}
}

// Write makes the user write to the bot.
func (u *EndUsers) Write(tb testing.TB, id int64, text string, attachments ...ThreadAttachment) EndUserReaction {
	tb.Helper()
	var out EndUserReaction
	u.call(tb, http.MethodPost, userPath(id, "/messages"), map[string]any{"text": text, "attachments": attachments}, &out)
	return out
}

// Press makes the user press a button (its text or data) of the latest
// message with buttons.
func (u *EndUsers) Press(tb testing.TB, id int64, button string) EndUserReaction {
	tb.Helper()
	return u.PressOn(tb, id, "", button)
}

// PressOn presses a button of the message with the thread event id messageID.
func (u *EndUsers) PressOn(tb testing.TB, id int64, messageID, button string) EndUserReaction {
	tb.Helper()
	body := map[string]any{"button": button}
	if messageID != "" {
		body["message_id"] = messageID
	}
	var out EndUserReaction
	u.call(tb, http.MethodPost, userPath(id, "/buttons"), body, &out)
	return out
}

// Subscribe makes the user subscribe again (unblock the bot).
func (u *EndUsers) Subscribe(tb testing.TB, id int64) EndUser {
	tb.Helper()
	var out EndUser
	u.call(tb, http.MethodPost, userPath(id, "/subscribe"), nil, &out)
	return out
}

// Unsubscribe makes the user unsubscribe (block the bot).
func (u *EndUsers) Unsubscribe(tb testing.TB, id int64) EndUser {
	tb.Helper()
	var out EndUser
	u.call(tb, http.MethodPost, userPath(id, "/unsubscribe"), nil, &out)
	return out
}
