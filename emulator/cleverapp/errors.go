package cleverapp

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/platform"
)

// apiError is one answer of the error catalogue below: every error body the
// backend is known (or assumed) to send, in one place.
type apiError struct {
	status int
	body   jsonx.Object
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %v", e.status, e.body) }

func messageError(status int, msg string) *apiError {
	return &apiError{status, jsonx.Object{{Key: "message", Value: msg}}}
}

// The catalogue. Bodies marked documented are in the CleverApp docs (seed
// 002); the others follow Laravel 5.8's exception rendering (inferred).
var (
	// documented: sendMessage «Forbidden»; used for a lapsed PRO plan and
	// for another tenant's bot, contact, account or list (inferred mapping).
	errForbidden = messageError(http.StatusForbidden, "Forbidden")
	// inferred: the token guard's AuthenticationException for JSON clients.
	errUnauthenticated = messageError(http.StatusUnauthorized, "Unauthenticated.")
	// inferred: a route that does not exist (Laravel ≤ 8 leaves the message empty).
	errRouteNotFound = messageError(http.StatusNotFound, "")
	// inferred: PostTooLargeException from ValidatePostSize.
	errTooLarge = messageError(http.StatusRequestEntityTooLarge, "")
)

// errModelNotFound is findOrFail's 404 for an id that exists nowhere (inferred).
func errModelNotFound(model string, id any) *apiError {
	return messageError(http.StatusNotFound, fmt.Sprintf("No query results for model [App\\%s] %s", model, platform.Text(id)))
}

// errSendLimit is the documented per-messenger limit body; its status was
// lost from the docs, 429 is inferred.
func errSendLimit(messenger string) *apiError {
	return &apiError{http.StatusTooManyRequests, jsonx.Object{{Key: "error", Value: "Достигнут лимит отправки сообщений для " + messenger}}}
}

// errMessengerNotImplemented is the documented body for sending to ICQ; the
// status was lost from the docs, 400 is inferred.
func errMessengerNotImplemented(messenger string) *apiError {
	return &apiError{http.StatusBadRequest, jsonx.Object{{Key: "error", Value: "На данный момент не реализована отправка сообщений в мессенджер контакта (" + messenger + ")"}}}
}

// errFieldInvalid is a 422 for one field, for checks that need the store
// (Laravel's exists, unique and custom rules).
func errFieldInvalid(field, msg string) error {
	return &validationError{jsonx.Object{{Key: field, Value: []string{msg}}}}
}

// validationError carries the failed rules to the 422 body.
type validationError struct{ errs jsonx.Object }

func (e *validationError) Error() string { return fmt.Sprintf("validation failed: %v", e.errs) }

// Hint names the fields that failed (their messages are Russian prose).
func (e *validationError) Hint() string {
	fields := make([]string, len(e.errs))
	for i, f := range e.errs {
		fields[i] = f.Key
	}
	return strings.Join(fields, ", ")
}

// htmlPage is a result rendered as an HTML page rather than JSON.
type htmlPage string

// ReportLimits adds ThrottleRequests' headers: the minute limit (the last
// rule) on every answer it lets through.
func (p *Platform) ReportLimits(r *platform.Request, h http.Header) {
	v := r.Limits[len(r.Limits)-1]
	laravel.ThrottleHeaders(h, v.Rule.Limit, max(v.Remaining, 0), 0, 0)
}

// Render writes every answer of the platform: results as Laravel JSON,
// errors from the catalogue or from the engine.
func (p *Platform) Render(r *platform.Request, result any, err error) platform.Response {
	if errors.Is(err, platform.ErrUnknownCredential) {
		err = errUnauthenticated
	}
	if page, ok := result.(htmlPage); ok && err == nil {
		return platform.Response{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/html; charset=UTF-8"}}, Body: []byte(page)}
	}
	if err == nil {
		return laravel.JSON(http.StatusOK, result)
	}
	var (
		api     *apiError
		invalid *validationError
		route   *platform.RouteError
		limited *platform.RateLimited
	)
	switch {
	case errors.Is(err, errUnauthenticated) && !laravel.ExpectsJSON(r.HTTP):
		return laravel.Redirect(r.BaseURL + "/login")
	case errors.As(err, &api):
		return laravel.JSON(api.status, api.body)
	case errors.As(err, &invalid):
		return laravel.ValidationFailed(invalid.errs)
	case errors.As(err, &route):
		if route.NotFound() {
			return laravel.JSON(errRouteNotFound.status, errRouteNotFound.body)
		}
		return laravel.MethodNotAllowed(r.HTTP.Method, route.Allowed)
	case errors.As(err, &limited):
		resp := laravel.Message(http.StatusTooManyRequests, "Too Many Attempts.")
		laravel.ThrottleHeaders(resp.Header, limited.Verdict.Rule.Limit, 0, limited.RetryAfterSeconds, limited.Verdict.ResetAt.Unix())
		return resp
	case errors.Is(err, platform.ErrBodyTooLarge):
		return laravel.JSON(errTooLarge.status, errTooLarge.body)
	}
	p.env.Log.Error("internal error", "platform", p.brand.Name, "path", r.Path, "err", err)
	return laravel.ServerError()
}
