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

// Printer writes progress and results for people. On a terminal it marks
// steps ✓/✗ with durations; elsewhere it writes one plain line per step.
type Printer struct {
	W        io.Writer
	Terminal bool
	// Durations are left out when false (stable output for comparisons).
	Durations bool
	mu        sync.Mutex
}

// Scenario writes a finished run as one block, so parallel runs do not mix.
func (p *Printer) Scenario(r Result) {
	var b strings.Builder
	where := ""
	if r.File != "" {
		where = " (" + r.File + ")"
	}
	if p.Terminal {
		fmt.Fprintf(&b, "● %s%s\n", r.Name, where)
	} else {
		fmt.Fprintf(&b, "=== RUN %s%s\n", r.Name, where)
	}
	for _, s := range r.Steps {
		p.step(&b, r, s)
	}
	if r.Error != "" {
		b.WriteString(indent("error: "+r.Error, "    ") + "\n")
	}
	if r.Output != "" {
		b.WriteString("    output of the system under test:\n" + indent(strings.TrimRight(r.Output, "\n"), "    | ") + "\n")
	}
	verdict := "PASS"
	if !r.Passed() {
		verdict = "FAIL"
	}
	if p.Terminal {
		mark := "✓"
		if !r.Passed() {
			mark = "✗"
		}
		fmt.Fprintf(&b, "%s %s: %s%s\n\n", mark, r.Name, r.Status, p.took(r.DurationMS, " in "))
	} else {
		fmt.Fprintf(&b, "--- %s %s%s\n", verdict, r.Name, p.took(r.DurationMS, " "))
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	io.WriteString(p.W, b.String())
}

func (p *Printer) step(b *strings.Builder, r Result, s StepResult) {
	title := fmt.Sprintf("%d. %s", s.Index+1, s.Name)
	if p.Terminal {
		mark := map[string]string{StatusPassed: "✓", StatusFailed: "✗", StatusSkipped: "-"}[s.Status]
		fmt.Fprintf(b, "  %s %s%s\n", mark, title, p.took(s.DurationMS, "  "))
	} else {
		word := map[string]string{StatusPassed: "PASS", StatusFailed: "FAIL", StatusSkipped: "SKIP"}[s.Status]
		fmt.Fprintf(b, "%s %s / %s%s\n", word, r.Name, title, p.took(s.DurationMS, " "))
	}
	if s.Status == StatusFailed {
		b.WriteString(indent(s.Text(), "      ") + "\n")
	}
}

func (p *Printer) took(ms float64, sep string) string {
	if !p.Durations {
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
