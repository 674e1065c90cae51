package scenario_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/internal/golden"
	"github.com/fakebots/fakebots/emulator/scenario"
)

// failingRun runs testdata/failing.yaml: the system under test (here, the
// test itself) answered another client, and the near miss shows it.
func failingRun(t *testing.T) scenario.Result {
	t.Helper()
	r, _ := newEmulator(t)
	sc, err := scenario.LoadFile("testdata/failing.yaml")
	require.NoError(t, err)
	// The system under test: a client of Salebot outside the runner.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	run, err := r.Start(ctx, sc)
	require.NoError(t, err)
	require.Equal(t, scenario.StatusPassed, run.Step(ctx, 0).Status)
	sutCall(t, r, run.Result().Tenant)
	for i := 1; i < len(sc.Steps); i++ {
		run.Step(ctx, i)
	}
	return run.Close(ctx)
}

// sutCall sends a message to the wrong client, as a buggy bot would.
func sutCall(t *testing.T, r *scenario.Runner, tenant string) {
	t.Helper()
	resp, err := r.Client.Post(r.BaseURL+"/t/"+tenant+"/salebot/api/d3f31dabef80ddeb73d43938b4ef8bb0/message", "application/json",
		bytes.NewReader([]byte(`{"client_id": 15099119, "message": "Спасибо за заказ!"}`)))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
}

func TestFailureShowsNearMiss(t *testing.T) {
	res := failingRun(t)
	require.Equal(t, scenario.StatusFailed, res.Status)
	step := res.Steps[1]
	require.Len(t, step.NearMisses, 1)
	require.Equal(t, 3, step.NearMisses[0].Met)
	require.Equal(t, 4, step.NearMisses[0].Of)
	require.Equal(t, "params.client_id", step.NearMisses[0].Diffs[0].Path)
	require.Equal(t, scenario.StatusSkipped, res.Steps[2].Status)

	var out bytes.Buffer
	p := &scenario.Printer{W: &out}
	p.Scenario(res)
	p.Summary([]scenario.Result{res})
	// Journal ids and the tenant differ from run to run.
	stable := regexp.MustCompile(`#\d+ `).ReplaceAll(out.Bytes(), []byte("#N "))
	stable = regexp.MustCompile(`/t/[^/]+/`).ReplaceAll(stable, []byte("/t/TENANT/"))
	golden.Assert(t, "failing.txt", stable)
}

// The progress a person watches: on a terminal the step in progress shows
// and is replaced by its line as it ends; with scenarios at once each line
// names its scenario; elsewhere plain lines.
func TestProgressAsStepsEnd(t *testing.T) {
	res := failingRun(t)
	for name, p := range map[string]*scenario.Printer{
		"progress-terminal.txt":    {Terminal: true},
		"progress-interleaved.txt": {Terminal: true, Interleaved: true},
		"progress-plain.txt":       {Interleaved: true},
		"progress-color.txt":       {Terminal: true, Color: true},
	} {
		var out bytes.Buffer
		p.W = &out
		p.Begin(res.Name, res.File)
		for i, s := range res.Steps {
			if s.Status != scenario.StatusSkipped {
				p.StepStarted(res, i)
				p.StepEnded(res, i)
			}
		}
		p.End(res)
		stable := regexp.MustCompile(`#\d+ `).ReplaceAll(out.Bytes(), []byte("#N "))
		stable = regexp.MustCompile(`/t/[^/]+/`).ReplaceAll(stable, []byte("/t/TENANT/"))
		golden.Assert(t, name, stable)
	}
}

