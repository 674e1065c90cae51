package scenario

import (
	"fmt"
	"strings"

	"github.com/fakebots/fakebots/emulator/spec"
)

// Platforms are the emulated platforms, in the order the emulator lists them.
var Platforms = []string{"cleverapp", "onebot", "salebot", "bothelp"}

func knownPlatform(name string) bool {
	for _, p := range Platforms {
		if p == name {
			return true
		}
	}
	return false
}

// platformSpec is a platform's OpenAPI document as the emulator serves it
// (Onebot's is its overlay laid over CleverApp's).
func platformSpec(name string) (*spec.Spec, error) { return spec.LoadServed(name) }

// operation finds an operation of a platform by its id.
func operation(platformName, id string) (*spec.Operation, error) {
	s, err := platformSpec(platformName)
	if err != nil {
		return nil, err
	}
	op := s.Operation(id)
	if op == nil {
		return nil, fmt.Errorf("platform %s has no operation %q%s", platformName, id, suggest(id, operationIDs(s)))
	}
	return op, nil
}

func operationIDs(s *spec.Spec) []string {
	ids := make([]string, len(s.Operations))
	for i, op := range s.Operations {
		ids[i] = op.ID
	}
	return ids
}

// suggest names the closest known word, when one is close enough to be a typo.
func suggest(word string, known []string) string {
	best, bestDist := "", len(word)/3+1
	for _, k := range known {
		if d := distance(strings.ToLower(word), strings.ToLower(k)); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
