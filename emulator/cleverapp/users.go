package cleverapp

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/brianvoe/gofakeit/v6"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// A brand's contacts are the control API's end users. The API has no
// webhook and no way to read what a contact writes, so what users do is
// kept in the inbox (ca_inbound), seen only through the control API; the
// API's sends carry no buttons, so there is nothing to press.
var _ platform.Audience = (*Platform)(nil)

func (p *Platform) inbox() platform.Inbox {
	return platform.Inbox{
		Platform: p.brand.Name, Table: "ca_inbound",
		Subscribed: func(tx *store.Tx, tenantID string, id int64) (bool, error) {
			ct, err := p.userContact(tx.QueryRow, tenantID, id)
			return !ct.Unsubscribed, err
		},
		SetSubscribed: func(tx *store.Tx, _ string, id int64, subscribed bool, at time.Time) error {
			_, err := tx.Exec(`UPDATE ca_contacts SET unsubscribed = ?, updated_at = ? WHERE id = ?`, !subscribed, store.Micros(at), id)
			return err
		},
	}
}

// reader reads from the store for a control call.
func (p *Platform) reader(c *platform.ControlRequest) func(query string, args ...any) *sql.Row {
	return func(query string, args ...any) *sql.Row { return p.store().QueryRow(c.HTTP.Context(), query, args...) }
}

// asRequest lets a control call use the request helpers (the tenant, the
// context and the clock are all they read).
func asRequest(c *platform.ControlRequest) *platform.Request {
	return &platform.Request{HTTP: c.HTTP, Now: c.Now, Env: c.Env, Principal: platform.Principal{TenantID: c.TenantID}}
}

// Users lists the brand's contacts; q matches the name, phone, e-mail,
// messenger ids and the contact id.
func (p *Platform) Users(c *platform.ControlRequest, q platform.UserQuery) ([]platform.User, error) {
	rows, err := p.store().Query(c.HTTP.Context(), `SELECT `+contactColumns+` FROM ca_contacts
		WHERE tenant_id = ? AND brand = ? AND id > ? ORDER BY id`, c.TenantID, p.brand.Name, q.After)
	return platform.UserPage(rows, err, q.Limit, func(rows *sql.Rows) (contact, error) { return scanContact(rows) },
		func(ct contact) bool {
			return platform.Matches(q.Q, []string{ct.Phone.String}, ct.Name, ct.Email.String, ct.TelegramID.String,
				ct.TelegramUsername.String, ct.ViberID.String, ct.VKID.String, strconv.FormatInt(ct.ID, 10))
		},
		func(ct contact) (platform.User, error) { return p.userOf(asRequest(c), ct) })
}

// User is a contact with its tags and variables.
func (p *Platform) User(c *platform.ControlRequest, id int64) (platform.User, error) {
	ct, err := p.userContact(p.reader(c), c.TenantID, id)
	if err != nil {
		return platform.User{}, err
	}
	return p.userOf(asRequest(c), ct)
}

// userContact is the brand's contact id of the tenant, or the control
// API's 404; queryRow reads from the store or a transaction.
func (p *Platform) userContact(queryRow func(query string, args ...any) *sql.Row, tenantID string, id int64) (contact, error) {
	ct, err := scanContact(queryRow(`SELECT `+contactColumns+` FROM ca_contacts
		WHERE id = ? AND tenant_id = ? AND brand = ?`, id, tenantID, p.brand.Name))
	if errors.Is(err, sql.ErrNoRows) {
		return ct, platform.UserNotFound(id)
	}
	return ct, err
}

// userOf shows a contact as getContacts?with=tags,variables does.
func (p *Platform) userOf(r *platform.Request, ct contact) (platform.User, error) {
	var err error
	if ct.tags, err = p.contactTagNames(r, ct.ID); err != nil {
		return platform.User{}, err
	}
	if ct.variables, err = p.contactVariablePairs(r, ct.ID); err != nil {
		return platform.User{}, err
	}
	return platform.User{
		ID: ct.ID, Name: ct.Name, Messenger: ct.Messenger, Phone: ct.Phone.String,
		CreatedAt: store.FromMicros(ct.CreatedAt), Subscribed: !ct.Unsubscribed, Platform: ct,
	}, nil
}

