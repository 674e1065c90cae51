package platform

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/fakebots/fakebots/emulator/store"
)

// MaxThread caps each source of a thread: its latest entries are read.
const MaxThread = 10000

// SortThread orders events oldest first; events of the same instant (a
// frozen clock) keep the order in which they were recorded, which Order
// tells.
func SortThread(events []Event) {
	slices.SortStableFunc(events, func(a, b Event) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Order[0], b.Order[0]); c != 0 {
			return c
		}
		return cmp.Compare(a.Order[1], b.Order[1])
	})
}

// UserOutbox is what a platform sent a user, oldest first (the latest
// MaxThread messages).
func UserOutbox(c *ControlRequest, platformName string, userID int64) ([]store.Message, error) {
	msgs, _, err := c.Env.Store.Outbox(c.HTTP.Context(), store.OutboxFilter{
		TenantID: c.TenantID, Platform: platformName, Recipient: strconv.FormatInt(userID, 10), Limit: MaxThread,
	})
	slices.Reverse(msgs)
	return msgs, err
}

// OutboxEvent shows an outbox message in a thread; the attachments and
// buttons are read from the platform's payload by the platform. A message
// not delivered is placed at its due time.
func OutboxEvent(platformName string, m store.Message, atts []Attachment, buttons []Button) Event {
	at := m.DueAt
	if m.DeliveredAt != nil {
		at = *m.DeliveredAt
	}
	return Event{
		ID: EventID(platformName, "outbox", m.ID), At: at, Direction: DirectionOut, Kind: KindOf(atts, buttons),
		Text: m.Text, Buttons: buttons, Attachments: atts, Source: "outbox", Operation: m.Operation, Status: m.Status,
		Order: [2]int64{m.ID, 0},
	}
}

// Inbox keeps what users did on a platform whose API cannot show it (no
// webhook, no way to read messages): only the control API shows it. It is a table of the platform's with the
// columns
//
//	id INTEGER PRIMARY KEY, tenant_id TEXT, user_id INTEGER, kind TEXT,
//	text TEXT, attachments TEXT (JSON), reply_to TEXT,
//	outbox_seq INTEGER (the outbox's last id then), created_at INTEGER (µs)
type Inbox struct {
	Platform string // the prefix of event ids
	Table    string
	// Subscribed reads in tx whether a user of the tenant is subscribed:
	// UserNotFound when the tenant has no such user.
	Subscribed func(tx *store.Tx, tenantID string, id int64) (bool, error)
	// SetSubscribed stores it.
	SetSubscribed func(tx *store.Tx, tenantID string, id int64, subscribed bool, at time.Time) error
}

// Act keeps what a user did: nothing else on the platform hears of it.
func (b Inbox) Act(c *ControlRequest, userID int64, a Action) (Reaction, error) {
	var ev Event
	err := c.Write(func(tx *store.Tx) error {
		if _, err := b.Subscribed(tx, c.TenantID, userID); err != nil {
			return err
		}
		var err error
		ev, err = b.Record(tx, c.TenantID, userID, a.Kind(), a, c.Now)
		return err
	})
	return Reaction{Event: ev}, err
}

// Subscribe changes a user's subscription and keeps the change; nothing
// happens when it is already as asked.
func (b Inbox) Subscribe(c *ControlRequest, userID int64, subscribed bool) error {
	return c.Write(func(tx *store.Tx) error {
		now, err := b.Subscribed(tx, c.TenantID, userID)
		if err != nil || now == subscribed {
			return err
		}
		if err := b.SetSubscribed(tx, c.TenantID, userID, subscribed, c.Now); err != nil {
			return err
		}
		_, err = b.Record(tx, c.TenantID, userID, SubscriptionKind(subscribed), Action{}, c.Now)
		return err
	})
}

// Record keeps an action (kind: Action.Kind) or a change of subscription
// (KindSubscribe, KindUnsubscribe) and returns it as a thread event.
func (b Inbox) Record(tx *store.Tx, tenantID string, userID int64, kind string, a Action, at time.Time) (Event, error) {
	atts := a.Attachments
	if atts == nil {
		atts = []Attachment{}
	}
	raw, err := json.Marshal(atts)
	if err != nil {
		return Event{}, err
	}
	var seq int64
	if err := tx.QueryRow(`SELECT COALESCE(MAX(id), 0) FROM outbox`).Scan(&seq); err != nil {
		return Event{}, err
	}
	id, err := tx.Insert(`INSERT INTO `+b.Table+` (tenant_id, user_id, kind, text, attachments, reply_to, outbox_seq, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, tenantID, userID, kind, a.Text, string(raw), a.ReplyTo, seq, store.Micros(at))
	return b.event(id, kind, a.Text, atts, a.ReplyTo, seq, at), err
}

// Thread is a user's thread on a platform that keeps what users do in the
// inbox: what the outbox sent them (attachments reads a message's payload)
// and what they did, oldest first.
func (b Inbox) Thread(c *ControlRequest, userID int64, attachments func(payload json.RawMessage) []Attachment) ([]Event, error) {
	sent, err := UserOutbox(c, b.Platform, userID)
	if err != nil {
		return nil, err
	}
	events, err := b.Events(c, userID)
	if err != nil {
		return nil, err
	}
	for _, m := range sent {
		events = append(events, OutboxEvent(b.Platform, m, attachments(m.Payload), nil))
	}
	SortThread(events)
	return events, nil
}

// Events are the user's recorded actions, oldest first (the latest MaxThread).
func (b Inbox) Events(c *ControlRequest, userID int64) ([]Event, error) {
	rows, err := c.Env.Store.Query(c.HTTP.Context(), `SELECT id, kind, text, attachments, reply_to, outbox_seq, created_at FROM `+b.Table+`
		WHERE tenant_id = ? AND user_id = ? ORDER BY id DESC LIMIT ?`, c.TenantID, userID, MaxThread)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var id, seq, at int64
		var kind, text, raw, replyTo string
		if err := rows.Scan(&id, &kind, &text, &raw, &replyTo, &seq, &at); err != nil {
			return nil, err
		}
		var atts []Attachment
		if err := json.Unmarshal([]byte(raw), &atts); err != nil {
			return nil, err
		}
		out = append(out, b.event(id, kind, text, atts, replyTo, seq, store.FromMicros(at)))
	}
	slices.Reverse(out)
	return out, rows.Err()
}

func (b Inbox) event(id int64, kind, text string, atts []Attachment, replyTo string, seq int64, at time.Time) Event {
	dir := DirectionIn
	if kind == KindSubscribe || kind == KindUnsubscribe {
		dir = DirectionSystem
	}
	return Event{
		ID: EventID(b.Platform, "control", id), At: at, Direction: dir, Kind: kind, Text: text,
		Attachments: atts, Source: "control", ReplyTo: replyTo, Order: [2]int64{seq, id},
	}
}
