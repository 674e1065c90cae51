package salebot

import (
	"errors"
	"strings"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// requestClient is the client named by client_id.
func (p *Platform) requestClient(q db, r *platform.Request) (client, error) {
	id, _ := r.Input.Int("client_id")
	return clientByID(q, r.TenantID(), id)
}

// requestOrder is the client's deal named by order_id, or its current one.
func (p *Platform) requestOrder(q db, r *platform.Request) (client, order, error) {
	c, err := p.requestClient(q, r)
	if err != nil {
		return c, order{}, err
	}
	orderID, _ := r.Input.Int("order_id")
	o, err := clientOrder(q, r.TenantID(), c.ID, orderID)
	return c, o, err
}

func (p *Platform) getCurrentOrderID(r *platform.Request) (any, error) {
	_, o, err := p.requestOrder(p.read(r), r)
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "status", Value: "success"}, {Key: "order_id", Value: o.ID}}, nil
}

func (p *Platform) getOrders(r *platform.Request) (any, error) {
	q := p.read(r)
	c, err := p.requestClient(q, r)
	if err != nil {
		return nil, err
	}
	status := int64(-1)
	if r.Input.Present("order_status") {
		status, _ = r.Input.Int("order_status")
	}
	rows, err := q.Query(`SELECT id FROM sb_orders WHERE tenant_id = ? AND client_id = ? AND (? < 0 OR status = ?) ORDER BY id`,
		r.TenantID(), c.ID, status, status)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "status", Value: "success"}, {Key: "order_id", Value: ids}}, nil
}

// moveOrderToNextState follows the funnel; a deal at the last state stays.
func (p *Platform) moveOrderToNextState(r *platform.Request) (any, error) {
	var to state
	err := p.write(r, func(tx *store.Tx) error {
		_, o, err := p.requestOrder(tx, r)
		if err != nil {
			return err
		}
		if o.StateID == nil {
			to, err = firstState(tx, r.TenantID())
		} else if cur, serr := stateByID(tx, r.TenantID(), *o.StateID); serr != nil {
			return serr
		} else if to, err = nextState(tx, r.TenantID(), cur); errors.Is(err, errStateNotFound) {
			to, err = cur, nil
		}
		if err != nil {
			return err
		}
		return moveOrder(tx, r.TenantID(), o.ID, to, r.Now)
	})
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "status", Value: "success"}, {Key: "state_id", Value: to.ID}}, nil
}

// getOrderVars answers the named variables (null when unset) or, without
// names, all of them.
func (p *Platform) getOrderVars(r *platform.Request) (any, error) {
	q := p.read(r)
	_, o, err := p.requestOrder(q, r)
	if err != nil {
		return nil, err
	}
	all, err := loadVars(q, orderVars, r.TenantID(), o.ID)
	if err != nil {
		return nil, err
	}
	names, ok := r.Input["variables"].([]any)
	if !ok {
		return jsonx.Object{{Key: "status", Value: "success"}, {Key: "result", Value: all}}, nil
	}
	result := jsonx.Object{}
	for _, n := range names {
		name := platform.Text(n)
		v, _ := all.Get(name)
		result.Set(name, v)
	}
	return jsonx.Object{{Key: "status", Value: "success"}, {Key: "result", Value: result}}, nil
}

func (p *Platform) setOrderVars(r *platform.Request) (any, error) {
	vars, _ := r.Input["variables"].(map[string]any)
	err := p.write(r, func(tx *store.Tx) error {
		_, o, err := p.requestOrder(tx, r)
		if errors.Is(err, errOrderNotFound) && r.Input.Present("order_id") {
			id, _ := r.Input.Int("order_id")
			return errOrderIDNotFound(id)
		} else if err != nil {
			return err
		}
		for _, name := range sortedKeys(vars) {
			if err := setVar(tx, orderVars, r.TenantID(), o.ID, name, vars[name]); err != nil {
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

// createOrder finds the client by client_id, else phone, else email (the
// documented priority); an unknown phone or e-mail makes a new client.
func (p *Platform) createOrder(r *platform.Request) (any, error) {
	in, pr := r.Input, projectOf(r)
	var orderID int64
	err := p.write(r, func(tx *store.Tx) error {
		clientID, err := orderClient(tx, pr, in, r)
		if err != nil {
			return err
		}
		no := newOrder{Name: in.String("name"), Description: in.String("description"), CreatedAt: r.Now}
		if b, ok := in.Float("budget"); ok {
			no.Budget = &b
		}
		no.StateID, _ = in.Int("state_id")
		orderID, err = insertOrder(tx, pr.TenantID, clientID, no)
		return err
	})
	if err != nil {
		return nil, err
	}
	return jsonx.Object{{Key: "status", Value: "success"}, {Key: "order_id", Value: orderID}}, nil
}

func orderClient(tx *store.Tx, pr *project, in platform.Input, r *platform.Request) (int64, error) {
	if in.Present("client_id") {
		id, _ := in.Int("client_id")
		c, err := clientByID(tx, pr.TenantID, id)
		return c.ID, err
	}
	nc := newClient{CreatedAt: r.Now, NoOrder: true}
	var c client
	var err error
	if in.Present("phone") {
		phone := digits(in.String("phone"))
		if phone == "" {
			return 0, errFormat
		}
		c, err = clientByPhone(tx, pr.TenantID, phone)
		nc.ClientType, nc.PlatformID, nc.Variables = typeTelephony, phone, map[string]any{"phone": phone}
	} else {
		email := strings.ToLower(strings.TrimSpace(in.String("email")))
		c, err = clientByEmail(tx, pr.TenantID, email)
		nc.ClientType, nc.PlatformID, nc.Variables = typeEmail, email, map[string]any{"email": email}
	}
	if errors.Is(err, errClientNotFound) {
		c, err = createClient(tx, pr, nc)
	}
	return c.ID, err
}

// setOrderState moves the client's deal (order_id, or its current one).
func (p *Platform) setOrderState(r *platform.Request) (any, error) {
	err := p.write(r, func(tx *store.Tx) error {
		_, o, err := p.requestOrder(tx, r)
		if err != nil {
			return err
		}
		id, _ := r.Input.Int("state_id")
		st, err := stateByID(tx, r.TenantID(), id)
		if err != nil {
			return err
		}
		return moveOrder(tx, r.TenantID(), o.ID, st, r.Now)
	})
	if err != nil {
		return nil, err
	}
	return success, nil
}

func (p *Platform) getOrderState(r *platform.Request) (any, error) {
	_, o, err := p.requestOrder(p.read(r), r)
	if err != nil {
		return nil, err
	}
	if o.StateID == nil {
		return nil, errStateNotFound
	}
	return jsonx.Object{{Key: "status", Value: "success"}, {Key: "state_id", Value: *o.StateID}}, nil
}
