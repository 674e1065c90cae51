// Package webhook delivers platform events to users' HTTP receivers in the
// background, so a slow or dead receiver never slows or fails the API call
// that caused the event.
//
// Deliveries with the same key (a tenant, say) are sent one at a time, in the
// order they were given; at most a fixed number of deliveries are in flight at
// once over all keys; a key's queue is bounded and a delivery that does not
// fit is dropped and reported, never waited for. Every delivery ends with one
// call of its Done function, with the outcome. Flush waits until a key's queue
// is empty and every Done has returned, which lets tests observe deliveries
// without sleeping.
package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/fakebots/fakebots/emulator/clock"
)

// Defaults of a Dispatcher and of a Delivery.
const (
	DefaultTimeout   = 10 * time.Second
	DefaultWorkers   = 8
	DefaultQueueSize = 1000
)

// Errors a Result may carry besides transport errors and *StatusError.
var (
	ErrQueueFull = errors.New("webhook queue full: delivery dropped")
	ErrClosed    = errors.New("webhook dispatcher closed")
)

// StatusError is an answer outside 2xx.
type StatusError struct{ Code int }

func (e *StatusError) Error() string { return fmt.Sprintf("receiver answered %d", e.Code) }

// Delivery is one event to POST.
type Delivery struct {
	Key     string        // deliveries with the same key go out one at a time, in order
	URL     string        // the receiver
	Body    []byte        // sent as is
	Header  http.Header   // extra headers; Content-Type defaults to application/json
	Timeout time.Duration // per attempt (0: DefaultTimeout)
	Retries int           // extra attempts after a transport error or a non-2xx answer
	Backoff time.Duration // wait before each retry
	Done    func(Result)  // called once, when the delivery succeeded, gave up or was dropped
}

// Result is how a delivery ended.
type Result struct {
	Status   int           // the last answer's HTTP status; 0 when none came
	Attempts int           // requests sent
	Duration time.Duration // wall time of all attempts and waits
	Err      error         // nil on a 2xx answer
}

// Dispatcher sends deliveries with a bounded set of background workers.
// Create it with New and stop it with Close.
type Dispatcher struct {
	client    *http.Client
	sem       chan struct{}
	queueSize int
	sleep     func(ctx context.Context, d time.Duration)
	ctx       context.Context
	cancel    context.CancelFunc

	mu     sync.Mutex
	queues map[string]*queue
	closed bool
	wg     sync.WaitGroup
}

// queue is one key's pending deliveries; a worker goroutine serves it while
// it is not empty and closes drained when it leaves.
type queue struct {
	jobs    []Delivery
	sending bool
	drained chan struct{}
}

// Option configures a Dispatcher.
type Option func(*Dispatcher)

// WithClient sets the HTTP client (default: one with its own transport).
func WithClient(c *http.Client) Option { return func(d *Dispatcher) { d.client = c } }

// WithWorkers bounds the deliveries in flight at once (default DefaultWorkers).
func WithWorkers(n int) Option {
	return func(d *Dispatcher) {
		if n > 0 {
			d.sem = make(chan struct{}, n)
		}
	}
}

// WithQueueSize bounds each key's pending deliveries (default DefaultQueueSize).
func WithQueueSize(n int) Option {
	return func(d *Dispatcher) {
		if n > 0 {
			d.queueSize = n
		}
	}
}

// WithSleep replaces how the wait between retries is spent (default: a timer
// that stops when the dispatcher closes).
func WithSleep(sleep func(ctx context.Context, d time.Duration)) Option {
	return func(d *Dispatcher) { d.sleep = sleep }
}

// New returns a running dispatcher. It starts no goroutine until there is
// something to send, and its workers end when their queues empty.
func New(opts ...Option) *Dispatcher {
	ctx, cancel := context.WithCancel(context.Background())
	d := &Dispatcher{
		client:    &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()},
		sem:       make(chan struct{}, DefaultWorkers),
		queueSize: DefaultQueueSize,
		sleep:     clock.Wait,
		ctx:       ctx,
		cancel:    cancel,
		queues:    map[string]*queue{},
	}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Send queues a delivery and returns at once. It reports false when the
// delivery was dropped (its key's queue is full or the dispatcher closed);
// Done has then already been called with the reason.
func (d *Dispatcher) Send(del Delivery) bool {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		finish(del, Result{Err: ErrClosed})
		return false
	}
	q := d.queues[del.Key]
	if q == nil {
		q = &queue{drained: make(chan struct{})}
		d.queues[del.Key] = q
		d.wg.Add(1)
		go d.serve(del.Key, q)
	} else if len(q.jobs) >= d.queueSize {
		d.mu.Unlock()
		finish(del, Result{Err: ErrQueueFull})
		return false
	}
	q.jobs = append(q.jobs, del)
	d.mu.Unlock()
	return true
}

// Pending counts the deliveries of key not yet finished ("" for every key).
func (d *Dispatcher) Pending(key string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for k, q := range d.queues {
		if key == "" || k == key {
			n += len(q.jobs)
			if q.sending {
				n++
			}
		}
	}
	return n
}

// Flush waits until key's queue ("" for every queue) is empty and the Done
// of each of its deliveries has returned, including deliveries queued while
// waiting. It gives up with ctx's error.
func (d *Dispatcher) Flush(ctx context.Context, key string) error {
	for {
		d.mu.Lock()
		var waits []chan struct{}
		for k, q := range d.queues {
			if key == "" || k == key {
				waits = append(waits, q.drained)
			}
		}
		d.mu.Unlock()
		if len(waits) == 0 {
			return nil
		}
		for _, w := range waits {
			select {
			case <-w:
			case <-ctx.Done():
				return ctx.Err()
			}
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

// serve sends key's deliveries in order until its queue is empty.
func (d *Dispatcher) serve(key string, q *queue) {
	defer d.wg.Done()
	for {
		d.mu.Lock()
		q.sending = false
		if len(q.jobs) == 0 {
			delete(d.queues, key)
			close(q.drained)
			d.mu.Unlock()
			return
		}
		job := q.jobs[0]
		q.jobs[0] = Delivery{}
		q.jobs = q.jobs[1:]
		q.sending = true
		d.mu.Unlock()
		finish(job, d.deliver(job))
	}
}

// deliver makes up to 1+Retries attempts, holding a worker slot throughout.
func (d *Dispatcher) deliver(job Delivery) Result {
	start := time.Now()
	select {
	case d.sem <- struct{}{}:
		defer func() { <-d.sem }()
	case <-d.ctx.Done():
		return Result{Err: ErrClosed}
	}
	var res Result
	for attempt := 0; attempt <= job.Retries; attempt++ {
		if attempt > 0 && job.Backoff > 0 {
			d.sleep(d.ctx, job.Backoff)
		}
		if d.ctx.Err() != nil {
			res.Err = ErrClosed
			break
		}
		res.Attempts++
		res.Status, res.Err = d.attempt(job)
		if res.Err == nil {
			break
		}
	}
	res.Duration = time.Since(start)
	return res
}

// attempt POSTs the body once and reads (then drops) the answer.
func (d *Dispatcher) attempt(job Delivery) (int, error) {
	timeout := job.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(d.ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, job.URL, bytes.NewReader(job.Body))
	if err != nil {
		return 0, err
	}
	for k, v := range job.Header {
		req.Header[k] = v
	}
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, &StatusError{Code: resp.StatusCode}
	}
	return resp.StatusCode, nil
}

func finish(del Delivery, res Result) {
	if del.Done != nil {
		del.Done(res)
	}
}
