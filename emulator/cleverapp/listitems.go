package cleverapp

import (
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/php"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// listItem is a row of ca_list_items: values keyed by field slug.
type listItem struct {
	ID        string
	SchemaID  string
	Data      map[string]any
	CreatedAt int64
	UpdatedAt int64
}

const itemColumns = `id, schema_id, data, created_at, updated_at`

func scanItem(row interface{ Scan(...any) error }) (listItem, error) {
	var it listItem
	var data string
	if err := row.Scan(&it.ID, &it.SchemaID, &data, &it.CreatedAt, &it.UpdatedAt); err != nil {
		return it, err
	}
	return it, json.Unmarshal([]byte(data), &it.Data)
}

// JSON is the item as a flat object: its id, the values it has in the
// schema's field order, the id of its contact (and bot) when a field holds
// one, then its times. Fields without a value are left out, as a document
// store leaves them (inferred).
func (it listItem) JSON(s listSchema) jsonx.Object {
	o := jsonx.Object{{Key: "id", Value: it.ID}}
	var contactID, botID any
	for _, f := range s.Fields {
		v, ok := it.Data[f.Slug]
		if !ok || v == nil {
			continue
		}
		if n, isNum := v.(float64); isNum && f.Type == "number" {
			v = phpFloat(n)
		}
		o = append(o, jsonx.Field{Key: f.Slug, Value: v})
		if f.Type == "contact" && contactID == nil {
			contactID = v
		}
		if f.Type == "bot" && botID == nil {
			botID = v
		}
	}
	if contactID != nil {
		o = append(o, jsonx.Field{Key: "contact_id", Value: contactID})
	}
	if botID != nil {
		o = append(o, jsonx.Field{Key: "bot_id", Value: botID})
	}
	return append(o,
		jsonx.Field{Key: "created_at", Value: laravel.Time(store.FromMicros(it.CreatedAt))},
		jsonx.Field{Key: "updated_at", Value: laravel.Time(store.FromMicros(it.UpdatedAt))},
	)
}

// refersTo reports whether one of the item's fields of a type holds id.
func (it listItem) refersTo(s listSchema, fieldType string, id int64) bool {
	for _, f := range s.Fields {
		if n, ok := platform.Integer(it.Data[f.Slug]); f.Type == fieldType && ok && n == id {
			return true
		}
	}
	return false
}

// itemByID loads one of the caller's list items with its schema.
func (p *Platform) itemByID(r *platform.Request, id string) (listItem, listSchema, error) {
	it, err := scanItem(p.store().QueryRow(r.Context(), `SELECT i.id, i.schema_id, i.data, i.created_at, i.updated_at
		FROM ca_list_items i JOIN ca_list_schemas s ON s.id = i.schema_id WHERE i.id = ? AND s.tenant_id = ? AND s.brand = ?`,
		id, r.TenantID(), p.brand.Name))
	if errors.Is(err, sql.ErrNoRows) {
		return it, listSchema{}, p.missing(r, "ca_list_items", "ListItem", id)
	} else if err != nil {
		return it, listSchema{}, err
	}
	s, err := p.schemaByID(r, it.SchemaID)
	return it, s, err
}

// checkData validates the values sent under data against the schema, field
// by field in the schema's order, and converts them to the stored types.
// On create every required field must be there; on update only the fields
// sent are checked, and null clears an optional one.
func (p *Platform) checkData(r *platform.Request, s listSchema, creating bool) (map[string]any, error) {
	data, _ := r.Input["data"].(*php.Array)
	in := platform.Input{"data": data}
	var errs jsonx.Object
	out := map[string]any{}
	for _, f := range s.Fields {
		v, sent := data.Get(f.Slug)
		if !sent && !creating {
			continue
		}
		attr := "data." + f.Slug
		presence := "nullable"
		if f.IsRequired {
			presence = "required"
		}
		rules, err := laravel.ParseRules([]map[string]string{{attr: presence + "|" + fieldRules[f.Type]}})
		if err != nil {
			return nil, err
		}
		if e := laravel.Validate(rules, in); e != nil {
			errs = append(errs, e...)
			continue
		}
		if v == nil {
			if sent {
				out[f.Slug] = nil
			}
			continue
		}
		value := storedValue(f.Type, v)
		if ok, err := p.refExists(r, f.Type, value); err != nil {
			return nil, err
		} else if !ok {
			errs = append(errs, jsonx.Field{Key: attr, Value: []string{fieldMessage(attr, msgExists)}})
			continue
		}
		out[f.Slug] = value
	}
	if errs != nil {
		return nil, &validationError{errs}
	}
	return out, nil
}

// storedValue converts a valid value to its field type's form.
func storedValue(fieldType string, v any) any {
	switch fieldType {
	case "number":
		f, _ := platform.Input{"v": v}.Float("v")
		return f
	case "bool":
		return platform.Truthy(v)
	case "date", "contact", "bot":
		n, _ := platform.Integer(v)
		return n
	}
	return platform.Text(v)
}

// refExists checks that a contact or bot field names one of the caller's.
func (p *Platform) refExists(r *platform.Request, fieldType string, v any) (bool, error) {
	table := map[string]string{"contact": "ca_contacts", "bot": "ca_bots"}[fieldType]
	if table == "" {
		return true, nil
	}
	var one int
	err := p.store().QueryRow(r.Context(), `SELECT 1 FROM `+table+` WHERE id = ? AND tenant_id = ? AND brand = ?`, v, r.TenantID(), p.brand.Name).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

func (p *Platform) addListItem(r *platform.Request) (any, error) {
	s, err := p.schemaByID(r, r.Input.String("schema_id"))
	if err != nil {
		return nil, err
	}
	data, err := p.checkData(r, s, true)
	if err != nil {
		return nil, err
	}
	it := listItem{SchemaID: s.ID, Data: data, CreatedAt: store.Micros(r.Now), UpdatedAt: store.Micros(r.Now)}
	err = r.Write(func(tx *store.Tx) error {
		if it.ID, err = p.newObjectID(tx, r.TenantID(), r.Now); err != nil {
			return err
		}
		return insertItem(tx, r.TenantID(), it)
	})
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "data", Value: it.JSON(s)}}, nil
}

