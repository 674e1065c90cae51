package salebot

import (
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"sort"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
)

// channel is a messenger connected to the project.
type channel struct {
	ID         int64
	Kind       string
	ClientType int
	Group      string // text form
	GroupJSON  json.RawMessage
	Name       string
	Enabled    bool
	Status     *int64
}

const channelColumns = `id, kind, client_type, group_id, group_json, name, enabled, status`

func scanChannel(row scanner) (channel, error) {
	var c channel
	var group string
	err := row.Scan(&c.ID, &c.Kind, &c.ClientType, &c.Group, &group, &c.Name, &c.Enabled, &c.Status)
	c.GroupJSON = json.RawMessage(group)
	return c, err
}

func channelsOf(q db, tenantID string) ([]channel, error) {
	rows, err := q.Query(`SELECT `+channelColumns+` FROM sb_channels WHERE tenant_id = ? ORDER BY id`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []channel
	for rows.Next() {
		c, err := scanChannel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// channelFor is the project's channel of a messenger (clientType < 0 for
// any) with the group ("" for its first), reporting whether there is one.
func channelFor(q db, tenantID string, clientType int, group string) (channel, bool, error) {
	c, err := scanChannel(q.QueryRow(`SELECT `+channelColumns+` FROM sb_channels
		WHERE tenant_id = ? AND (? < 0 OR client_type = ?) AND (? = '' OR group_id = ?) ORDER BY id LIMIT 1`, tenantID, clientType, clientType, group, group))
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	return c, err == nil, err
}

// whatsAppChannel is the WhatsApp channel with id botID (0 for the first),
// or errNoWhatsApp.
func whatsAppChannel(q db, tenantID string, botID int64) (channel, error) {
	c, err := scanChannel(q.QueryRow(`SELECT `+channelColumns+` FROM sb_channels
		WHERE tenant_id = ? AND client_type = ? AND (? = 0 OR id = ?) ORDER BY id LIMIT 1`, tenantID, typeWhatsApp, botID, botID))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errNoWhatsApp
	}
	return c, err
}

// documentedKinds are connected_channels' keys in the documented order;
// other messengers follow when connected.
var documentedKinds = []string{"viber", "facebook", "telegram", "whatsapp", "avito", "ok", "vkontakte"}

func (p *Platform) connectedChannels(r *platform.Request) (any, error) {
	pr := projectOf(r)
	chans, err := channelsOf(p.read(r), pr.TenantID)
	if err != nil {
		return nil, err
	}
	byKind := map[string][]any{}
	for _, c := range chans {
		byKind[c.Kind] = append(byKind[c.Kind], channelObject(c))
	}
	out := jsonx.Object{{Key: "project_id", Value: pr.ID}}
	for _, kind := range documentedKinds {
		list := byKind[kind]
		if list == nil {
			list = []any{}
		}
		out = append(out, jsonx.Field{Key: kind, Value: list})
	}
	var extra []string
	for kind := range byKind {
		if !slices.Contains(documentedKinds, kind) {
			extra = append(extra, kind)
		}
	}
	sort.Strings(extra)
	for _, kind := range extra {
		out = append(out, jsonx.Field{Key: kind, Value: byKind[kind]})
	}
	return out, nil
}

// channelObject shows a channel with its messenger's documented fields
// (viber, telegram, vkontakte); whatsapp adds the documented status; the
// others' fields are inferred.
func channelObject(c channel) jsonx.Object {
	id := jsonx.Field{Key: "id", Value: c.ID}
	group := jsonx.Field{Key: "group_id", Value: c.GroupJSON}
	switch c.Kind {
	case "vkontakte":
		return jsonx.Object{id, {Key: "group", Value: c.Group}, group}
	case "viber":
		return jsonx.Object{id, {Key: "uri", Value: c.Name}, {Key: "name", Value: c.Name}, {Key: "enabled", Value: c.Enabled}, group}
	case "telegram":
		return jsonx.Object{id, {Key: "short_name", Value: c.Name}, {Key: "name", Value: c.Name}, {Key: "enabled", Value: c.Enabled}, group}
	}
	out := jsonx.Object{id, {Key: "name", Value: c.Name}, {Key: "enabled", Value: c.Enabled}, group}
	if c.Kind == "whatsapp" {
		status := int64(1)
		if c.Status != nil {
			status = *c.Status
		}
		out = append(out, jsonx.Field{Key: "status", Value: status})
	}
	return out
}

// checkWhatsApp needs a WhatsApp channel; a number of 10 to 15 digits has
// WhatsApp unless the project's no_whatsapp lists it (inferred).
func (p *Platform) checkWhatsApp(r *platform.Request) (any, error) {
	pr := projectOf(r)
	if _, err := whatsAppChannel(p.read(r), pr.TenantID, 0); err != nil {
		return nil, err
	}
	phone := digits(r.Input.String("phone"))
	has := len(phone) >= 10 && len(phone) <= 15 && !slices.ContainsFunc(pr.Settings.NoWhatsApp, func(n string) bool { return digits(n) == phone })
	return jsonx.Object{{Key: "status", Value: "success"}, {Key: "result", Value: has}}, nil
}

// getMessages lists the bot scheme's blocks (from the fixture).
func (p *Platform) getMessages(r *platform.Request) (any, error) {
	rows, err := p.read(r).Query(`SELECT id, condition, answer, message_type, description FROM sb_blocks WHERE tenant_id = ? ORDER BY id`, r.TenantID())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	blocks := []any{}
	for rows.Next() {
		var id int64
		var cond, answer, desc string
		var kind int
		if err := rows.Scan(&id, &cond, &answer, &kind, &desc); err != nil {
			return nil, err
		}
		blocks = append(blocks, jsonx.Object{
			{Key: "id", Value: id}, {Key: "condition", Value: cond}, {Key: "answer", Value: answer},
			{Key: "message_type", Value: kind}, {Key: "description", Value: desc},
		})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "status", Value: "success"}, {Key: "messages", Value: blocks}}, nil
}

// blockAnswer is the text of a bot block, "" for an unknown block (sent with
// an empty text, inferred).
func blockAnswer(q db, tenantID string, id int64) (string, error) {
	var answer string
	err := q.QueryRow(`SELECT answer FROM sb_blocks WHERE tenant_id = ? AND id = ?`, tenantID, id).Scan(&answer)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return answer, err
}
