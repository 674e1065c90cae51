package salebot

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// Documented limits.
const (
	maxClientsPage = 500
)

// loadClients finds or creates each {platform_id, group_id, client_type}
// and answers them with their id, echoing the input's types (observed). A
// WhatsApp number is answered with @s.whatsapp.net (inferred); an item with
// an unknown messenger or group gets status "fail" and id null (inferred).
func (p *Platform) loadClients(r *platform.Request) (any, error) {
	pr := projectOf(r)
	list, _ := r.Input["clients"].([]any)
	items := make([]any, 0, len(list))
	err := p.write(r, func(tx *store.Tx) error {
		for _, raw := range list {
			item, err := p.loadClient(tx, pr, raw, r)
			if err != nil {
				return err
			}
			items = append(items, item)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "status", Value: "success"}, {Key: "items", Value: items}}, nil
}

func (p *Platform) loadClient(tx *store.Tx, pr *project, raw any, r *platform.Request) (jsonx.Object, error) {
	m, _ := raw.(map[string]any)
	platformIDEcho := m["platform_id"]
	answer := func(status string, id any) jsonx.Object {
		return jsonx.Object{
			{Key: "platform_id", Value: platformIDEcho}, {Key: "group_id", Value: m["group_id"]}, {Key: "client_type", Value: m["client_type"]},
			{Key: "status", Value: status}, {Key: "id", Value: id},
		}
	}
	ct64, ok := platform.Integer(m["client_type"])
	ct := int(ct64)
	if _, known := clientTypes[ct]; !ok || !known {
		return answer("fail", nil), nil
	}
	platformID := platformIDFor(ct, platform.Text(m["platform_id"]))
	if platformID == "" {
		return answer("fail", nil), nil
	}
	group := platform.Text(m["group_id"])
	if ct != typeTelephony {
		ch, found, err := channelFor(tx, pr.TenantID, ct, group)
		if err != nil {
			return nil, err
		} else if !found {
			return answer("fail", nil), nil
		}
		group = ch.Group
	}
	c, _, err := findOrCreate(tx, pr, newClient{PlatformID: platformID, ClientType: ct, Group: group, CreatedAt: r.Now})
	if err != nil {
		return nil, err
	}
	if ct == typeWhatsApp {
		platformIDEcho = platformID
	}
	return answer("success", c.ID), nil
}

// listExists checks a list of the project.
func listExists(q db, tenantID string, id int64) error {
	var one int
	err := q.QueryRow(`SELECT 1 FROM sb_lists WHERE tenant_id = ? AND id = ?`, tenantID, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return errListNotFound
	}
	return err
}

func (p *Platform) addToList(r *platform.Request) (any, error) {
	return p.changeList(r, func(tx *store.Tx, listID, clientID int64) error {
		_, err := tx.Exec(`INSERT OR IGNORE INTO sb_list_members (tenant_id, list_id, client_id, added_at)
			SELECT tenant_id, ?, id, ? FROM sb_clients WHERE tenant_id = ? AND id = ?`, listID, store.Micros(r.Now), r.TenantID(), clientID)
		return err
	})
}

func (p *Platform) removeFromList(r *platform.Request) (any, error) {
	return p.changeList(r, func(tx *store.Tx, listID, clientID int64) error {
		_, err := tx.Exec(`DELETE FROM sb_list_members WHERE tenant_id = ? AND list_id = ? AND client_id = ?`, r.TenantID(), listID, clientID)
		return err
	})
}

// changeList applies change to every client of the request; unknown
// clients are skipped (inferred).
func (p *Platform) changeList(r *platform.Request, change func(tx *store.Tx, listID, clientID int64) error) (any, error) {
	listID, _ := r.Input.Int("list_id")
	err := p.write(r, func(tx *store.Tx) error {
		if err := listExists(tx, r.TenantID(), listID); err != nil {
			return err
		}
		for _, id := range idList(r.Input["clients"]) {
			if err := change(tx, listID, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return success, nil
}

// getClients pages the project's clients, newest first (reverse: oldest
// first, without list only), at most 500 at a time.
func (p *Platform) getClients(r *platform.Request) (any, error) {
	in, pr, q := r.Input, projectOf(r), p.read(r)
	offset, _ := in.Int("offset")
	limit, ok := in.Int("limit")
	if !ok || limit <= 0 || limit > maxClientsPage {
		limit = maxClientsPage
	}
	var page string
	var err error
	if in.Present("list") {
		listID, _ := in.Int("list")
		if err := listExists(q, pr.TenantID, listID); err != nil {
			return nil, err
		}
		err = q.QueryRow(clientPage(`FROM sb_clients c JOIN sb_list_members m ON m.tenant_id = c.tenant_id AND m.client_id = c.id
			WHERE c.tenant_id = ? AND m.list_id = ? ORDER BY c.created_at DESC, c.id DESC`),
			pr.ID, pr.TenantID, listID, limit, max(offset, 0)).Scan(&page)
	} else {
		order := "c.created_at DESC, c.id DESC"
		if optBool(in, "reverse", false) {
			order = "c.created_at, c.id"
		}
		err = q.QueryRow(clientPage(`FROM sb_clients c WHERE c.tenant_id = ? ORDER BY `+order), pr.ID, pr.TenantID, limit, max(offset, 0)).Scan(&page)
	}
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "status", Value: "success"}, {Key: "clients", Value: jsonx.FromSQLite([]byte(page))}}, nil
}

// clientPage is the statement that renders a page of clients (the rows of
// from, which selects sb_clients as c and orders them, after LIMIT and
// OFFSET) as a JSON array in SQLite, each client as clientObject shows it;
// its first parameter is the project id. One row and one column cross into
// Go instead of every column of every client, which is most of what a page
// costs in the pure-Go SQLite. The rows are concatenated in the order the
// subquery yields them: with a LIMIT SQLite runs it as a co-routine in its
// ORDER BY, which the tests of the order pin.
func clientPage(from string) string {
	return `SELECT '[' || COALESCE(group_concat(o, ','), '') || ']' FROM (SELECT json_object(
		'id', c.id, 'platform_id', c.platform_id, 'client_type', c.client_type, 'name', c.name, 'avatar', c.avatar,
		'message_id', c.message_id, 'project_id', ?, 'created_at', c.created_at / 1000000, 'updated_at', c.updated_at / 1000000,
		'custom_answer', c.custom_answer, 'tag', c.tag, 'group', c.group_id, 'operator_start_dialog', c.operator_start_dialog) AS o
		` + from + ` LIMIT ? OFFSET ?)`
}

// deleteClients removes clients with all they own; unknown ids are skipped.
func (p *Platform) deleteClients(r *platform.Request) (any, error) {
	err := p.write(r, func(tx *store.Tx) error {
		for _, id := range idList(r.Input["client_ids"]) {
			if _, err := tx.Exec(`DELETE FROM sb_clients WHERE tenant_id = ? AND id = ?`, r.TenantID(), id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return success, nil
}

// assignToUser gives the client to the manager with the e-mail or, without
// one, to the manager with the fewest clients (inferred "system" choice).
func (p *Platform) assignToUser(r *platform.Request) (any, error) {
	err := p.write(r, func(tx *store.Tx) error {
		c, err := p.requestClient(tx, r)
		if err != nil {
			return err
		}
		var managerID int64
		if email := strings.TrimSpace(r.Input.String("email")); email != "" {
			err = tx.QueryRow(`SELECT id FROM sb_managers WHERE tenant_id = ? AND lower(email) = lower(?)`, r.TenantID(), email).Scan(&managerID)
		} else {
			err = tx.QueryRow(`SELECT m.id FROM sb_managers m LEFT JOIN sb_clients c ON c.tenant_id = m.tenant_id AND c.manager_id = m.id
				WHERE m.tenant_id = ? GROUP BY m.id ORDER BY COUNT(c.id), m.id LIMIT 1`, r.TenantID()).Scan(&managerID)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return errUserNotFound
		} else if err != nil {
			return err
		}
		_, err = tx.Exec(`UPDATE sb_clients SET manager_id = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
			managerID, store.Micros(r.Now), r.TenantID(), c.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return success, nil
}

// findClientIDByPlatformID answers the top-level array of matching clients
// with their variables ([] for none, inferred).
func (p *Platform) findClientIDByPlatformID(r *platform.Request) (any, error) {
	q := p.read(r)
	found, err := clientsByPlatformIDs(q, r.TenantID(), r.Input["platform_ids"].([]any), r.Input.String("group_id"))
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, c := range found {
		vars, err := loadVars(q, clientVars, r.TenantID(), c.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, jsonx.Object{
			{Key: "id", Value: c.ID}, {Key: "tag", Value: nullString(c.Tag)}, {Key: "created_at", Value: unix(c.CreatedAt)},
			{Key: "name", Value: nullString(c.Name)}, {Key: "avatar", Value: nullString(c.Avatar)},
			{Key: "platform_id", Value: c.PlatformID}, {Key: "group", Value: c.Group}, {Key: "variables", Value: vars},
		})
	}
	return out, nil
}

// onlineChatClientID finds the website-chat client of the dialog, creating
// it (with tag and name) when absent (inferred).
func (p *Platform) onlineChatClientID(r *platform.Request) (any, error) {
	pr := projectOf(r)
	recipient := strings.TrimSpace(r.Input.String("recipient"))
	if recipient == "" {
		return nil, errFormat
	}
	var c client
	err := p.write(r, func(tx *store.Tx) error {
		ch, _, err := channelFor(tx, pr.TenantID, typeOnlineChat, "")
		if err != nil {
			return err
		}
		c, _, err = findOrCreate(tx, pr, newClient{
			PlatformID: recipient, ClientType: typeOnlineChat, Group: ch.Group,
			Name: r.Input.String("name"), Tag: r.Input.String("tag"), CreatedAt: r.Now,
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "client_id", Value: c.ID}}, nil
}
