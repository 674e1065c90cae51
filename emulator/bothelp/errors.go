package bothelp

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
)

// apiError is an API error of the catalogue below. Only the message texts
// marked observed were seen on the live API; its status codes and envelope
// were never captured, so the envelope follows the tenant's error_format.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message) }

func invalid(message string) *apiError {
	return &apiError{http.StatusBadRequest, "VALIDATION_ERROR", message}
}

func notFound(message string) *apiError {
	return &apiError{http.StatusNotFound, "NOT_FOUND", message}
}

// The API catalogue.
var (
	// observed: DELETE /bot and /funnel with an empty body; by inference any
	// body PHP's json_decode rejects.
	errJSONDecode = invalid("json_decode error")
	// observed: replace on /tags, unknown ops and paths of a JSON-Patch.
	errPatchNotRecognized = invalid("Patch instruction not recognized")
	// observed: message bodies that are neither shape; by inference also a
	// JSON-Patch that is not an array and tags that are not a list.
	errExpectedArray = invalid("Expected an array")
	// observed: message objects with keys other than content.
	errContentOnly = invalid("Expected keys 'content' only")
	// inferred: a value that must be text is an array, an object or a boolean.
	errExpectedString = invalid("Expected a string")
	// inferred: a block of {"data":{"content":[...]}} of no known kind.
	errUnknownBlock = invalid("Unsupported content block")

	// inferred: an unknown subscriber id, CUID or PSID.
	errSubscriberNotFound = notFound("Subscriber not found")
	// inferred: the steps of an unknown bot, with unknown_bot_steps=not_found.
	errBotNotFound = notFound("Bot not found")
	// inferred: no such path, or a path on the other host.
	errRouteNotFound = notFound("No route found")

	// inferred: a body past the emulator's bound on values (PHP would run
	// out of memory first).
	errTooManyValues = invalid(fmt.Sprintf("Request body has more than %d values", platform.MaxInputValues))

	errTooManyRequests = &apiError{http.StatusTooManyRequests, "TOO_MANY_REQUESTS", "Too many requests"}
	errTooLarge        = &apiError{http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE", "Request body too large"}
	errInternal        = &apiError{http.StatusInternalServerError, "INTERNAL_ERROR", "Internal server error"}
)

// oauthError is an RFC 6749 / RFC 6750 error of the token endpoint or of the
// Bearer check. The statuses are observed (400 at the token exchange, 401
// for a bad or expired token); the bodies are inferred.
type oauthError struct {
	status      int // 0: the tenant's token_error_status
	code        string
	description string
	challenge   bool // adds WWW-Authenticate: Bearer
}

func (e *oauthError) Error() string { return e.code + ": " + e.description }

var (
	errGrantMissing  = &oauthError{http.StatusBadRequest, "invalid_request", "The grant type was not specified in the request", false}
	errInvalidClient = &oauthError{0, "invalid_client", "The client credentials are invalid", false}
	errTokenMissing  = &oauthError{http.StatusUnauthorized, "invalid_request", "The access token is missing", true}
	errTokenInvalid  = &oauthError{http.StatusUnauthorized, "invalid_token", "The access token provided is invalid", true}
	errTokenExpired  = &oauthError{http.StatusUnauthorized, "invalid_token", "The access token provided has expired", true}
)

func errGrantUnsupported(grant string) *oauthError {
	return &oauthError{http.StatusBadRequest, "unsupported_grant_type", fmt.Sprintf("Grant type %q not supported", grant), false}
}

// Render writes every answer of the platform: results as compact JSON with
// status 200, errors from the catalogues or from the engine.
func (p *Platform) Render(r *platform.Request, result any, err error) platform.Response {
	if err == nil {
		return jsonResponse(http.StatusOK, result, nil)
	}
	if errors.Is(err, platform.ErrUnknownCredential) {
		err = errTokenInvalid
		if r.Operation.ID == opToken {
			err = errInvalidClient
		}
	}
	var (
		api     *apiError
		oauth   *oauthError
		input   *platform.ValidationError
		route   *platform.RouteError
		limited *platform.RateLimited
	)
	switch {
	case errors.As(err, &oauth):
		return p.renderOAuth(r, oauth)
	case errors.As(err, &api):
		return p.renderAPI(r, api, nil)
	case errors.As(err, &input):
		return p.renderAPI(r, invalid(describe(input)), nil)
	case errors.As(err, &route):
		return p.renderRoute(r, route)
	case errors.As(err, &limited):
		h := http.Header{"Retry-After": {strconv.Itoa(max(limited.RetryAfterSeconds, 1))}}
		return p.renderAPI(r, errTooManyRequests, h)
	case errors.Is(err, platform.ErrBodyTooLarge):
		return p.renderAPI(r, errTooLarge, nil)
	}
	p.env.Log.Error("internal error", "platform", Name, "path", r.Path, "err", err)
	return p.renderAPI(r, errInternal, nil)
}

func (p *Platform) renderOAuth(r *platform.Request, e *oauthError) platform.Response {
	status := e.status
	if status == 0 {
		status = p.settingsFor(r).TokenErrorStatus
	}
	var h http.Header
	if e.challenge {
		// RFC 6750: a request without a token gets the bare challenge.
		challenge := "Bearer"
		if e.code == "invalid_token" {
			challenge += ` error="invalid_token"`
		}
		h = http.Header{"Www-Authenticate": {challenge}}
	}
	return jsonResponse(status, jsonx.Object{{Key: "error", Value: e.code}, {Key: "error_description", Value: e.description}}, h)
}

// renderAPI writes an API error in the tenant's envelope.
func (p *Platform) renderAPI(r *platform.Request, e *apiError, h http.Header) platform.Response {
	var body jsonx.Object
	if p.settingsFor(r).ErrorFormat == formatJSONAPI {
		body = jsonx.Object{{Key: "errors", Value: []jsonx.Object{{
			{Key: "status", Value: strconv.Itoa(e.status)},
			{Key: "code", Value: e.code},
			{Key: "detail", Value: e.message},
		}}}}
	} else {
		body = jsonx.Object{
			{Key: "success", Value: false},
			{Key: "error", Value: jsonx.Object{{Key: "code", Value: e.code}, {Key: "message", Value: e.message}}},
		}
	}
	return jsonResponse(e.status, body, h)
}

// renderRoute answers a path the spec does not serve: a 301 to its other
// trailing-slash form when that one is served, else 404 or 405.
func (p *Platform) renderRoute(r *platform.Request, route *platform.RouteError) platform.Response {
	if route.NotFound() {
		if resp, ok := p.slashRedirect(r); ok {
			return resp
		}
		return p.renderAPI(r, errRouteNotFound, nil)
	}
	e := &apiError{http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", fmt.Sprintf("Method %s is not allowed here (allowed: %s)", r.HTTP.Method, strings.Join(route.Allowed, ", "))}
	return p.renderAPI(r, e, http.Header{"Allow": {strings.Join(route.Allowed, ", ")}})
}

// describe turns schema failures into one message: "field: reason; ...".
func describe(e *platform.ValidationError) string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = strings.TrimPrefix(f.Field+": "+f.Reason, ": ")
	}
	return strings.Join(parts, "; ")
}

// jsonResponse encodes body compactly, UTF-8 and slashes as they are.
func jsonResponse(status int, body any, h http.Header) platform.Response {
	out, err := jsonx.Marshal(body, false)
	if err != nil {
		status, out = http.StatusInternalServerError, []byte(`{"success":false,"error":{"code":"INTERNAL_ERROR","message":"Internal server error"}}`)
	}
	if h == nil {
		h = http.Header{}
	}
	h.Set("Content-Type", "application/json")
	return platform.Response{Status: status, Header: h, Body: out}
}
