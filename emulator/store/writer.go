package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// writer is the connection every write runs on, taken from the pool at the
// first write and kept until Close. A group of writes never waits for a
// reader to hand a connection back (database/sql gives a freed connection
// to a random waiter, so under load a write could wait out many reads), and
// the writer's statements are prepared on it once: a write's statement
// binds and steps, with no connection of the pool to find and no statement
// to copy into a transaction. Its transactions are its own BEGIN IMMEDIATE
// and COMMIT, prepared like the rest.
type writer struct {
	mu    sync.Mutex // held by the group being written, and by Close
	conn  *sql.Conn
	stmts map[string]*sql.Stmt // query text → statement prepared on conn
}

// open takes the writer's connection from db when it has none yet (once
// the store is closed, db refuses it).
func (w *writer) open(db *sql.DB) error {
	if w.conn != nil {
		return nil
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		return err
	}
	w.conn, w.stmts = conn, map[string]*sql.Stmt{}
	return nil
}

// stmt returns query prepared on the writer's connection.
func (w *writer) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := w.stmts[query]; ok {
		return st, nil
	}
	st, err := w.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("prepare %q: %w", query, err)
	}
	w.stmts[query] = st
	return st, nil
}

// exec runs one of the statements that open and end transactions and
// savepoints.
func (w *writer) exec(query string) error {
	st, err := w.stmt(context.Background(), query)
	if err == nil {
		_, err = st.Exec()
	}
	return err
}

// close closes the writer's statements and connection, then the pool with
// closePool, after the group being written if any: a write after that
// finds the pool closed.
func (w *writer) close(closePool func() error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	var errs []error
	if w.conn != nil {
		for _, st := range w.stmts {
			errs = append(errs, st.Close())
		}
		errs = append(errs, w.conn.Close())
		w.conn, w.stmts = nil, nil
	}
	return errors.Join(append(errs, closePool())...)
}
