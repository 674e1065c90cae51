package scenario

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/fakebots/fakebots/emulator/journal"
)

// tenantCleanup bounds the deletion of a run's tenant at its end.
const tenantCleanup = time.Minute

// Statuses of runs and steps. A step is pending until it starts; once a
// run is over every step has passed, failed or been skipped.
const (
	StatusPending = "pending"
	StatusRunning = "running"
	StatusPassed  = "passed"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
)

// Runner runs scenarios against one emulator.
type Runner struct {
	// Client reaches the emulator at BaseURL; for an in-process emulator,
	// give it a transport that calls the handler (HandlerTransport).
	Client  *http.Client
	BaseURL string
	// ControlToken opens a control API started with --control-token.
	ControlToken string
	// Exec, when set, starts this system under test for every run instead
	// of the scenario's own.
	Exec *Exec
	// NoExec refuses to start processes (runs started through the control
	// API), and NoEnv keeps {{env.NAME}} closed.
	NoExec, NoEnv bool
	// Tenant runs in an existing tenant instead of a fresh one (kept).
	Tenant string
	// KeepTenant leaves the run's tenant in place at the end.
	KeepTenant bool
}

// Result is a run's outcome, in the JSON result and the control API.
type Result struct {
	Name       string       `json:"name"`
	File       string       `json:"file,omitempty"`
	Tenant     string       `json:"tenant,omitempty"`
	Status     string       `json:"status"`
	Error      string       `json:"error,omitempty"` // the run could not start or end cleanly
	StartedAt  time.Time    `json:"started_at"`
	DurationMS float64      `json:"duration_ms"`
	Steps      []StepResult `json:"steps"`
	// Output is the end of the system under test's output, kept when the
	// run failed.
	Output string `json:"output,omitempty"`
}

// StepResult is one step's outcome.
type StepResult struct {
	Index      int     `json:"index"`
	Name       string  `json:"name"`
	Kind       string  `json:"kind"`
	Status     string  `json:"status"`
	DurationMS float64 `json:"duration_ms"`
	// Message says what went wrong; Expected, Diffs and NearMisses explain it.
	Message    string     `json:"message,omitempty"`
	Expected   any        `json:"expected,omitempty"`
	Diffs      []Diff     `json:"diffs,omitempty"`
	NearMisses []NearMiss `json:"near_misses,omitempty"`
	Detail     string     `json:"detail,omitempty"` // more context: an answer's body, the tenant clock's moves
}

// Passed reports whether every step passed.
func (r *Result) Passed() bool { return r.Status == StatusPassed }

// Run is a scenario in progress: Start creates it, Step runs the steps
// one by one (so a Go test can make each a subtest), Close ends it.
type Run struct {
	runner   *Runner
	sc       *Scenario
	tenant   *tenant
	scope    *scope
	receiver *receiver
	sut      *process
	result   *Result
	progress Progress
	failed   bool
	// The journal as the run has read it, and the SUT calls expectations
	// have accounted for.
	seen    []journal.Entry
	lastID  int64
	claimed map[int64]bool
}

// Start creates the run's tenant and starts its receiver or system under
// test. On error nothing is left behind.
func (r *Runner) Start(ctx context.Context, sc *Scenario) (*Run, error) {
	runID, err := randomID()
	if err != nil {
		return nil, err
	}
	c := &client{http: r.Client, base: strings.TrimSuffix(r.BaseURL, "/"), token: r.ControlToken, runID: runID}
	if c.http == nil {
		c.http = http.DefaultClient
	}
	result := newResult(sc, StatusPending)
	run := &Run{runner: r, sc: sc, claimed: map[int64]bool{}, result: &result}
	if r.Tenant != "" {
		run.tenant, err = c.openTenant(ctx, r.Tenant)
	} else {
		run.tenant, err = c.createTenant(ctx, sc.Tenant.V)
	}
	if err != nil {
		return nil, err
	}
	run.result.Tenant = run.tenant.id
	run.scope = &scope{captured: map[string]any{}, tenant: map[string]any(run.tenant.info)}
	if !r.NoEnv {
		run.scope.env = os.LookupEnv
	}
	if err := run.startSUT(ctx); err != nil {
		run.end(ctx)
		return nil, err
	}
	return run, nil
}

// startSUT starts the run's receiver and, when there is one, its system
// under test, which gets what the receiver receives.
func (run *Run) startSUT(ctx context.Context) error {
	exec := run.sc.Exec
	dir := run.sc.Dir
	if run.runner.Exec != nil {
		exec, dir = run.runner.Exec, ""
	}
	if exec != nil && run.runner.NoExec {
		return errors.New("this run may not start processes (exec)")
	}
	var env map[string]string
	forward := ""
	if exec != nil {
		var err error
		if env, err = run.sutEnv(); err != nil {
			return err
		}
		forward = listenURL(env)
	}
	rc, err := startReceiver(forward)
	if err != nil {
		return err
	}
	run.receiver = rc
	run.scope.receiver = rc.url
	if exec == nil {
		return nil
	}
	env["FAKEBOTS_RECEIVER_URL"] = rc.url
	p, err := startProcess(ctx, exec, dir, env)
	if err != nil {
		return err
	}
	run.sut = p
	return nil
}

// Result is the run's outcome so far (a copy).
func (run *Run) Result() Result {
	r := *run.result
	r.Steps = append([]StepResult(nil), run.result.Steps...)
	return r
}

