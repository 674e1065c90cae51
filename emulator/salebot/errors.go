package salebot

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
)

// class decides an error's HTTP code, from the project's settings where the
// code is unknown.
type class int

const (
	classNotFound      class = iota // NotFoundStatus (CRMNotFoundStatus on CRM actions)
	classFail                       // FailStatus
	classFixedNotFound              // 404 as documented (whatsapp_client_id)
	classUnknownKey                 // Errors.UnknownKey
	classForbidden                  // Errors.Forbidden
)

// apiError is one answer of the catalogue below: every error body Salebot
// is known (or assumed) to send, in one place.
type apiError struct {
	class class
	body  jsonx.Object
}

func (e *apiError) Error() string { return fmt.Sprintf("salebot error %v", e.body) }

func statusError(c class, status string) *apiError {
	return &apiError{c, jsonx.Object{{Key: "status", Value: status}}}
}

func failError(msg string) *apiError {
	return &apiError{classFail, jsonx.Object{{Key: "status", Value: "fail"}, {Key: "message", Value: msg}}}
}

var (
	// documented (CRM actions); observed with 404 for message.
	errClientNotFound = statusError(classNotFound, "client_not_found")
	// documented: get_order_state.
	errOrderNotFound = statusError(classNotFound, "order not found")
	// documented: find_clients.
	errFormat         = failError("Error in parameter format")
	errSomethingWrong = failError("Something went wrong")
	// documented: whatsapp_client_id answers 404 for an unknown number; the body is inferred.
	errWhatsAppClientNotFound = statusError(classFixedNotFound, "client_not_found")
	// inferred, after client_not_found.
	errListNotFound  = statusError(classNotFound, "list_not_found")
	errStateNotFound = statusError(classNotFound, "state not found")
	errUserNotFound  = statusError(classNotFound, "user_not_found")
	// inferred: actions that need a channel the project lacks.
	errNoWhatsApp = failError("WhatsApp is not connected")
	// inferred: bodies and codes come from the project's settings.
	errUnknownKey = &apiError{class: classUnknownKey}
	errForbidden  = &apiError{class: classForbidden}
)

// errOrderIDNotFound is set_order_vars' documented {"status":"order 12345 not found"}.
func errOrderIDNotFound(id int64) *apiError {
	return statusError(classNotFound, "order "+strconv.FormatInt(id, 10)+" not found")
}

// errRequired is find_clients' documented `Parameter "q" required`, for
// every missing parameter (inferred beyond q). Alternatives are joined.
func errRequired(names ...string) *apiError {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = strconv.Quote(n)
	}
	list := quoted[0]
	if n := len(quoted); n > 1 {
		list = strings.Join(quoted[:n-1], ", ") + " or " + quoted[n-1]
	}
	return failError("Parameter " + list + " required")
}

// errTooComplex refuses input past the emulator's bounds (inferred: the
// service's own limits are unknown).
func errTooComplex(e *platform.InputTooComplexError) *apiError {
	return failError("Request too complex: " + e.Reason)
}

// errExclusive is for parameters that may not come together (inferred).
func errExclusive(names []string) *apiError {
	return failError("Parameters " + strings.Join(names, ", ") + " are mutually exclusive")
}

// Render writes every answer of the platform as JSON labelled with the
// project's content type.
func (p *Platform) Render(r *platform.Request, result any, err error) platform.Response {
	pr := projectOf(r)
	if errors.Is(err, platform.ErrUnknownCredential) {
		err, pr = errUnknownKey, defaultProject // the key's own project is another tenant's
	}
	status, body := p.answer(r, pr, result, err)
	var route *platform.RouteError
	if errors.As(err, &route) && route.NotFound() {
		pr = projectOf(r) // answer's: the project of a key in the path labels the answer too
	}
	var out []byte
	switch b := body.(type) {
	case json.RawMessage:
		out = rawAnswer(b)
	default:
		var merr error
		if out, merr = jsonx.Marshal(body, false); merr != nil {
			p.env.Log.Error("encode answer", "platform", Name, "err", merr)
			status, out = http.StatusInternalServerError, mustJSON(errSomethingWrong.body)
		}
	}
	h := http.Header{}
	h.Set("Content-Type", pr.Settings.ContentType)
	if route != nil && !route.NotFound() {
		h.Set("Allow", strings.Join(route.Allowed, ", "))
	}
	var limited *platform.RateLimited
	if errors.As(err, &limited) {
		h.Set("Retry-After", strconv.Itoa(limited.RetryAfterSeconds))
	}
	return platform.Response{Status: status, Header: h, Body: out}
}

// answer picks the status and body of a result or error.
func (p *Platform) answer(r *platform.Request, pr *project, result any, err error) (int, any) {
	if err == nil {
		return http.StatusOK, result
	}
	var (
		api     *apiError
		invalid *platform.ValidationError
		route   *platform.RouteError
		limited *platform.RateLimited
	)
	switch {
	case errors.As(err, &api):
		return p.apiAnswer(r, pr, api)
	case errors.As(err, &invalid):
		return pr.Settings.FailStatus, schemaFailure(r, invalid).body
	case errors.As(err, &route):
		if route.NotFound() {
			if known := p.projectByPath(r); known != nil {
				pr = known
				withProject(r, pr)
			}
			a := pr.Settings.Errors.UnknownAction
			return a.Status, a.Body
		}
		return http.StatusMethodNotAllowed, jsonx.Object{{Key: "status", Value: "error"}, {Key: "message", Value: "method not allowed"}}
	case errors.As(err, &limited):
		return http.StatusTooManyRequests, jsonx.Object{{Key: "status", Value: "error"}, {Key: "message", Value: "too many requests"}}
	case errors.Is(err, platform.ErrBodyTooLarge):
		return http.StatusRequestEntityTooLarge, jsonx.Object{{Key: "status", Value: "error"}, {Key: "message", Value: "request body too large"}}
	}
	p.env.Log.Error("internal error", "platform", Name, "path", r.Path, "err", err)
	return http.StatusInternalServerError, errSomethingWrong.body
}

func (p *Platform) apiAnswer(r *platform.Request, pr *project, e *apiError) (int, any) {
	s := pr.Settings
	switch e.class {
	case classUnknownKey:
		return s.Errors.UnknownKey.Status, s.Errors.UnknownKey.Body
	case classForbidden:
		return s.Errors.Forbidden.Status, s.Errors.Forbidden.Body
	case classFail:
		return s.FailStatus, e.body
	case classFixedNotFound:
		return http.StatusNotFound, e.body
	}
	if r.Operation != nil && strings.HasPrefix(p.rulesOf(r).permission, "crm_") {
		return s.CRMNotFoundStatus, e.body
	}
	return s.NotFoundStatus, e.body
}

// rawAnswer sends a configured body: JSON as it is, a JSON string as its text.
func rawAnswer(b json.RawMessage) []byte {
	var text string
	if json.Unmarshal(b, &text) == nil {
		return []byte(text)
	}
	return b
}

func mustJSON(v any) []byte {
	out, _ := jsonx.Marshal(v, false)
	return out
}
