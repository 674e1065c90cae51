package salebot

import (
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// The project's state as read-only tables (the dashboard shows them): every
// deal with its state, the funnel's states, the lists and the connected
// channels. Each answers {"data": [...]}, oldest first.

// maxStateRows bounds a table's answer.
const maxStateRows = 1000

// ctlDeals lists the deals (at most 1000), each with its client, its state
// and its variables, and the funnel's states in order.
func (p *Platform) ctlDeals(c *platform.ControlRequest) (int, any, error) {
	q := reader{c.HTTP.Context(), c.Env.Store}
	states, err := stateRows(q, c.TenantID)
	if err != nil {
		return 0, nil, err
	}
	vars, err := allVars(q, orderVars, c.TenantID)
	if err != nil {
		return 0, nil, err
	}
	rows, err := q.Query(`SELECT o.id, o.client_id, COALESCE(c.name, ''), o.name, o.description, o.budget, o.state_id, COALESCE(s.name, ''), o.status, o.created_at, o.updated_at
		FROM sb_orders o JOIN sb_clients c ON c.tenant_id = o.tenant_id AND c.id = o.client_id
		LEFT JOIN sb_states s ON s.tenant_id = o.tenant_id AND s.id = o.state_id
		WHERE o.tenant_id = ? ORDER BY o.id LIMIT ?`, c.TenantID, maxStateRows)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	deals := []jsonx.Object{}
	for rows.Next() {
		var id, clientID, created, updated int64
		var clientName, name, desc, state string
		var budget *float64
		var stateID *int64
		var status int
		if err := rows.Scan(&id, &clientID, &clientName, &name, &desc, &budget, &stateID, &state, &status, &created, &updated); err != nil {
			return 0, nil, err
		}
		deals = append(deals, jsonx.Object{
			{Key: "id", Value: id}, {Key: "client_id", Value: clientID}, {Key: "client_name", Value: clientName},
			{Key: "name", Value: name}, {Key: "description", Value: desc}, {Key: "budget", Value: budget},
			{Key: "state_id", Value: nullInt(stateID)}, {Key: "state", Value: state}, {Key: "status", Value: orderStatusName(status)},
			{Key: "variables", Value: orEmpty(vars[id])},
			{Key: "created_at", Value: store.FromMicros(created)}, {Key: "updated_at", Value: store.FromMicros(updated)},
		})
	}
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, jsonx.Object{{Key: "states", Value: states}, {Key: "data", Value: deals}}, nil
}

func orderStatusName(status int) string {
	switch status {
	case orderSuccessful:
		return "successful"
	case orderFailed:
		return "failed"
	}
	return "active"
}

func orEmpty(o jsonx.Object) jsonx.Object {
	if o == nil {
		return jsonx.Object{}
	}
	return o
}

// stateRows is the funnel: the states in their order.
func stateRows(q db, tenantID string) ([]jsonx.Object, error) {
	rows, err := q.Query(`SELECT id, name, position, outcome FROM sb_states WHERE tenant_id = ? ORDER BY position, id`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []jsonx.Object{}
	for rows.Next() {
		var id int64
		var name string
		var position, outcome int
		if err := rows.Scan(&id, &name, &position, &outcome); err != nil {
			return nil, err
		}
		out = append(out, jsonx.Object{{Key: "id", Value: id}, {Key: "name", Value: name}, {Key: "position", Value: position}, {Key: "outcome", Value: orderStatusName(outcome)}})
	}
	return out, rows.Err()
}

// allVars reads every variable of a table's owners in one query.
func allVars(q db, t varTable, tenantID string) (map[int64]jsonx.Object, error) {
	rows, err := q.Query(`SELECT `+t.owner+`, name, value FROM `+t.table+` WHERE tenant_id = ? ORDER BY rowid`, tenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]jsonx.Object{}
	for rows.Next() {
		var owner int64
		var name, value string
		if err := rows.Scan(&owner, &name, &value); err != nil {
			return nil, err
		}
		out[owner] = append(out[owner], jsonx.Field{Key: name, Value: json.RawMessage(value)})
	}
	return out, rows.Err()
}

// ctlLists lists the client lists with how many clients each holds.
func (p *Platform) ctlLists(c *platform.ControlRequest) (int, any, error) {
	rows, err := c.Env.Store.Query(c.HTTP.Context(), `SELECT l.id, l.name, COUNT(m.client_id) FROM sb_lists l
		LEFT JOIN sb_list_members m ON m.tenant_id = l.tenant_id AND m.list_id = l.id
		WHERE l.tenant_id = ? GROUP BY l.id, l.name ORDER BY l.id LIMIT ?`, c.TenantID, maxStateRows)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	out := []jsonx.Object{}
	for rows.Next() {
		var id, members int64
		var name string
		if err := rows.Scan(&id, &name, &members); err != nil {
			return 0, nil, err
		}
		out = append(out, jsonx.Object{{Key: "id", Value: id}, {Key: "name", Value: name}, {Key: "clients", Value: members}})
	}
	return http.StatusOK, map[string]any{"data": out}, rows.Err()
}

// ctlChannels lists the connected channels (the project's bots), each as
// connected_channels shows it with its messenger.
func (p *Platform) ctlChannels(c *platform.ControlRequest) (int, any, error) {
	chans, err := channelsOf(reader{c.HTTP.Context(), c.Env.Store}, c.TenantID)
	if err != nil {
		return 0, nil, err
	}
	out := make([]jsonx.Object, len(chans))
	for i, ch := range chans {
		out[i] = append(jsonx.Object{{Key: "messenger", Value: ch.Kind}, {Key: "client_type", Value: ch.ClientType}}, channelObject(ch)...)
	}
	return http.StatusOK, map[string]any{"data": out}, nil
}

// ctlRedeliver sends a logged delivery's event again, as a new delivery to
// the webhook as it is set now: the payload that was sent or, when nothing
// was (dropped, refused), the event built again from its message. The new
// delivery is logged when it ends, like any other.
func (p *Platform) ctlRedeliver(c *platform.ControlRequest) (int, any, error) {
	id, err := strconv.ParseInt(c.Vars["delivery"], 10, 64)
	if err != nil {
		return 0, nil, platform.BadControlRequest("delivery must be a number")
	}
	q := reader{c.HTTP.Context(), c.Env.Store}
	pr, err := loadProject(q, c.TenantID)
	if err != nil {
		return 0, nil, err
	}
	var messageID int64
	var payload sql.NullString
	err = q.QueryRow(`SELECT message_id, payload FROM sb_webhook_deliveries WHERE tenant_id = ? AND id = ?`, c.TenantID, id).Scan(&messageID, &payload)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, platform.ControlNotFound("no webhook delivery %d", id)
	} else if err != nil {
		return 0, nil, err
	}
	if pr.Webhook.URL == "" {
		return 0, nil, &platform.ControlError{Status: http.StatusConflict, Message: "the project has no webhook URL: set one with PUT …/salebot/webhook"}
	}
	hook := &pendingHook{tenant: c.TenantID, messageID: messageID, cfg: pr.Webhook, payload: []byte(payload.String), at: c.Now}
	if !payload.Valid {
		if hook, err = rebuiltHook(q, pr, messageID); err != nil {
			return 0, nil, err
		}
		hook.at = c.Now
	}
	p.dispatch([]*pendingHook{hook})
	return http.StatusAccepted, jsonx.Object{{Key: "delivery", Value: id}, {Key: "message_id", Value: messageID}, {Key: "url", Value: pr.Webhook.URL}}, nil
}

// rebuiltHook builds a message's event again, as it would be sent now.
func rebuiltHook(q db, pr *project, messageID int64) (*pendingHook, error) {
	e, err := scanMessage(q.QueryRow(`SELECT `+messageColumns+` FROM sb_messages WHERE tenant_id = ? AND id = ?`, pr.TenantID, messageID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &platform.ControlError{Status: http.StatusConflict, Message: "nothing was sent and message " + strconv.FormatInt(messageID, 10) + " is gone"}
	} else if err != nil {
		return nil, err
	}
	cl, err := clientByID(q, pr.TenantID, e.ClientID)
	if err != nil {
		return nil, err
	}
	return hookFor(q, pr, cl, messageID, e)
}
