package cleverapp

import (
	"net/http"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// The brand's state as read-only tables (the dashboard shows them): its
// bots with the variables and tags declared on each, and its lists with
// their fields and sizes. Each answers {"data": [...]}, oldest first.

// ctlBots lists the bots with their variable and tag names and how many
// contacts each has.
func (p *Platform) ctlBots(c *platform.ControlRequest) (int, any, error) {
	ctx := c.HTTP.Context()
	rows, err := p.store().Query(ctx, `SELECT b.id, b.name, b.messenger, b.created_at,
		(SELECT COUNT(*) FROM ca_contacts k WHERE k.bot_id = b.id)
		FROM ca_bots b WHERE b.tenant_id = ? AND b.brand = ? ORDER BY b.id`, c.TenantID, p.brand.Name)
	if err != nil {
		return 0, nil, err
	}
	type bot struct {
		id, created, contacts int64
		name, messenger       string
	}
	var bots []bot
	for rows.Next() {
		var b bot
		if err := rows.Scan(&b.id, &b.name, &b.messenger, &b.created, &b.contacts); err != nil {
			rows.Close()
			return 0, nil, err
		}
		bots = append(bots, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	r := asRequest(c)
	out := make([]jsonx.Object, len(bots))
	for i, b := range bots {
		vars, err := p.names(r, `SELECT name FROM ca_variables WHERE bot_id = ? ORDER BY id`, b.id)
		if err != nil {
			return 0, nil, err
		}
		tags, err := p.names(r, `SELECT name FROM ca_tags WHERE bot_id = ? ORDER BY id`, b.id)
		if err != nil {
			return 0, nil, err
		}
		out[i] = jsonx.Object{
			{Key: "id", Value: b.id}, {Key: "name", Value: b.name}, {Key: "messenger", Value: b.messenger},
			{Key: "contacts", Value: b.contacts}, {Key: "variables", Value: vars}, {Key: "tags", Value: tags},
			{Key: "created_at", Value: store.FromMicros(b.created)},
		}
	}
	return http.StatusOK, map[string]any{"data": out}, nil
}

// ctlLists lists the list schemas as getListSchemas shows them, each with
// its bot and how many items it holds.
func (p *Platform) ctlLists(c *platform.ControlRequest) (int, any, error) {
	rows, err := p.store().Query(c.HTTP.Context(), `SELECT `+schemaColumns+`,
		(SELECT COUNT(*) FROM ca_list_items i WHERE i.schema_id = ca_list_schemas.id)
		FROM ca_list_schemas WHERE tenant_id = ? AND brand = ? ORDER BY created_at, id`, c.TenantID, p.brand.Name)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	out := []jsonx.Object{}
	for rows.Next() {
		var items int64
		s, err := scanSchema(scanWith{rows, []any{&items}})
		if err != nil {
			return 0, nil, err
		}
		var bot any // null: a list of no bot
		if s.BotID.Valid {
			bot = s.BotID.Int64
		}
		out = append(out, append(s.JSON(), jsonx.Field{Key: "bot_id", Value: bot}, jsonx.Field{Key: "items", Value: items}))
	}
	return http.StatusOK, map[string]any{"data": out}, rows.Err()
}

// scanWith scans a row's leading columns with scan and the extra ones
// after them into extra.
type scanWith struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (s scanWith) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra...)...) }
