package salebot

import (
	"errors"
	"slices"
	"strings"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
)

// clientByPhone is the oldest client with the number: a WhatsApp or
// telephony client, or a client whose phone variable has the same digits.
func clientByPhone(q db, tenantID, phone string) (client, error) {
	var best int64
	if c, err := scanClient(q.QueryRow(`SELECT `+clientColumns+` FROM sb_clients
		WHERE tenant_id = ? AND ((client_type = ? AND platform_id = ?) OR (client_type = ? AND platform_id = ?)) ORDER BY id LIMIT 1`,
		tenantID, typeWhatsApp, phone+whatsAppSuffix, typeTelephony, phone)); err == nil {
		best = c.ID
	}
	ids, err := varMatches(q, tenantID, "phone", func(text string) bool { return digits(text) == phone })
	if err != nil {
		return client{}, err
	}
	if len(ids) > 0 && (best == 0 || ids[0] < best) {
		best = ids[0]
	}
	return clientByID(q, tenantID, best)
}

// clientByEmail is the oldest client with the address, as an e-mail client
// or in its email variable; case does not matter.
func clientByEmail(q db, tenantID, email string) (client, error) {
	var best int64
	if c, err := clientByPlatformID(q, tenantID, email, typeEmail, ""); err == nil {
		best = c.ID
	}
	ids, err := varMatches(q, tenantID, "email", func(text string) bool { return strings.EqualFold(strings.TrimSpace(text), email) })
	if err != nil {
		return client{}, err
	}
	if len(ids) > 0 && (best == 0 || ids[0] < best) {
		best = ids[0]
	}
	return clientByID(q, tenantID, best)
}

// varMatches lists, ascending, the clients whose client variable name
// satisfies match.
func varMatches(q db, tenantID, name string, match func(text string) bool) ([]int64, error) {
	rows, err := q.Query(`SELECT client_id, text FROM sb_client_vars WHERE tenant_id = ? AND name = ? ORDER BY client_id`, tenantID, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return nil, err
		}
		if match(text) {
			ids = append(ids, id)
		}
	}
	return ids, rows.Err()
}

func foundClient(c client, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "status", Value: "success"}, {Key: "client_id", Value: c.ID}}, nil
}

func foundClients(ids []int64) jsonx.Object {
	if ids == nil {
		ids = []int64{}
	}
	return jsonx.Object{{Key: "status", Value: "success"}, {Key: "client_ids", Value: ids}}
}

func (p *Platform) findClientIDByPhone(r *platform.Request) (any, error) {
	phone := digits(r.Input.String("phone"))
	if phone == "" {
		return nil, errFormat
	}
	return foundClient(clientByPhone(p.read(r), r.TenantID(), phone))
}

func (p *Platform) findClientIDByEmail(r *platform.Request) (any, error) {
	email := strings.ToLower(strings.TrimSpace(r.Input.String("email")))
	return foundClient(clientByEmail(p.read(r), r.TenantID(), email))
}

// whatsappClientID answers {"client_id": N}, or 404 as documented.
func (p *Platform) whatsappClientID(r *platform.Request) (any, error) {
	id := whatsAppID(r.Input.String("phone"))
	c, err := clientByPlatformID(p.read(r), r.TenantID(), id, typeWhatsApp, r.Input.String("group_id"))
	if errors.Is(err, errClientNotFound) || id == "" {
		return nil, errWhatsAppClientNotFound
	} else if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "client_id", Value: c.ID}}, nil
}

// varSearch is what the find_*_by_var actions search: client variables or,
// with search_in=order, deal variables; group_id narrows to one bot.
type varSearch struct {
	name, value string
	inOrders    bool
	group       string
}

func searchOf(in platform.Input) varSearch {
	return varSearch{name: in.String("var"), value: in.String("val"), inOrders: in.String("search_in") == "order", group: in.String("group_id")}
}

// matchingClients lists the clients (ascending id, or newest first) whose
// variable has the value.
func matchingClients(q db, tenantID string, s varSearch, newestFirst bool) ([]int64, error) {
	join := `JOIN sb_client_vars v ON v.tenant_id = c.tenant_id AND v.client_id = c.id`
	if s.inOrders {
		join = `JOIN sb_orders o ON o.tenant_id = c.tenant_id AND o.client_id = c.id
			JOIN sb_order_vars v ON v.tenant_id = o.tenant_id AND v.order_id = o.id`
	}
	order := "c.id"
	if newestFirst {
		order = "c.created_at DESC, c.id DESC"
	}
	rows, err := q.Query(`SELECT DISTINCT c.id, c.created_at FROM sb_clients c `+join+`
		WHERE c.tenant_id = ? AND v.name = ? AND v.text = ? AND (? = '' OR c.group_id = ?) ORDER BY `+order,
		tenantID, s.name, s.value, s.group, s.group)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id, created int64
		if err := rows.Scan(&id, &created); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (p *Platform) findClientIDByVar(r *platform.Request) (any, error) {
	ids, err := matchingClients(p.read(r), r.TenantID(), searchOf(r.Input), false)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, errClientNotFound
	}
	return foundClient(client{ID: ids[0]}, nil)
}

// findLatestClientIDByVar searches client and deal variables for the most
// recently created client.
func (p *Platform) findLatestClientIDByVar(r *platform.Request) (any, error) {
	q, s := p.read(r), searchOf(r.Input)
	var latest client
	for _, inOrders := range []bool{false, true} {
		s.inOrders = inOrders
		ids, err := matchingClients(q, r.TenantID(), s, true)
		if err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			continue
		}
		c, err := clientByID(q, r.TenantID(), ids[0])
		if err != nil {
			return nil, err
		}
		if latest.ID == 0 || c.CreatedAt > latest.CreatedAt || (c.CreatedAt == latest.CreatedAt && c.ID > latest.ID) {
			latest = c
		}
	}
	if latest.ID == 0 {
		return nil, errClientNotFound
	}
	return foundClient(latest, nil)
}

func (p *Platform) findAllClientIDByVar(r *platform.Request) (any, error) {
	ids, err := matchingClients(p.read(r), r.TenantID(), searchOf(r.Input), false)
	if err != nil {
		return nil, err
	}
	return foundClients(ids), nil
}

// findAllClientIDBySeveralVars takes every parameter as name=value (up to
// three, checked by the schema); a client must hold them all.
func (p *Platform) findAllClientIDBySeveralVars(r *platform.Request) (any, error) {
	q := p.read(r)
	var result []int64
	for i, name := range sortedKeys(r.Input) {
		ids, err := matchingClients(q, r.TenantID(), varSearch{name: name, value: r.Input.String(name)}, false)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			result = ids
			continue
		}
		result = slices.DeleteFunc(result, func(id int64) bool { return !slices.Contains(ids, id) })
	}
	return foundClients(result), nil
}
