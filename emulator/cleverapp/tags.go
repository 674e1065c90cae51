package cleverapp

import (
	"database/sql"
	"errors"
	"time"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

func (p *Platform) getBotTags(r *platform.Request) (any, error) {
	botID, _ := r.Input.Int("bot_id")
	if err := p.ownBot(r, botID); err != nil {
		return nil, err
	}
	names, err := p.names(r, `SELECT name FROM ca_tags WHERE bot_id = ? ORDER BY id`, botID)
	return jsonx.Object{{Key: "data", Value: names}}, err
}

func (p *Platform) getContactTags(r *platform.Request) (any, error) {
	contactID, _ := r.Input.Int("contact_id")
	if _, err := p.contactByID(r, contactID); err != nil {
		return nil, err
	}
	names, err := p.contactTagNames(r, contactID)
	return jsonx.Object{{Key: "data", Value: names}}, err
}

func (p *Platform) contactTagNames(r *platform.Request, contactID int64) ([]string, error) {
	return p.names(r, `SELECT t.name FROM ca_contact_tags ct JOIN ca_tags t ON t.id = ct.tag_id WHERE ct.contact_id = ? ORDER BY ct.created_at, t.id`, contactID)
}

// names runs a one-column text query.
func (p *Platform) names(r *platform.Request, query string, args ...any) ([]string, error) {
	rows, err := p.store().Query(r.Context(), query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func (p *Platform) attachTagToContact(r *platform.Request) (any, error) {
	return p.changeContactTag(r, true)
}

func (p *Platform) detachTagFromContact(r *platform.Request) (any, error) {
	return p.changeContactTag(r, false)
}

// changeContactTag attaches or detaches a tag given by tag_id or name.
// Attaching by an unknown name creates the tag in the contact's bot, as
// Leadteh documents; an unknown tag_id is a 422 like Laravel's exists rule.
func (p *Platform) changeContactTag(r *platform.Request, attach bool) (any, error) {
	contactID, _ := r.Input.Int("contact_id")
	c, err := p.contactByID(r, contactID)
	if err != nil {
		return nil, err
	}
	tagID, byID := r.Input.Int("tag_id")
	name := r.Input.String("name")
	err = r.Write(func(tx *store.Tx) error {
		if byID {
			var found string
			err := tx.QueryRow(`SELECT name FROM ca_tags WHERE id = ? AND bot_id = ?`, tagID, c.BotID).Scan(&found)
			if errors.Is(err, sql.ErrNoRows) {
				return errFieldInvalid("tag_id", "Выбранное значение для tag id некорректно.")
			} else if err != nil {
				return err
			}
			name = found
		}
		if attach {
			return p.attachTag(tx, r.TenantID(), c.BotID, c.ID, tagID, name, r.Now)
		}
		_, err := tx.Exec(`DELETE FROM ca_contact_tags WHERE contact_id = ? AND tag_id IN (SELECT id FROM ca_tags WHERE bot_id = ? AND name = ?)`,
			c.ID, c.BotID, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "success", Value: true}}, nil
}

// attachTag links a tag (found by name in the bot, created when missing) to a contact.
func (p *Platform) attachTag(tx *store.Tx, tenantID string, botID, contactID, tagID int64, name string, now time.Time) error {
	if tagID == 0 {
		err := tx.QueryRow(`SELECT id FROM ca_tags WHERE bot_id = ? AND name = ?`, botID, name).Scan(&tagID)
		if errors.Is(err, sql.ErrNoRows) {
			tagID, err = tx.Insert(`INSERT INTO ca_tags (tenant_id, bot_id, name) VALUES (?, ?, ?)`, tenantID, botID, name)
		}
		if err != nil {
			return err
		}
	}
	_, err := tx.Exec(`INSERT OR IGNORE INTO ca_contact_tags (contact_id, tag_id, created_at) VALUES (?, ?, ?)`, contactID, tagID, store.Micros(now))
	return err
}
