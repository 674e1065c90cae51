package cleverapp

import (
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/limits"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// sendLimits are the documented messages per 10 seconds for each messenger.
var sendLimits = map[string]int{"whatsapp": 1, "telegram": 10, "viber": 10, "icq": 10}

// unsupportedMessengers are documented as not yet able to receive API messages.
var unsupportedMessengers = map[string]bool{"icq": true}

var success = jsonx.Object{{Key: "success", Value: true}}

// sendMessage sends text, an image or a file to a contact given by id
// (variant A) or by bot, messenger and external id or phone (variant B).
func (p *Platform) sendMessage(r *platform.Request) (any, error) {
	in := r.Input
	var c contact
	var err error
	if id, ok := in.Int("contact_id"); ok {
		c, err = p.contactByID(r, id)
	} else {
		c, err = p.contactByExternalID(r)
	}
	if err != nil {
		return nil, err
	}
	if unsupportedMessengers[c.Messenger] {
		return nil, errMessengerNotImplemented(c.Messenger)
	}
	if err := p.checkSendLimit(r, c.Messenger); err != nil {
		return nil, err
	}
	if err := p.deliver(r, c, in.String("text"), in.String("image"), in.String("file")); err != nil {
		return nil, err
	}
	return success, nil
}

// contactByExternalID finds the bot's contact by its id in the messenger,
// or by a phone linked to it in any messenger.
func (p *Platform) contactByExternalID(r *platform.Request) (contact, error) {
	botID, _ := r.Input.Int("bot_id")
	if err := p.ownBot(r, botID); err != nil {
		return contact{}, err
	}
	messenger, external := r.Input.String("messenger"), r.Input.String("contact_external_id")
	field, ok := messengerField[messenger]
	if !ok {
		return contact{}, errFieldInvalid("messenger", "Выбранное значение для messenger ошибочно.")
	}
	c, err := scanContact(p.store().QueryRow(r.Context(), `SELECT `+contactColumns+` FROM ca_contacts
		WHERE tenant_id = ? AND bot_id = ? AND messenger = ? AND (`+field+` = ? OR phone = ?) ORDER BY id LIMIT 1`,
		r.TenantID(), botID, messenger, external, normalizePhone(external)))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errModelNotFound("Contact", external)
	}
	return c, err
}

// checkSendLimit applies the documented per-messenger limit (messages per
// 10 seconds, per account).
func (p *Platform) checkSendLimit(r *platform.Request, messenger string) error {
	n, ok := sendLimits[messenger]
	if !ok {
		return nil
	}
	rule := limits.Rule{Name: "send-" + messenger, Limit: n, Window: 10 * time.Second}
	if _, refused := r.HitLimit("account", rule); refused != nil {
		return errSendLimit(messenger)
	}
	return nil
}

// deliver puts a message to the contact in the outbox.
func (p *Platform) deliver(r *platform.Request, c contact, text, image, file string) error {
	kind := "text"
	switch {
	case image != "" && text == "" && file == "":
		kind = "image"
	case file != "" && text == "" && image == "":
		kind = "file"
	case image != "" || file != "":
		kind = "mixed"
	}
	payload, err := json.Marshal(map[string]string{"image": image, "file": file, "external_id": c.externalID()})
	if err != nil {
		return err
	}
	return r.Write(func(tx *store.Tx) error {
		_, err := p.enqueue(tx, r, c, store.Message{Kind: kind, Text: text, Payload: payload})
		return err
	})
}

// enqueue puts m for the contact in the outbox, now. A contact who has
// blocked the bot does not get it: it is failed at once, and the API still
// answers success, as it cannot know (inferred).
func (p *Platform) enqueue(tx *store.Tx, r *platform.Request, c contact, m store.Message) (store.Message, error) {
	m.TenantID, m.Platform, m.Operation, m.CreatedAt = r.TenantID(), p.brand.Name, r.Operation.ID, r.Now
	m.BotID, m.Recipient, m.Messenger = strconv.FormatInt(c.BotID, 10), strconv.FormatInt(c.ID, 10), c.Messenger
	m, err := tx.Enqueue(m)
	if err == nil && c.Unsubscribed {
		m.Status = store.StatusFailed
		err = tx.FailMessage(m.ID)
	}
	return m, err
}