func insertItem(tx *store.Tx, tenantID string, it listItem) error {
	raw, err := json.Marshal(it.Data)
	if err != nil {
		return err
	}
	_, err = tx.Exec(`INSERT INTO ca_list_items (id, schema_id, tenant_id, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		it.ID, it.SchemaID, tenantID, string(raw), it.CreatedAt, it.UpdatedAt)
	return err
}

// updateListItem changes the values sent and keeps the others. A schema_id
// that is not the item's makes the item not found (inferred).
func (p *Platform) updateListItem(r *platform.Request) (any, error) {
	id := r.Input.String("item_id")
	it, s, err := p.itemByID(r, id)
	if err != nil {
		return nil, err
	}
	if r.Input.Present("schema_id") && r.Input.String("schema_id") != s.ID {
		return nil, errModelNotFound("ListItem", id)
	}
	changes, err := p.checkData(r, s, false)
	if err != nil {
		return nil, err
	}
	for k, v := range changes {
		if v == nil {
			delete(it.Data, k)
		} else {
			it.Data[k] = v
		}
	}
	it.UpdatedAt = store.Micros(r.Now)
	raw, err := json.Marshal(it.Data)
	if err != nil {
		return nil, err
	}
	err = r.Write(func(tx *store.Tx) error {
		_, err := tx.Exec(`UPDATE ca_list_items SET data = ?, updated_at = ? WHERE id = ?`, string(raw), it.UpdatedAt, it.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "data", Value: it.JSON(s)}}, nil
}

func (p *Platform) deleteListItem(r *platform.Request) (any, error) {
	it, _, err := p.itemByID(r, r.Input.String("item_id"))
	if err != nil {
		return nil, err
	}
	err = r.Write(func(tx *store.Tx) error {
		_, err := tx.Exec(`DELETE FROM ca_list_items WHERE id = ?`, it.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return success, nil
}
