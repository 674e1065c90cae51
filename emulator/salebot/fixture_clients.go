package salebot

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// FixtureClient is a client of the fixture with what it owns. Times are
// unix seconds (default: the tenant's creation).
type FixtureClient struct {
	ID         int64            `json:"id"`
	Type       string           `json:"type"`        // messenger, as connected_channels names it
	ClientType *int             `json:"client_type"` // or its client_type; default the first channel's
	Group      string           `json:"group"`       // default: the first channel of the messenger
	PlatformID any              `json:"platform_id"`
	Name       string           `json:"name"`
	Avatar     string           `json:"avatar"`
	Tag        string           `json:"tag"`
	MessageID  *int64           `json:"message_id"` // the block the client is at
	CreatedAt  int64            `json:"created_at"`
	Variables  map[string]any   `json:"variables"`
	Lists      []int64          `json:"lists"`
	Manager    string           `json:"manager"` // a manager's e-mail
	Orders     []FixtureOrder   `json:"orders"`
	History    []FixtureMessage `json:"history"`
}

type FixtureOrder struct {
	ID          int64          `json:"id"`
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Budget      *float64       `json:"budget"`
	StateID     int64          `json:"state_id"` // default: the funnel's first state
	Status      *int           `json:"status"`   // default: the state's outcome
	Variables   map[string]any `json:"variables"`
	CreatedAt   int64          `json:"created_at"`
}

type FixtureMessage struct {
	ID            int64        `json:"id"`
	Text          string       `json:"text"`
	ClientReplica bool         `json:"client_replica"`
	MessageID     *int64       `json:"message_id"`
	FromOutside   int          `json:"message_from_outside"`
	Answered      *bool        `json:"answered"`  // default: true for the bot's messages
	Delivered     *bool        `json:"delivered"` // default true
	ErrorMessage  *string      `json:"error_message"`
	ManagerID     *int64       `json:"manager_id"`
	ManagerEmail  *string      `json:"manager_email"`
	Attachments   []Attachment `json:"attachments"`
	CreatedAt     int64        `json:"created_at"`
}

func fixtureTime(unixSeconds int64, def time.Time) time.Time {
	if unixSeconds <= 0 {
		return def
	}
	return time.Unix(unixSeconds, 0).UTC()
}

// clientTypeFor resolves a fixture client's messenger and bot.
func clientTypeFor(tx *store.Tx, tenantID string, fc FixtureClient) (int, string, error) {
	ct := -1
	switch {
	case fc.ClientType != nil:
		ct = *fc.ClientType
	case fc.Type != "":
		t, ok := clientTypeOf(fc.Type)
		if !ok {
			return 0, "", fmt.Errorf("client %v: unknown type %q", fc.PlatformID, fc.Type)
		}
		ct = t
	default:
		if err := tx.QueryRow(`SELECT client_type FROM sb_channels WHERE tenant_id = ? ORDER BY id LIMIT 1`, tenantID).Scan(&ct); err != nil {
			return 0, "", err
		}
	}
	if _, ok := clientTypes[ct]; !ok {
		return 0, "", fmt.Errorf("client %v: unknown client_type %d", fc.PlatformID, ct)
	}
	group := fc.Group
	if group == "" {
		ch, _, err := channelFor(tx, tenantID, ct, "")
		if err != nil {
			return 0, "", err
		}
		group = ch.Group
	}
	return ct, group, nil
}

// provisionClient creates a fixture client with its variables, lists,
// manager, deals and history.
func provisionClient(tx *store.Tx, pr *project, fc FixtureClient, now time.Time) error {
	ct, group, err := clientTypeFor(tx, pr.TenantID, fc)
	if err != nil {
		return err
	}
	platformID := platformIDFor(ct, platform.Text(fc.PlatformID))
	if platformID == "" {
		return fmt.Errorf("client %d: platform_id is required", fc.ID)
	}
	created := fixtureTime(fc.CreatedAt, now)
	c, err := createClient(tx, pr, newClient{
		ID: fc.ID, PlatformID: platformID, ClientType: ct, Group: group, Name: fc.Name, Avatar: fc.Avatar, Tag: fc.Tag,
		Variables: fc.Variables, CreatedAt: created, NoOrder: len(fc.Orders) > 0,
	})
	if err != nil {
		return err
	}
	if _, err := tx.Exec(`UPDATE sb_clients SET message_id = ? WHERE tenant_id = ? AND id = ?`, fc.MessageID, pr.TenantID, c.ID); err != nil {
		return err
	}
	for _, list := range fc.Lists {
		if err := listExists(tx, pr.TenantID, list); err != nil {
			return fmt.Errorf("client %d: list %d is not in the fixture's lists", c.ID, list)
		}
		if _, err := tx.Exec(`INSERT OR IGNORE INTO sb_list_members (tenant_id, list_id, client_id, added_at) VALUES (?, ?, ?, ?)`,
			pr.TenantID, list, c.ID, store.Micros(created)); err != nil {
			return err
		}
	}
	if fc.Manager != "" {
		var managerID int64
		err := tx.QueryRow(`SELECT id FROM sb_managers WHERE tenant_id = ? AND email = ?`, pr.TenantID, fc.Manager).Scan(&managerID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("client %d: manager %q is not in the fixture's managers", c.ID, fc.Manager)
		} else if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE sb_clients SET manager_id = ? WHERE tenant_id = ? AND id = ?`, managerID, pr.TenantID, c.ID); err != nil {
			return err
		}
	}
	for _, fo := range fc.Orders {
		if err := provisionOrder(tx, pr.TenantID, c.ID, fo, created); err != nil {
			return err
		}
	}
	for _, fm := range fc.History {
		if _, err := insertMessage(tx, pr.TenantID, historyOf(c.ID, fm, created)); err != nil {
			return err
		}
	}
	return nil
}

func provisionOrder(tx *store.Tx, tenantID string, clientID int64, fo FixtureOrder, def time.Time) error {
	id, err := insertOrder(tx, tenantID, clientID, newOrder{
		ID: fo.ID, Name: fo.Name, Description: fo.Description, Budget: fo.Budget, StateID: fo.StateID, Status: fo.Status,
		CreatedAt: fixtureTime(fo.CreatedAt, def),
	})
	if errors.Is(err, errStateNotFound) {
		return fmt.Errorf("order %d: state %d is not in the funnel", fo.ID, fo.StateID)
	} else if err != nil {
		return err
	}
	for _, name := range sortedKeys(fo.Variables) {
		if err := setVar(tx, orderVars, tenantID, id, name, fo.Variables[name]); err != nil {
			return err
		}
	}
	return nil
}

func historyOf(clientID int64, fm FixtureMessage, def time.Time) historyEntry {
	answered := !fm.ClientReplica
	if fm.Answered != nil {
		answered = *fm.Answered
	}
	delivered := fm.Delivered == nil || *fm.Delivered
	return historyEntry{
		ID: fm.ID, ClientID: clientID, ClientReplica: fm.ClientReplica, Text: fm.Text, Attachments: fm.Attachments,
		BlockID: fm.MessageID, FromOutside: fm.FromOutside, Answered: answered, Delivered: delivered,
		ErrorMessage: fm.ErrorMessage, ManagerID: fm.ManagerID, ManagerEmail: fm.ManagerEmail,
		CreatedAt: fixtureTime(fm.CreatedAt, def),
	}
}
