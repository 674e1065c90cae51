package fakebotstest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/fakebots/fakebots/emulator/scenario"
)

// ScenarioOption configures RunScenario.
type ScenarioOption func(*scenarioSettings)

type scenarioSettings struct {
	server *Server
	runner scenario.Runner
}

// OnServer runs the scenario on a shared server instead of a new one.
func OnServer(s *Server) ScenarioOption { return func(o *scenarioSettings) { o.server = s } }

// WithExec starts a system under test for the run (see docs/scenarios.md for
// the FAKEBOTS_* variables it gets).
func WithExec(command string) ScenarioOption {
	return func(o *scenarioSettings) { o.runner.Exec = &scenario.Exec{Command: command} }
}

// RunScenario runs a scenario file in a fresh tenant, each step a subtest,
// and returns the result. A failed step fails its subtest with the
// explanation (near misses included); the steps after it are skipped.
func RunScenario(t *testing.T, path string, opts ...ScenarioOption) scenario.Result {
	t.Helper()
	var set scenarioSettings
	for _, o := range opts {
		o(&set)
	}
	if set.server == nil {
		set.server = NewServer(t)
	}
	sc, err := scenario.LoadFile(path)
	if err != nil {
		t.Fatalf("fakebotstest: %v", err)
	}
	runner := set.runner
	runner.Client, runner.BaseURL, runner.ControlToken = set.server.Client(), set.server.URL, set.server.Control.Token
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	run, err := runner.Start(ctx, sc)
	if err != nil {
		t.Fatalf("fakebotstest: scenario %s: %v", sc.Name, err)
	}
	for i := range sc.Steps {
		res := run.Result().Steps[i]
		t.Run(fmt.Sprintf("%02d %s", i+1, res.Name), func(t *testing.T) {
			res := run.Step(ctx, i)
			switch res.Status {
			case scenario.StatusSkipped:
				t.Skip("an earlier step failed")
			case scenario.StatusFailed:
				t.Error(res.Text())
			}
		})
	}
	res := run.Close(ctx)
	if res.Error != "" {
		t.Errorf("fakebotstest: scenario %s: %s", sc.Name, res.Error)
	}
	return res
}

// Verification is a check of the calls the tenant received, built by
// Verify and run by Times, Once, Never, AtLeast or AtMost.
type Verification struct {
	t     testing.TB
	fake  *Fake
	check scenario.CallCheck
}

// Verify starts a check of the calls made to the test's tenant: platform,
// operation ("" for any) and parameter patterns (exact values, or matchers
// such as scenario.Contains("hi"), scenario.Regex(`^\d+$`), scenario.Type("integer"),
// scenario.Any()). A failure shows the closest calls and how they differ.
func (f *Fake) Verify(t testing.TB, platform, operation string, params map[string]any) *Verification {
	return &Verification{t: t, fake: f, check: scenario.CallCheck{Platform: platform, Operation: operation, Params: params}}
}

// Within waits up to d (wall clock) for the calls to arrive.
func (v *Verification) Within(d time.Duration) *Verification {
	v.check.Within = d
	return v
}

// Headers adds header patterns.
func (v *Verification) Headers(h map[string]any) *Verification {
	v.check.Headers = h
	return v
}

// Times checks there were exactly n matching calls.
func (v *Verification) Times(n int) {
	v.t.Helper()
	v.run(scenario.Count{Times: &n})
}

// Once checks there was exactly one matching call.
func (v *Verification) Once() {
	v.t.Helper()
	v.Times(1)
}

// Never checks there was no matching call.
func (v *Verification) Never() {
	v.t.Helper()
	v.Times(0)
}

// AtLeast checks there were n or more matching calls.
func (v *Verification) AtLeast(n int) {
	v.t.Helper()
	v.run(scenario.Count{AtLeast: &n})
}

// AtMost checks there were n or fewer matching calls.
func (v *Verification) AtMost(n int) {
	v.t.Helper()
	v.run(scenario.Count{AtMost: &n})
}

func (v *Verification) run(n scenario.Count) {
	v.t.Helper()
	v.check.Count = n
	var token string
	json.Unmarshal(v.fake.Tenant.Raw["control_token"], &token)
	res := scenario.VerifyCalls(context.Background(), v.fake.Client(), v.fake.URL, v.fake.Tenant.ID, token, v.check)
	if res.Status == scenario.StatusFailed {
		v.t.Errorf("fakebotstest: %s", res.Text())
	}
}
