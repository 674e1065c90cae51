package scenario

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

// templatePattern is {{name}}, {{tenant.path}}, {{env.NAME}} or
// {{receiver.url}}, spaces inside the braces allowed.
var templatePattern = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}`)

// scope is what templates can read during a run.
type scope struct {
	captured map[string]any
	tenant   any    // the tenant's creation answer
	receiver string // the receiver's base URL
	// env looks a variable up; nil when the environment is closed to the
	// scenario (runs started through the control API).
	env func(string) (string, bool)
}

// lookup resolves one template name.
func (s *scope) lookup(name string) (any, error) {
	root, rest, _ := strings.Cut(name, ".")
	switch root {
	case "tenant":
		v, ok := walkPath(s.tenant, rest)
		if !ok {
			return nil, fmt.Errorf("the tenant's answer has no %s", rest)
		}
		return v, nil
	case "env":
		if s.env == nil {
			return nil, fmt.Errorf("{{env.%s}}: the environment is not open to this run", rest)
		}
		v, ok := s.env(rest)
		if !ok {
			return nil, fmt.Errorf("environment variable %s is not set", rest)
		}
		return v, nil
	case "receiver":
		if rest != "url" {
			return nil, fmt.Errorf("unknown {{receiver.%s}} (there is {{receiver.url}})", rest)
		}
		if s.receiver == "" {
			return nil, fmt.Errorf("this run has no receiver")
		}
		return s.receiver, nil
	}
	v, ok := s.captured[root]
	if !ok {
		return nil, fmt.Errorf("{{%s}} was not captured by an earlier step (captured: %s)", root, strings.Join(sortedKeys(s.captured), ", "))
	}
	if rest != "" {
		if v, ok = walkPath(v, rest); !ok {
			return nil, fmt.Errorf("{{%s}}: the captured value has no %s", name, rest)
		}
	}
	return v, nil
}

// fillString replaces every template in s by its value's text.
func (s *scope) fillString(in string) (string, error) {
	v, err := s.fillText(in)
	if err != nil {
		return "", err
	}
	if str, ok := v.(string); ok {
		return str, nil
	}
	return render(v), nil
}

// fillText resolves a string: one whole template keeps its value's type
// (a captured number stays a number), anything else becomes text.
func (s *scope) fillText(in string) (any, error) {
	if !strings.Contains(in, "{{") {
		return in, nil
	}
	if m := templatePattern.FindStringSubmatchIndex(in); m != nil && m[0] == 0 && m[1] == len(in) {
		return s.lookup(in[m[2]:m[3]])
	}
	var firstErr error
	out := templatePattern.ReplaceAllStringFunc(in, func(t string) string {
		v, err := s.lookup(templatePattern.FindStringSubmatch(t)[1])
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return t
		}
		return render(v)
	})
	return out, firstErr
}

// fill resolves the templates of a value tree.
func (s *scope) fill(v any) (any, error) {
	switch x := v.(type) {
	case string:
		return s.fillText(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			f, err := s.fill(e)
			if err != nil {
				return nil, err
			}
			out[k] = f
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			f, err := s.fill(e)
			if err != nil {
				return nil, err
			}
			out[i] = f
		}
		return out, nil
	}
	return v, nil
}

// fillStruct resolves the templates of a step's fields in place: text
// fields, maps of text, free-form values and patterns, nested structs.
func (s *scope) fillStruct(v reflect.Value) error {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return s.fillStruct(v.Elem())
	case reflect.String:
		out, err := s.fillString(v.String())
		if err != nil {
			return err
		}
		v.SetString(out)
	case reflect.Map:
		if v.Type().Elem().Kind() != reflect.String {
			return nil
		}
		filled := reflect.MakeMapWithSize(v.Type(), v.Len())
		for _, k := range v.MapKeys() {
			out, err := s.fillString(v.MapIndex(k).String())
			if err != nil {
				return err
			}
			filled.SetMapIndex(k, reflect.ValueOf(out))
		}
		v.Set(filled)
	case reflect.Struct:
		if v.Type() == posType {
			return nil
		}
		if v.Type() == valueType {
			val := v.Addr().Interface().(*Value)
			out, err := s.fill(val.V)
			val.V = out
			return err
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				if err := s.fillStruct(v.Field(i)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// render is a value's text in a longer string: scalars as they read,
// others as JSON.
func render(v any) string {
	if s, ok := text(v); ok {
		return s
	}
	if v == nil {
		return ""
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}

// walkPath follows a dotted path ("data.0.id") through objects and lists.
func walkPath(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	for _, key := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[key]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// templateNames lists the template names a string uses.
func templateNames(s string) []string {
	var names []string
	for _, m := range templatePattern.FindAllStringSubmatch(s, -1) {
		names = append(names, m[1])
	}
	return names
}
