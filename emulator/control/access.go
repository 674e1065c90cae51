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
		token, ok := bearer(r)
		switch {
		case !ok:
			unauthorized(w, "this emulator's control API needs Authorization: Bearer <token>")
			return
		case subtle.ConstantTimeCompare([]byte(token), []byte(a.cfg.Token)) == 1:
			next.ServeHTTP(w, r)
			return
		}
		owner, err := a.cfg.Store.TenantByControlToken(r.Context(), token)
		switch {
		case errors.Is(err, store.ErrNotFound):
			unauthorized(w, "unknown control token")
		case err != nil:
			status, body := a.failure(r, err)
			WriteJSON(w, status, body)
		case who == tenantScope && mux.Vars(r)["tenant"] == owner:
			next.ServeHTTP(w, r)
		default:
			WriteJSON(w, http.StatusForbidden, errorBody("tenant "+owner+"'s control token opens only /__fakebots/tenants/"+owner+"/…"))
		}
	})
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
