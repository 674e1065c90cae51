package salebot

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// db is what the lookups need: the store's read side (reader) or a write
// transaction (*store.Tx), so one lookup serves both.
type db interface {
	QueryRow(query string, args ...any) *sql.Row
	Query(query string, args ...any) (*sql.Rows, error)
}

// reader adapts the store's reads to db.
type reader struct {
	ctx context.Context
	s   *store.Store
}

func (r reader) QueryRow(query string, args ...any) *sql.Row {
	return r.s.QueryRow(r.ctx, query, args...)
}

func (r reader) Query(query string, args ...any) (*sql.Rows, error) {
	return r.s.Query(r.ctx, query, args...)
}

// read is the store's read side for a request.
func (p *Platform) read(r *platform.Request) db { return reader{r.Context(), p.env.Store} }

// write runs fn in a write transaction for the request.
func (p *Platform) write(r *platform.Request, fn func(tx *store.Tx) error) error {
	return r.Write(fn)
}

// Id floors per table: a tenant's first row gets floor+1, like the
// realistic-looking ids of the docs.
const (
	floorChannel = 10
	floorClient  = 100000
	floorOrder   = 40000
	floorState   = 30
	floorList    = 1000
	floorManager = 12000
	floorBlock   = 380
	floorMessage = 104000
)

// nextID is the next free id of a tenant's table.
func nextID(tx *store.Tx, table, tenantID string, floor int64) (int64, error) {
	var id int64
	err := tx.QueryRow(fmt.Sprintf(`SELECT COALESCE(MAX(id), ?) + 1 FROM %s WHERE tenant_id = ?`, table), floor, tenantID).Scan(&id)
	if id <= floor {
		id = floor + 1
	}
	return id, err
}

// idFree reports whether a wanted id is still free in a tenant's table.
func idFree(tx *store.Tx, table, tenantID string, id int64) bool {
	var one int
	return tx.QueryRow(fmt.Sprintf(`SELECT 1 FROM %s WHERE tenant_id = ? AND id = ?`, table), tenantID, id).Scan(&one) != nil
}

// claimID is the wanted id when it is positive and free, else the next one.
func claimID(tx *store.Tx, table, tenantID string, wanted, floor int64) (int64, error) {
	if wanted > 0 && idFree(tx, table, tenantID, wanted) {
		return wanted, nil
	}
	return nextID(tx, table, tenantID, floor)
}
