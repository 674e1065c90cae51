package cleverapp

import (
	"database/sql"
	"encoding/json"
	"errors"
	"regexp"
	"strings"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/php"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// ListField is one field of a list schema, keyed by its slug.
type ListField struct {
	Slug          string `json:"slug"`
	Name          string `json:"name"`
	Type          string `json:"type"`
	IsRequired    bool   `json:"is_required"`
	IsHidden      bool   `json:"is_hidden"`
	IsEncryptable bool   `json:"is_encryptable"`
}

// fieldRules is the Laravel rule an item value of each field type must
// pass. string, number, bool and contact are documented; date (Unix
// seconds, as clients filter on) and bot are inferred. Contact and bot
// fields hold ids of the caller's contacts and bots.
var fieldRules = map[string]string{
	"string": "string", "number": "numeric", "bool": "boolean", "date": "integer", "contact": "integer", "bot": "integer",
}

// reservedSlugs are the keys an item shows besides its fields.
var reservedSlugs = map[string]bool{"id": true, "schema_id": true, "contact_id": true, "bot_id": true, "created_at": true, "updated_at": true}

// slugPattern is Laravel's alpha_dash: letters, digits, "-" and "_".
var slugPattern = regexp.MustCompile(`^[\pL\pM\pN_-]+$`)

// laravel-lang messages for the checks handlers make themselves.
const (
	msgAlphaDash = "Поле :attribute может содержать только буквы, цифры, дефис и нижнее подчеркивание."
	msgIn        = "Выбранное значение для :attribute ошибочно."
	msgExists    = "Выбранное значение для :attribute некорректно."
	msgUnique    = "Такое значение поля :attribute уже существует."
)

// fieldMessage is one of the messages above for field, named as Laravel
// names it ("data.in_stock" → "data.in stock").
func fieldMessage(field, message string) string {
	return strings.ReplaceAll(message, ":attribute", strings.ReplaceAll(field, "_", " "))
}

// invalidField is a 422 on field with one of the messages above.
func invalidField(field, message string) error {
	return errFieldInvalid(field, fieldMessage(field, message))
}

// checkSlug refuses a slug an item could not be keyed by.
func checkSlug(attr, slug string) error {
	switch {
	case !slugPattern.MatchString(slug):
		return invalidField(attr, msgAlphaDash)
	case reservedSlugs[slug]:
		return invalidField(attr, msgIn)
	}
	return nil
}

// fieldFromInput reads a field object that passed the spec's rules.
func fieldFromInput(slug string, v any) ListField {
	m, _ := v.(*php.Array)
	return ListField{
		Slug: slug, Name: platform.Text(m.Field("name")), Type: platform.Text(m.Field("type")),
		IsRequired: platform.Truthy(m.Field("is_required")), IsHidden: platform.Truthy(m.Field("is_hidden")), IsEncryptable: platform.Truthy(m.Field("is_encryptable")),
	}
}

// listSchema is a row of ca_list_schemas.
type listSchema struct {
	ID        string
	BotID     sql.NullInt64
	Name      string
	IsMenu    bool
	Fields    []ListField
	CreatedAt int64
	UpdatedAt int64
}

const schemaColumns = `id, bot_id, name, is_menu, fields, created_at, updated_at`

func scanSchema(row interface{ Scan(...any) error }) (listSchema, error) {
	var s listSchema
	var fields string
	if err := row.Scan(&s.ID, &s.BotID, &s.Name, &s.IsMenu, &fields, &s.CreatedAt, &s.UpdatedAt); err != nil {
		return s, err
	}
	return s, json.Unmarshal([]byte(fields), &s.Fields)
}

func (s listSchema) field(slug string) (ListField, bool) {
	for _, f := range s.Fields {
		if f.Slug == slug {
			return f, true
		}
	}
	return ListField{}, false
}

// JSON is the schema as getListSchemas documents it, fields keyed by slug.
func (s listSchema) JSON() jsonx.Object {
	fields := jsonx.Object{}
	for _, f := range s.Fields {
		fields = append(fields, jsonx.Field{Key: f.Slug, Value: jsonx.Object{
			{Key: "name", Value: f.Name},
			{Key: "type", Value: f.Type},
			{Key: "is_required", Value: f.IsRequired},
			{Key: "is_hidden", Value: f.IsHidden},
			{Key: "is_encryptable", Value: f.IsEncryptable},
		}})
	}
	return jsonx.Object{
		{Key: "id", Value: s.ID},
		{Key: "fields", Value: fields},
		{Key: "name", Value: s.Name},
		{Key: "is_menu", Value: s.IsMenu},
		{Key: "created_at", Value: laravel.Time(store.FromMicros(s.CreatedAt))},
		{Key: "updated_at", Value: laravel.Time(store.FromMicros(s.UpdatedAt))},
	}
}

// saveFields writes a schema's fields and touches it.
func saveFields(tx *store.Tx, s *listSchema, now int64) error {
	raw, err := json.Marshal(s.Fields)
	if err != nil {
		return err
	}
	s.UpdatedAt = now
	_, err = tx.Exec(`UPDATE ca_list_schemas SET fields = ?, updated_at = ? WHERE id = ?`, string(raw), now, s.ID)
	return err
}

// insertSchema stores a new schema.
func insertSchema(tx *store.Tx, tenantID, brand string, s listSchema) error {
	raw, err := json.Marshal(s.Fields)
	if err != nil {
		return err
	}
	_, err = tx.Exec(`INSERT INTO ca_list_schemas (id, tenant_id, brand, bot_id, name, is_menu, fields, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, tenantID, brand, s.BotID, s.Name, s.IsMenu, string(raw), s.CreatedAt, s.UpdatedAt)
	return err
}

// schemaByID loads one of the caller's schemas: 404 when the id exists
// nowhere, 403 when it is another tenant's.
func (p *Platform) schemaByID(r *platform.Request, id string) (listSchema, error) {
	s, err := scanSchema(p.store().QueryRow(r.Context(),
		`SELECT `+schemaColumns+` FROM ca_list_schemas WHERE id = ? AND tenant_id = ? AND brand = ?`, id, r.TenantID(), p.brand.Name))
	if errors.Is(err, sql.ErrNoRows) {
		return s, p.missing(r, "ca_list_schemas", "ListSchema", id)
	}
	return s, err
}

func (p *Platform) getListSchemas(r *platform.Request) (any, error) {
	number, ok := r.Input.Int("page")
	page := laravel.NewPage(number, ok, defaultPerPage)
	var total int
	if err := p.store().QueryRow(r.Context(), `SELECT COUNT(*) FROM ca_list_schemas WHERE tenant_id = ? AND brand = ?`,
		r.TenantID(), p.brand.Name).Scan(&total); err != nil {
		return nil, err
	}
	rows, err := p.store().Query(r.Context(), `SELECT `+schemaColumns+` FROM ca_list_schemas WHERE tenant_id = ? AND brand = ?
		ORDER BY created_at, id LIMIT ? OFFSET ?`, r.TenantID(), p.brand.Name, page.PerPage, page.Offset())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	data := []any{}
	for rows.Next() {
		s, err := scanSchema(rows)
		if err != nil {
			return nil, err
		}
		data = append(data, s.JSON())
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return laravel.Paginated(data, r.BaseURL+r.Path, page, total), nil
}

func (p *Platform) getListSchema(r *platform.Request) (any, error) {
	s, err := p.schemaByID(r, r.Input.String("schema_id"))
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "data", Value: s.JSON()}}, nil
}

// createListSchema creates a schema from fields keyed by slug, in the
// order the client sent them.
func (p *Platform) createListSchema(r *platform.Request) (any, error) {
	in := r.Input
	s := listSchema{Name: in.String("name"), IsMenu: platform.Truthy(in["is_menu"]), CreatedAt: store.Micros(r.Now), UpdatedAt: store.Micros(r.Now)}
	if botID, ok := in.Int("bot_id"); ok {
		if err := p.ownBot(r, botID); err != nil {
			return nil, err
		}
		s.BotID = sql.NullInt64{Int64: botID, Valid: true}
	}
	fields, _ := in["fields"].(*php.Array)
	for i := 0; i < fields.Len(); i++ {
		slug, _ := fields.Key(i)
		if err := checkSlug("fields."+slug, slug); err != nil {
			return nil, err
		}
		s.Fields = append(s.Fields, fieldFromInput(slug, fields.Value(i)))
	}
	err := r.Write(func(tx *store.Tx) error {
		var err error
		if s.ID, err = p.newObjectID(tx, r.TenantID(), r.Now); err != nil {
			return err
		}
		return insertSchema(tx, r.TenantID(), p.brand.Name, s)
	})
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "data", Value: s.JSON()}}, nil
}

func (p *Platform) addListSchemaField(r *platform.Request) (any, error) {
	s, err := p.schemaByID(r, r.Input.String("schema_id"))
	if err != nil {
		return nil, err
	}
	raw, _ := r.Input["field"].(*php.Array)
	slug := platform.Text(raw.Field("slug"))
	if err := checkSlug("field.slug", slug); err != nil {
		return nil, err
	}
	if _, taken := s.field(slug); taken {
		return nil, invalidField("field.slug", msgUnique)
	}
	s.Fields = append(s.Fields, fieldFromInput(slug, raw))
	if err := r.Write(func(tx *store.Tx) error { return saveFields(tx, &s, store.Micros(r.Now)) }); err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "data", Value: s.JSON()}}, nil
}

// deleteListSchemaField removes a field and its values from every item.
func (p *Platform) deleteListSchemaField(r *platform.Request) (any, error) {
	s, err := p.schemaByID(r, r.Input.String("schema_id"))
	if err != nil {
		return nil, err
	}
	slug := r.Input.String("slug")
	if _, ok := s.field(slug); !ok {
		return nil, invalidField("slug", msgExists)
	}
	kept := s.Fields[:0:0]
	for _, f := range s.Fields {
		if f.Slug != slug {
			kept = append(kept, f)
		}
	}
	s.Fields = kept
	err = r.Write(func(tx *store.Tx) error {
		if err := saveFields(tx, &s, store.Micros(r.Now)); err != nil {
			return err
		}
		path, _ := json.Marshal(slug)
		_, err := tx.Exec(`UPDATE ca_list_items SET data = json_remove(data, '$.' || ?) WHERE schema_id = ?`, string(path), s.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return success, nil
}

func (p *Platform) deleteListSchema(r *platform.Request) (any, error) {
	s, err := p.schemaByID(r, r.Input.String("schema_id"))
	if err != nil {
		return nil, err
	}
	err = r.Write(func(tx *store.Tx) error {
		_, err := tx.Exec(`DELETE FROM ca_list_schemas WHERE id = ?`, s.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return success, nil
}