// sendMessageToWhatsApp writes to any phone number, creating the contact
// (named by name) the first time.
func (p *Platform) sendMessageToWhatsApp(r *platform.Request) (any, error) {
	in := r.Input
	botID, _ := in.Int("bot_id")
	if err := p.ownBot(r, botID); err != nil {
		return nil, err
	}
	phone := normalizePhone(in.String("phone"))
	if phone == "" {
		return nil, errFieldInvalid("phone", "Поле phone имеет ошибочный формат.")
	}
	var c contact
	err := r.Write(func(tx *store.Tx) error {
		id, err := p.findContact(tx, r.TenantID(), botID, "whatsapp", phone)
		if err != nil {
			return err
		}
		if id == 0 {
			now := store.Micros(r.Now)
			id, err = tx.Insert(`INSERT INTO ca_contacts (tenant_id, brand, bot_id, name, messenger, phone, created_at, updated_at) VALUES (?, ?, ?, ?, 'whatsapp', ?, ?, ?)`,
				r.TenantID(), p.brand.Name, botID, in.String("name"), phone, now, now)
			if err != nil {
				return err
			}
		}
		c, err = scanContact(tx.QueryRow(`SELECT `+contactColumns+` FROM ca_contacts WHERE id = ?`, id))
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := p.deliver(r, c, in.String("text"), "", ""); err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "data", Value: jsonx.Object{
		{Key: "id", Value: c.ID},
		{Key: "phone", Value: c.Phone.String},
		{Key: "name", Value: c.Name},
		{Key: "messenger", Value: c.Messenger},
		{Key: "created_at", Value: laravel.Time(store.FromMicros(c.CreatedAt))},
	}}}, nil
}

// sendMessageToQueue queues a text for a contact given by id, phone or
// Bitrix24 id. The client's message_id makes it idempotent: a repeated id
// answers success without queueing again.
func (p *Platform) sendMessageToQueue(r *platform.Request) (any, error) {
	in := r.Input
	var c contact
	var err error
	switch {
	case in.Present("contact_id"):
		id, _ := in.Int("contact_id")
		c, err = p.contactByID(r, id)
	case in.Present("phone"):
		c, err = scanContact(p.store().QueryRow(r.Context(), `SELECT `+contactColumns+` FROM ca_contacts
			WHERE tenant_id = ? AND brand = ? AND phone = ? ORDER BY id LIMIT 1`, r.TenantID(), p.brand.Name, normalizePhone(in.String("phone"))))
		if errors.Is(err, sql.ErrNoRows) {
			err = errModelNotFound("Contact", in.String("phone"))
		}
	default:
		// The emulator keeps no Bitrix24 link, so no contact has a Bitrix24 id.
		err = errModelNotFound("Contact", in.String("bitrix_contact_id"))
	}
	if err != nil {
		return nil, err
	}
	messageID := in.String("message_id")
	err = r.Write(func(tx *store.Tx) error {
		var seen int
		err := tx.QueryRow(`SELECT 1 FROM ca_queue WHERE tenant_id = ? AND brand = ? AND message_id = ?`, r.TenantID(), p.brand.Name, messageID).Scan(&seen)
		if err == nil {
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		payload, _ := json.Marshal(map[string]string{"message_id": messageID})
		m, err := p.enqueue(tx, r, c, store.Message{Text: in.String("text"), Payload: payload})
		if err != nil {
			return err
		}
		_, err = tx.Exec(`INSERT INTO ca_queue (tenant_id, brand, message_id, outbox_id) VALUES (?, ?, ?, ?)`, r.TenantID(), p.brand.Name, messageID, m.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return success, nil
}
