package salebot

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// message_from_outside values (the «Переменные» page).
const (
	fromOrdinary = 0
	fromAPI      = 1
	fromCallback = 3
)

// outgoing is an outbox message's payload: all its history entry and its
// webhook need when it is delivered, now or when it falls due.
type outgoing struct {
	ClientID      int64        `json:"client_id"`
	ClientReplica bool         `json:"client_replica,omitempty"` // callbacks count as the client's
	FromOutside   int          `json:"message_from_outside"`
	BlockID       *int64       `json:"message_id,omitempty"`
	Attachments   []Attachment `json:"attachments,omitempty"`
	Buttons       any          `json:"buttons,omitempty"`
	ResumeBot     bool         `json:"resume_bot,omitempty"`
	Callback      bool         `json:"callback,omitempty"`
}

type Attachment struct {
	URL  string `json:"attachment_url"`
	Type string `json:"attachment_type"`
}

// dueAt is when a send happens: now plus time_shift seconds (which wins),
// else send_time ("%Y-%m-%d %H:%M:%S" in the project's zone), else now.
// A time already past means now.
func dueAt(in platform.Input, now time.Time, loc *time.Location) (time.Time, error) {
	if in.Present("time_shift") {
		s, ok := in.Float("time_shift")
		if !ok {
			return now, errFormat
		}
		return now.Add(time.Duration(s * float64(time.Second))).Truncate(time.Microsecond), nil
	}
	if in.Present("send_time") {
		t, err := time.ParseInLocation("2006-01-02 15:04:05", strings.TrimSpace(in.String("send_time")), loc)
		if err != nil {
			return now, errFormat
		}
		return t, nil
	}
	return now, nil
}

// content is a message's text and the rest of its payload: message, or the
// answer of block message_id, with an optional attachment and buttons.
func content(q db, r *platform.Request) (string, outgoing, error) {
	in := r.Input
	o := outgoing{FromOutside: fromAPI, Buttons: in["buttons"]}
	text := in.String("message")
	if in.Present("message_id") {
		id, _ := in.Int("message_id")
		o.BlockID = &id
		if text == "" {
			answer, err := blockAnswer(q, r.TenantID(), id)
			if err != nil {
				return "", o, err
			}
			text = answer
		}
	}
	if in.Present("attachment_url") {
		o.Attachments = []Attachment{{URL: in.String("attachment_url"), Type: in.String("attachment_type")}}
	}
	return text, o, nil
}

// outboxKind is the outbox's kind of a message.
func outboxKind(text string, atts []Attachment) string {
	switch {
	case len(atts) == 0:
		return "text"
	case text != "":
		return "mixed"
	case atts[0].Type == "image":
		return "image"
	}
	return "file"
}

// send puts a message for the client in the outbox, due at due. One due
// now is recorded in the history at once and its webhook returned; a later
// one waits for RunDue.
func (p *Platform) send(tx *store.Tx, pr *project, r *platform.Request, c client, text string, o outgoing, due time.Time) (*pendingHook, error) {
	o.ClientID = c.ID
	payload, err := json.Marshal(o)
	if err != nil {
		return nil, err
	}
	m, err := tx.Enqueue(store.Message{
		TenantID: pr.TenantID, Platform: Name, Operation: p.rulesOf(r).action,
		BotID: c.Group, Recipient: itoa(c.ID), Messenger: clientTypes[c.ClientType],
		Kind: outboxKind(text, o.Attachments), Text: text, Payload: payload,
		CreatedAt: r.Now, DueAt: due,
	})
	if err != nil || m.Status != store.StatusDelivered {
		return nil, err
	}
	return p.record(tx, pr, c, m.ID, text, o, m.CreatedAt)
}

// unsubscribedError is the error_message of a message to a client who has
// blocked the bot (inferred: the messenger refuses it; Salebot keeps it in
// the history undelivered).
var unsubscribedError = "client unsubscribed"

// record writes a message the outbox delivered to the history and prepares
// its webhook. A client who has blocked the bot does not get it: the history
// keeps it undelivered with the error, and the outbox marks it failed.
func (p *Platform) record(tx *store.Tx, pr *project, c client, outboxID int64, text string, o outgoing, at time.Time) (*pendingHook, error) {
	e := historyEntry{
		ClientID: c.ID, ClientReplica: o.ClientReplica, Text: text, Attachments: o.Attachments,
		BlockID: o.BlockID, FromOutside: o.FromOutside, Answered: !o.ClientReplica, Delivered: true, CreatedAt: at,
		OutboxID: &outboxID,
	}
	if c.Unsubscribed && !o.ClientReplica {
		e.Delivered, e.ErrorMessage = false, &unsubscribedError
		if err := tx.FailMessage(outboxID); err != nil {
			return nil, err
		}
	}
	id, err := insertMessage(tx, pr.TenantID, e)
	if err != nil {
		return nil, err
	}
	if !o.ClientReplica && e.Delivered {
		if _, err := tx.Exec(`UPDATE sb_messages SET answered = 1 WHERE tenant_id = ? AND client_id = ? AND client_replica = 1 AND answered = 0`,
			pr.TenantID, c.ID); err != nil {
			return nil, err
		}
	}
	if o.Callback && !pr.Webhook.Callbacks {
		return nil, nil
	}
	return hookFor(tx, pr, c, id, e)
}

// RunDue records the tenant's Salebot messages that just fell due and
// sends their webhooks.
func (p *Platform) RunDue(ctx context.Context, tenantID string, now time.Time, delivered []store.Message) error {
	if len(delivered) == 0 {
		return nil
	}
	var hooks []*pendingHook
	err := p.env.Store.WriteTenant(ctx, tenantID, func(tx *store.Tx) error {
		pr, err := loadProject(tx, tenantID)
		var gone *platform.ControlError
		if errors.As(err, &gone) {
			return nil // the tenant was deleted
		} else if err != nil {
			return err
		}
		for _, m := range delivered {
			var o outgoing
			if err := json.Unmarshal(m.Payload, &o); err != nil {
				return err
			}
			c, err := clientByID(tx, tenantID, o.ClientID)
			if errors.Is(err, errClientNotFound) {
				continue // deleted while the message waited
			} else if err != nil {
				return err
			}
			h, err := p.record(tx, pr, c, m.ID, m.Text, o, m.DueAt)
			if err != nil {
				return err
			}
			hooks = appendHook(hooks, h)
		}
		return nil
	})
	if err != nil {
		return err
	}
	p.dispatch(hooks)
	return nil
}

func appendHook(hooks []*pendingHook, h *pendingHook) []*pendingHook {
	if h != nil {
		hooks = append(hooks, h)
	}
	return hooks
}
