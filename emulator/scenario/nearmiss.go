package scenario

import (
	"fmt"
	"sort"
	"strings"
)

// NearMiss is something that did happen and came closest to what a step
// expected: a call the emulator received, a message an end user got, a
// webhook delivery. Met of Of criteria held; Diffs says how the others
// differ.
type NearMiss struct {
	ID      int64  `json:"id"`
	Summary string `json:"summary"`
	Met     int    `json:"met"`
	Of      int    `json:"of"`
	Diffs   []Diff `json:"diffs"`
}

// nearMissCount is how many near misses a failure shows.
const nearMissCount = 3

// verdict is one candidate judged against an expectation.
type verdict struct {
	id      int64
	summary string
	met, of int
	diffs   []Diff
}

func (v *verdict) criterion(diffs []Diff) {
	v.of++
	if len(diffs) == 0 {
		v.met++
	}
	v.diffs = append(v.diffs, diffs...)
}

// pattern judges a value against a pattern, one criterion per key of the
// pattern when it is an object (a matcher or a scalar is one).
func (v *verdict) pattern(p Pattern, actual any, path string, o matchOpts) {
	if !p.Set {
		return
	}
	m, isMap := p.V.(map[string]any)
	if _, _, isMatcher := asMatcher(m); !isMap || isMatcher {
		v.criterion(match(p.V, actual, true, path, o))
		return
	}
	obj, _ := actual.(map[string]any)
	for _, k := range sortedKeys(m) {
		got, has := obj[k]
		v.criterion(match(m[k], got, has, join(path, k), o))
	}
}

// equal judges one exact criterion.
func (v *verdict) equal(path string, want, got any) {
	if want == "" || want == nil {
		return
	}
	var diffs []Diff
	if want != got {
		diffs = []Diff{{Path: path, Expected: want, Actual: got, Reason: fmt.Sprintf("expected %v, got %v", want, got)}}
	}
	v.criterion(diffs)
}

func (v *verdict) ok() bool { return v.met == v.of }

// nearest ranks the verdicts that failed: most criteria met first, then
// the newest.
func nearest(vs []*verdict) []NearMiss {
	var misses []*verdict
	for _, v := range vs {
		if !v.ok() {
			misses = append(misses, v)
		}
	}
	sort.SliceStable(misses, func(i, j int) bool {
		a, b := misses[i], misses[j]
		if a.met*b.of != b.met*a.of {
			return a.met*b.of > b.met*a.of
		}
		return a.id > b.id
	})
	out := []NearMiss{}
	for _, v := range misses[:min(len(misses), nearMissCount)] {
		out = append(out, NearMiss{ID: v.id, Summary: v.summary, Met: v.met, Of: v.of, Diffs: v.diffs})
	}
	return out
}

// explain writes near misses for people.
func explain(misses []NearMiss, total int, what string) string {
	if total == 0 {
		return "nothing was " + what
	}
	var b strings.Builder
	fmt.Fprintf(&b, "closest of %d %s:", total, what)
	for i, m := range misses {
		fmt.Fprintf(&b, "\n  %d. %s  [%d of %d met]", i+1, m.Summary, m.Met, m.Of)
		for _, d := range m.Diffs {
			fmt.Fprintf(&b, "\n       ✗ %s", d)
		}
	}
	return b.String()
}
