package store

import (
	"context"
	"errors"
	"runtime"
	"sync"
)

// Writes are committed in groups. A write that finds the writer busy joins
// a queue; whoever holds the writer runs the queued writes, up to maxGroup,
// in one transaction, each under a savepoint of its own, and commits once:
// a busy emulator pays for one commit per group instead of one per write.
// A write that fails is rolled back to its savepoint alone. Every caller
// gets its answer after the commit, so no write is reported before it
// persists; a failed commit fails every write of the group. The writer
// then hands the next group to the first write still waiting, so no caller
// works for others longer than one group.
const maxGroup = 64

type writeQueue struct {
	mu      sync.Mutex
	pending []*pendingWrite
	busy    bool // a group is being written
}

type pendingWrite struct {
	ctx    context.Context
	tenant string
	fn     func(*Tx) error
	done   chan error // its result, or errYourTurn
}

// errYourTurn tells a waiting write that it heads the next group.
var errYourTurn = errors.New("store: your turn to write")

// panicked carries a write's panic back to its own goroutine.
type panicked struct{ value any }

func (panicked) Error() string { return "store: write panicked" }

func (s *Store) write(ctx context.Context, tenantID string, fn func(*Tx) error) error {
	// A client that goes away does not cut a write short: database/sql would
	// roll the transaction back on another goroutine, possibly after the
	// writer was handed on, and the next transaction would find the database
	// still locked. Every write is short, so it finishes either way.
	w := &pendingWrite{ctx: context.WithoutCancel(ctx), tenant: tenantID, fn: fn, done: make(chan error, 1)}
	q := &s.writes
	q.mu.Lock()
	q.pending = append(q.pending, w)
	first := !q.busy
	q.busy = true
	q.mu.Unlock()
	if first {
		// Let the goroutines ready to run go first: on a busy emulator they
		// are mostly requests on their way to a write, which then join this
		// group rather than each paying for a commit (most of a one-row
		// write's cost) of its own. On an idle one none is ready, and this
		// returns at once.
		runtime.Gosched()
	} else if err := <-w.done; err != errYourTurn {
		return raise(err)
	}
	s.writeGroup()
	return raise(<-w.done)
}

// raise returns a write's result, or raises its panic.
func raise(err error) error {
	if p, ok := err.(panicked); ok {
		panic(p.value)
	}
	return err
}

// writeGroup writes the queued writes (the caller's first) and hands the
// writer on.
func (s *Store) writeGroup() {
	q := &s.writes
	q.mu.Lock()
	n := min(len(q.pending), maxGroup)
	group := q.pending[:n:n]
	q.pending = append([]*pendingWrite(nil), q.pending[n:]...)
	q.mu.Unlock()

	results := s.commitGroup(group)
	for i, w := range group {
		w.done <- results[i]
	}

	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 {
		q.busy = false
		return
	}
	q.pending[0].done <- errYourTurn
}

// commitGroup runs the group's writes in one transaction and returns each
// one's result.
func (s *Store) commitGroup(group []*pendingWrite) []error {
	results := make([]error, len(group))
	fail := func(err error) []error {
		for i := range results {
			if results[i] == nil {
				results[i] = err
			}
		}
		return results
	}
	w := &s.writer
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.open(s.db); err != nil {
		return fail(err)
	}
	if err := w.exec(`BEGIN IMMEDIATE`); err != nil {
		return fail(err)
	}
	txs := make([]*Tx, len(group))
	for i, pw := range group {
		txs[i] = &Tx{ctx: pw.ctx, s: s, w: w}
		if len(group) == 1 {
			results[i] = run(pw.fn, txs[i])
			break
		}
		if err := w.exec(`SAVEPOINT write`); err != nil {
			results[i] = err
			continue
		}
		if results[i] = run(pw.fn, txs[i]); results[i] != nil {
			if err := w.exec(`ROLLBACK TO write`); err != nil {
				w.exec(`ROLLBACK`)
				return fail(err)
			}
		}
		if err := w.exec(`RELEASE write`); err != nil {
			w.exec(`ROLLBACK`)
			return fail(err)
		}
	}
	if len(group) == 1 && results[0] != nil {
		w.exec(`ROLLBACK`)
		return results
	}
	if err := w.exec(`COMMIT`); err != nil {
		// A COMMIT refused for a deferred constraint leaves the
		// transaction open; the next group must find none.
		w.exec(`ROLLBACK`)
		return fail(err)
	}
	for i, pw := range group {
		if results[i] != nil {
			continue
		}
		s.versions.moved(pw.tenant, txs[i].deleted)
		if txs[i].authChanged {
			s.authVersion.Add(1)
		}
	}
	return results
}

// run calls fn, turning a panic into an error for its caller to raise again.
func run(fn func(*Tx) error, tx *Tx) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = panicked{v}
		}
	}()
	return fn(tx)
}
