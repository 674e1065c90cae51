package spec

import (
	"fmt"
	"strings"
)

// template is a path of the document, split at its slashes: each segment
// is a literal or a whole-segment parameter ({name}, one or more
// characters other than a slash).
type template struct {
	path     string
	segments []segment
}

type segment struct {
	literal string
	param   string // set for {param}
}

func parseTemplate(path string) (template, error) {
	t := template{path: path}
	for _, part := range strings.Split(path, "/") {
		name, isParam := strings.CutPrefix(part, "{")
		if isParam {
			name, isParam = strings.CutSuffix(name, "}")
		}
		if isParam && name != "" && !strings.ContainsAny(name, "{}") {
			t.segments = append(t.segments, segment{param: name})
			continue
		}
		if strings.ContainsAny(part, "{}") {
			return t, fmt.Errorf("path %s: a parameter must be a whole segment", path)
		}
		t.segments = append(t.segments, segment{literal: part})
	}
	return t, nil
}

// match reports whether the split path fits the template, with the values
// of its parameters.
func (t *template) match(parts []string) (map[string]string, bool) {
	if len(parts) != len(t.segments) {
		return nil, false
	}
	for i, s := range t.segments {
		if s.param == "" && parts[i] != s.literal || s.param != "" && parts[i] == "" {
			return nil, false
		}
	}
	var vars map[string]string
	for i, s := range t.segments {
		if s.param != "" {
			if vars == nil {
				vars = map[string]string{}
			}
			vars[s.param] = parts[i]
		}
	}
	return vars, true
}
