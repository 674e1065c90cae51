package fakebotstest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/fakebots/fakebots/emulator/faults"
)

// Control is a client of the control API (/__fakebots) of any running
// emulator, in process or not: Call is the way to endpoints no helper
// covers.
type Control struct {
	URL    string // the emulator's base URL
	Client *http.Client
	// Token is sent as Authorization: Bearer (the emulator's control token,
	// or a tenant's).
	Token string
	root  string // prefix of every path after /__fakebots (a tenant's own)
}

// Call sends a control request (path relative to /__fakebots) with in as
// its JSON body (nil for none) and decodes the JSON answer into out (nil to
// drop it). Answers of 400 and above are errors carrying the answer's text.
func (c *Control) Call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		raw, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(raw)
	}
	full := "/__fakebots" + c.root + path
	req, err := http.NewRequestWithContext(ctx, method, c.URL+full, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
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
		return fmt.Errorf("%s %s: %d %s", method, full, resp.StatusCode, bytes.TrimSpace(raw))
	}
	if out != nil && len(raw) > 0 {
		return json.Unmarshal(raw, out)
	}
	return nil
}

func (c *Control) call(method, path string, in, out any) error {
	return c.Call(context.Background(), method, path, in, out)
}

// ClockState is a clock's time and whether it stands still.
type ClockState struct {
	Now    time.Time `json:"now"`
	Frozen bool      `json:"frozen"`
}

// Clock reads the tenant's time.
func (tn *Tenant) Clock(t testing.TB) ClockState {
	t.Helper()
	var s ClockState
	tn.must(t, http.MethodGet, "/clock", nil, &s)
	return s
}

// Now is the tenant's current time.
func (tn *Tenant) Now(t testing.TB) time.Time {
	t.Helper()
	return tn.Clock(t).Now
}

// Freeze stops the tenant's clock.
func (tn *Tenant) Freeze(t testing.TB) time.Time {
	t.Helper()
	return tn.clock(t, "/freeze", nil)
}

// Resume lets the tenant's clock run on the machine's time from where it
// stands.
func (tn *Tenant) Resume(t testing.TB) time.Time {
	t.Helper()
	return tn.clock(t, "/resume", nil)
}

// Advance moves the tenant's clock forward by d and runs what became due
// (scheduled sends, webhook retries); it returns the new time.
func (tn *Tenant) Advance(t testing.TB, d time.Duration) time.Time {
	t.Helper()
	return tn.clock(t, "/advance", map[string]string{"by": d.String()})
}

// SetTime moves the tenant's clock to instant and freezes it there.
func (tn *Tenant) SetTime(t testing.TB, instant time.Time) time.Time {
	t.Helper()
	return tn.clock(t, "/set", map[string]any{"now": instant, "freeze": true})
}

func (tn *Tenant) clock(t testing.TB, action string, body any) time.Time {
	t.Helper()
	var s ClockState
	tn.must(t, http.MethodPost, "/clock"+action, body, &s)
	return s.Now
}

// SetRateLimits switches the platforms' rate limits on or off for the
// tenant (they are on, as on the real services, unless the emulator was
// started without them).
func (tn *Tenant) SetRateLimits(t testing.TB, on bool) {
	t.Helper()
	tn.must(t, http.MethodPut, "/rate-limits", map[string]bool{"enabled": on}, nil)
}

// Fault is an injected fault as the control API shows it.
type Fault = faults.Fault

// FailNext makes the tenant's next n calls of an operation of a platform
// (op "" for any of its operations) answer status with body: a string is
// sent as it is, any other value as JSON, nil as no body.
func (tn *Tenant) FailNext(t testing.TB, platform Platform, op Operation, n, status int, body any) Fault {
	t.Helper()
	f := Fault{Platform: string(platform), Operation: string(op), Count: n, Status: status}
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatalf("fakebotstest: fault body: %v", err)
		}
		f.Body = raw
	}
	return tn.AddFault(t, f)
}

// AddFault injects any fault (a delay, a dropped connection, headers) for
// the tenant and returns it with its id.
func (tn *Tenant) AddFault(t testing.TB, f Fault) Fault {
	t.Helper()
	var out Fault
	tn.must(t, http.MethodPost, "/faults", f, &out)
	return out
}

// Faults lists the tenant's faults with what is left of them.
func (tn *Tenant) Faults(t testing.TB) []Fault {
	t.Helper()
	var out struct{ Data []Fault }
	tn.must(t, http.MethodGet, "/faults", nil, &out)
	return out.Data
}

// ClearFaults removes the tenant's faults.
func (tn *Tenant) ClearFaults(t testing.TB) {
	t.Helper()
	tn.must(t, http.MethodDelete, "/faults", nil, nil)
}
