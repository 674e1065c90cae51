package cleverapp

import (
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/php"
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
	Unsubscribed     bool // the contact blocked the bot: messages to them fail

	// Embedded on request (getContacts ?with=tags,variables); nil leaves them out.
	tags      []string
	variables []any
}

const contactColumns = `id, bot_id, name, messenger, phone, email, telegram_id, telegram_username, viber_id, vk_id, address, utm, referrer_id, created_at, unsubscribed`

func scanContact(row interface{ Scan(...any) error }) (contact, error) {
	var c contact
	err := row.Scan(&c.ID, &c.BotID, &c.Name, &c.Messenger, &c.Phone, &c.Email, &c.TelegramID, &c.TelegramUsername,
		&c.ViberID, &c.VKID, &c.Address, &c.UTM, &c.ReferrerID, &c.CreatedAt, &c.Unsubscribed)
	return c, err
}

// AppendJSON writes the contact as getContacts shows it: messenger-specific
// ids only for that messenger, then the tags and variables asked for with
// ?with=. Contacts are the bulk of the busiest answer, so they are written
// directly rather than built as objects first.
func (c contact) AppendJSON(dst []byte, w jsonx.Writer) ([]byte, error) {
	dst = append(dst, `{"id":`...)
	dst = strconv.AppendInt(dst, c.ID, 10)
	dst = append(dst, `,"bot_id":`...)
	dst = strconv.AppendInt(dst, c.BotID, 10)
	dst = appendField(dst, w, "phone", c.Phone)
	dst = appendField(dst, w, "email", c.Email)
	dst = appendField(dst, w, "name", sql.NullString{String: c.Name, Valid: true})
	dst = appendField(dst, w, "messenger", sql.NullString{String: c.Messenger, Valid: true})
	switch c.Messenger {
	case "telegram":
		dst = appendField(dst, w, "telegram_id", c.TelegramID)
		dst = appendField(dst, w, "telegram_username", c.TelegramUsername)
	case "viber":
		dst = appendField(dst, w, "viber_id", c.ViberID)
	case "vk":
		dst = appendField(dst, w, "vk_id", c.VKID)
	}
	dst = appendField(dst, w, "address", c.Address)
	dst = append(dst, `,"utm":`...)
	var err error
	if c.UTM.Valid {
		if dst, err = w.Value(dst, json.RawMessage(c.UTM.String)); err != nil {
			return nil, err
		}
	} else {
		dst = append(dst, "null"...)
	}
	dst = appendField(dst, w, "created_at", sql.NullString{String: laravel.Time(store.FromMicros(c.CreatedAt)), Valid: true})
	if c.tags != nil {
		dst = append(dst, `,"tags":`...)
		if dst, err = w.Value(dst, c.tags); err != nil {
			return nil, err
		}
	}
	if c.variables != nil {
		dst = append(dst, `,"variables":`...)
		if dst, err = w.Value(dst, c.variables); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

// appendField writes ,"key":value with null for a missing value.
func appendField(dst []byte, w jsonx.Writer, key string, v sql.NullString) []byte {
	dst = append(dst, ',', '"')
	dst = append(dst, key...)
	dst = append(dst, '"', ':')
	if !v.Valid {
		return append(dst, "null"...)
	}
	return w.String(dst, v.String)
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

// contactBot is contactByID for a write that needs only the contact's bot,
// read in the write's transaction. The driver names every column of every
// query it runs, and a read on the pool costs a connection and a watch of
// the request's context besides: this costs a quarter of contactByID.
func (p *Platform) contactBot(tx *store.Tx, r *platform.Request, id int64) (int64, error) {
	var botID int64
	err := tx.QueryRow(`SELECT bot_id FROM ca_contacts WHERE id = ? AND tenant_id = ? AND brand = ?`, id, r.TenantID(), p.brand.Name).Scan(&botID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, p.missing(r, "ca_contacts", "Contact", id)
	}
	return botID, err
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
	data, total, err := p.readContactPage(r, where, args, page)
	if err != nil {
		return nil, err
	}
	if hasBot && total == 0 {
		// No contacts of this bot here: is it the caller's bot at all?
		if err := p.ownBot(r, botID); err != nil {
			return nil, err
		}
	}
	return laravel.Paginated(data, r.BaseURL+r.Path, page, total), nil
}

// readContactPage reads a page and the total. One row more than the page
// tells whether anything follows; only then (or for a page past the end)
// does the total need counting.
func (p *Platform) readContactPage(r *platform.Request, where string, args []any, page laravel.Page) (contactList, int, error) {
	data, err := p.contactPage(r, where, append(args, page.PerPage+1, page.Offset()))
	if err != nil {
		return nil, 0, err
	}
	total := page.Offset() + len(data)
	if len(data) > page.PerPage || (len(data) == 0 && page.Offset() > 0) {
		data = data[:min(len(data), page.PerPage)]
		if err := p.store().QueryRow(r.Context(), `SELECT COUNT(*) FROM ca_contacts WHERE `+where, args...).Scan(&total); err != nil {
			return nil, 0, err
		}
	}
	return data, total, nil
}

// embedded is what getContacts items embed: what ?with= asks for, and the
// variables always for a tenant whose contact_variables is "always".
func (p *Platform) embedded(r *platform.Request) []string {
	var with []string
	for _, w := range strings.Split(r.Input.String("with"), ",") {
		with = append(with, strings.TrimSpace(w))
	}
	if p.settingsOf(r).ContactVariables == VariablesAlways && !slices.Contains(with, "variables") {
		with = append(with, "variables")
	}
	return with
}

// contactPage reads one page of contacts, embedding what ?with= asks for.
func (p *Platform) contactPage(r *platform.Request, where string, args []any) (contactList, error) {
	rows, err := p.store().Query(r.Context(), `SELECT `+contactColumns+` FROM ca_contacts WHERE `+where+` ORDER BY id LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, err
	}
	contacts := make([]contact, 0, args[len(args)-2].(int))
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
	for _, w := range p.embedded(r) {
		for i := range contacts {
			c := &contacts[i]
			switch w {
			case "tags":
				if c.tags, err = p.contactTagNames(r, c.ID); err != nil {
					return nil, err
				}
			case "variables":
				if c.variables, err = p.contactVariablePairs(r, c.ID); err != nil {
					return nil, err
				}
			}
		}
	}
	return contactList(contacts), nil
}

// contactList is a page of contacts, written as a JSON array.
type contactList []contact

// AppendJSON writes the contacts in order.
func (l contactList) AppendJSON(dst []byte, w jsonx.Writer) ([]byte, error) {
	dst = append(dst, '[')
	for i, c := range l {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = c.AppendJSON(dst, w); err != nil {
			return nil, err
		}
	}
	return append(dst, ']'), nil
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
	err := r.Write(func(tx *store.Tx) error {
		id, err := p.findContact(tx, r.TenantID(), botID, messenger, external)
		if err != nil {
			return err
		}
		if id == 0 {
			if id, err = p.insertContact(tx, r.TenantID(), botID, messenger, 0, r.Now); err != nil {
				return err
			}
		}
		// Only the fields sent are written; the rest keep their values.
		fields := map[string]string{}
		for _, col := range contactFields {
			if in.Present(col) {
				fields[col] = in.String(col)
			}
		}
		if err := setContactFields(tx, id, fields, r.Now); err != nil {
			return err
		}
		if tags, ok := in["tags"].(*php.Array); ok {
			for _, t := range tags.Values() {
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
	return jsonx.Object{{Key: "data", Value: c}}, nil
}

// contactFields are the columns createOrUpdateContact writes.
var contactFields = []string{"name", "phone", "email", "telegram_id", "telegram_username", "viber_id", "vk_id", "address"}

// insertContact adds a bot's contact with no fields yet, with id (0 for
// the next) and returns its id.
func (p *Platform) insertContact(tx *store.Tx, tenantID string, botID int64, messenger string, id int64, at time.Time) (int64, error) {
	var wanted any
	if id > 0 {
		wanted = id
	}
	return tx.Insert(`INSERT INTO ca_contacts (id, tenant_id, brand, bot_id, name, messenger, created_at, updated_at) VALUES (?, ?, ?, ?, '', ?, ?, ?)`,
		wanted, tenantID, p.brand.Name, botID, messenger, store.Micros(at), store.Micros(at))
}

// setContactFields writes some of contactFields; a phone is kept as digits.
func setContactFields(tx *store.Tx, id int64, fields map[string]string, at time.Time) error {
	for _, col := range contactFields {
		v, ok := fields[col]
		if !ok {
			continue
		}
		if col == "phone" {
			v = normalizePhone(v)
		}
		if _, err := tx.Exec(`UPDATE ca_contacts SET `+col+` = ?, updated_at = ? WHERE id = ?`, v, store.Micros(at), id); err != nil {
			return err
		}
	}
	return nil
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
