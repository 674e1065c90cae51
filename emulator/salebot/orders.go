package salebot

import (
	"database/sql"
	"errors"
	"time"

	"github.com/fakebots/fakebots/emulator/store"
)

// Order (deal) statuses, as get_orders' order_status names them.
const (
	orderActive     = 0
	orderSuccessful = 1
	orderFailed     = 2
)

// order is one row of sb_orders.
type order struct {
	ID       int64
	ClientID int64
	StateID  *int64
	Status   int
}

const orderColumns = `id, client_id, state_id, status`

func scanOrder(row scanner) (order, error) {
	var o order
	err := row.Scan(&o.ID, &o.ClientID, &o.StateID, &o.Status)
	return o, err
}

// currentOrder is the client's latest active deal, or order not found.
func currentOrder(q db, tenantID string, clientID int64) (order, error) {
	o, err := scanOrder(q.QueryRow(`SELECT `+orderColumns+` FROM sb_orders WHERE tenant_id = ? AND client_id = ? AND status = ?
		ORDER BY id DESC LIMIT 1`, tenantID, clientID, orderActive))
	if errors.Is(err, sql.ErrNoRows) {
		return o, errOrderNotFound
	}
	return o, err
}

// clientOrder is a deal of the client: order_id when given, else the current one.
func clientOrder(q db, tenantID string, clientID, orderID int64) (order, error) {
	if orderID == 0 {
		return currentOrder(q, tenantID, clientID)
	}
	o, err := scanOrder(q.QueryRow(`SELECT `+orderColumns+` FROM sb_orders WHERE tenant_id = ? AND client_id = ? AND id = ?`,
		tenantID, clientID, orderID))
	if errors.Is(err, sql.ErrNoRows) {
		return o, errOrderNotFound
	}
	return o, err
}

// newOrder describes a deal to create.
type newOrder struct {
	ID          int64 // wanted id (fixtures); 0 for the next
	Name        string
	Description string
	Budget      *float64
	StateID     int64 // 0: the funnel's first state
	Status      *int  // nil: the state's outcome
	CreatedAt   time.Time
}

// insertOrder creates a deal in the funnel.
func insertOrder(tx *store.Tx, tenantID string, clientID int64, no newOrder) (int64, error) {
	id, err := claimID(tx, "sb_orders", tenantID, no.ID, floorOrder)
	if err != nil {
		return 0, err
	}
	var st *state
	if no.StateID != 0 {
		s, err := stateByID(tx, tenantID, no.StateID)
		if err != nil {
			return 0, err
		}
		st = &s
	} else if s, err := firstState(tx, tenantID); err == nil {
		st = &s
	} else if !errors.Is(err, errStateNotFound) {
		return 0, err
	}
	var stateID any
	status := orderActive
	if st != nil {
		stateID, status = st.ID, st.Outcome
	}
	if no.Status != nil {
		status = *no.Status
	}
	at := store.Micros(no.CreatedAt)
	_, err = tx.Exec(`INSERT INTO sb_orders (tenant_id, id, client_id, name, description, budget, state_id, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, tenantID, id, clientID, no.Name, no.Description, no.Budget, stateID, status, at, at)
	return id, err
}

// currentOrCreateOrder is the client's current deal, created when it has none.
func currentOrCreateOrder(tx *store.Tx, tenantID string, clientID int64, now time.Time) (order, error) {
	o, err := currentOrder(tx, tenantID, clientID)
	if !errors.Is(err, errOrderNotFound) {
		return o, err
	}
	if _, err := insertOrder(tx, tenantID, clientID, newOrder{CreatedAt: now}); err != nil {
		return o, err
	}
	return currentOrder(tx, tenantID, clientID)
}

// moveOrder puts a deal in a state; a final state closes it with its outcome.
func moveOrder(tx *store.Tx, tenantID string, orderID int64, st state, now time.Time) error {
	_, err := tx.Exec(`UPDATE sb_orders SET state_id = ?, status = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
		st.ID, st.Outcome, store.Micros(now), tenantID, orderID)
	return err
}

// state is one state of the project's funnel.
type state struct {
	ID       int64
	Position int
	Outcome  int // the deal status it sets
}

func scanState(row scanner) (state, error) {
	var s state
	err := row.Scan(&s.ID, &s.Position, &s.Outcome)
	if errors.Is(err, sql.ErrNoRows) {
		return s, errStateNotFound
	}
	return s, err
}

func stateByID(q db, tenantID string, id int64) (state, error) {
	return scanState(q.QueryRow(`SELECT id, position, outcome FROM sb_states WHERE tenant_id = ? AND id = ?`, tenantID, id))
}

func firstState(q db, tenantID string) (state, error) {
	return scanState(q.QueryRow(`SELECT id, position, outcome FROM sb_states WHERE tenant_id = ? ORDER BY position, id LIMIT 1`, tenantID))
}

// nextState follows a state in the funnel; the last state has none.
func nextState(q db, tenantID string, cur state) (state, error) {
	return scanState(q.QueryRow(`SELECT id, position, outcome FROM sb_states WHERE tenant_id = ? AND (position > ? OR (position = ? AND id > ?))
		ORDER BY position, id LIMIT 1`, tenantID, cur.Position, cur.Position, cur.ID))
}
