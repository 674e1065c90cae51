package scenario

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Text explains a failed step for people: what went wrong, then the near
// misses or the answer that differed.
func (s StepResult) Text() string {
	if s.Status != StatusFailed {
		return ""
	}
	text := s.Message
	if s.Detail != "" {
		text += "\n" + s.Detail
	}
	return text
}

// Printer writes progress and results for people, as each step ends.
//
// On a terminal steps are marked ✓/✗ with their durations; with one
// scenario at a time the step in progress shows until it ends, and with
// several at once (Interleaved) every step line names its scenario. Not on
// a terminal it writes plain lines, each naming its scenario, as go test -v
// does. Whatever is written at once is written whole, so parallel runs
// interleave by lines, never within one.
type Printer struct {
	W        io.Writer
	Terminal bool
	// Interleaved says scenarios run at once, so their lines mix.
	Interleaved bool
	// Durations are left out when false (stable output for comparisons).
	Durations bool
	// Color marks passes green and failures red (terminals that want it).
	Color bool

	mu sync.Mutex
	// pending is the step-in-progress line on the screen, to be replaced.
	pending bool
}

// Begin announces a scenario.
func (p *Printer) Begin(name, file string) { p.write(p.header(name, file)) }

func (p *Printer) header(name, file string) string {
	where := ""
	if file != "" {
		where = " (" + file + ")"
	}
	if p.Terminal {
		return "● " + name + where + "\n"
	}
	return "=== RUN " + name + where + "\n"
}

// StepStarted shows the step in progress (on a terminal, one scenario at a
// time); it implements Progress.
func (p *Printer) StepStarted(r Result, i int) {
	if !p.Terminal || p.Interleaved {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	fmt.Fprintf(p.W, "  %s %d. %s", p.paint("…", dim), i+1, r.Steps[i].Name)
	p.pending = true
}

// StepEnded writes the step's line, and its explanation when it failed;
// it implements Progress.
func (p *Printer) StepEnded(r Result, i int) {
	var b strings.Builder
	p.step(&b, r, r.Steps[i])
	p.write(b.String())
}

// End writes a finished run's remaining lines: the steps a failure skipped,
// the error, the system under test's output, and the verdict.
func (p *Printer) End(r Result) {
	var b strings.Builder
	for _, s := range r.Steps {
		if s.Status == StatusSkipped {
			p.step(&b, r, s)
		}
	}
	p.end(&b, r)
	p.write(b.String())
}

// Scenario writes a finished run as one block.
func (p *Printer) Scenario(r Result) {
	var b strings.Builder
	b.WriteString(p.header(r.Name, r.File))
	for _, s := range r.Steps {
		p.step(&b, r, s)
	}
	p.end(&b, r)
	p.write(b.String())
}

func (p *Printer) end(b *strings.Builder, r Result) {
	if r.Error != "" {
		b.WriteString(indent("error: "+r.Error, "    ") + "\n")
	}
	if r.Output != "" {
		b.WriteString("    output of the system under test:\n" + indent(strings.TrimRight(r.Output, "\n"), "    | ") + "\n")
	}
	switch {
	case p.Terminal && r.Passed():
		fmt.Fprintf(b, "%s %s: %s%s\n\n", p.paint("✓", green), r.Name, r.Status, p.took(r.DurationMS, " "))
	case p.Terminal:
		fmt.Fprintf(b, "%s %s: %s%s\n\n", p.paint("✗", red), r.Name, r.Status, p.took(r.DurationMS, " "))
	case r.Passed():
		fmt.Fprintf(b, "--- PASS %s%s\n", r.Name, p.took(r.DurationMS, " "))
	default:
		fmt.Fprintf(b, "--- FAIL %s%s\n", r.Name, p.took(r.DurationMS, " "))
	}
}

func (p *Printer) step(b *strings.Builder, r Result, s StepResult) {
	title := fmt.Sprintf("%d. %s", s.Index+1, s.Name)
	if p.Interleaved {
		title = r.Name + " › " + title
	}
	if p.Terminal {
		mark := map[string]string{StatusPassed: p.paint("✓", green), StatusFailed: p.paint("✗", red), StatusSkipped: p.paint("-", dim)}[s.Status]
		fmt.Fprintf(b, "  %s %s%s\n", mark, title, p.took(s.DurationMS, "  "))
	} else {
		word := map[string]string{StatusPassed: "PASS", StatusFailed: "FAIL", StatusSkipped: "SKIP"}[s.Status]
		fmt.Fprintf(b, "%s %s / %d. %s%s\n", word, r.Name, s.Index+1, s.Name, p.took(s.DurationMS, " "))
	}
	if s.Status == StatusFailed {
		b.WriteString(indent(s.Text(), "      ") + "\n")
	}
}

// write writes text whole, replacing a step-in-progress line.
func (p *Printer) write(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	io.WriteString(p.W, text)
}

// clear erases the step-in-progress line (carriage return, erase line).
func (p *Printer) clear() {
	if p.pending {
		io.WriteString(p.W, "\r\x1b[K")
		p.pending = false
	}
}

// ANSI colours.
const (
	green = "32"
	red   = "31"
	dim   = "2"
)

func (p *Printer) paint(text, color string) string {
	if !p.Color {
		return text
	}
	return "\x1b[" + color + "m" + text + "\x1b[0m"
}

func (p *Printer) took(ms float64, sep string) string {
	if !p.Durations || ms == 0 {
		return ""
	}
	d := time.Duration(ms * float64(time.Millisecond))
	return sep + "(" + d.Round(time.Millisecond).String() + ")"
}

// Summary writes the closing line: "N passed, N failed".
func (p *Printer) Summary(results []Result) {
	passed := 0
	for _, r := range results {
		if r.Passed() {
			passed++
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.W, "%d passed, %d failed\n", passed, len(results)-passed)
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// Report is the JSON result of a run of several scenarios.
type Report struct {
	Passed    int      `json:"passed"`
	Failed    int      `json:"failed"`
	Scenarios []Result `json:"scenarios"`
}

// WriteJSON writes the JSON result.
func WriteJSON(w io.Writer, results []Result) error {
	rep := Report{Scenarios: results}
	for _, r := range results {
		if r.Passed() {
			rep.Passed++
		} else {
			rep.Failed++
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
