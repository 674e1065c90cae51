// Package faults holds injected faults: the next N requests that match a
// platform, operation and tenant get a given answer, a delay, or a dropped
// connection instead of (or before) their normal handling.
package faults

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Fault is one injection rule.
type Fault struct {
	ID        string            `json:"id"`
	TenantID  string            `json:"tenant_id,omitempty"` // "" matches every tenant
	Platform  string            `json:"platform"`
	Operation string            `json:"operation,omitempty"` // "" matches every operation of the platform
	Count     int               `json:"count"`               // matches left; the fault is removed at 0
	Status    int               `json:"status,omitempty"`    // answer with this status and Body
	Body      json.RawMessage   `json:"body,omitempty"`      // a JSON value; a JSON string is sent as raw text
	Headers   map[string]string `json:"headers,omitempty"`
	DelayMS   int               `json:"delay_ms,omitempty"` // wait this long first, then go on
	Drop      bool              `json:"drop,omitempty"`     // close the connection without answering
	Matched   int               `json:"matched"`
}

// Validate checks that f says what to do and whom to do it to.
func (f *Fault) Validate() error {
	switch {
	case f.Platform == "":
		return errors.New("platform is required")
	case f.Count < 0:
		return errors.New("count must not be negative")
	case f.Status == 0 && f.DelayMS == 0 && !f.Drop:
		return errors.New("one of status, delay_ms or drop is required")
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return errors.New("status must be an HTTP status code")
	case f.DelayMS < 0 || f.DelayMS > 600000:
		return errors.New("delay_ms must be between 0 and 600000")
	case f.Drop && f.Status != 0:
		return errors.New("drop and status exclude each other")
	case len(f.Body) > 0 && !json.Valid(f.Body):
		return errors.New("body must be JSON")
	}
	if f.Count == 0 {
		f.Count = 1
	}
	if string(f.Body) == "null" {
		f.Body = nil // "body": null is no body
	}
	return nil
}

// BodyBytes is what the fault writes: a JSON string's text verbatim, any
// other JSON value as JSON.
func (f *Fault) BodyBytes() []byte {
	var s string
	if json.Unmarshal(f.Body, &s) == nil {
		return []byte(s)
	}
	return f.Body
}

// Header returns the headers to send, with a JSON content type unless the
// fault names one.
func (f *Fault) Header() http.Header {
	h := http.Header{}
	for k, v := range f.Headers {
		h.Set(k, v)
	}
	if h.Get("Content-Type") == "" && len(f.Body) > 0 {
		var s string
		if json.Unmarshal(f.Body, &s) == nil {
			h.Set("Content-Type", "text/plain; charset=utf-8")
		} else {
			h.Set("Content-Type", "application/json")
		}
	}
	return h
}

// Delay is the fault's delay.
func (f *Fault) Delay() time.Duration { return time.Duration(f.DelayMS) * time.Millisecond }

// Set is the list of active faults, safe for concurrent use.
type Set struct {
	mu     sync.Mutex
	seq    int
	faults []*Fault
}

// Add appends f (already validated) and returns it with its id.
func (s *Set) Add(f Fault) Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	f.ID = "f" + strconv.Itoa(s.seq)
	s.faults = append(s.faults, &f)
	return f
}

// Take consumes one match of the oldest fault matching the request and
// returns a copy of it.
func (s *Set) Take(tenantID, platform, operation string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Platform != platform || (f.Operation != "" && f.Operation != operation) ||
			(f.TenantID != "" && f.TenantID != tenantID) {
			continue
		}
		f.Count--
		f.Matched++
		taken := *f
		if f.Count <= 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return taken, true
	}
	return Fault{}, false
}

// List returns the active faults of tenantID ("" for all).
func (s *Set) List(tenantID string) []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Fault{}
	for _, f := range s.faults {
		if tenantID == "" || f.TenantID == tenantID {
			out = append(out, *f)
		}
	}
	return out
}

// Remove deletes the fault with id ("" for any) of tenantID ("" for any
// tenant, and the faults of every tenant) and returns how many it deleted.
func (s *Set) Remove(id, tenantID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	kept := s.faults[:0]
	removed := 0
	for _, f := range s.faults {
		if (id == "" || f.ID == id) && (tenantID == "" || f.TenantID == tenantID) {
			removed++
			continue
		}
		kept = append(kept, f)
	}
	s.faults = kept
	return removed
}