// CreateUser makes a contact of a bot (bot, else the first bot of the
// messenger, else the first), as createOrUpdateContact would. platform_id is
// the id in the messenger (the phone for WhatsApp and ICQ).
func (p *Platform) CreateUser(c *platform.ControlRequest, u platform.NewUser) (platform.User, error) {
	var id int64
	err := c.Write(func(tx *store.Tx) error {
		botID, messenger, err := p.botFor(tx, c.TenantID, u.Messenger, u.Bot)
		if err != nil {
			return err
		}
		if u.Messenger != "" {
			messenger = u.Messenger
		}
		field, ok := messengerField[messenger]
		if !ok {
			return platform.BadControlRequest("unknown messenger %q (whatsapp, telegram, viber, vk, icq)", messenger)
		}
		if err := tx.QueryRow(`SELECT COALESCE(MAX(id), 0) + 1 FROM ca_contacts`).Scan(&id); err != nil {
			return err
		}
		f := platform.UserFaker(c.TenantID, p.brand.Name, id)
		u.Generate(f)
		fields := map[string]string{"name": u.Name, "phone": u.Phone, "email": u.Email}
		external := u.PlatformID
		if field == "phone" {
			if external != "" {
				fields["phone"] = external // the messenger id is the number
			}
			external = normalizePhone(fields["phone"])
		} else if external == "" {
			external = fakeMessengerID(f, messenger)
		}
		fields[field] = external
		if old, err := p.findContact(tx, c.TenantID, botID, messenger, external); err != nil {
			return err
		} else if old != 0 {
			return &platform.ControlError{Status: http.StatusConflict, Message: fmt.Sprintf("contact %d of bot %d already has %s %s", old, botID, field, external)}
		}
		if _, err := p.insertContact(tx, c.TenantID, botID, messenger, id, c.Now); err != nil {
			return err
		}
		return setContactFields(tx, id, fields, c.Now)
	})
	if err != nil {
		return platform.User{}, err
	}
	return p.User(c, id)
}

// botFor is the bot a new user finds, and its messenger.
func (p *Platform) botFor(tx *store.Tx, tenantID, messenger, bot string) (int64, string, error) {
	var want int64
	if bot != "" {
		n, err := strconv.ParseInt(bot, 10, 64)
		if err != nil || n <= 0 {
			return 0, "", platform.BadControlRequest("bot must be a bot id")
		}
		want = n
	}
	var id int64
	var botMessenger string
	err := tx.QueryRow(`SELECT id, messenger FROM ca_bots WHERE tenant_id = ? AND brand = ? AND (? = 0 OR id = ?)
		ORDER BY messenger = ? DESC, id LIMIT 1`, tenantID, p.brand.Name, want, want, messenger).Scan(&id, &botMessenger)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", platform.BadControlRequest("the account has no bot %s", bot)
	}
	return id, botMessenger, err
}

// fakeMessengerID is an id in the messenger's style.
func fakeMessengerID(f *gofakeit.Faker, messenger string) string {
	if messenger == "viber" {
		return f.LetterN(22) + "=="
	}
	return strconv.Itoa(f.Number(10000000, 999999999))
}

// Thread is what the API sent the contact (images and files from the
// payload) and what the contact did, oldest first.
func (p *Platform) Thread(c *platform.ControlRequest, id int64) ([]platform.Event, error) {
	if _, err := p.userContact(p.reader(c), c.TenantID, id); err != nil {
		return nil, err
	}
	return p.inbox().Thread(c, id, func(payload json.RawMessage) []platform.Attachment {
		var sent struct{ Image, File string }
		json.Unmarshal(payload, &sent) // written by deliver; anything else has no attachments
		var atts []platform.Attachment
		if sent.Image != "" {
			atts = append(atts, platform.NewAttachment("image", sent.Image))
		}
		if sent.File != "" {
			atts = append(atts, platform.NewAttachment("file", sent.File))
		}
		return atts
	})
}

// Act keeps what the contact did in the inbox: nothing else on the
// platform hears of it.
func (p *Platform) Act(c *platform.ControlRequest, id int64, a platform.Action) (platform.Reaction, error) {
	return p.inbox().Act(c, id, a)
}

// SetSubscribed marks the contact as having blocked the bot or not:
// messages the API sends a blocked contact fail (inferred).
func (p *Platform) SetSubscribed(c *platform.ControlRequest, id int64, subscribed bool) (platform.User, error) {
	if err := p.inbox().Subscribe(c, id, subscribed); err != nil {
		return platform.User{}, err
	}
	return p.User(c, id)
}
