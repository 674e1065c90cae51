// Package spectest checks the emulator's own responses against the
// platform's OpenAPI document, so the spec and the behaviour cannot drift.
package spectest

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/fakebots/fakebots/emulator/spec"
)

func init() {
	// Platforms label JSON bodies with other content types (Salebot's
	// text/html, BotHelp's vnd.api+json); check them as JSON all the same.
	for _, ct := range []string{"text/html", "application/vnd.api+json"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.JSONBodyDecoder)
	}
}

// ValidateResponse fails the test when status, content type or body of a
// response to operationID is not what the spec declares. Every status the
// emulator sends must be declared by the operation.
func ValidateResponse(t testing.TB, s *spec.Spec, operationID string, status int, header http.Header, body []byte) {
	t.Helper()
	op := s.Operation(operationID)
	if op == nil {
		t.Fatalf("spec %s has no operation %s", s.Platform, operationID)
	}
	req, _ := http.NewRequestWithContext(context.Background(), op.Method, op.Path, nil)
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req,
			Route: &routers.Route{
				Spec: s.Doc, Path: op.Path, PathItem: s.Doc.Paths.Value(op.Path), Method: op.Method, Operation: op.Op,
			},
		},
		Status:  status,
		Header:  normalized(header),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	input.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		t.Errorf("%s %s: response %d does not match the spec: %v\nbody: %s", s.Platform, operationID, status, err, body)
	}
}

// ValidateRoute validates a response against the operation that serves
// method and path (the platform's real path; a query string is ignored). A
// route the spec does not know fails the test: a check that cannot find its
// operation must not pass silently.
func ValidateRoute(t testing.TB, s *spec.Spec, method, path string, status int, header http.Header, body []byte) {
	t.Helper()
	path, _, _ = strings.Cut(path, "?")
	op, _, routeErr := s.Find(method, path)
	if routeErr != nil {
		t.Fatalf("spec %s: %v", s.Platform, routeErr)
	}
	ValidateResponse(t, s, op.ID, status, header, body)
}

// normalized drops the charset parameter kin-openapi's decoder lookup does not expect.
func normalized(h http.Header) http.Header {
	out := h.Clone()
	if ct := out.Get("Content-Type"); ct != "" {
		out.Set("Content-Type", strings.TrimSpace(strings.Split(ct, ";")[0]))
	}
	return out
}
