package salebot

import (
	"errors"
	"net/http"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// inboundRequest is a simulated end user writing to the bot: an existing
// client (client_id), or one found or created by platform_id in a messenger.
type inboundRequest struct {
	ClientID    int64        `json:"client_id"`
	PlatformID  string       `json:"platform_id"`
	Type        string       `json:"type"`        // messenger; default the first channel's
	ClientType  *int         `json:"client_type"` // or its client_type
	Group       string       `json:"group"`       // default: the messenger's first channel
	Name        string       `json:"name"`
	Text        string       `json:"text"`
	Attachments []Attachment `json:"attachments"`
}

// ctlInbound is a client writing to the bot (see receive).
func (p *Platform) ctlInbound(c *platform.ControlRequest) (int, any, error) {
	var in inboundRequest
	if err := c.Decode(&in); err != nil {
		return 0, nil, err
	}
	if in.Text == "" && len(in.Attachments) == 0 {
		return 0, nil, platform.BadControlRequest("give text or attachments")
	}
	var cl client
	entry, hooked, err := p.receive(c, historyEntry{Text: in.Text, Attachments: in.Attachments}, func(tx *store.Tx, pr *project) (client, error) {
		var err error
		cl, err = inboundClient(tx, pr, in, c)
		return cl, err
	})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, jsonx.Object{
		{Key: "client_id", Value: cl.ID},
		{Key: "message", Value: historyItem(entry)},
		{Key: "webhook", Value: hooked},
	}, nil
}

// receive is a client sending e to the bot (find says who, inside the
// transaction): the history keeps it as the client's, unanswered, and the
// project's webhook fires with is_input 1. It reports whether a webhook was
// queued.
func (p *Platform) receive(c *platform.ControlRequest, e historyEntry, find func(tx *store.Tx, pr *project) (client, error)) (historyEntry, bool, error) {
	var hook *pendingHook
	err := c.Write(func(tx *store.Tx) error {
		pr, err := loadProject(tx, c.TenantID)
		if err != nil {
			return err
		}
		cl, err := find(tx, pr)
		if err != nil {
			return err
		}
		e.ClientID, e.ClientReplica, e.FromOutside, e.Delivered, e.CreatedAt = cl.ID, true, fromOrdinary, true, c.Now
		if e.ID, err = insertMessage(tx, pr.TenantID, e); err != nil {
			return err
		}
		if err := touch(tx, pr.TenantID, cl.ID, c.Now); err != nil {
			return err
		}
		hook, err = hookFor(tx, pr, cl, e.ID, e)
		return err
	})
	if err != nil {
		return e, false, err
	}
	p.dispatch(appendHook(nil, hook))
	return e, hook != nil, nil
}

func inboundClient(tx *store.Tx, pr *project, in inboundRequest, c *platform.ControlRequest) (client, error) {
	if in.ClientID != 0 {
		cl, err := clientByID(tx, pr.TenantID, in.ClientID)
		if errors.Is(err, errClientNotFound) {
			return cl, platform.ControlNotFound("no client %d", in.ClientID)
		}
		return cl, err
	}
	if in.PlatformID == "" {
		return client{}, platform.BadControlRequest("give client_id, or platform_id (with type or client_type and group)")
	}
	ct, group, err := clientTypeFor(tx, pr.TenantID, FixtureClient{Type: in.Type, ClientType: in.ClientType, Group: in.Group, PlatformID: in.PlatformID})
	if err != nil {
		return client{}, platform.BadControlRequest("%v", err)
	}
	cl, _, err := findOrCreate(tx, pr, newClient{PlatformID: platformIDFor(ct, in.PlatformID), ClientType: ct, Group: group, Name: in.Name, CreatedAt: c.Now})
	return cl, err
}
