package main

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"regexp"
	"sort"
	"strings"
)

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

// score counts a run's mutants of pkg: equivalents leave the total, not
// viable ones do not count. When the run tested every mutant of the files
// measured (those files matches; all when nil), the equivalents listed for
// them that no mutant matches any more are reported, as are those a test
// kills.
func score(pkg string, run Run, eq Equivalents, files *regexp.Regexp, complete bool) Score {
	sort.SliceStable(run.Mutants, func(a, b int) bool { return lessID(run.Mutants[a].ID, run.Mutants[b].ID) })
	s := Score{Package: pkg, Unrun: len(run.Unrun)}
	made := map[string]bool{}
	for _, m := range run.Mutants {
		made[m.ID] = true
		reason, equivalent := eq[m.ID]
		switch m.Status {
		case Killed, TimedOut:
			s.Killed++
			s.Total++
			if equivalent {
				s.Warnings = append(s.Warnings, fmt.Sprintf("%s is listed as equivalent (%s) but a test kills it", m.ID, reason))
			}
		case Lived, NotCovered:
			if equivalent {
				s.Equivalents++
				continue
			}
			s.Total++
			s.Survivors = append(s.Survivors, fmt.Sprintf("%-11s %s", m.Status, m.ID))
		}
	}
	if complete && len(run.Unrun) == 0 {
		for id := range eq {
			file, _ := splitID(id)
			if path.Dir(file) == pkg && (files == nil || files.MatchString(path.Base(file))) && !made[id] {
				s.Warnings = append(s.Warnings, fmt.Sprintf("%s is listed as equivalent but no such mutant was made: has the code moved?", id))
			}
		}
	}
	sort.Strings(s.Warnings)
	return s
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
		partial = fmt.Sprintf("  (partial: %d mutants not run)", s.Unrun)
	}
	fmt.Fprintf(w, "SCORE %-28s %5.1f%%  killed %d / %d  (equivalents %d)%s\n", s.Package, s.Percent(), s.Killed, s.Total, s.Equivalents, partial)
	for _, sv := range s.Survivors {
		fmt.Fprintf(w, "  survived  %s\n", sv)
	}
	for _, warn := range s.Warnings {
		fmt.Fprintf(w, "  warning   %s\n", warn)
	}
}
