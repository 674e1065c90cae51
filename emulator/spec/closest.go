package spec

import (
	"strings"
)

// Closest is the operation a request that matched none most likely meant:
// the fewest edits between the request's path and an operation's (a
// template segment such as {api_key} matches any one segment), a different
// method counting as one more. It is nil when the spec has no operations.
func (s *Spec) Closest(method, path string) (op *Operation, edits int) {
	got := segments(path)
	for _, o := range s.Operations {
		d := pathDistance(got, segments(o.Path))
		if o.Method != method && !(method == "HEAD" && o.Method == "GET") {
			d++
		}
		if op == nil || d < edits {
			op, edits = o, d
		}
	}
	return op, edits
}

func segments(path string) []string {
	return strings.Split(strings.Trim(path, "/"), "/")
}

// pathDistance is an edit distance over segments whose substitution cost
// is the edit distance of the two segments' text (0 against a template).
func pathDistance(got, want []string) int {
	prev := make([]int, len(want)+1)
	cur := make([]int, len(want)+1)
	for j := range prev {
		prev[j] = segmentCost(want[:j])
	}
	for i := 1; i <= len(got); i++ {
		cur[0] = prev[0] + len(got[i-1]) + 1
		for j := 1; j <= len(want); j++ {
			sub := prev[j-1] + segmentDistance(got[i-1], want[j-1])
			del := prev[j] + len(got[i-1]) + 1
			ins := cur[j-1] + segmentCost(want[j-1:j])
			cur[j] = min(sub, del, ins)
		}
		prev, cur = cur, prev
	}
	return prev[len(want)]
}

// segmentCost is what leaving out template segments costs.
func segmentCost(segs []string) int {
	n := 0
	for _, s := range segs {
		if isTemplate(s) {
			n++
		} else {
			n += len(s) + 1
		}
	}
	return n
}

func isTemplate(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

func segmentDistance(got, want string) int {
	if isTemplate(want) {
		return 0
	}
	return Levenshtein(got, want)
}

// Levenshtein is the number of single-character edits (by rune) turning a
// into b. Long inputs are cut first: a hint does not need more.
func Levenshtein(a, b string) int {
	ra, rb := []rune(cut(a)), []rune(cut(b))
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j-1]+cost, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// cut bounds what the edit distance looks at, so a path of megabytes costs
// no more than one of a few hundred characters.
func cut(s string) string {
	const most = 256
	if len(s) > most {
		return s[:most]
	}
	return s
}
