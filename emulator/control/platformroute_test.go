package control_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/emulator/tenant"
)

// A platform's control routes are mounted under each tenant, whatever
// platforms without any come before it.
func TestPlatformControlRoutesAreMountedUnderTheTenant(t *testing.T) {
	h := newHarness(t)
	h.expect(t, "POST", "/tenants/acme/alpha/settings", `{"x":1}`, http.StatusOK, `{"body":"{\"x\":1}"}`)
	h.expect(t, "POST", "/tenants/nobody/alpha/settings", `{}`, http.StatusNotFound, `{"error":"tenant not found"}`)
	h.expect(t, "POST", "/tenants/acme/plain/settings", `{}`, http.StatusNotFound, `{"error":"no control endpoint at /__fakebots/tenants/acme/plain/settings"}`)
}

// A body over the bound is refused before the platform sees any of it.
func TestAPlatformRouteBodyOverTheBoundIsRefused(t *testing.T) {
	h := newHarness(t)
	called := false
	h.alpha.handle = func(*platform.ControlRequest) (int, any, error) { called = true; return http.StatusOK, nil, nil }
	h.expect(t, "POST", "/tenants/acme/alpha/settings", `"`+strings.Repeat("x", 1100)+`"`, http.StatusRequestEntityTooLarge, `{"error":"http: request body too large"}`)
	require.False(t, called)
}

// What a platform's control route fails with decides who is to blame: its
// own checks and refused rows are the caller's (4xx); a failing store or
// a call that has gone is the emulator's (500, logged).
func TestPlatformRouteErrorsAreTheCallersOrTheEmulators(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fail   func(c *platform.ControlRequest) error
		status int
		answer string
	}{{
		name:   "a plain error of the platform's checks",
		fail:   func(*platform.ControlRequest) error { return errors.New("mode must be strict or lax") },
		status: http.StatusBadRequest, answer: `{"error":"mode must be strict or lax"}`,
	}, {
		name: "the platform's own control error",
		fail: func(*platform.ControlRequest) error {
			return &platform.ControlError{Status: http.StatusUnprocessableEntity, Message: "no such bot"}
		},
		status: http.StatusUnprocessableEntity, answer: `{"error":"no such bot"}`,
	}, {
		name:   "an unknown tenant",
		fail:   func(*platform.ControlRequest) error { return tenant.ErrNotFound },
		status: http.StatusNotFound, answer: `{"error":"tenant not found"}`,
	}, {
		name: "a row the store refused",
		fail: func(c *platform.ControlRequest) error {
			return c.Env.Store.Write(c.HTTP.Context(), func(tx *store.Tx) error {
				return tx.InsertTenant(store.Tenant{ID: c.TenantID})
			})
		},
		status: http.StatusConflict, answer: `{"error":"constraint failed: UNIQUE constraint failed: tenants.id (1555)"}`,
	}, {
		name: "a failing store",
		fail: func(c *platform.ControlRequest) error {
			return c.Env.Store.Write(c.HTTP.Context(), func(tx *store.Tx) error {
				_, err := tx.Exec(`SELECT json('not json')`)
				return err
			})
		},
		status: http.StatusInternalServerError, answer: internalError,
	}, {
		name:   "a cancelled call",
		fail:   func(*platform.ControlRequest) error { return context.Canceled },
		status: http.StatusInternalServerError, answer: internalError,
	}, {
		name:   "a call past its deadline",
		fail:   func(*platform.ControlRequest) error { return context.DeadlineExceeded },
		status: http.StatusInternalServerError, answer: internalError,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.alpha.handle = func(c *platform.ControlRequest) (int, any, error) { return 0, nil, tc.fail(c) }
			h.expect(t, "POST", "/tenants/acme/alpha/settings", `{}`, tc.status, tc.answer)
			if tc.status == http.StatusInternalServerError {
				require.Contains(t, h.log.String(), `msg="control call failed" method=POST path=/__fakebots/tenants/acme/alpha/settings`)
			} else {
				require.Empty(t, h.log.String())
			}
		})
	}
}
