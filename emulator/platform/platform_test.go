package platform_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/clock"
	"github.com/fakebots/fakebots/emulator/limits"
	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/spec"
	"github.com/fakebots/fakebots/emulator/store"
)

// TestAnnounce: a change reaches the watcher with its tenant, kind and
// data; without a watcher nothing happens.
func TestAnnounce(t *testing.T) {
	var got []any
	env := &platform.Env{Changed: func(tenantID, kind string, data any) { got = append(got, tenantID, kind, data) }}
	env.Announce("t1", "webhook", 5)
	require.Equal(t, []any{"t1", "webhook", 5}, got)
	(&platform.Env{}).Announce("t1", "webhook", 5) // no watcher: no panic
}

// TestRequestTenant: the caller's tenant wins over the one the URL names.
func TestRequestTenant(t *testing.T) {
	r := &platform.Request{Scope: "url"}
	require.Equal(t, "url", r.Tenant())
	require.Equal(t, "", r.TenantID())
	r.Principal.TenantID = "caller"
	require.Equal(t, "caller", r.Tenant())
	require.Equal(t, "caller", r.TenantID())
}

// TestValidateSchema: input that fits the operation's schema passes; one
// that does not gives a *ValidationError naming each failing field.
func TestValidateSchema(t *testing.T) {
	op := &spec.Operation{Input: openapi3.NewObjectSchema().
		WithProperty("text", openapi3.NewStringSchema()).
		WithRequired([]string{"text"})}
	require.NoError(t, platform.ValidateSchema(&platform.Request{Operation: op, Input: platform.Input{"text": "hi"}}))
	err := platform.ValidateSchema(&platform.Request{Operation: op, Input: platform.Input{}})
	var ve *platform.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Fields, 1)
	require.Equal(t, "text", ve.Fields[0].Field)
	require.Equal(t, "text: required", ve.Hint())
}

// tenants is a platform.TenantState with limits on for "on" only.
type tenants struct{}

func (tenants) For(string) *clock.Clock            { return nil }
func (tenants) Now(string) time.Time               { return time.Time{} }
func (tenants) LimitsEnabled(tenantID string) bool { return tenantID == "on" }

// TestHitLimit: a tenant with limits on is counted in its own bucket and
// refused past the limit; one with limits off is allowed and not counted.
func TestHitLimit(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	rule := limits.Rule{Name: "per-minute", Limit: 1, Window: time.Minute}
	lim := limits.New()
	env := &platform.Env{Tenants: tenants{}, Limiter: lim}
	r := &platform.Request{Platform: "p", Now: now, Env: env, Principal: platform.Principal{TenantID: "off"}}
	for range 3 {
		verdicts, refused := r.HitLimit("k", rule)
		require.Nil(t, refused)
		require.Equal(t, []limits.Verdict{{Rule: rule, Allowed: true, Remaining: 1, ResetAt: now.Add(time.Minute)}}, verdicts)
	}
	_, refused := lim.Hit(now, platform.LimitKey("off", "p", "k"), rule)
	require.Nil(t, refused, "the tenant with limits off was not counted")

	r.Principal.TenantID = "on"
	verdicts, refused := r.HitLimit("k", rule)
	require.Nil(t, refused)
	require.Equal(t, 0, verdicts[0].Remaining)
	_, refused = r.HitLimit("k", rule)
	require.NotNil(t, refused)
	_, refused = lim.Hit(now, platform.LimitKey("on", "p", "k"), rule)
	require.NotNil(t, refused, "the hits went to the tenant's bucket for the platform and key")
}

// TestLimitKeyParts: only both platform and key empty give the tenant's
// prefix; either alone is kept in its place.
func TestLimitKeyParts(t *testing.T) {
	require.Equal(t, "t\x00p\x00", platform.LimitKey("t", "p", ""))
	require.Equal(t, "t\x00\x00k", platform.LimitKey("t", "", "k"))
}

// TestWrites: Request.Write and ControlRequest.Write run fn in a write
// transaction of the tenant and return its error.
func TestWrites(t *testing.T) {
	st, err := store.Open("")
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	env := &platform.Env{Store: st}
	r := &platform.Request{HTTP: httptest.NewRequest(http.MethodPost, "/", nil), Env: env, Principal: platform.Principal{TenantID: "t1"}}
	c := &platform.ControlRequest{HTTP: r.HTTP, TenantID: "t2", Env: env}
	require.ErrorIs(t, r.Write(func(*store.Tx) error { return errBoom }), errBoom)
	require.ErrorIs(t, c.Write(func(*store.Tx) error { return errBoom }), errBoom)
	require.NoError(t, r.Write(func(tx *store.Tx) error { return tx.InsertTenant(store.Tenant{ID: "t1"}) }))
	require.NoError(t, c.Write(func(tx *store.Tx) error { return tx.InsertTenant(store.Tenant{ID: "t2"}) }))
	tns, err := st.Tenants(t.Context())
	require.NoError(t, err)
	require.Len(t, tns, 2)
	require.NotZero(t, st.TenantVersion("t1"))
	require.NotZero(t, st.TenantVersion("t2"))
}

// TestControlErrors: each helper gives its status and formatted message.
func TestControlErrors(t *testing.T) {
	controlError(t, platform.ControlNotFound("no %s %d", "user", 3), http.StatusNotFound, "no user 3")
	controlError(t, platform.BadControlRequest("bad %q", "x"), http.StatusBadRequest, `bad "x"`)
	controlError(t, platform.UserNotFound(int64(5)), http.StatusNotFound, "no user 5")
	require.EqualError(t, platform.UserNotFound("x"), "no user x")
}

// TestControlDecode: a body decodes strictly; an empty one leaves v as it is.
func TestControlDecode(t *testing.T) {
	var v struct {
		A int `json:"a"`
	}
	c := &platform.ControlRequest{Body: []byte(`{"a":1}`)}
	require.NoError(t, c.Decode(&v))
	require.Equal(t, 1, v.A)
	c.Body = nil
	require.NoError(t, c.Decode(&v))
	require.Equal(t, 1, v.A)
	c.Body = []byte(`{"a":"x"}`)
	controlError(t, c.Decode(&v), http.StatusBadRequest, "invalid JSON body: json: cannot unmarshal string into Go struct field .a of type int")
}
