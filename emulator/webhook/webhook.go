// Package webhook delivers platform events to users' HTTP receivers in the
// background, so a slow or dead receiver never slows or fails the API call
// that caused the event, and fairly, so one tenant's stuck receiver delays
// only that tenant's deliveries.
//
// Deliveries with the same key (a tenant) are sent one at a time, in the
// order they were given, by a worker of that key. At most Limits.InFlight
// attempts are in flight over all keys; as a key sends one at a time, no key
// holds more than one of them, and every attempt ends within
// Limits.AttemptTimeout. Retries wait on the delivery's clock (the tenant's),
// so with a frozen clock a retry happens when the clock is moved to it; a
// delivery ends within Limits.Duration, on that clock and in wall time,
// whatever it asked for.
//
// Memory is bounded per key (pending deliveries and their bytes), overall
// (bytes) and in the number of keys with work: a delivery that does not fit
// is dropped and reported, never waited for. Every delivery ends with one
// call of its Done function, with the outcome. Flush waits until a key's
// deliveries are done (or wait for a clock that stands still), which lets
// tests observe deliveries without sleeping.
//
// Every request carries DeliveryHeader. A receiver that is the emulator
// itself refuses it with RefusedHeader, which ends the delivery as refused;
// a guard (WithGuard) refuses such URLs before anything is sent.
package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fakebots/fakebots/emulator/clock"
)

// Dispatcher sends deliveries with per-key background workers. Create it
// with New and stop it with Close.
type Dispatcher struct {
	client *http.Client
	limits Limits
	guard  func(context.Context, *url.URL) error
	wall   *clock.Clock // the clock of deliveries without one
	slots  chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
	nextID atomic.Uint64

	mu      sync.Mutex
	queues  map[string]*queue
	bytes   int64         // body bytes pending over all queues
	changed chan struct{} // closed and replaced when a queue's state changes
	closed  bool
	wg      sync.WaitGroup
}

// queue is one key's pending deliveries; a worker serves it while it has
// any and removes it when it leaves.
type queue struct {
	// ctx ends when the dispatcher closes or the key is cancelled.
	ctx     context.Context
	cancel  context.CancelFunc
	jobs    []*job // waiting their turn
	current *job   // being sent, or waiting for a retry
	bytes   int64  // bodies of jobs and current
	// retry is when current's next attempt is due on retryClock (nil
	// while it is not waiting for one).
	retry      time.Time
	retryClock Clock
}

type job struct {
	Delivery
	id uint64
}

// Option configures a Dispatcher.
type Option func(*Dispatcher)

// WithClient sets the HTTP client (default: one with its own transport).
func WithClient(c *http.Client) Option { return func(d *Dispatcher) { d.client = c } }

// WithGuard checks every delivery's URL before its first attempt: an error
// (saying why the URL reaches the emulator itself) refuses the delivery.
// A nil guard checks nothing.
func WithGuard(guard func(ctx context.Context, u *url.URL) error) Option {
	return func(d *Dispatcher) { d.guard = guard }
}

// New returns a running dispatcher. It starts no goroutine until there is
// something to send, and its workers end when their queues empty.
func New(opts ...Option) *Dispatcher {
	ctx, cancel := context.WithCancel(context.Background())
	d := &Dispatcher{
		limits:  DefaultLimits(),
		wall:    clock.New(nil),
		ctx:     ctx,
		cancel:  cancel,
		queues:  map[string]*queue{},
		changed: make(chan struct{}),
	}
	for _, o := range opts {
		o(d)
	}
	if d.client == nil {
		// Keep a connection per attempt in flight: tenants often share a
		// receiver, and the default of 2 idle connections per host would
		// open a new one for most attempts.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = d.limits.InFlight
		d.client = &http.Client{Transport: t}
	}
	d.slots = make(chan struct{}, d.limits.InFlight)
	return d
}

// Send queues a delivery and returns at once. It reports false when the
// delivery was dropped (see DropError); Done has then already been called,
// in Send's caller, with the reason.
func (d *Dispatcher) Send(del Delivery) bool {
	j := &job{Delivery: del, id: d.nextID.Add(1)}
	size := int64(len(del.Body))
	d.mu.Lock()
	q, err := d.admit(del.Key, size)
	if err != nil {
		d.mu.Unlock()
		finish(j, Result{ID: j.id, Err: err})
		return false
	}
	q.jobs = append(q.jobs, j)
	q.bytes += size
	d.bytes += size
	d.mu.Unlock()
	return true
}