func TestJUnitFollowsTheSchema(t *testing.T) {
	res := failingRun(t)
	var b bytes.Buffer
	require.NoError(t, scenario.WriteJUnit(&b, []scenario.Result{res}))
	var doc struct {
		Suites []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Skipped  int    `xml:"skipped,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
				Skipped *struct{} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(b.Bytes(), &doc))
	require.Len(t, doc.Suites, 1)
	s := doc.Suites[0]
	require.Equal(t, "the system under test answers the wrong client", s.Name)
	require.Equal(t, []int{3, 1, 1}, []int{s.Tests, s.Failures, s.Skipped})
	require.Equal(t, "02 the thank-you message", s.Cases[1].Name)
	require.Contains(t, s.Cases[1].Failure.Text, "closest of 1 calls the system under test made")
	require.NotNil(t, s.Cases[2].Skipped)
	validateJUnit(t, b.Bytes())
}

// One testsuite per scenario file, one testcase per step; a run that could
// not start is an error, so CI does not read its skipped steps as a pass.
func TestJUnitSuitePerFileCasePerStep(t *testing.T) {
	started := time.Date(2026, 3, 1, 7, 0, 0, 0, time.UTC)
	results := []scenario.Result{
		{Name: "first", File: "flows/a.yaml", Tenant: "t_1", Status: scenario.StatusPassed, StartedAt: started, DurationMS: 1500, Steps: []scenario.StepResult{
			{Index: 0, Name: "clock", Kind: "clock", Status: scenario.StatusPassed, DurationMS: 1},
			{Index: 1, Name: "call <getMe> & co", Kind: "call", Status: scenario.StatusPassed, DurationMS: 2.5},
		}},
		{Name: "second", File: "flows/b.yaml", Status: scenario.StatusFailed, Error: "create the tenant: 401", StartedAt: started, Steps: []scenario.StepResult{
			{Index: 0, Name: "clock", Kind: "clock", Status: scenario.StatusSkipped},
		}},
	}
	var b bytes.Buffer
	require.NoError(t, scenario.WriteJUnit(&b, results))
	golden.Assert(t, "junit.xml", b.Bytes())
	validateJUnit(t, b.Bytes())
}

// validateJUnit checks a document against the JUnit XSD when xmllint is
// installed.
func validateJUnit(t *testing.T, doc []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Log("xmllint is not installed (apt-get install libxml2-utils): checked the structure only")
		return
	}
	file := filepath.Join(t.TempDir(), "junit.xml")
	require.NoError(t, os.WriteFile(file, doc, 0o644))
	out, err := exec.Command(xmllint, "--noout", "--schema", "testdata/junit.xsd", file).CombinedOutput()
	require.NoError(t, err, "%s", out)
}

func TestLintErrorsHavePlaces(t *testing.T) {
	for _, name := range []string{"lint-errors", "lint-types"} {
		_, err := scenario.LoadFile("testdata/" + name + ".yaml")
		require.Error(t, err)
		golden.Assert(t, name+".txt", []byte(err.Error()+"\n"))
	}
}

func TestExecProcessThatDies(t *testing.T) {
	r, _ := newEmulator(t)
	r.Exec = &scenario.Exec{Command: "echo starting; echo broken >&2; exit 3"}
	res := run(t, r, "version: 1\nname: x\ntenant: demo\nsteps:\n  - clock: {freeze: true}\n")
	require.Equal(t, scenario.StatusFailed, res.Status)
	require.Contains(t, res.Error, "it ended before it was ready (exit status 3)")
	require.Contains(t, res.Error, "starting\n")
	require.Contains(t, res.Error, "broken\n")
}

func TestExecGetsTheTenantsCredentials(t *testing.T) {
	r, _ := newEmulator(t)
	dir := t.TempDir()
	// The system under test writes what it got where the scenario reads it.
	r.Exec = &scenario.Exec{
		Command:   `echo "$FAKEBOTS_TENANT $FAKEBOTS_SALEBOT_URL $FAKEBOTS_BOTHELP_TOKEN_URL $PORT" > ` + dir + `/env; echo ready; exec sleep 60`,
		ReadyLine: "ready",
	}
	res := run(t, r, "version: 1\nname: x\ntenant: demo\nsteps:\n  - clock: {freeze: true}\n")
	requirePassed(t, res)
	got, err := os.ReadFile(dir + "/env")
	require.NoError(t, err)
	require.Regexp(t, `^`+res.Tenant+` http://127\.0\.0\.1:\d+/t/`+res.Tenant+`/salebot/api/[0-9a-f]+ http://127\.0\.0\.1:\d+/t/`+res.Tenant+`/bothelp/oauth2/token \d+\n$`, string(got))
}
