package platform

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/brianvoe/gofakeit/v6"

	"github.com/fakebots/fakebots/emulator/fakedata"
	"github.com/fakebots/fakebots/emulator/jsonx"
)

// Audience is implemented by platforms whose end users tests, scenarios and
// demos look at and act as. AudienceRoutes builds the control
// endpoints on it, the same on every platform; the platform supplies what its
// users are and what it does when one of them acts.
//
// Ids are the platform's own numeric user ids (CleverApp contact, Salebot
// client, BotHelp subscriber). Every method works in c.TenantID and answers
// UserNotFound for an id the tenant does not have.
type Audience interface {
	Name() string
	// Users lists users with ids above q.After, ascending, at most q.Limit,
	// those matching q.Q (see Matches) when it is set.
	Users(c *ControlRequest, q UserQuery) ([]User, error)
	// CreateUser makes a user as if they had just found the bot; fields left
	// empty are generated (UserFaker).
	CreateUser(c *ControlRequest, u NewUser) (User, error)
	User(c *ControlRequest, id int64) (User, error)
	// Thread is the user's whole conversation, oldest first.
	Thread(c *ControlRequest, id int64) ([]Event, error)
	// Act records what the user did (wrote, or pressed a button) and does
	// what the platform does with it; the user is subscribed.
	Act(c *ControlRequest, id int64, a Action) (Reaction, error)
	// SetSubscribed (un)subscribes the user: a no-op when nothing changes.
	SetSubscribed(c *ControlRequest, id int64, subscribed bool) (User, error)
}

// User is an end user as the control API shows them.
type User struct {
	ID         int64
	Name       string
	Messenger  string
	Phone      string // "" is shown as null
	CreatedAt  time.Time
	Subscribed bool
	Platform   any // the platform's own fields (variables, tags, custom fields ...)
}

// AppendJSON writes the keys in the documented order.
func (u User) AppendJSON(dst []byte, w jsonx.Writer) ([]byte, error) { return w.Value(dst, u.object()) }

// MarshalJSON is AppendJSON for encoding/json.
func (u User) MarshalJSON() ([]byte, error) { return jsonx.Marshal(u.object(), false) }

func (u User) object() jsonx.Object {
	var phone any
	if u.Phone != "" {
		phone = u.Phone
	}
	return jsonx.Object{
		{Key: "id", Value: u.ID},
		{Key: "name", Value: u.Name},
		{Key: "messenger", Value: u.Messenger},
		{Key: "phone", Value: phone},
		{Key: "created_at", Value: u.CreatedAt.UTC()},
		{Key: "subscribed", Value: u.Subscribed},
		{Key: "platform", Value: u.Platform},
	}
}

