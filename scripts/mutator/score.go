package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
)

// gremlinsLine is one mutant in gremlins' log: "KILLED CONDITIONALS_NEGATION at jsonx.go:27:18".
var gremlinsLine = regexp.MustCompile(`^\s*(KILLED|LIVED|NOT COVERED|TIMED OUT|NOT VIABLE|SKIPPED) ([A-Z_]+) at (\S+):(\d+):(\d+)\s*$`)

// ansi matches the colour codes gremlins may write.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// readGremlins reads gremlins' log of a run on pkg into mutants with ids
// like ours. Its JSON report is not used: gremlins writes none when the
// time budget stops it, and it logs the mutants it was running then with
// made-up statuses, so the log is read up to "Shutting down".
func readGremlins(r io.Reader, pkg string) ([]Mutant, error) {
	var out []Mutant
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := ansi.ReplaceAllString(sc.Text(), "")
		if strings.Contains(line, "Shutting down") {
			break
		}
		m := gremlinsLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		id := fmt.Sprintf("%s:%s:%s:%s", path.Join(pkg, m[3]), m[4], m[5], m[2])
		out = append(out, Mutant{ID: id, Kind: m[2], Status: m[1]})
	}
	return out, sc.Err()
}

// Equivalents maps a mutant id to why it cannot change behaviour.
type Equivalents map[string]string

// readEquivalents reads lines "id reason"; blank lines and # comments are
// skipped.
func readEquivalents(r io.Reader) (Equivalents, error) {
	eq := Equivalents{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, _ := strings.Cut(line, " ")
		if strings.Count(id, ":") != 3 || strings.TrimSpace(reason) == "" {
			return nil, fmt.Errorf("equivalents line %d: want \"file:line:column:MUTATOR reason\", got %q", n, line)
		}
		eq[id] = strings.TrimSpace(reason)
	}
	return eq, sc.Err()
}

// Score is one package's result.
type Score struct {
	Package     string
	Killed      int // timed out included: the tests did not pass
	Total       int // killed, lived and not covered, less the equivalents
	Equivalents int
	Unrun       int // left out by the time budget
	Survivors   []string
	Warnings    []string
}

// Percent is killed / (total − equivalents).
func (s Score) Percent() float64 {
	if s.Total == 0 {
		return 100
	}
	return 100 * float64(s.Killed) / float64(s.Total)
}

// score merges gremlins' mutants and ours: where both name one mutant (the
// comparisons in case conditions, which gremlins never runs, and those it
// timed out on, tested again), ours stands. Counted as not run: the
// mutants of ours the budget left out (gremlins' "not covered" for them
// included), a gremlins timeout not tested again (on a busy machine it may
// be no hang at all), and the mutants gremlins was expected to make but
// never reported.
func score(pkg string, gremlins []Mutant, own Run, expected []string, eq Equivalents) Score {
	byID := map[string]Mutant{}
	for _, m := range gremlins {
		byID[m.ID] = m
	}
	ours := map[string]bool{}
	for _, m := range own.Mutants {
		byID[m.ID] = m
		ours[m.ID] = true
	}
	unrun := map[string]bool{}
	for _, m := range gremlins {
		if m.Status == TimedOut && !ours[m.ID] {
			unrun[m.ID] = true
		}
	}
	for _, id := range own.Unrun {
		unrun[id] = true
	}
	for _, id := range expected {
		if _, ok := byID[id]; !ok {
			unrun[id] = true
		}
	}
	for id := range unrun {
		delete(byID, id)
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(a, b int) bool { return lessID(ids[a], ids[b]) })

	s := Score{Package: pkg, Unrun: len(unrun)}
	for _, id := range ids {
		m := byID[id]
		reason, equivalent := eq[id]
		switch m.Status {
		case Killed, TimedOut:
			s.Killed++
			s.Total++
			if equivalent {
				s.Warnings = append(s.Warnings, fmt.Sprintf("%s is listed as equivalent (%s) but a test kills it", id, reason))
			}
		case Lived, NotCovered:
			if equivalent {
				s.Equivalents++
				continue
			}
			s.Total++
			s.Survivors = append(s.Survivors, fmt.Sprintf("%-11s %s", m.Status, id))
		}
	}
	for id := range eq {
		if file, _ := splitID(id); path.Dir(file) == pkg && !hasID(byID, id) && len(unrun) == 0 {
			s.Warnings = append(s.Warnings, fmt.Sprintf("%s is listed as equivalent but no such mutant was made: has the code moved?", id))
		}
	}
	sort.Strings(s.Warnings)
	return s
}

func hasID(byID map[string]Mutant, id string) bool {
	_, ok := byID[id]
	return ok
}

// lessID orders ids by file, line and column.
func lessID(a, b string) bool {
	fa, pa := splitID(a)
	fb, pb := splitID(b)
	if fa != fb {
		return fa < fb
	}
	for i := range pa {
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return a < b
}

// splitID parses "file:line:column:KIND" into the file and its line and
// column.
func splitID(id string) (string, [2]int) {
	parts := strings.Split(id, ":")
	var pos [2]int
	if len(parts) == 4 {
		fmt.Sscan(parts[1], &pos[0])
		fmt.Sscan(parts[2], &pos[1])
	}
	return parts[0], pos
}

// print writes the package's line of the score table, its survivors and
// warnings.
func (s Score) print(w io.Writer) {
	partial := ""
	if s.Unrun > 0 {
		partial = fmt.Sprintf("  (time budget: %d mutants not run)", s.Unrun)
	}
	fmt.Fprintf(w, "SCORE %-28s %5.1f%%  killed %d / %d  (equivalents %d)%s\n", s.Package, s.Percent(), s.Killed, s.Total, s.Equivalents, partial)
	for _, sv := range s.Survivors {
		fmt.Fprintf(w, "  survived  %s\n", sv)
	}
	for _, warn := range s.Warnings {
		fmt.Fprintf(w, "  warning   %s\n", warn)
	}
}

func readJSONFile(name string, v any) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	return json.NewDecoder(f).Decode(v)
}