// admit finds or starts key's queue when a body of size fits in it, or
// says why it does not. Callers hold d.mu.
func (d *Dispatcher) admit(key string, size int64) (*queue, error) {
	l := d.limits
	q := d.queues[key]
	switch {
	case d.closed:
		return nil, ErrClosed
	case q == nil && len(d.queues) >= l.Queues:
		return nil, &DropError{Reason: fmt.Sprintf("too many queues (%d)", l.Queues)}
	case q != nil && q.pending() >= l.QueueLength:
		return nil, &DropError{Reason: fmt.Sprintf("queue full (%d deliveries)", l.QueueLength)}
	case q.queuedBytes()+size > l.QueueBytes:
		return nil, &DropError{Reason: "queue full (" + sizeText(l.QueueBytes) + ")"}
	case d.bytes+size > l.TotalBytes:
		return nil, &DropError{Reason: "all queues full (" + sizeText(l.TotalBytes) + ")"}
	}
	if q == nil {
		q = &queue{}
		q.ctx, q.cancel = context.WithCancel(d.ctx)
		d.queues[key] = q
		d.wg.Add(1)
		go d.serve(key, q)
	}
	return q, nil
}

func (q *queue) queuedBytes() int64 {
	if q == nil {
		return 0
	}
	return q.bytes
}

func (q *queue) pending() int {
	if q.current != nil {
		return len(q.jobs) + 1
	}
	return len(q.jobs)
}

// settled reports whether the queue can do nothing before its clock moves:
// it waits for a retry on a clock that stands still short of it.
func (q *queue) settled() bool {
	if q.retryClock == nil {
		return false
	}
	now, frozen := q.retryClock.State()
	return frozen && now.Before(q.retry)
}

