package salebot

import (
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strings"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// The project's clients are the control API's end users. What a client
// does is what Salebot hears from the messenger: it enters the history as
// the client's and fires the webhook with is_input 1 (see receive).
var _ platform.Audience = (*Platform)(nil)

// The history texts of a client (un)subscribing: Salebot's system events,
// seen as webhook messages in an integration's handler (inferred as history
// entries from the client).
const (
	textSubscribed   = "client_subscribed"
	textUnsubscribed = "client_unsubscribed"
)

// clientRow is a client with the phone and e-mail variables the user view
// and the search need.
type clientRow struct {
	client
	phone, email string
}

// clientRows reads clients in ascending id with their phone and e-mail; where
// narrows sb_clients (alias c).
func clientRows(q db, where string, args ...any) (*sql.Rows, error) {
	return q.Query(`SELECT `+clientColumnsC+`, COALESCE(ph.text, ''), COALESCE(em.text, '') FROM sb_clients c
		LEFT JOIN sb_client_vars ph ON ph.tenant_id = c.tenant_id AND ph.client_id = c.id AND ph.name = 'phone'
		LEFT JOIN sb_client_vars em ON em.tenant_id = c.tenant_id AND em.client_id = c.id AND em.name = 'email'
		WHERE `+where+` ORDER BY c.id`, args...)
}

func scanClientRow(rows scanner) (clientRow, error) {
	var row clientRow
	var err error
	row.client, err = scanClient(scanWith{rows, []any{&row.phone, &row.email}})
	return row, err
}

// scanWith scans a row's first columns into the caller's destinations and
// the rest into extra.
type scanWith struct {
	row   scanner
	extra []any
}

func (s scanWith) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra...)...) }

// Users lists the project's clients; q matches the name, messenger id,
// client id, phone and e-mail variables.
func (p *Platform) Users(c *platform.ControlRequest, uq platform.UserQuery) ([]platform.User, error) {
	return p.users(c, uq.Q, uq.Limit, `c.tenant_id = ? AND c.id > ?`, c.TenantID, uq.After)
}

// User is a client with its whole card.
func (p *Platform) User(c *platform.ControlRequest, id int64) (platform.User, error) {
	users, err := p.users(c, "", 1, `c.tenant_id = ? AND c.id = ?`, c.TenantID, id)
	if err == nil && len(users) == 0 {
		err = platform.UserNotFound(id)
	}
	if err != nil {
		return platform.User{}, err
	}
	return users[0], nil
}

// users reads the clients where says (see clientRows) matching search.
func (p *Platform) users(c *platform.ControlRequest, search string, limit int, where string, args ...any) ([]platform.User, error) {
	q := reader{c.HTTP.Context(), c.Env.Store}
	pr, err := loadProject(q, c.TenantID)
	if err != nil {
		return nil, err
	}
	rows, err := clientRows(q, where, args...)
	return platform.UserPage(rows, err, limit, func(rows *sql.Rows) (clientRow, error) { return scanClientRow(rows) },
		func(row clientRow) bool {
			return platform.Matches(search, []string{row.phone, row.PlatformID}, deref(row.Name), row.PlatformID, itoa(row.ID), row.email)
		},
		func(row clientRow) (platform.User, error) { return userOf(q, pr, row) })
}

// userOf shows a client as an end user. The phone is the phone variable,
// else a WhatsApp or telephony client's number.
func userOf(q db, pr *project, row clientRow) (platform.User, error) {
	card, err := clientCard(q, pr, row.client)
	phone := row.phone
	if phone == "" && (row.ClientType == typeWhatsApp || row.ClientType == typeTelephony) {
		phone = digits(row.PlatformID)
	}
	return platform.User{
		ID: row.ID, Name: deref(row.Name), Messenger: clientTypes[row.ClientType], Phone: phone,
		CreatedAt: store.FromMicros(row.CreatedAt), Subscribed: !row.Unsubscribed, Platform: card,
	}, err
}

