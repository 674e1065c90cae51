package salebot

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// defaultShift is broadcast's documented pause between recipients.
const defaultShift = 200 * time.Millisecond

// deliverTo sends the request's content to recipients, the i-th due at
// due + i·shift, and dispatches the webhooks of those delivered now.
func (p *Platform) deliverTo(r *platform.Request, recipients func(tx *store.Tx) ([]client, error), shift time.Duration) (any, error) {
	pr := projectOf(r)
	due, err := dueAt(r.Input, r.Now, pr.loc)
	if err != nil {
		return nil, err
	}
	var hooks []*pendingHook
	err = p.write(r, func(tx *store.Tx) error {
		clients, err := recipients(tx)
		if err != nil {
			return err
		}
		text, o, err := content(tx, r)
		if err != nil {
			return err
		}
		for i, c := range clients {
			h, err := p.send(tx, pr, r, c, text, o, due.Add(time.Duration(i)*shift))
			if err != nil {
				return err
			}
			hooks = appendHook(hooks, h)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.dispatch(hooks)
	return success, nil
}

// message sends to one client; an unknown one is 404 client_not_found.
func (p *Platform) message(r *platform.Request) (any, error) {
	return p.deliverTo(r, func(tx *store.Tx) ([]client, error) {
		c, err := p.requestClient(tx, r)
		return []client{c}, err
	}, 0)
}

// whatsappMessage writes from a connected WhatsApp (whatsapp_bot_id, or the
// first) to any number, creating its client the first time (inferred).
func (p *Platform) whatsappMessage(r *platform.Request) (any, error) {
	pr := projectOf(r)
	return p.deliverTo(r, func(tx *store.Tx) ([]client, error) {
		botID, _ := r.Input.Int("whatsapp_bot_id")
		ch, err := whatsAppChannel(tx, pr.TenantID, botID)
		if err != nil {
			return nil, err
		}
		id := whatsAppID(r.Input.String("phone"))
		if id == "" {
			return nil, errFormat
		}
		c, _, err := findOrCreate(tx, pr, newClient{PlatformID: id, ClientType: typeWhatsApp, Group: ch.Group, CreatedAt: r.Now})
		return []client{c}, err
	}, 0)
}

// broadcast sends to a list, to client ids, or to platform ids of one bot
// (validation makes them exclusive), shift seconds apart (default 0.2).
// Unknown recipients are skipped (inferred).
func (p *Platform) broadcast(r *platform.Request) (any, error) {
	in := r.Input
	shift := defaultShift
	if s, ok := in.Float("shift"); ok && in.Present("shift") {
		shift = time.Duration(s * float64(time.Second))
	}
	return p.deliverTo(r, func(tx *store.Tx) ([]client, error) {
		switch {
		case in.Present("list"):
			id, _ := in.Int("list")
			if err := listExists(tx, r.TenantID(), id); err != nil {
				return nil, err
			}
			return scanClients(tx.Query(`SELECT `+clientColumnsC+` FROM sb_clients c
				JOIN sb_list_members m ON m.tenant_id = c.tenant_id AND m.client_id = c.id
				WHERE c.tenant_id = ? AND m.list_id = ? ORDER BY c.id`, r.TenantID(), id))
		case in.Present("clients"):
			return clientsByIDs(tx, r.TenantID(), idList(in["clients"]))
		}
		return clientsByPlatformIDs(tx, r.TenantID(), in["platform_ids"].([]any), in.String("group_id"))
	}, shift)
}

// clientsByIDs keeps the known clients, in the given order, once each.
func clientsByIDs(q db, tenantID string, ids []int64) ([]client, error) {
	var out []client
	for _, id := range ids {
		c, err := clientByID(q, tenantID, id)
		if errors.Is(err, errClientNotFound) || slices.ContainsFunc(out, func(x client) bool { return x.ID == id }) {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// clientsByPlatformIDs finds the clients of a bot (group "" for any) by
// messenger id, WhatsApp numbers with or without their suffix.
func clientsByPlatformIDs(q db, tenantID string, platformIDs []any, group string) ([]client, error) {
	var out []client
	for _, raw := range platformIDs {
		text := strings.TrimSpace(platform.Text(raw))
		found, err := scanClients(q.Query(`SELECT `+clientColumns+` FROM sb_clients
			WHERE tenant_id = ? AND platform_id IN (?, ?) AND (? = '' OR group_id = ?) ORDER BY id`,
			tenantID, text, whatsAppID(text), group, group))
		if err != nil {
			return nil, err
		}
		for _, c := range found {
			if !slices.ContainsFunc(out, func(x client) bool { return x.ID == c.ID }) {
				out = append(out, c)
			}
		}
	}
	return out, nil
}