// Step runs step i. After a failed step the others are skipped.
func (run *Run) Step(ctx context.Context, i int) StepResult {
	res := &run.result.Steps[i]
	if run.failed {
		res.Status = StatusSkipped
		return *res
	}
	res.Status = StatusRunning
	if run.progress != nil {
		run.progress.StepStarted(run.Result(), i)
	}
	defer func() {
		if run.progress != nil {
			run.progress.StepEnded(run.Result(), i)
		}
	}()
	started := time.Now()
	s := cloneStep(&run.sc.Steps[i])
	err := run.scope.fillStruct(reflect.ValueOf(s))
	if err == nil {
		err = run.exec(ctx, s, res)
	}
	res.DurationMS = millis(time.Since(started))
	if err != nil && ctx.Err() != nil {
		err = ctx.Err() // what the step saw (a cut request, a 500) was the cancellation
	}
	if err != nil {
		var f *failure
		if !errors.As(err, &f) {
			f = &failure{msg: err.Error()}
		}
		res.Status, res.Message = StatusFailed, f.msg
		res.Expected, res.Diffs, res.NearMisses, res.Detail = f.expected, f.diffs, f.nearMisses, f.detail
		run.failed = true
	} else {
		res.Status = StatusPassed
	}
	return *res
}

// Close stops the system under test and removes the tenant (unless kept),
// and returns the final result.
func (run *Run) Close(ctx context.Context) Result {
	run.end(ctx)
	r := run.result
	r.DurationMS = millis(time.Since(r.StartedAt))
	for i := range r.Steps {
		if r.Steps[i].Status == StatusPending {
			r.Steps[i].Status = StatusSkipped
		}
	}
	if r.Status == StatusRunning {
		r.Status = StatusPassed
		if run.failed || r.Error != "" {
			r.Status = StatusFailed
		}
	}
	if r.Status == StatusFailed && run.sut != nil {
		r.Output = run.sut.output()
	}
	return run.Result()
}

func (run *Run) end(ctx context.Context) {
	if run.sut != nil {
		if err := run.sut.stop(); err != nil && run.result.Error == "" {
			run.result.Error = err.Error()
		}
	}
	if run.receiver != nil {
		run.receiver.close()
	}
	if run.runner.Tenant == "" && !run.runner.KeepTenant && run.tenant != nil {
		// The tenant goes even when the run's context was cancelled; a
		// loaded emulator (a CI machine running everything at once) may take
		// seconds to delete it.
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), tenantCleanup)
		defer cancel()
		if err := run.tenant.delete(cleanup); err != nil && run.result.Error == "" {
			run.result.Error = err.Error()
		}
	}
}

// Progress hears a run as it goes, from the run's goroutine: run is the
// result so far, i the step that starts or has ended.
type Progress interface {
	StepStarted(run Result, i int)
	StepEnded(run Result, i int)
}

// Run runs a whole scenario; progress (optional) hears each step start and
// end.
func (r *Runner) Run(ctx context.Context, sc *Scenario, progress Progress) Result {
	run, err := r.Start(ctx, sc)
	if err != nil {
		return notStarted(sc, err)
	}
	run.progress = progress
	for i := range sc.Steps {
		run.Step(ctx, i)
	}
	return run.Close(ctx)
}

// newResult is the result of a run starting now, each step with status.
func newResult(sc *Scenario, status string) Result {
	res := Result{Name: sc.Name, File: sc.File, Status: StatusRunning, StartedAt: time.Now(), Steps: make([]StepResult, len(sc.Steps))}
	for i := range sc.Steps {
		res.Steps[i] = StepResult{Index: i, Name: sc.Steps[i].Title(), Kind: sc.Steps[i].Kind(), Status: status}
	}
	return res
}

// notStarted is the result of a run that could not start: every step skipped.
func notStarted(sc *Scenario, err error) Result {
	res := newResult(sc, StatusSkipped)
	res.Status, res.Error = StatusFailed, err.Error()
	return res
}

// Title is the step's name, or a summary of it.
func (s *Step) Title() string {
	if s.Name != "" {
		return s.Name
	}
	kind := s.Kind()
	switch {
	case s.Call != nil:
		return kind + " " + s.Call.Platform + " " + firstOf(s.Call.Operation, s.Call.Method+" "+s.Call.Path)
	case s.Control != nil:
		return kind + " " + firstOf(s.Control.Method, "GET") + " " + s.Control.Path
	case s.User != nil:
		return "user " + s.User.action() + " (" + s.User.Platform + ")"
	case s.ExpectCalls != nil:
		return kind + " " + s.ExpectCalls.Platform + " " + s.ExpectCalls.Operation
	}
	return kind
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// failure is a step's failure with its explanation.
type failure struct {
	msg        string
	expected   any
	diffs      []Diff
	nearMisses []NearMiss
	detail     string
}

func (f *failure) Error() string { return f.msg }

func failf(format string, args ...any) *failure { return &failure{msg: fmt.Sprintf(format, args...)} }

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func randomID() (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// cloneStep copies a step deeply, so a run fills its templates without
// touching the scenario other runs share.
func cloneStep(s *Step) *Step {
	return deepCopy(reflect.ValueOf(s)).Interface().(*Step)
}

func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(deepCopy(v.Elem()))
		return p
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				out.Field(i).Set(deepCopy(v.Field(i)))
			}
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for _, k := range v.MapKeys() {
			out.SetMapIndex(k, deepCopy(v.MapIndex(k)))
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(deepCopy(v.Index(i)))
		}
		return out
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(deepCopy(v.Elem()))
		return out
	}
	return v
}