// CreateUser makes a client of a connected channel (messenger and bot pick
// it; default the project's first), with phone and e-mail variables, and
// its deal when the project gives every client one.
func (p *Platform) CreateUser(c *platform.ControlRequest, u platform.NewUser) (platform.User, error) {
	clientType := -1
	if u.Messenger != "" {
		t, ok := clientTypeOf(u.Messenger)
		if !ok {
			return platform.User{}, platform.BadControlRequest("unknown messenger %q (connected_channels names it: telegram, whatsapp, vkontakte ...)", u.Messenger)
		}
		clientType = t
	}
	var id int64
	err := c.Write(func(tx *store.Tx) error {
		pr, err := loadProject(tx, c.TenantID)
		if err != nil {
			return err
		}
		ch, ok, err := channelFor(tx, c.TenantID, clientType, u.Bot)
		if err != nil {
			return err
		} else if !ok {
			return platform.BadControlRequest("the project has no connected channel of messenger %q and bot %q", u.Messenger, u.Bot)
		}
		if id, err = nextID(tx, "sb_clients", c.TenantID, floorClient); err != nil {
			return err
		}
		f := platform.UserFaker(c.TenantID, Name, id)
		u.Generate(f)
		platformID := u.PlatformID
		if platformID == "" {
			platformID = fakePlatformID(f, ch.ClientType, digits(u.Phone))
		}
		platformID = platformIDFor(ch.ClientType, platformID)
		if old, err := clientByPlatformID(tx, c.TenantID, platformID, ch.ClientType, ch.Group); err == nil {
			return &platform.ControlError{Status: http.StatusConflict, Message: "client " + itoa(old.ID) + " already has platform_id " + platformID + " in bot " + ch.Group}
		} else if !errors.Is(err, errClientNotFound) {
			return err
		}
		_, err = createClient(tx, pr, newClient{
			ID: id, PlatformID: platformID, ClientType: ch.ClientType, Group: ch.Group, Name: u.Name,
			Variables: map[string]any{"phone": digits(u.Phone), "email": strings.ToLower(u.Email)}, CreatedAt: c.Now,
		})
		return err
	})
	if err != nil {
		return platform.User{}, err
	}
	return p.User(c, id)
}

// Act is the client writing or pressing a button: a button sends its text,
// as a messenger's reply button does (inferred for inline buttons).
func (p *Platform) Act(c *platform.ControlRequest, id int64, a platform.Action) (platform.Reaction, error) {
	e := historyEntry{Text: a.Text, ReplyTo: a.ReplyTo}
	for _, att := range a.Attachments {
		e.Attachments = append(e.Attachments, Attachment{URL: att.URL, Type: att.Type})
	}
	if a.Button != nil {
		e.UserAction = platform.KindButtonPress
	}
	e, hooked, err := p.receive(c, e, p.findUser(id))
	return platform.Reaction{Event: historyEvent(e), Webhook: hooked}, err
}

// SetSubscribed records the client blocking or unblocking the bot: the
// history gets client_unsubscribed or client_subscribed from the client and
// the webhook fires; messages sent while unsubscribed are not delivered.
func (p *Platform) SetSubscribed(c *platform.ControlRequest, id int64, subscribed bool) (platform.User, error) {
	e := historyEntry{Text: textSubscribed, UserAction: platform.SubscriptionKind(subscribed)}
	if !subscribed {
		e.Text = textUnsubscribed
	}
	find := p.findUser(id)
	_, _, err := p.receive(c, e, func(tx *store.Tx, pr *project) (client, error) {
		cl, err := find(tx, pr)
		if err != nil {
			return cl, err
		}
		if cl.Unsubscribed != subscribed {
			return cl, errUnchanged
		}
		_, err = tx.Exec(`UPDATE sb_clients SET unsubscribed = ? WHERE tenant_id = ? AND id = ?`, !subscribed, pr.TenantID, id)
		return cl, err
	})
	if err != nil && !errors.Is(err, errUnchanged) {
		return platform.User{}, err
	}
	return p.User(c, id)
}

// errUnchanged stops a subscription change that changes nothing: nothing is
// recorded.
var errUnchanged = errors.New("the subscription is as asked")

// findUser finds the client for receive.
func (p *Platform) findUser(id int64) func(tx *store.Tx, pr *project) (client, error) {
	return func(tx *store.Tx, pr *project) (client, error) { return userClient(tx, pr.TenantID, id) }
}

// userClient is the tenant's client id, or the control API's 404.
func userClient(q db, tenantID string, id int64) (client, error) {
	cl, err := clientByID(q, tenantID, id)
	if errors.Is(err, errClientNotFound) {
		return cl, platform.UserNotFound(id)
	}
	return cl, err
}

