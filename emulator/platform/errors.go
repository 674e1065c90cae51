package platform

import (
	"errors"
	"fmt"
	"strings"

	"github.com/fakebots/fakebots/emulator/limits"
	"github.com/fakebots/fakebots/emulator/spec"
)

// ErrBodyTooLarge is passed to Render when the body exceeds the emulator's cap.
var ErrBodyTooLarge = errors.New("request body too large")

// ErrUnknownCredential is passed to Render when the caller's credential
// belongs to another tenant than the one its URL names (/t/{tenant}/…): the
// platform answers as it does for a credential it does not know.
var ErrUnknownCredential = errors.New("credential unknown to this tenant")

// RateLimited is passed to Render when a limit refused the request.
type RateLimited struct {
	Verdict limits.Verdict
	// RetryAfter is the whole-second wait until the window resets.
	RetryAfterSeconds int
}

func (e *RateLimited) Error() string {
	return fmt.Sprintf("rate limit %s (%d per %s) exceeded", e.Verdict.Rule.Name, e.Verdict.Rule.Limit, e.Verdict.Rule.Window)
}

// ValidationError is returned by ValidateSchema.
type ValidationError struct {
	Fields []spec.FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Reason
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// Hinter is an error that can say in a line, in ASCII, what the client
// should change: validation errors name the fields that failed.
type Hinter interface {
	Hint() string
}

// Hint names each failing field with the check it failed.
func (e *ValidationError) Hint() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Rule
	}
	return strings.Join(parts, "; ")
}

// RouteError re-exports the spec's route error for platform renderers.
type RouteError = spec.RouteError
