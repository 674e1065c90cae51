package fakebotstest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/fakebots/fakebots/emulator/faults"
	"github.com/fakebots/fakebots/emulator/journal"
	"github.com/fakebots/fakebots/emulator/store"
)

// Control is a typed client of the control API (/__fakebots), usable against
// any running emulator, in process or not.
type Control struct {
	URL    string // the emulator's base URL
	Client *http.Client
}

// call sends a control request and decodes the JSON answer into out (when
// not nil). Statuses of 400 and above are errors carrying the answer's text.
func (c *Control) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.URL+"/__fakebots"+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	client := c.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 400 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	if out != nil && len(raw) > 0 {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// CreateTenant creates a tenant, from a fixture name, an inline fixture, or nothing (nil).
func (c *Control) CreateTenant(ctx context.Context, fixture any) (*Tenant, error) {
	req := map[string]any{}
	if fixture != nil {
		req["fixture"] = fixture
	}
	var raw json.RawMessage
	if err := c.call(ctx, http.MethodPost, "/tenants", req, &raw); err != nil {
		return nil, err
	}
	tn := &Tenant{}
	return tn, tn.fill(c.URL, raw)
}

// ResetTenant returns a tenant to its state right after creation.
func (c *Control) ResetTenant(ctx context.Context, id string) error {
	return c.call(ctx, http.MethodPost, "/tenants/"+url.PathEscape(id)+"/reset", nil, nil)
}

// DeleteTenant deletes a tenant.
func (c *Control) DeleteTenant(ctx context.Context, id string) error {
	return c.call(ctx, http.MethodDelete, "/tenants/"+url.PathEscape(id), nil, nil)
}

// Filter narrows Journal and Outbox; empty fields match everything.
type Filter struct {
	Tenant    string
	Platform  string
	Operation string // journal only
	Recipient string // outbox only
	Status    string // outbox only
	Limit     int
}

func (f Filter) query() string {
	q := url.Values{}
	for k, v := range map[string]string{"tenant": f.Tenant, "platform": f.Platform, "operation": f.Operation, "recipient": f.Recipient, "status": f.Status} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Limit > 0 {
		q.Set("limit", fmt.Sprint(f.Limit))
	}
	return "?" + q.Encode()
}

// Journal lists recorded exchanges, newest first.
func (c *Control) Journal(ctx context.Context, f Filter) ([]journal.Entry, error) {
	var out struct{ Data []journal.Entry }
	err := c.call(ctx, http.MethodGet, "/journal"+f.query(), nil, &out)
	return out.Data, err
}

// Outbox lists messages delivered (or scheduled) to end users, newest first.
func (c *Control) Outbox(ctx context.Context, f Filter) ([]store.Message, error) {
	var out struct{ Data []store.Message }
	err := c.call(ctx, http.MethodGet, "/outbox"+f.query(), nil, &out)
	return out.Data, err
}

// ClockState is the emulator's time.
type ClockState struct {
	Now    time.Time `json:"now"`
	Frozen bool      `json:"frozen"`
}

// Clock reads the emulator's time.
func (c *Control) Clock(ctx context.Context) (ClockState, error) {
	var s ClockState
	return s, c.call(ctx, http.MethodGet, "/clock", nil, &s)
}

// Freeze stops the clock.
func (c *Control) Freeze(ctx context.Context) (ClockState, error) {
	var s ClockState
	return s, c.call(ctx, http.MethodPost, "/clock/freeze", nil, &s)
}

// Advance moves the clock forward, delivering what became due.
func (c *Control) Advance(ctx context.Context, d time.Duration) (ClockState, error) {
	var s ClockState
	return s, c.call(ctx, http.MethodPost, "/clock/advance", map[string]string{"by": d.String()}, &s)
}

// SetClock jumps to t, freezing the clock there when freeze is set.
func (c *Control) SetClock(ctx context.Context, t time.Time, freeze bool) (ClockState, error) {
	var s ClockState
	return s, c.call(ctx, http.MethodPost, "/clock/set", map[string]any{"now": t, "freeze": freeze}, &s)
}

// AddFault injects a fault and returns it with its id.
func (c *Control) AddFault(ctx context.Context, f faults.Fault) (faults.Fault, error) {
	var out faults.Fault
	return out, c.call(ctx, http.MethodPost, "/faults", f, &out)
}

// ClearFaults removes every fault of a tenant ("" for all).
func (c *Control) ClearFaults(ctx context.Context, tenant string) error {
	return c.call(ctx, http.MethodDelete, "/faults"+Filter{Tenant: tenant}.query(), nil, nil)
}

// SetRateLimits switches every limit on or off.
func (c *Control) SetRateLimits(ctx context.Context, enabled bool) error {
	return c.call(ctx, http.MethodPut, "/rate-limits", map[string]bool{"enabled": enabled}, nil)
}

// Call is the escape hatch for control endpoints without a typed method
// (platform-specific ones, say): path is relative to /__fakebots.
func (c *Control) Call(ctx context.Context, method, path string, in, out any) error {
	return c.call(ctx, method, path, in, out)
}
