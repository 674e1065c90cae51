package platform

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/fakebots/fakebots/emulator/limits"
	"github.com/fakebots/fakebots/emulator/store"
)

// Scheduler is implemented by platforms whose state changes on the clock by
// itself. The engine calls RunDue for a tenant after its clock changes and,
// while the clock runs, about once a second when something of the tenant's
// is due; now is the tenant's time and delivered holds this platform's
// outbox messages of the tenant that just became due.
type Scheduler interface {
	RunDue(ctx context.Context, tenantID string, now time.Time, delivered []store.Message) error
}

// Forgetter is implemented by platforms that keep work of a tenant in
// memory (queued webhook deliveries, say): the engine calls ForgetTenant when
// the tenant is reset or deleted, so none of it lands in the fresh tenant.
type Forgetter interface {
	ForgetTenant(tenantID string)
}

// LimitShaper is implemented by platforms whose tenants choose how their
// limits are read: the engine hands it the spec's rules for a request (the
// platform's, then the operation's) and applies what it returns.
type LimitShaper interface {
	LimitRules(r *Request, rules []limits.Rule) []limits.Rule
}

// Controller is implemented by platforms with control-API endpoints of their
// own, mounted under /__fakebots/tenants/{tenant}/{platform}/.
type Controller interface {
	ControlRoutes() []ControlRoute
}

// ControlRoute is one platform control endpoint. Path is relative to the
// platform's mount point and may hold gorilla/mux variables ("keys/{key}").
type ControlRoute struct {
	Method  string
	Path    string
	Summary string
	Handle  func(c *ControlRequest) (status int, body any, err error)
}

// ControlRequest is a call to a platform control endpoint for one tenant.
type ControlRequest struct {
	HTTP     *http.Request
	TenantID string
	Vars     map[string]string
	Body     []byte
	Now      time.Time
	Env      *Env
}

// ControlError is a control-API failure with its HTTP status.
type ControlError struct {
	Status  int
	Message string
}

func (e *ControlError) Error() string { return e.Message }

// BadControlRequest is a 400 control error.
func BadControlRequest(format string, args ...any) error {
	return &ControlError{Status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...)}
}

// ControlNotFound is a 404 control error.
func ControlNotFound(format string, args ...any) error {
	return &ControlError{Status: http.StatusNotFound, Message: fmt.Sprintf(format, args...)}
}

// Demonstrator is implemented by platforms that can show a working call for
// a tenant: the start-up banner prints it.
type Demonstrator interface {
	// CurlExample is a shell command calling the platform at baseURL (the
	// emulator's root) with the credentials Provision returned for a tenant.
	CurlExample(baseURL string, credentials json.RawMessage) string
}

// Decode reads the request's JSON body strictly into v (see DecodeStrict);
// a body that does not decode is a 400.
// Write runs fn in a write transaction of the tenant the call is for (all
// tenants for an emulator-wide call).
func (c *ControlRequest) Write(fn func(*store.Tx) error) error {
	return c.Env.Store.WriteTenant(c.HTTP.Context(), c.TenantID, fn)
}

func (c *ControlRequest) Decode(v any) error {
	if err := DecodeStrict(c.Body, v); err != nil {
		return BadControlRequest("invalid JSON body: %v", err)
	}
	return nil
}