// UserPage reads users in the order of rows, keeping the first limit that
// match accepts; view shows each once the rows are closed, so it may query.
func UserPage[T any](rows *sql.Rows, err error, limit int, scan func(*sql.Rows) (T, error), match func(T) bool, view func(T) (User, error)) ([]User, error) {
	if err != nil {
		return nil, err
	}
	var found []T
	for len(found) < limit && rows.Next() {
		item, err := scan(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if match(item) {
			found = append(found, item)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]User, len(found))
	for i, item := range found {
		if out[i], err = view(item); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UserQuery narrows Users.
type UserQuery struct {
	Q     string
	After int64
	Limit int
}

// NewUser is the body of a user's creation. Bot picks the bot the user
// finds where a platform has several (CleverApp bot id, Salebot group,
// BotHelp channel name); default the first of the messenger.
type NewUser struct {
	Name       string `json:"name"`
	Messenger  string `json:"messenger"`
	Phone      string `json:"phone"`
	Email      string `json:"email"`
	PlatformID string `json:"platform_id"`
	Bot        string `json:"bot"`
}

// Generate fills the name, phone and e-mail left empty from f.
func (u *NewUser) Generate(f *gofakeit.Faker) {
	if u.Name == "" {
		u.Name = fakedata.Name(f)
	}
	if u.Phone == "" {
		u.Phone = fakedata.Phone(f)
	}
	if u.Email == "" {
		u.Email = strings.ToLower(f.Email())
	}
}

// UserFaker generates a new user's fields, seeded by the tenant, the
// platform and the id the user gets: the same calls give the same people on
// every run.
func UserFaker(tenantID, platformName string, id int64) *gofakeit.Faker {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s\x00%d", tenantID, platformName, id)
	return gofakeit.New(int64(h.Sum64() >> 1))
}

// Event is one item of a user's thread.
type Event struct {
	ID          string // "<platform>:<source>:<n>", unique and stable
	At          time.Time
	Direction   string // in (from the user), out (to the user), system
	Kind        string // text, image, file, buttons, button_press, subscribe, unsubscribe, event
	Text        string
	Buttons     []Button // out only
	Attachments []Attachment
	Source      string // outbox, history, control, api
	Operation   string // out: the operation that sent it
	Status      string // out: delivered, scheduled, failed
	ReplyTo     string // button_press: the event whose button was pressed
	// Order breaks ties of At (a frozen clock) by the order of recording;
	// it is not shown. See SortThread.
	Order [2]int64
}

// Event directions and the kinds the control API itself records.
const (
	DirectionIn     = "in"
	DirectionOut    = "out"
	DirectionSystem = "system"

	KindText        = "text"
	KindImage       = "image"
	KindFile        = "file"
	KindButtons     = "buttons"
	KindButtonPress = "button_press"
	KindSubscribe   = "subscribe"
	KindUnsubscribe = "unsubscribe"
	KindEvent       = "event"
)

// AppendJSON writes the documented keys in order: buttons, operation and
// status only on outgoing events, reply_to only on button presses.
func (e Event) AppendJSON(dst []byte, w jsonx.Writer) ([]byte, error) {
	return w.Value(dst, e.object())
}

// MarshalJSON is AppendJSON for encoding/json.
func (e Event) MarshalJSON() ([]byte, error) { return jsonx.Marshal(e.object(), false) }

func (e Event) object() jsonx.Object {
	atts := e.Attachments
	if atts == nil {
		atts = []Attachment{}
	}
	o := jsonx.Object{
		{Key: "id", Value: e.ID},
		{Key: "at", Value: e.At.UTC()},
		{Key: "direction", Value: e.Direction},
		{Key: "kind", Value: e.Kind},
		{Key: "text", Value: e.Text},
	}
	if e.Direction == DirectionOut {
		buttons := e.Buttons
		if buttons == nil {
			buttons = []Button{}
		}
		o = append(o, jsonx.Field{Key: "buttons", Value: buttons})
	}
	o = append(o, jsonx.Field{Key: "attachments", Value: atts}, jsonx.Field{Key: "source", Value: e.Source})
	if e.Direction == DirectionOut {
		o = append(o, jsonx.Field{Key: "operation", Value: e.Operation}, jsonx.Field{Key: "status", Value: e.Status})
	}
	if e.ReplyTo != "" {
		o = append(o, jsonx.Field{Key: "reply_to", Value: e.ReplyTo})
	}
	return o
}

// SubscriptionKind is the kind of the event of a user (un)subscribing.
func SubscriptionKind(subscribed bool) string {
	if subscribed {
		return KindSubscribe
	}
	return KindUnsubscribe
}

// EventID is a thread event's id.
func EventID(platformName, source string, n int64) string {
	return platformName + ":" + source + ":" + strconv.FormatInt(n, 10)
}

// Button is a button of an outgoing message. Data is what pressing it sends
// (the text, or the callback data); URL is set on link buttons, which open
// the link and tell the bot nothing.
type Button struct {
	Text string `json:"text"`
	Data string `json:"data"`
	URL  string `json:"url,omitempty"`
}

// Attachment is a file of a message.
type Attachment struct {
	Type string `json:"type"` // image, file, video, audio
	URL  string `json:"url"`
	Name string `json:"name"`
}

// attachmentTypes are the attachments a user may send.
var attachmentTypes = []string{"image", "file", "video", "audio"}

// NewAttachment names an attachment after the last segment of its URL.
func NewAttachment(kind, rawURL string) Attachment {
	name := ""
	if u, err := url.Parse(rawURL); err == nil && u.Path != "" && u.Path != "/" {
		name = path.Base(u.Path)
	}
	return Attachment{Type: kind, URL: rawURL, Name: name}
}

// KindOf is the kind of a message with these attachments and buttons.
func KindOf(atts []Attachment, buttons []Button) string {
	switch {
	case len(buttons) > 0:
		return KindButtons
	case len(atts) == 0:
		return KindText
	case atts[0].Type == "image":
		return KindImage
	}
	return KindFile
}

// Reaction is what an action of a user led to.
type Reaction struct {
	Event Event
	// Webhook reports that the platform queued a webhook to the system
	// under test.
	Webhook bool
}

// UserNotFound is the control error for a user the tenant does not have.
func UserNotFound(id any) error { return ControlNotFound("no user %v", id) }

// Matches reports whether a user matches a search: q is a substring of one
// of the texts (names, e-mails, messenger ids; case ignored), or, when it
// has digits, of one of the phones by their digits alone.
func Matches(q string, phones []string, texts ...string) bool {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return true
	}
	for _, t := range texts {
		if strings.Contains(strings.ToLower(t), q) {
			return true
		}
	}
	if d := digitsOf(q); d != "" {
		for _, p := range phones {
			if strings.Contains(digitsOf(p), d) {
				return true
			}
		}
	}
	return false
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// checkMessage validates what a user writes.
func checkMessage(m userMessage) error {
	if strings.TrimSpace(m.Text) == "" && len(m.Attachments) == 0 {
		return BadControlRequest("give text or attachments")
	}
	for i, a := range m.Attachments {
		if !slices.Contains(attachmentTypes, a.Type) {
			return BadControlRequest("attachments[%d].type must be one of %s", i, strings.Join(attachmentTypes, ", "))
		}
		u, err := url.Parse(a.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return BadControlRequest("attachments[%d].url must be an http(s) URL", i)
		}
	}
	return nil
}

// userMessage is the body of POST …/users/{user}/messages.
type userMessage struct {
	Text        string       `json:"text"`
	Attachments []Attachment `json:"attachments"`
}

// buttonPress is the body of POST …/users/{user}/buttons. MessageID is an
// event id of the thread, or an outbox id; without it, the latest message
// with buttons.
type buttonPress struct {
	MessageID json.RawMessage `json:"message_id"`
	Button    string          `json:"button"`
}
