package salebot

import (
	"database/sql"
	"errors"
	"net/http"
	"strconv"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
)

// ctlClient is a client's whole card, for tests and demos: what the API
// shows of it plus its manager, lists and every deal with its variables.
func (p *Platform) ctlClient(c *platform.ControlRequest) (int, any, error) {
	id, err := strconv.ParseInt(c.Vars["client"], 10, 64)
	if err != nil {
		return 0, nil, platform.BadControlRequest("client must be a number")
	}
	q := reader{c.HTTP.Context(), c.Env.Store}
	pr, err := loadProject(q, c.TenantID)
	if err != nil {
		return 0, nil, err
	}
	cl, err := clientByID(q, c.TenantID, id)
	if errors.Is(err, errClientNotFound) {
		return 0, nil, platform.ControlNotFound("no client %d", id)
	} else if err != nil {
		return 0, nil, err
	}
	card, err := clientCard(q, pr, cl)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, card, nil
}

// clientCard is the client as get_clients shows it, plus its manager,
// variables, lists and deals.
func clientCard(q db, pr *project, cl client) (jsonx.Object, error) {
	card := clientObject(cl, pr.ID)
	var manager any
	if cl.ManagerID != nil {
		var email, name string
		err := q.QueryRow(`SELECT email, name FROM sb_managers WHERE tenant_id = ? AND id = ?`, pr.TenantID, *cl.ManagerID).Scan(&email, &name)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		manager = jsonx.Object{{Key: "id", Value: *cl.ManagerID}, {Key: "email", Value: email}, {Key: "name", Value: name}}
	}
	vars, err := loadVars(q, clientVars, pr.TenantID, cl.ID)
	if err != nil {
		return nil, err
	}
	lists, err := int64s(q, `SELECT list_id FROM sb_list_members WHERE tenant_id = ? AND client_id = ? ORDER BY list_id`, pr.TenantID, cl.ID)
	if err != nil {
		return nil, err
	}
	orders, err := orderCards(q, pr.TenantID, cl.ID)
	if err != nil {
		return nil, err
	}
	return append(card,
		jsonx.Field{Key: "manager", Value: manager},
		jsonx.Field{Key: "variables", Value: vars},
		jsonx.Field{Key: "lists", Value: lists},
		jsonx.Field{Key: "orders", Value: orders},
	), nil
}

func orderCards(q db, tenantID string, clientID int64) ([]any, error) {
	rows, err := q.Query(`SELECT id, name, description, budget, state_id, status FROM sb_orders WHERE tenant_id = ? AND client_id = ? ORDER BY id`, tenantID, clientID)
	if err != nil {
		return nil, err
	}
	type row struct {
		id         int64
		name, desc string
		budget     *float64
		stateID    *int64
		status     int
	}
	var found []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.name, &r.desc, &r.budget, &r.stateID, &r.status); err != nil {
			rows.Close()
			return nil, err
		}
		found = append(found, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []any{}
	for _, r := range found {
		vars, err := loadVars(q, orderVars, tenantID, r.id)
		if err != nil {
			return nil, err
		}
		out = append(out, jsonx.Object{
			{Key: "id", Value: r.id}, {Key: "name", Value: r.name}, {Key: "description", Value: r.desc},
			{Key: "budget", Value: r.budget}, {Key: "state_id", Value: nullInt(r.stateID)}, {Key: "status", Value: r.status},
			{Key: "variables", Value: vars},
		})
	}
	return out, nil
}

func int64s(q db, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
