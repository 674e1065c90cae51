package scenario

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// CallCheck describes expected calls for VerifyCalls: the same engine as
// expect_calls, for Go tests.
type CallCheck struct {
	Platform  string
	Operation string
	// Params and Headers are patterns: exact values, or matchers built with
	// Contains, Regex, Type, Any, Absent, Equals.
	Params  map[string]any
	Headers map[string]any
	Count   Count
	Within  time.Duration // on the wall clock; 0 checks once
}

// VerifyCalls checks the calls recorded in a tenant's journal (all of them
// but the scenario runner's own) and returns the step's result, its Text
// explaining a failure with the near misses.
func VerifyCalls(ctx context.Context, hc *http.Client, baseURL, tenantID, controlToken string, check CallCheck) StepResult {
	c := &client{http: hc, base: strings.TrimSuffix(baseURL, "/"), token: controlToken}
	run := &Run{tenant: &tenant{client: c, id: tenantID, token: controlToken}, claimed: map[int64]bool{}}
	e := &ExpectCalls{Platform: check.Platform, Operation: check.Operation, Count: check.Count}
	if check.Params != nil {
		e.Params = Pattern{Value{V: normalize(check.Params), Set: true}}
	}
	if check.Headers != nil {
		e.Headers = Pattern{Value{V: check.Headers, Set: true}}
	}
	e.Within = Duration{D: check.Within, Set: true}
	res := StepResult{Name: "verify " + check.Platform + " " + check.Operation, Kind: "expect_calls", Status: StatusPassed}
	started := time.Now()
	err := checkPattern(e.Params.V)
	if err == nil {
		err = checkPattern(e.Headers.V)
	}
	if err == nil {
		err = run.expectCalls(ctx, e)
	}
	if err != nil {
		res.Status = StatusFailed
		if f, ok := err.(*failure); ok {
			res.Message, res.Expected, res.NearMisses, res.Detail = f.msg, f.expected, f.nearMisses, f.detail
		} else {
			res.Message = err.Error()
		}
	}
	res.DurationMS = millis(time.Since(started))
	return res
}
