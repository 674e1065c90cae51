package platform

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/fakebots/fakebots/emulator/jsonx"
)

// AudienceRoutes are the control endpoints of a platform's end users, the
// same on every platform: a platform appends them to its ControlRoutes, so
// they are mounted under /__fakebots/tenants/{tenant}/{platform}/. Paging,
// validation and errors are written here once; what a user is and what an
// action does are the platform's.
func AudienceRoutes(a Audience) []ControlRoute {
	r := audienceRoutes{a}
	return []ControlRoute{
		{Method: http.MethodGet, Path: "users", Summary: "End users in ascending id (q, after, limit).", Handle: r.list},
		{Method: http.MethodPost, Path: "users", Summary: "Create an end user as if they had found the bot.", Handle: r.create},
		{Method: http.MethodGet, Path: "users/{user}", Summary: "An end user with the platform's own fields.", Handle: r.get},
		{Method: http.MethodGet, Path: "users/{user}/thread", Summary: "The user's conversation, oldest first (after, limit).", Handle: r.thread},
		{Method: http.MethodPost, Path: "users/{user}/messages", Summary: "The user writes to the bot.", Handle: r.write},
		{Method: http.MethodPost, Path: "users/{user}/buttons", Summary: "The user presses a button of a message.", Handle: r.press},
		{Method: http.MethodPost, Path: "users/{user}/subscribe", Summary: "The user subscribes (unblocks the bot).", Handle: r.subscribe},
		{Method: http.MethodPost, Path: "users/{user}/unsubscribe", Summary: "The user unsubscribes (blocks the bot).", Handle: r.unsubscribe},
	}
}

// Action is what a user does: write Text and Attachments, or press Button
// of the message ReplyTo (an event id of the thread).
type Action struct {
	Text        string
	Attachments []Attachment
	Button      *Button
	ReplyTo     string
}

// Kind is the thread kind of the action.
func (a Action) Kind() string {
	if a.Button != nil {
		return KindButtonPress
	}
	return KindOf(a.Attachments, nil)
}

// Paging of the list endpoints.
const (
	defaultPage = 100
	maxPage     = 1000
)

type audienceRoutes struct{ a Audience }

func (r audienceRoutes) list(c *ControlRequest) (int, any, error) {
	after, err := c.queryInt("after", 0, 0, math.MaxInt64)
	if err != nil {
		return 0, nil, err
	}
	limit, err := c.queryInt("limit", defaultPage, 1, maxPage)
	if err != nil {
		return 0, nil, err
	}
	users, err := r.a.Users(c, UserQuery{Q: c.HTTP.URL.Query().Get("q"), After: after, Limit: int(limit) + 1})
	if err != nil {
		return 0, nil, err
	}
	var next any
	if len(users) > int(limit) {
		users = users[:limit]
		next = users[limit-1].ID
	}
	if users == nil {
		users = []User{}
	}
	return http.StatusOK, jsonx.Object{{Key: "data", Value: users}, {Key: "next_after", Value: next}}, nil
}

func (r audienceRoutes) create(c *ControlRequest) (int, any, error) {
	var u NewUser
	if err := c.Decode(&u); err != nil {
		return 0, nil, err
	}
	created, err := r.a.CreateUser(c, u)
	return http.StatusCreated, created, err
}

func (r audienceRoutes) get(c *ControlRequest) (int, any, error) {
	u, err := r.user(c)
	return http.StatusOK, u, err
}

func (r audienceRoutes) thread(c *ControlRequest) (int, any, error) {
	id, err := userID(c)
	if err != nil {
		return 0, nil, err
	}
	limit, err := c.queryInt("limit", defaultPage, 1, maxPage)
	if err != nil {
		return 0, nil, err
	}
	events, err := r.a.Thread(c, id)
	if err != nil {
		return 0, nil, err
	}
	if after := c.HTTP.URL.Query().Get("after"); after != "" {
		i := indexOf(events, after)
		if i < 0 {
			return 0, nil, BadControlRequest("after: no event %q in the thread of user %d", after, id)
		}
		events = events[i+1:]
	}
	if len(events) > int(limit) {
		events = events[:limit]
	}
	if events == nil {
		events = []Event{}
	}
	return http.StatusOK, map[string]any{"data": events}, nil
}

func (r audienceRoutes) write(c *ControlRequest) (int, any, error) {
	u, err := r.user(c)
	if err != nil {
		return 0, nil, err
	}
	var m userMessage
	if err := c.Decode(&m); err != nil {
		return 0, nil, err
	}
	if err := checkMessage(m); err != nil {
		return 0, nil, err
	}
	for i, att := range m.Attachments {
		if att.Name == "" {
			m.Attachments[i].Name = NewAttachment(att.Type, att.URL).Name
		}
	}
	return r.act(c, u, Action{Text: m.Text, Attachments: m.Attachments})
}

