package webhook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Headers of a delivery request and of the emulator's answer to one that
// came back to it.
const (
	DeliveryHeader = "X-Fakebots-Delivery" // the delivery's id, the same on every attempt
	RefusedHeader  = "X-Fakebots-Refused"  // why the receiver (the emulator) refused it
)

// DefaultTimeout bounds an attempt of a delivery that sets no Timeout.
const DefaultTimeout = 10 * time.Second

// ErrDropped matches every error of a delivery that was never sent because
// it did not fit or the dispatcher closed (see DropError).
var ErrDropped = errors.New("dropped")

// ErrClosed ends deliveries given to or left in a closed dispatcher.
var ErrClosed error = &DropError{Reason: "webhook dispatcher closed"}

// ErrCancelled ends the deliveries of a key that was cancelled (its tenant
// was reset or deleted).
var ErrCancelled error = &DropError{Reason: "cancelled: its tenant was reset or deleted"}

// DropError is why a delivery was dropped unsent.
type DropError struct{ Reason string }

func (e *DropError) Error() string        { return "dropped: " + e.Reason }
func (e *DropError) Is(target error) bool { return target == ErrDropped }

// RefusedError ends a delivery whose URL reaches the emulator itself: the
// guard refused it, or the emulator did when it arrived.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string { return "refused: " + e.Reason }

// StatusError is an answer outside 2xx.
type StatusError struct{ Code int }

func (e *StatusError) Error() string { return fmt.Sprintf("receiver answered %d", e.Code) }

// Clock is the time a delivery's attempts are stamped with and its retries
// wait on; *clock.Clock is one.
type Clock interface {
	State() (now time.Time, frozen bool)
	WaitUntil(ctx context.Context, t time.Time) error
}

// Delivery is one event to POST.
type Delivery struct {
	Key     string        // deliveries with the same key go out one at a time, in order
	URL     string        // the receiver
	Body    []byte        // sent as is
	Header  http.Header   // extra headers; Content-Type defaults to application/json
	Timeout time.Duration // per attempt (0: DefaultTimeout; at most Limits.AttemptTimeout)
	Retries int           // extra attempts after a transport error or a non-2xx answer
	Backoff time.Duration // wait on Clock before each retry
	Clock   Clock         // nil: wall time
	Done    func(Result)  // called once, when the delivery succeeded, gave up or was dropped
}

// Attempt is one request of a delivery.
type Attempt struct {
	At       time.Time     // on the delivery's clock, when it was sent
	Status   int           // the answer's HTTP status; 0 when none came
	Err      error         // nil on a 2xx answer
	Duration time.Duration // wall time until the answer or the failure
}

// Result is how a delivery ended.
type Result struct {
	ID       uint64    // the DeliveryHeader value
	Attempts []Attempt // none when it was dropped or refused before sending
	Err      error     // nil once an attempt got a 2xx answer
}

// Outcomes of a delivery.
const (
	Delivered = "delivered"
	Failed    = "failed"
	Dropped   = "dropped"
	Refused   = "refused"
)

// Outcome names how the delivery ended.
func (r Result) Outcome() string {
	var refused *RefusedError
	switch {
	case r.Err == nil:
		return Delivered
	case errors.Is(r.Err, ErrDropped):
		return Dropped
	case errors.As(r.Err, &refused):
		return Refused
	}
	return Failed
}

// Status is the last answer's HTTP status, 0 when none came.
func (r Result) Status() int {
	if len(r.Attempts) == 0 {
		return 0
	}
	return r.Attempts[len(r.Attempts)-1].Status
}

// Duration is the wall time of all attempts, without the waits between them.
func (r Result) Duration() time.Duration {
	var d time.Duration
	for _, a := range r.Attempts {
		d += a.Duration
	}
	return d
}
