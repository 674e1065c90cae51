package laravel

import (
	"strings"

	"github.com/fakebots/fakebots/emulator/platform"
)

// Normalize applies Laravel's global TrimStrings and
// ConvertEmptyStringsToNull middleware to every string in the input.
func Normalize(in platform.Input) platform.Input {
	for k, v := range in {
		in[k] = normalize(v)
	}
	return in
}

func normalize(v any) any {
	switch x := v.(type) {
	case string:
		if s := strings.TrimSpace(x); s != "" {
			return s
		}
		return nil
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
	}
	return v
}
