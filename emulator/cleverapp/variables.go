package cleverapp

import (
	"database/sql"
	"errors"
	"time"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// variableItem is a getContactVariables item: the value's id is the
// variable's, as the documented example shows.
func variableItem(id int64, name, value string, deletable bool) jsonx.Object {
	return jsonx.Object{
		{Key: "id", Value: id},
		{Key: "name", Value: name},
		{Key: "value", Value: value},
		{Key: "deletable", Value: deletable},
		{Key: "variable", Value: jsonx.Object{{Key: "id", Value: id}, {Key: "name", Value: name}}},
	}
}

const contactVariablesQuery = `SELECT v.id, v.name, cv.value, cv.deletable FROM ca_contact_variables cv
	JOIN ca_variables v ON v.id = cv.variable_id WHERE cv.contact_id = ? ORDER BY v.id`

func (p *Platform) getContactVariables(r *platform.Request) (any, error) {
	contactID, _ := r.Input.Int("contact_id")
	if _, err := p.contactByID(r, contactID); err != nil {
		return nil, err
	}
	data, err := p.contactVariables(r, contactID, variableItem)
	return jsonx.Object{{Key: "data", Value: data}}, err
}

// contactVariablePairs is the {name, value} list getContacts embeds with with=variables.
func (p *Platform) contactVariablePairs(r *platform.Request, contactID int64) ([]any, error) {
	return p.contactVariables(r, contactID, func(_ int64, name, value string, _ bool) jsonx.Object {
		return jsonx.Object{{Key: "name", Value: name}, {Key: "value", Value: value}}
	})
}

// contactVariables reads a contact's variables, each shown by view.
func (p *Platform) contactVariables(r *platform.Request, contactID int64, view func(id int64, name, value string, deletable bool) jsonx.Object) ([]any, error) {
	rows, err := p.store().Query(r.Context(), contactVariablesQuery, contactID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []any{}
	for rows.Next() {
		var id int64
		var name, value string
		var deletable bool
		if err := rows.Scan(&id, &name, &value, &deletable); err != nil {
			return nil, err
		}
		out = append(out, view(id, name, value, deletable))
	}
	return out, rows.Err()
}

func (p *Platform) setContactVariable(r *platform.Request) (any, error) {
	contactID, _ := r.Input.Int("contact_id")
	name, value := r.Input.String("name"), r.Input.String("value")
	deletable, _ := r.Input.Int("deletable")
	var varID int64
	err := r.Write(func(tx *store.Tx) error {
		botID, err := p.contactBot(tx, r, contactID)
		if err != nil {
			return err
		}
		varID, err = storeVariable(tx, r.TenantID(), botID, contactID, name, value, deletable == 1, r.Now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "data", Value: variableItem(varID, name, value, deletable == 1)}}, nil
}

// storeVariable sets a contact's variable, declaring it in the bot when new,
// and returns the variable's id.
func storeVariable(tx *store.Tx, tenantID string, botID, contactID int64, name, value string, deletable bool, now time.Time) (int64, error) {
	varID, err := declareVariable(tx, tenantID, botID, name, now)
	if err != nil {
		return 0, err
	}
	_, err = tx.Exec(`INSERT INTO ca_contact_variables (contact_id, variable_id, value, deletable, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (contact_id, variable_id) DO UPDATE SET value = excluded.value, deletable = excluded.deletable, updated_at = excluded.updated_at`,
		contactID, varID, value, deletable, store.Micros(now))
	return varID, err
}

// declareVariable finds the bot's variable by name or creates it. New ids
// look like the platform's (e.g. 16497876867449): the creation time in
// milliseconds with one more digit, kept increasing.
func declareVariable(tx *store.Tx, tenantID string, botID int64, name string, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRow(`SELECT id FROM ca_variables WHERE bot_id = ? AND name = ?`, botID, name).Scan(&id)
	if !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	var maxID int64
	if err := tx.QueryRow(`SELECT COALESCE(MAX(id), 0) FROM ca_variables`).Scan(&maxID); err != nil {
		return 0, err
	}
	id = max(now.UnixMilli()*10, maxID+1)
	_, err = tx.Exec(`INSERT INTO ca_variables (id, tenant_id, bot_id, name) VALUES (?, ?, ?, ?)`, id, tenantID, botID, name)
	return id, err
}

func (p *Platform) deleteContactVariable(r *platform.Request) (any, error) {
	contactID, _ := r.Input.Int("contact_id")
	c, err := p.contactByID(r, contactID)
	if err != nil {
		return nil, err
	}
	varID, byID := r.Input.Int("id")
	name := r.Input.String("name")
	var deleted int64
	err = r.Write(func(tx *store.Tx) error {
		res, err := tx.Exec(`DELETE FROM ca_contact_variables WHERE contact_id = ? AND variable_id IN
			(SELECT id FROM ca_variables WHERE bot_id = ? AND ((? = 1 AND id = ?) OR (? = 0 AND name = ?)))`,
			c.ID, c.BotID, flag(byID), varID, flag(byID), name)
		if err != nil {
			return err
		}
		deleted, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return nil, err
	}
	if deleted == 0 {
		if byID {
			return nil, errModelNotFound("ContactVariable", varID)
		}
		return nil, errModelNotFound("ContactVariable", name)
	}
	return jsonx.Object{{Key: "success", Value: true}}, nil
}
