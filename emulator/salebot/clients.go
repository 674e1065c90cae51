package salebot

import (
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/store"
)

// client is one row of sb_clients.
type client struct {
	ID                  int64
	PlatformID          string
	ClientType          int
	Group               string
	Name                *string
	Avatar              *string
	Tag                 *string
	MessageID           *int64
	CustomAnswer        *string
	OperatorStartDialog *int64
	ManagerID           *int64
	CreatedAt           int64
	UpdatedAt           int64
	Unsubscribed        bool // the client blocked the bot: messages to them fail
}

const clientColumns = "id, platform_id, client_type, group_id, name, avatar, tag, message_id, custom_answer, operator_start_dialog, manager_id, created_at, updated_at, unsubscribed"

type scanner interface{ Scan(dest ...any) error }

func scanClient(row scanner) (client, error) {
	var c client
	err := row.Scan(&c.ID, &c.PlatformID, &c.ClientType, &c.Group, &c.Name, &c.Avatar, &c.Tag, &c.MessageID,
		&c.CustomAnswer, &c.OperatorStartDialog, &c.ManagerID, &c.CreatedAt, &c.UpdatedAt, &c.Unsubscribed)
	return c, err
}

func scanClients(rows *sql.Rows, err error) ([]client, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []client
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// clientByID is a tenant's client, or client_not_found.
func clientByID(q db, tenantID string, id int64) (client, error) {
	c, err := scanClient(q.QueryRow(`SELECT `+clientColumns+` FROM sb_clients WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errClientNotFound
	}
	return c, err
}

// clientByPlatformID finds a client by messenger id; clientType < 0 and
// group "" match any.
func clientByPlatformID(q db, tenantID, platformID string, clientType int, group string) (client, error) {
	c, err := scanClient(q.QueryRow(`SELECT `+clientColumns+` FROM sb_clients
		WHERE tenant_id = ? AND platform_id = ? AND (? < 0 OR client_type = ?) AND (? = '' OR group_id = ?) ORDER BY id LIMIT 1`,
		tenantID, platformID, clientType, clientType, group, group))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errClientNotFound
	}
	return c, err
}

// newClient describes a client to create.
type newClient struct {
	ID         int64 // wanted id (fixtures); 0 for the next
	PlatformID string
	ClientType int
	Group      string
	Name       string
	Avatar     string
	Tag        string
	Variables  map[string]any
	CreatedAt  time.Time
	// NoOrder skips the automatic deal (create_order makes its own).
	NoOrder bool
}

// createClient inserts a client with its variables and, when the project
// gives every client a deal, its first deal.
func createClient(tx *store.Tx, pr *project, nc newClient) (client, error) {
	id, err := claimID(tx, "sb_clients", pr.TenantID, nc.ID, floorClient)
	if err != nil {
		return client{}, err
	}
	at := store.Micros(nc.CreatedAt)
	if _, err := tx.Exec(`INSERT INTO sb_clients (tenant_id, id, platform_id, client_type, group_id, name, avatar, tag, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		pr.TenantID, id, nc.PlatformID, nc.ClientType, nc.Group, nullIfEmpty(nc.Name), nullIfEmpty(nc.Avatar), nullIfEmpty(nc.Tag), at, at); err != nil {
		return client{}, err
	}
	for _, name := range sortedKeys(nc.Variables) {
		if err := setVar(tx, clientVars, pr.TenantID, id, name, nc.Variables[name]); err != nil {
			return client{}, err
		}
	}
	if pr.Settings.AutoOrder && !nc.NoOrder {
		if _, err := insertOrder(tx, pr.TenantID, id, newOrder{CreatedAt: nc.CreatedAt}); err != nil {
			return client{}, err
		}
	}
	return clientByID(tx, pr.TenantID, id)
}

// findOrCreate returns the client with the platform id in the group, or
// creates it.
func findOrCreate(tx *store.Tx, pr *project, nc newClient) (client, bool, error) {
	c, err := clientByPlatformID(tx, pr.TenantID, nc.PlatformID, nc.ClientType, nc.Group)
	if err == nil {
		return c, false, nil
	} else if !errors.Is(err, errClientNotFound) {
		return c, false, err
	}
	c, err = createClient(tx, pr, nc)
	return c, true, err
}

// touch marks a client updated.
func touch(tx *store.Tx, tenantID string, id int64, at time.Time) error {
	_, err := tx.Exec(`UPDATE sb_clients SET updated_at = ? WHERE tenant_id = ? AND id = ?`, store.Micros(at), tenantID, id)
	return err
}

// clientObject is a client as get_clients shows it (the cards of the control
// API); get_clients renders its pages with clientPage, the same in SQLite.
func clientObject(c client, projectID int64) jsonx.Object {
	return jsonx.Object{
		{Key: "id", Value: c.ID},
		{Key: "platform_id", Value: c.PlatformID},
		{Key: "client_type", Value: c.ClientType},
		{Key: "name", Value: nullString(c.Name)},
		{Key: "avatar", Value: nullString(c.Avatar)},
		{Key: "message_id", Value: nullInt(c.MessageID)},
		{Key: "project_id", Value: projectID},
		{Key: "created_at", Value: unix(c.CreatedAt)},
		{Key: "updated_at", Value: unix(c.UpdatedAt)},
		{Key: "custom_answer", Value: nullString(c.CustomAnswer)},
		{Key: "tag", Value: nullString(c.Tag)},
		{Key: "group", Value: c.Group},
		{Key: "operator_start_dialog", Value: nullInt(c.OperatorStartDialog)},
	}
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// clientColumnsC is clientColumns qualified by the alias c.
var clientColumnsC = "c." + strings.ReplaceAll(clientColumns, ", ", ", c.")
