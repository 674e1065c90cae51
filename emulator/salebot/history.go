package salebot

import (
	"encoding/json"
	"time"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// maxHistory is get_history's documented default and maximum limit.
const maxHistory = 2000

// historyEntry is one message of a conversation.
type historyEntry struct {
	ID            int64
	ClientID      int64
	ClientReplica bool
	Text          string
	Attachments   []Attachment
	BlockID       *int64
	FromOutside   int
	Answered      bool
	Delivered     bool
	ErrorMessage  *string
	ManagerID     *int64
	ManagerEmail  *string
	CreatedAt     time.Time
	// For the control API's threads: the outbox message this entry
	// delivered, what a simulated user did (a platform.Kind*: button_press,
	// subscribe, unsubscribe; "" for anything else) and the thread event
	// whose button was pressed.
	OutboxID   *int64
	UserAction string
	ReplyTo    string
}

// insertMessage adds an entry to the history (with its id, or the next).
func insertMessage(tx *store.Tx, tenantID string, e historyEntry) (int64, error) {
	id, err := claimID(tx, "sb_messages", tenantID, e.ID, floorMessage)
	if err != nil {
		return 0, err
	}
	atts := e.Attachments
	if atts == nil {
		atts = []Attachment{}
	}
	raw, err := json.Marshal(atts)
	if err != nil {
		return 0, err
	}
	_, err = tx.Exec(`INSERT INTO sb_messages (tenant_id, id, client_id, client_replica, text, attachments, message_id, from_outside,
		answered, delivered, error_message, manager_id, manager_email, created_at, outbox_id, user_action, reply_to)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		tenantID, id, e.ClientID, e.ClientReplica, e.Text, string(raw), e.BlockID, e.FromOutside,
		e.Answered, e.Delivered, e.ErrorMessage, e.ManagerID, e.ManagerEmail, store.Micros(e.CreatedAt), e.OutboxID, e.UserAction, e.ReplyTo)
	return id, err
}

const messageColumns = `id, client_id, client_replica, text, attachments, message_id, from_outside, answered, delivered, error_message, manager_id, manager_email, created_at, outbox_id, user_action, reply_to`

func scanMessage(row scanner) (historyEntry, error) {
	var e historyEntry
	var atts string
	var at int64
	err := row.Scan(&e.ID, &e.ClientID, &e.ClientReplica, &e.Text, &atts, &e.BlockID, &e.FromOutside, &e.Answered, &e.Delivered,
		&e.ErrorMessage, &e.ManagerID, &e.ManagerEmail, &at, &e.OutboxID, &e.UserAction, &e.ReplyTo)
	if err == nil {
		err = json.Unmarshal([]byte(atts), &e.Attachments)
	}
	e.CreatedAt = store.FromMicros(at)
	return e, err
}

// historyItem is an entry as get_history shows it; no attachment is the
// documented {}.
func historyItem(e historyEntry) jsonx.Object {
	var atts any = jsonx.Object{}
	if len(e.Attachments) > 0 {
		atts = e.Attachments
	}
	return jsonx.Object{
		{Key: "id", Value: e.ID},
		{Key: "answered", Value: e.Answered},
		{Key: "client_replica", Value: e.ClientReplica},
		{Key: "message_id", Value: nullInt(e.BlockID)},
		{Key: "message_from_outside", Value: e.FromOutside},
		{Key: "created_at", Value: e.CreatedAt.Unix()},
		{Key: "text", Value: e.Text},
		{Key: "attachments", Value: atts},
		{Key: "delivered", Value: e.Delivered},
		{Key: "error_message", Value: nullString(e.ErrorMessage)},
		{Key: "manager_id", Value: nullInt(e.ManagerID)},
		{Key: "manager_email", Value: nullString(e.ManagerEmail)},
	}
}

// getHistory answers the client's messages, newest first, at most limit
// (default and maximum 2000), between start_date and stop_date inclusive.
func (p *Platform) getHistory(r *platform.Request) (any, error) {
	in, pr, q := r.Input, projectOf(r), p.read(r)
	c, err := p.requestClient(q, r)
	if err != nil {
		return nil, err
	}
	limit, ok := in.Int("limit")
	if !ok || limit <= 0 || limit > maxHistory {
		limit = maxHistory
	}
	from, to := int64(0), int64(1<<62)
	if in.Present("start_date") {
		start, ok1 := parseDate(in.String("start_date"), pr.loc)
		stop, ok2 := parseDate(in.String("stop_date"), pr.loc)
		if !ok1 || !ok2 {
			return nil, errFormat
		}
		from, to = store.Micros(start), store.Micros(stop.AddDate(0, 0, 1))-1
	}
	rows, err := q.Query(`SELECT `+messageColumns+` FROM sb_messages WHERE tenant_id = ? AND client_id = ? AND created_at BETWEEN ? AND ?
		ORDER BY created_at DESC, id DESC LIMIT ?`, pr.TenantID, c.ID, from, to, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	result := []any{}
	for rows.Next() {
		e, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		result = append(result, historyItem(e))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "status", Value: "success"}, {Key: "result", Value: result}}, nil
}

func (p *Platform) clearHistory(r *platform.Request) (any, error) {
	err := p.write(r, func(tx *store.Tx) error {
		c, err := p.requestClient(tx, r)
		if err != nil {
			return err
		}
		_, err = tx.Exec(`DELETE FROM sb_messages WHERE tenant_id = ? AND client_id = ?`, r.TenantID(), c.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return success, nil
}
