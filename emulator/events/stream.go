package events

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/fakebots/fakebots/emulator/jsonx"
)

// Event types only a stream writes.
const (
	Ready  = "ready"  // first on every stream: read the state now, then apply events
	Resync = "resync" // events were lost: read the state again
	End    = "end"    // the stream ends; data says why
)

// Stream writes a subscription to an HTTP response as server-sent events
// (text/event-stream): "event: <type>" and one "data:" line of compact
// JSON per event, a comment line every KeepAlive so proxies and clients see
// the connection is alive, and a last "end" event saying why it ended.
type Stream struct {
	KeepAlive time.Duration
	// WriteTimeout bounds each write: the server's write timeout counts from
	// the request, so every event gets it again, and a client that stops
	// reading is cut after it.
	WriteTimeout time.Duration
	// Check runs at every keep-alive; a non-empty answer ends the stream
	// with it as the reason (what the hub was not told, say).
	Check func(ctx context.Context) string
}

// Serve writes first, then the subscription's events until it ends, the
// client goes away or a write fails. It cancels the subscription.
func (st Stream) Serve(w http.ResponseWriter, r *http.Request, sub *Subscription, first Event) {
	defer sub.Cancel()
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // a proxy in front must not hold events back
	w.WriteHeader(http.StatusOK)
	write := func(chunk []byte) bool {
		// Fails only where w has no connection of its own (a recorder),
		// and then there is no deadline to move.
		_ = rc.SetWriteDeadline(time.Now().Add(st.WriteTimeout))
		if _, err := w.Write(chunk); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	send := func(e Event) bool { return write(encode(e.Type, e.Data)) }
	if !send(first) {
		return
	}
	tick := time.NewTicker(st.KeepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-sub.Done():
			send(Event{Type: End, Data: map[string]string{"reason": sub.Reason()}})
			return
		case <-sub.Behind():
			if sub.CatchUp() && !send(Event{Type: Resync, Data: map[string]string{"reason": "events were lost: the client read too slowly"}}) {
				return
			}
		case e := <-sub.Events():
			if !send(e) {
				return
			}
		case <-tick.C:
			if st.Check != nil {
				if reason := st.Check(r.Context()); reason != "" {
					send(Event{Type: End, Data: map[string]string{"reason": reason}})
					return
				}
			}
			if !write([]byte(": keep-alive\n\n")) {
				return
			}
		}
	}
}

// encode is one event as the stream writes it.
func encode(typ string, data any) []byte {
	body, err := jsonx.Marshal(data, false)
	if err != nil {
		body = []byte(`{"error":"the event could not be encoded"}`)
	}
	var b bytes.Buffer
	b.Grow(len(typ) + len(body) + 16)
	b.WriteString("event: ")
	b.WriteString(typ)
	b.WriteString("\ndata: ")
	b.Write(body)
	b.WriteString("\n\n")
	return b.Bytes()
}

// Frame is one event of a stream as read back, or a comment (a keep-alive).
type Frame struct {
	Event   string
	Data    []byte
	Comment string
}

// Decoder reads what Stream writes (any stream of server-sent events whose
// events carry one data line), for Go clients and tests.
type Decoder struct{ rd *bufio.Reader }

// NewDecoder reads frames from r.
func NewDecoder(r io.Reader) *Decoder { return &Decoder{bufio.NewReader(r)} }

// Next returns the next frame; io.EOF once the stream ended.
func (d *Decoder) Next() (Frame, error) {
	var f Frame
	for {
		line, err := d.rd.ReadString('\n')
		if err != nil {
			if err == io.EOF && line != "" {
				err = io.ErrUnexpectedEOF
			}
			return f, err
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			if f.Event != "" || f.Data != nil || f.Comment != "" {
				return f, nil
			}
		case strings.HasPrefix(line, ":"):
			f.Comment = strings.TrimSpace(line[1:])
		case strings.HasPrefix(line, "event: "):
			f.Event = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			f.Data = []byte(line[len("data: "):])
		}
	}
}
