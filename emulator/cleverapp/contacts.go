package cleverapp

import (
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// contact is a row of ca_contacts.
type contact struct {
	ID               int64
	BotID            int64
	Name             string
	Messenger        string
	Phone            sql.NullString
	Email            sql.NullString
	TelegramID       sql.NullString
	TelegramUsername sql.NullString
	ViberID          sql.NullString
	VKID             sql.NullString
	Address          sql.NullString
	UTM              sql.NullString
	ReferrerID       sql.NullInt64
	CreatedAt        int64
}

const contactColumns = `id, bot_id, name, messenger, phone, email, telegram_id, telegram_username, viber_id, vk_id, address, utm, referrer_id, created_at`

func scanContact(row interface{ Scan(...any) error }) (contact, error) {
	var c contact
	err := row.Scan(&c.ID, &c.BotID, &c.Name, &c.Messenger, &c.Phone, &c.Email, &c.TelegramID, &c.TelegramUsername,
		&c.ViberID, &c.VKID, &c.Address, &c.UTM, &c.ReferrerID, &c.CreatedAt)
	return c, err
}

func nullable(s sql.NullString) any {
	if !s.Valid {
		return nil
	}
	return s.String
}

// JSON is the contact as getContacts shows it: messenger-specific ids only
// for that messenger.
func (c contact) JSON() jsonx.Object {
	o := jsonx.Object{
		{Key: "id", Value: c.ID},
		{Key: "bot_id", Value: c.BotID},
		{Key: "phone", Value: nullable(c.Phone)},
		{Key: "email", Value: nullable(c.Email)},
		{Key: "name", Value: c.Name},
		{Key: "messenger", Value: c.Messenger},
	}
	switch c.Messenger {
	case "telegram":
		o = append(o, jsonx.Field{Key: "telegram_id", Value: nullable(c.TelegramID)}, jsonx.Field{Key: "telegram_username", Value: nullable(c.TelegramUsername)})
	case "viber":
		o = append(o, jsonx.Field{Key: "viber_id", Value: nullable(c.ViberID)})
	case "vk":
		o = append(o, jsonx.Field{Key: "vk_id", Value: nullable(c.VKID)})
	}
	var utm any
	if c.UTM.Valid {
		utm = json.RawMessage(c.UTM.String)
	}
	return append(o,
		jsonx.Field{Key: "address", Value: nullable(c.Address)},
		jsonx.Field{Key: "utm", Value: utm},
		jsonx.Field{Key: "created_at", Value: laravel.Time(store.FromMicros(c.CreatedAt))},
	)
}

// externalID is the contact's id in its messenger.
func (c contact) externalID() string {
	switch c.Messenger {
	case "telegram":
		return c.TelegramID.String
	case "viber":
		return c.ViberID.String
	case "vk":
		return c.VKID.String
	}
	return c.Phone.String
}

// contactByID loads a contact of the caller: 404 when it exists nowhere,
// 403 when it is another tenant's.
func (p *Platform) contactByID(r *platform.Request, id int64) (contact, error) {
	c, err := scanContact(p.store().QueryRow(r.Context(),
		`SELECT `+contactColumns+` FROM ca_contacts WHERE id = ? AND tenant_id = ? AND brand = ?`, id, r.TenantID(), p.brand.Name))
	if errors.Is(err, sql.ErrNoRows) {
		return c, p.missing(r, "ca_contacts", "Contact", id)
	}
	return c, err
}

func (p *Platform) getContacts(r *platform.Request) (any, error) {
	in := r.Input
	perPage := int64(defaultPerPage)
	if n, ok := in.Int("count"); ok && n > 0 {
		perPage = n
	}
	number, ok := in.Int("page")
	page := laravel.NewPage(number, ok, int(perPage))

	// Only the filters sent go into the query, so SQLite can use the bot index.
	where := `tenant_id = ? AND brand = ?`
	args := []any{r.TenantID(), p.brand.Name}
	botID, hasBot := in.Int("bot_id")
	if hasBot {
		where += ` AND bot_id = ?`
		args = append(args, botID)
	}
	if from, ok := in.Int("date_from"); ok {
		where += ` AND created_at >= ?`
		args = append(args, from*1_000_000)
	}
	if to, ok := in.Int("date_to"); ok {
		where += ` AND created_at < ?`
		args = append(args, (to+1)*1_000_000)
	}
	var total int
	if err := p.store().QueryRow(r.Context(), `SELECT COUNT(*) FROM ca_contacts WHERE `+where, args...).Scan(&total); err != nil {
		return nil, err
	}
	if hasBot && total == 0 {
		// No contacts of this bot here: is it the caller's bot at all?
		if err := p.ownBot(r, botID); err != nil {
			return nil, err
		}
	}
	data := []any{}
	if page.Offset() < total {
		var err error
		if data, err = p.contactPage(r, where, append(args, page.PerPage, page.Offset())); err != nil {
			return nil, err
		}
	}
	return laravel.Paginated(data, r.BaseURL+r.Path, page, total), nil
}

// contactPage reads one page of contacts, embedding what ?with= asks for.
func (p *Platform) contactPage(r *platform.Request, where string, args []any) ([]any, error) {
	rows, err := p.store().Query(r.Context(), `SELECT `+contactColumns+` FROM ca_contacts WHERE `+where+` ORDER BY id LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, err
	}
	var contacts []contact
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		contacts = append(contacts, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	with := strings.Split(r.Input.String("with"), ",")
	data := make([]any, 0, len(contacts))
	for _, c := range contacts {
		item := c.JSON()
		for _, w := range with {
			switch strings.TrimSpace(w) {
			case "tags":
				tags, err := p.contactTagNames(r, c.ID)
				if err != nil {
					return nil, err
				}
				item = append(item, jsonx.Field{Key: "tags", Value: tags})
			case "variables":
				vars, err := p.contactVariablePairs(r, c.ID)
				if err != nil {
					return nil, err
				}
				item = append(item, jsonx.Field{Key: "variables", Value: vars})
			}
		}
		data = append(data, item)
	}
	return data, nil
}

// defaultPerPage is Laravel's paginator default (inferred: the docs give only the maximum, 500).
const defaultPerPage = 15

// messengerField names the column that identifies a contact in each messenger.
var messengerField = map[string]string{
	"whatsapp": "phone", "telegram": "telegram_id", "viber": "viber_id", "vk": "vk_id", "icq": "phone",
}

func (p *Platform) createOrUpdateContact(r *platform.Request) (any, error) {
	in := r.Input
	botID, _ := in.Int("bot_id")
	if err := p.ownBot(r, botID); err != nil {
		return nil, err
	}
	messenger := in.String("messenger")
	field := messengerField[messenger]
	external := in.String(field)
	if field == "phone" {
		external = normalizePhone(external)
	}
	var c contact
	err := p.store().Write(r.Context(), func(tx *store.Tx) error {
		id, err := p.findContact(tx, r.TenantID(), botID, messenger, external)
		if err != nil {
			return err
		}
		now := store.Micros(r.Now)
		if id == 0 {
			id, err = tx.Insert(`INSERT INTO ca_contacts (tenant_id, brand, bot_id, name, messenger, created_at, updated_at) VALUES (?, ?, ?, '', ?, ?, ?)`,
				r.TenantID(), p.brand.Name, botID, messenger, now, now)
			if err != nil {
				return err
			}
		}
		// Only the fields sent are written; the rest keep their values.
		for _, col := range []string{"name", "phone", "email", "telegram_id", "telegram_username", "viber_id", "vk_id", "address"} {
			if !in.Present(col) {
				continue
			}
			v := in.String(col)
			if col == "phone" {
				v = normalizePhone(v)
			}
			if _, err := tx.Exec(`UPDATE ca_contacts SET `+col+` = ?, updated_at = ? WHERE id = ?`, v, now, id); err != nil {
				return err
			}
		}
		if tags, ok := in["tags"].([]any); ok {
			for _, t := range tags {
				if name := platform.Text(t); name != "" {
					if err := p.attachTag(tx, r.TenantID(), botID, id, 0, name, r.Now); err != nil {
						return err
					}
				}
			}
		}
		c, err = scanContact(tx.QueryRow(`SELECT `+contactColumns+` FROM ca_contacts WHERE id = ?`, id))
		return err
	})
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "data", Value: c.JSON()}}, nil
}

// findContact returns the id of the bot's contact with that messenger id (0 when none).
func (p *Platform) findContact(tx *store.Tx, tenantID string, botID int64, messenger, external string) (int64, error) {
	field := messengerField[messenger]
	if field == "" || external == "" {
		return 0, nil
	}
	var id int64
	err := tx.QueryRow(`SELECT id FROM ca_contacts WHERE tenant_id = ? AND bot_id = ? AND messenger = ? AND `+field+` = ? ORDER BY id LIMIT 1`,
		tenantID, botID, messenger, external).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// normalizePhone keeps the digits of a phone number, as the platform stores them.
func normalizePhone(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
