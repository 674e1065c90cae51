package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"time"
)

// Message statuses in the outbox.
const (
	StatusScheduled = "scheduled"
	StatusDelivered = "delivered"
	StatusFailed    = "failed"
)

// Message is one message the emulator delivered, or will deliver, to an end user.
type Message struct {
	ID          int64           `json:"id"`
	TenantID    string          `json:"tenant_id"`
	Platform    string          `json:"platform"`
	Operation   string          `json:"operation"`
	BotID       string          `json:"bot_id"`
	Recipient   string          `json:"recipient"`
	Messenger   string          `json:"messenger"`
	Kind        string          `json:"kind"`
	Text        string          `json:"text"`
	Payload     json.RawMessage `json:"payload"`
	Status      string          `json:"status"`
	CreatedAt   time.Time       `json:"created_at"`
	DueAt       time.Time       `json:"due_at"`
	DeliveredAt *time.Time      `json:"delivered_at"`
}

// Enqueue records m. A message due no later than its creation is delivered at
// once; a later one waits as scheduled until DeliverDue reaches it.
func (t *Tx) Enqueue(m Message) (Message, error) {
	if m.DueAt.IsZero() || !m.DueAt.After(m.CreatedAt) {
		m.DueAt = m.CreatedAt
		m.Status = StatusDelivered
		at := m.CreatedAt
		m.DeliveredAt = &at
	} else {
		m.Status = StatusScheduled
	}
	if len(m.Payload) == 0 {
		m.Payload = json.RawMessage(`{}`)
	}
	if m.Kind == "" {
		m.Kind = "text"
	}
	var delivered any
	if m.DeliveredAt != nil {
		delivered = Micros(*m.DeliveredAt)
	}
	id, err := t.Insert(`INSERT INTO outbox (tenant_id, platform, operation, bot_id, recipient, messenger, kind, text, payload, status, created_at, due_at, delivered_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.TenantID, m.Platform, m.Operation, m.BotID, m.Recipient, m.Messenger, m.Kind, m.Text, string(m.Payload),
		m.Status, Micros(m.CreatedAt), Micros(m.DueAt), delivered)
	m.ID = id
	return m, err
}

// DeliverDue marks every scheduled message of the tenant due at or before now
// (the tenant's time) as delivered and returns them in due order.
func (t *Tx) DeliverDue(tenantID string, now time.Time) ([]Message, error) {
	msgs, err := scanMessages(t.Query(outboxSelect+` WHERE status = ? AND tenant_id = ? AND due_at <= ? ORDER BY due_at, id`,
		StatusScheduled, tenantID, Micros(now)))
	if err != nil || len(msgs) == 0 {
		return msgs, err
	}
	for i := range msgs {
		// Delivered at the instant it was due, not when the clock was advanced past it.
		at := msgs[i].DueAt
		msgs[i].Status, msgs[i].DeliveredAt = StatusDelivered, &at
		if _, err := t.Exec(`UPDATE outbox SET status = ?, delivered_at = ? WHERE id = ?`, StatusDelivered, Micros(at), msgs[i].ID); err != nil {
			return nil, err
		}
	}
	return msgs, nil
}

// FailMessage marks a message failed: its recipient could not get it (they
// had blocked the bot, say).
func (t *Tx) FailMessage(id int64) error {
	_, err := t.Exec(`UPDATE outbox SET status = ?, delivered_at = NULL WHERE id = ?`, StatusFailed, id)
	return err
}

// NextDue returns, for every tenant with scheduled messages, when its
// earliest one is due: each tenant compares it with its own clock.
func (s *Store) NextDue(ctx context.Context) (map[string]time.Time, error) {
	rows, err := s.Query(ctx, `SELECT tenant_id, MIN(due_at) FROM outbox WHERE status = ? GROUP BY tenant_id`, StatusScheduled)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var tenant string
		var due int64
		if err := rows.Scan(&tenant, &due); err != nil {
			return nil, err
		}
		out[tenant] = FromMicros(due)
	}
	return out, rows.Err()
}

// OutboxFilter narrows Outbox; zero fields match everything.
type OutboxFilter struct {
	TenantID  string
	Platform  string
	Recipient string
	Status    string
	Before    int64 // only messages with a smaller id (a page's cursor)
	Limit     int   // at most this many (default 1000)
}

// Outbox lists messages, newest first, and whether older matching ones remain.
func (s *Store) Outbox(ctx context.Context, f OutboxFilter) ([]Message, bool, error) {
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	before := f.Before
	if before <= 0 {
		before = math.MaxInt64
	}
	msgs, err := scanMessages(s.Query(ctx, outboxSelect+`
		WHERE (? = '' OR tenant_id = ?) AND (? = '' OR platform = ?) AND (? = '' OR recipient = ?) AND (? = '' OR status = ?) AND id < ?
		ORDER BY id DESC LIMIT ?`,
		f.TenantID, f.TenantID, f.Platform, f.Platform, f.Recipient, f.Recipient, f.Status, f.Status, before, f.Limit+1))
	if err != nil || len(msgs) <= f.Limit {
		return msgs, false, err
	}
	return msgs[:f.Limit], true, nil
}

const outboxSelect = `SELECT id, tenant_id, platform, operation, bot_id, recipient, messenger, kind, text, payload, status, created_at, due_at, delivered_at FROM outbox`

func scanMessages(rows *sql.Rows, err error) ([]Message, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Message{}
	for rows.Next() {
		var m Message
		var payload string
		var created, due int64
		var delivered sql.NullInt64
		if err := rows.Scan(&m.ID, &m.TenantID, &m.Platform, &m.Operation, &m.BotID, &m.Recipient, &m.Messenger,
			&m.Kind, &m.Text, &payload, &m.Status, &created, &due, &delivered); err != nil {
			return nil, err
		}
		m.Payload = json.RawMessage(payload)
		m.CreatedAt, m.DueAt = FromMicros(created), FromMicros(due)
		if delivered.Valid {
			at := FromMicros(delivered.Int64)
			m.DeliveredAt = &at
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