func (r audienceRoutes) press(c *ControlRequest) (int, any, error) {
	u, err := r.user(c)
	if err != nil {
		return 0, nil, err
	}
	var p buttonPress
	if err := c.Decode(&p); err != nil {
		return 0, nil, err
	}
	if p.Button == "" {
		return 0, nil, BadControlRequest("button (its text or data) is required")
	}
	want, err := messageRef(r.a.Name(), p.MessageID)
	if err != nil {
		return 0, nil, err
	}
	events, err := r.a.Thread(c, u.ID)
	if err != nil {
		return 0, nil, err
	}
	msg, err := pressable(events, u.ID, want)
	if err != nil {
		return 0, nil, err
	}
	b, err := buttonOf(msg, p.Button)
	if err != nil {
		return 0, nil, err
	}
	return r.act(c, u, Action{Text: b.Text, Button: &b, ReplyTo: msg.ID})
}

// act has the user do a: a user who has blocked the bot unblocks it first,
// as a messenger makes them do before they can write.
func (r audienceRoutes) act(c *ControlRequest, u User, a Action) (int, any, error) {
	if !u.Subscribed {
		if _, err := r.a.SetSubscribed(c, u.ID, true); err != nil {
			return 0, nil, err
		}
	}
	re, err := r.a.Act(c, u.ID, a)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, jsonx.Object{{Key: "event", Value: re.Event}, {Key: "webhook", Value: re.Webhook}}, nil
}

func (r audienceRoutes) subscribe(c *ControlRequest) (int, any, error) {
	return r.setSubscribed(c, true)
}
func (r audienceRoutes) unsubscribe(c *ControlRequest) (int, any, error) {
	return r.setSubscribed(c, false)
}

func (r audienceRoutes) setSubscribed(c *ControlRequest, subscribed bool) (int, any, error) {
	id, err := userID(c)
	if err != nil {
		return 0, nil, err
	}
	u, err := r.a.SetSubscribed(c, id, subscribed)
	return http.StatusOK, u, err
}

func (r audienceRoutes) user(c *ControlRequest) (User, error) {
	id, err := userID(c)
	if err != nil {
		return User{}, err
	}
	return r.a.User(c, id)
}

// userID is the route's user: anything but a positive number names no one.
func userID(c *ControlRequest) (int64, error) {
	id, err := strconv.ParseInt(c.Vars["user"], 10, 64)
	if err != nil || id <= 0 {
		return 0, UserNotFound(strconv.Quote(c.Vars["user"]))
	}
	return id, nil
}

// messageRef reads a press's message_id: an event id of the thread, or an
// outbox id (a number, or its digits); "" when none was given.
func messageRef(platformName string, raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var n int64
	if json.Unmarshal(raw, &n) == nil {
		return EventID(platformName, "outbox", n), nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil && s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return EventID(platformName, "outbox", n), nil
		}
		return s, nil
	}
	return "", BadControlRequest("message_id must be a thread event id or an outbox id")
}

// pressable is the message whose button is pressed: the event want, or the
// latest delivered message with buttons.
func pressable(events []Event, userID int64, want string) (Event, error) {
	if want != "" {
		i := indexOf(events, want)
		if i < 0 {
			return Event{}, ControlNotFound("no message %s in the thread of user %d", want, userID)
		}
		msg := events[i]
		switch {
		case msg.Direction != DirectionOut || len(msg.Buttons) == 0:
			return Event{}, ControlNotFound("message %s has no buttons", want)
		case msg.Status != "" && msg.Status != "delivered":
			return Event{}, BadControlRequest("message %s is %s: the user has not got it", want, msg.Status)
		}
		return msg, nil
	}
	for i := len(events) - 1; i >= 0; i-- {
		if e := events[i]; e.Direction == DirectionOut && len(e.Buttons) > 0 && (e.Status == "" || e.Status == "delivered") {
			return e, nil
		}
	}
	return Event{}, ControlNotFound("user %d has got no message with buttons", userID)
}

// buttonOf finds a button by its text, else by its data.
func buttonOf(msg Event, pressed string) (Button, error) {
	for _, match := range []func(Button) bool{
		func(b Button) bool { return b.Text == pressed },
		func(b Button) bool { return b.Data == pressed },
	} {
		for _, b := range msg.Buttons {
			if !match(b) {
				continue
			}
			if b.URL != "" {
				return b, BadControlRequest("button %q opens %s: pressing it tells the bot nothing", b.Text, b.URL)
			}
			return b, nil
		}
	}
	names := make([]string, len(msg.Buttons))
	for i, b := range msg.Buttons {
		names[i] = strconv.Quote(b.Text)
	}
	return Button{}, ControlNotFound("message %s has no button %q (it has %s)", msg.ID, pressed, strings.Join(names, ", "))
}

func indexOf(events []Event, id string) int {
	for i := range events {
		if events[i].ID == id {
			return i
		}
	}
	return -1
}

// queryInt reads an optional integer of the query between lo and hi.
func (c *ControlRequest) queryInt(name string, def, lo, hi int64) (int64, error) {
	s := c.HTTP.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		if hi == math.MaxInt64 {
			return 0, BadControlRequest("%s must be an integer of at least %d", name, lo)
		}
		return 0, BadControlRequest("%s must be an integer from %d to %d", name, lo, hi)
	}
	return n, nil
}