// Thread is the client's history, with what the outbox knows of the
// messages it delivered (buttons, the sending operation), and the messages
// still scheduled, at their due time.
func (p *Platform) Thread(c *platform.ControlRequest, id int64) ([]platform.Event, error) {
	q := reader{c.HTTP.Context(), c.Env.Store}
	if _, err := userClient(q, c.TenantID, id); err != nil {
		return nil, err
	}
	history, err := threadHistory(q, c.TenantID, id)
	if err != nil {
		return nil, err
	}
	outbox, err := platform.UserOutbox(c, Name, id)
	if err != nil {
		return nil, err
	}
	sent := make(map[int64]store.Message, len(outbox))
	for _, m := range outbox {
		sent[m.ID] = m
	}
	events := make([]platform.Event, 0, len(history))
	for _, e := range history {
		m, ok := store.Message{}, false
		if e.OutboxID != nil {
			m, ok = sent[*e.OutboxID]
		}
		if !ok {
			events = append(events, historyEvent(e))
			continue
		}
		delete(sent, m.ID)
		ev := outboxEvent(m)
		ev.At, ev.Order = e.CreatedAt, [2]int64{e.ID, 0}
		events = append(events, ev)
	}
	for _, m := range outbox {
		if _, left := sent[m.ID]; left && m.Status == store.StatusScheduled {
			ev := outboxEvent(m)
			ev.Order = [2]int64{math.MaxInt64, m.ID}
			events = append(events, ev)
		}
	}
	platform.SortThread(events)
	return events, nil
}

// threadHistory is the client's history, the latest platform.MaxThread
// entries.
func threadHistory(q db, tenantID string, clientID int64) ([]historyEntry, error) {
	rows, err := q.Query(`SELECT `+messageColumns+` FROM sb_messages WHERE tenant_id = ? AND client_id = ?
		ORDER BY created_at DESC, id DESC LIMIT ?`, tenantID, clientID, platform.MaxThread)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []historyEntry
	for rows.Next() {
		e, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// outboxEvent shows an outbox message: callbacks start the bot and do not
// reach the client, so they are system events.
func outboxEvent(m store.Message) platform.Event {
	var o outgoing
	json.Unmarshal(m.Payload, &o) // written by send; a payload that does not decode shows bare
	ev := platform.OutboxEvent(Name, m, threadAttachments(o.Attachments), buttonsOf(o.Buttons))
	if o.Callback {
		ev.Direction, ev.Kind, ev.Buttons = platform.DirectionSystem, platform.KindEvent, nil
	}
	return ev
}

// historyEvent shows a history entry: the client's messages, callbacks
// (message_from_outside 3) as system events, and the bot's, managers' and
// the API's messages.
func historyEvent(e historyEntry) platform.Event {
	atts := threadAttachments(e.Attachments)
	ev := platform.Event{
		ID: platform.EventID(Name, "history", e.ID), At: e.CreatedAt, Text: e.Text, Attachments: atts,
		Source: "history", ReplyTo: e.ReplyTo, Order: [2]int64{e.ID, 0},
	}
	switch {
	case e.UserAction == platform.KindSubscribe || e.UserAction == platform.KindUnsubscribe:
		ev.Direction, ev.Kind = platform.DirectionSystem, e.UserAction
	case e.ClientReplica && e.FromOutside == fromCallback:
		ev.Direction, ev.Kind = platform.DirectionSystem, platform.KindEvent
	case e.ClientReplica:
		ev.Direction, ev.Kind = platform.DirectionIn, platform.KindOf(atts, nil)
		if e.UserAction == platform.KindButtonPress {
			ev.Kind = platform.KindButtonPress
		}
	default:
		ev.Direction, ev.Kind, ev.Status = platform.DirectionOut, platform.KindOf(atts, nil), store.StatusDelivered
		if !e.Delivered {
			ev.Status = store.StatusFailed
		}
	}
	return ev
}

func threadAttachments(atts []Attachment) []platform.Attachment {
	out := make([]platform.Attachment, len(atts))
	for i, a := range atts {
		out[i] = platform.NewAttachment(a.Type, a.URL)
	}
	return out
}

// buttonsOf reads a message's buttons as message and broadcast take them:
// {"hint": …, "buttons": [...]} or the bare list (as JSON text from a form).
// A button with a url opens it.
func buttonsOf(v any) []platform.Button {
	if s, ok := v.(string); ok && json.Unmarshal([]byte(s), &v) != nil {
		return nil
	}
	if m, ok := v.(map[string]any); ok {
		v = m["buttons"]
	}
	list, _ := v.([]any)
	var out []platform.Button
	for _, x := range list {
		b, _ := x.(map[string]any)
		if text := platform.Text(b["text"]); text != "" {
			out = append(out, platform.Button{Text: text, Data: text, URL: platform.Text(b["url"])})
		}
	}
	return out
}

// deref is a nullable text's value, "" for null.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