func sizeText(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// Pending counts the deliveries of key not yet finished ("" for every key),
// those waiting for a retry included.
func (d *Dispatcher) Pending(key string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for k, q := range d.queues {
		if key == "" || k == key {
			n += q.pending()
		}
	}
	return n
}

// Flush waits until key's queue ("" for every queue) is empty and the Done
// of each of its deliveries has returned, deliveries queued while waiting
// included, or until all it has left is a retry on a clock that stands
// still (move the clock, then flush again). It gives up with ctx's error.
func (d *Dispatcher) Flush(ctx context.Context, key string) error {
	for {
		d.mu.Lock()
		busy := false
		for k, q := range d.queues {
			if (key == "" || k == key) && !q.settled() {
				busy = true
				break
			}
		}
		changed := d.changed
		d.mu.Unlock()
		if !busy {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Close stops accepting deliveries, aborts those in flight, finishes the
// queued ones with ErrClosed and waits for the workers.
func (d *Dispatcher) Close() error {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.cancel()
	d.wg.Wait()
	d.client.CloseIdleConnections()
	return nil
}

// signal wakes Flush callers. Flush returns only once the queues it waits
// for are gone or settled, so only those changes signal: a queue removed
// (serve, Cancel) or starting a wait for a retry (waitRetry). A delivery
// ending with more to send, or a retry's wait ending, leaves the queue
// busy and wakes no one. Callers hold d.mu.
func (d *Dispatcher) signal() {
	close(d.changed)
	d.changed = make(chan struct{})
}

// Cancel ends key's deliveries: the queued ones at once, the one being sent
// or waiting for a retry as soon as it notices; each Done gets ErrCancelled.
// Deliveries sent for key afterwards start a queue of their own.
func (d *Dispatcher) Cancel(key string) {
	d.mu.Lock()
	q := d.queues[key]
	if q == nil {
		d.mu.Unlock()
		return
	}
	delete(d.queues, key)
	dropped := q.jobs
	q.jobs = nil
	for _, j := range dropped {
		size := int64(len(j.Body))
		q.bytes -= size
		d.bytes -= size
	}
	q.cancel()
	d.signal()
	d.mu.Unlock()
	for _, j := range dropped {
		finish(j, Result{ID: j.id, Err: ErrCancelled})
	}
}

// serve sends key's deliveries in order until its queue is empty.
func (d *Dispatcher) serve(key string, q *queue) {
	defer d.wg.Done()
	defer q.cancel()
	for {
		d.mu.Lock()
		if len(q.jobs) == 0 {
			if d.queues[key] == q { // not cancelled and replaced
				delete(d.queues, key)
			}
			d.signal()
			d.mu.Unlock()
			return
		}
		j := q.jobs[0]
		q.jobs[0] = nil
		q.jobs = q.jobs[1:]
		q.current = j
		d.mu.Unlock()

		finish(j, d.deliver(q, j))

		d.mu.Lock()
		size := int64(len(j.Body))
		q.current = nil
		q.bytes -= size
		d.bytes -= size
		d.mu.Unlock()
	}
}

// deliver makes up to 1+Retries attempts within the limits, each holding
// an in-flight slot only while it is sent.
func (d *Dispatcher) deliver(q *queue, j *job) Result {
	res := Result{ID: j.id}
	if q.ctx.Err() != nil {
		return d.gaveUp(q, res, "its turn")
	}
	ctx, cancel := context.WithTimeout(q.ctx, d.limits.Duration) // in wall time, whatever the clock does
	defer cancel()
	if err := d.check(ctx, j.URL); err != nil {
		res.Err = err
		return res
	}
	clk := j.Clock
	if clk == nil {
		clk = d.wall
	}
	start, _ := clk.State()
	retries := min(max(j.Retries, 0), d.limits.Retries)
	for {
		a, sent := d.attempt(ctx, clk, j)
		if !sent {
			return d.gaveUp(q, res, "a free slot")
		}
		res.Attempts = append(res.Attempts, a)
		res.Err = a.Err
		if q.ctx.Err() != nil && d.ctx.Err() == nil {
			res.Err = ErrCancelled // cut short by Cancel
			return res
		}
		var refused *RefusedError
		if a.Err == nil || errors.As(a.Err, &refused) || len(res.Attempts) > retries {
			return res
		}
		now, _ := clk.State()
		due := now.Add(j.Backoff)
		if due.Sub(start) > d.limits.Duration {
			res.Err = fmt.Errorf("%w (no retry: it would come after the %v a delivery may last)", a.Err, d.limits.Duration)
			return res
		}
		if err := d.waitRetry(ctx, q, clk, due); err != nil {
			return d.gaveUp(q, res, "the retry's time")
		}
	}
}

// check parses the URL and lets the guard refuse it.
func (d *Dispatcher) check(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || d.guard == nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, d.limits.AttemptTimeout)
	defer cancel()
	if err := d.guard(ctx, u); err != nil {
		return &RefusedError{Reason: err.Error()}
	}
	return nil
}

// gaveUp ends a delivery whose context ended while it waited for something
// (awaited): the dispatcher closed, the key was cancelled, or the
// delivery's time ran out.
func (d *Dispatcher) gaveUp(q *queue, res Result, awaited string) Result {
	why := fmt.Sprintf("gave up waiting for %s (a delivery may last %v)", awaited, d.limits.Duration)
	closed := d.ctx.Err() != nil
	if closed {
		why = "the dispatcher closed"
	}
	switch {
	case !closed && q.ctx.Err() != nil:
		res.Err = ErrCancelled
	case closed && len(res.Attempts) == 0:
		res.Err = ErrClosed
	case len(res.Attempts) == 0:
		res.Err = errors.New(why)
	default:
		res.Err = fmt.Errorf("%w (no retry: %s)", res.Err, why)
	}
	return res
}

// waitRetry waits on clk until due, letting Flush see the wait.
func (d *Dispatcher) waitRetry(ctx context.Context, q *queue, clk Clock, due time.Time) error {
	d.mu.Lock()
	q.retry, q.retryClock = due, clk
	d.signal()
	d.mu.Unlock()
	err := clk.WaitUntil(ctx, due)
	d.mu.Lock()
	q.retry, q.retryClock = time.Time{}, nil
	d.mu.Unlock()
	return err
}

// attempt takes an in-flight slot and POSTs the body once. It reports false
// when ctx ended before a slot was free.
func (d *Dispatcher) attempt(ctx context.Context, clk Clock, j *job) (Attempt, bool) {
	select {
	case d.slots <- struct{}{}:
		defer func() { <-d.slots }()
	case <-ctx.Done():
		return Attempt{}, false
	}
	timeout := j.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, min(timeout, d.limits.AttemptTimeout))
	defer cancel()
	a := Attempt{}
	a.At, _ = clk.State()
	started := time.Now()
	a.Status, a.Err = d.post(ctx, j)
	a.Duration = time.Since(started)
	return a, true
}

// post sends the request and reads (then drops) the answer.
func (d *Dispatcher) post(ctx context.Context, j *job) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.URL, bytes.NewReader(j.Body))
	if err != nil {
		return 0, err
	}
	for k, v := range j.Header {
		req.Header[k] = v
	}
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(DeliveryHeader, strconv.FormatUint(j.id, 10))
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if reason := resp.Header.Get(RefusedHeader); reason != "" {
		return resp.StatusCode, &RefusedError{Reason: reason}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, &StatusError{Code: resp.StatusCode}
	}
	return resp.StatusCode, nil
}

func finish(j *job, res Result) {
	if j.Done != nil {
		j.Done(res)
	}
}
