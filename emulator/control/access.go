package control

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/fakebots/fakebots/emulator/store"
)

// guard lets a call through when the API is open, the route is open, or the
// caller's bearer token opens it: the control token opens everything, a
// tenant's control token that tenant's routes. A missing or unknown token is
// 401, a tenant token on a route that is not its tenant's 403.
func (a *API) guard(who access, next http.Handler) http.Handler {
	if a.cfg.Token == "" || who == open {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		admin, owner, ok := a.identify(w, r)
		switch {
		case !ok:
		case admin || who == tenantScope && mux.Vars(r)["tenant"] == owner:
			next.ServeHTTP(w, r)
		default:
			WriteJSON(w, http.StatusForbidden, errorBody("tenant "+owner+"'s control token opens only /__fakebots/tenants/"+owner+"/…"))
		}
	})
}

// identify reads the caller's token: the control token (admin) or a
// tenant's (owner). Without a known token it answers the call itself and
// reports false.
func (a *API) identify(w http.ResponseWriter, r *http.Request) (admin bool, owner string, ok bool) {
	token, present := bearer(r)
	switch {
	case !present:
		unauthorized(w, "this emulator's control API needs Authorization: Bearer <token>")
		return false, "", false
	case subtle.ConstantTimeCompare([]byte(token), []byte(a.cfg.Token)) == 1:
		return true, "", true
	}
	owner, err := a.cfg.Store.TenantByControlToken(r.Context(), token)
	switch {
	case errors.Is(err, store.ErrNotFound):
		unauthorized(w, "unknown control token")
	case err != nil:
		status, body := a.failure(r, err)
		WriteJSON(w, status, body)
	default:
		return false, owner, true
	}
	return false, "", false
}

func bearer(r *http.Request) (string, bool) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	return token, strings.EqualFold(scheme, "Bearer") && token != ""
}

func unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="fakebots"`)
	WriteJSON(w, http.StatusUnauthorized, errorBody(msg))
}

// whoami says what the caller's token opens: everything ("open" without a
// control token, "admin" with it) or one tenant's endpoints. A client (the
// dashboard) asks it to know which views to offer.
func (a *API) whoami(w http.ResponseWriter, r *http.Request) {
	if a.cfg.Token == "" {
		WriteJSON(w, http.StatusOK, map[string]string{"access": "open"})
		return
	}
	switch admin, owner, ok := a.identify(w, r); {
	case !ok:
	case admin:
		WriteJSON(w, http.StatusOK, map[string]string{"access": "admin"})
	default:
		WriteJSON(w, http.StatusOK, map[string]string{"access": "tenant", "tenant": owner})
	}
}
