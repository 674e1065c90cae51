package scenario

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Matcher builders for Go callers (fakebotstest.Verify): each is the value
// the YAML form decodes to.

// Contains matches text containing s, or a list with an element matching s.
func Contains(s any) map[string]any { return map[string]any{"contains": s} }

// Regex matches text (or a number's text) against an RE2 expression.
func Regex(expr string) map[string]any { return map[string]any{"regex": expr} }

// Type matches any value of a JSON type: string, number, integer, boolean,
// object, array or null.
func Type(name string) map[string]any { return map[string]any{"type": name} }

// Any matches any value, as long as the key is there.
func Any() map[string]any { return map[string]any{"any": true} }

// Absent matches a key that is not there.
func Absent() map[string]any { return map[string]any{"absent": true} }

// Equals matches v exactly, even when v looks like a matcher.
func Equals(v any) map[string]any { return map[string]any{"equals": v} }

var matcherNames = map[string]bool{"contains": true, "regex": true, "type": true, "any": true, "absent": true, "equals": true}

var typeNames = []string{"array", "boolean", "integer", "null", "number", "object", "string"}

// asMatcher reports whether a pattern mapping is a matcher: a single key
// that names one.
func asMatcher(m map[string]any) (name string, arg any, ok bool) {
	if len(m) != 1 {
		return "", nil, false
	}
	for k, v := range m {
		if matcherNames[k] {
			return k, v, true
		}
	}
	return "", nil, false
}

// checkMatcher validates a matcher's argument when m is one.
func checkMatcher(m map[string]any) error {
	name, arg, ok := asMatcher(m)
	if !ok {
		return nil
	}
	switch name {
	case "regex":
		s, isText := arg.(string)
		if !isText {
			return fmt.Errorf("regex needs a text argument")
		}
		if _, err := compileRegex(s); err != nil {
			return fmt.Errorf("regex %q does not compile: %v", s, err)
		}
	case "type":
		s, _ := arg.(string)
		if i := sort.SearchStrings(typeNames, s); i == len(typeNames) || typeNames[i] != s {
			return fmt.Errorf("type must be one of %s, not %v (to match a key named type literally, write {equals: {type: ...}})", strings.Join(typeNames, ", "), arg)
		}
	case "any", "absent":
		if arg != true {
			return fmt.Errorf("write {%s: true}", name)
		}
	case "contains":
		switch arg.(type) {
		case []any:
			return fmt.Errorf("contains takes one value (text, or an element of a list), not a list")
		}
	}
	return nil
}

// checkPattern validates every matcher of a pattern built in Go.
func checkPattern(v any) error {
	switch x := v.(type) {
	case map[string]any:
		if err := checkMatcher(x); err != nil {
			return err
		}
		for _, e := range x {
			if err := checkPattern(e); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range x {
			if err := checkPattern(e); err != nil {
				return err
			}
		}
	}
	return nil
}

var regexCache sync.Map // expression → *regexp.Regexp

func compileRegex(expr string) (*regexp.Regexp, error) {
	if re, ok := regexCache.Load(expr); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	regexCache.Store(expr, re)
	return re, nil
}

// Diff is one way an actual value differs from a pattern.
type Diff struct {
	Path     string `json:"path"`
	Expected any    `json:"expected"`
	Actual   any    `json:"actual,omitempty"`
	Missing  bool   `json:"missing,omitempty"`
	Reason   string `json:"reason"`
}

func (d Diff) String() string {
	if d.Path == "" {
		return d.Reason
	}
	return d.Path + ": " + d.Reason
}

// matchOpts tunes matching. Loose compares scalars by their text, as the
// platforms read query and form parameters ("5" equals 5).
type matchOpts struct{ loose bool }

// match compares actual with a pattern: objects partially (only the keys
// the pattern names), lists element by element, scalars exactly, matchers
// by their rule. present tells whether actual exists at all.
func match(pattern, actual any, present bool, path string, o matchOpts) []Diff {
	if m, ok := pattern.(map[string]any); ok {
		if name, arg, isMatcher := asMatcher(m); isMatcher {
			return matchOne(name, arg, actual, present, path, o)
		}
		if !present {
			return []Diff{{Path: path, Expected: pattern, Missing: true, Reason: "missing"}}
		}
		obj, isObj := actual.(map[string]any)
		if !isObj {
			return []Diff{{Path: path, Expected: pattern, Actual: actual, Reason: "expected an object, got " + show(actual)}}
		}
		var diffs []Diff
		for _, k := range sortedKeys(m) {
			v, has := obj[k]
			diffs = append(diffs, match(m[k], v, has, join(path, k), o)...)
		}
		return diffs
	}
	if !present {
		return []Diff{{Path: path, Expected: pattern, Missing: true, Reason: "missing (expected " + show(pattern) + ")"}}
	}
	if list, ok := pattern.([]any); ok {
		got, isList := actual.([]any)
		if !isList {
			return []Diff{{Path: path, Expected: pattern, Actual: actual, Reason: "expected a list, got " + show(actual)}}
		}
		if len(got) != len(list) {
			return []Diff{{Path: path, Expected: pattern, Actual: actual, Reason: fmt.Sprintf("expected %d elements, got %d", len(list), len(got))}}
		}
		var diffs []Diff
		for i := range list {
			diffs = append(diffs, match(list[i], got[i], true, join(path, strconv.Itoa(i)), o)...)
		}
		return diffs
	}
	if equalScalar(pattern, actual, o) {
		return nil
	}
	return []Diff{{Path: path, Expected: pattern, Actual: actual, Reason: "expected " + show(pattern) + ", got " + show(actual)}}
}

func matchOne(name string, arg, actual any, present bool, path string, o matchOpts) []Diff {
	fail := func(reason string) []Diff {
		d := Diff{Path: path, Expected: map[string]any{name: arg}, Reason: reason}
		if present {
			d.Actual = actual
		} else {
			d.Missing = true
		}
		return []Diff{d}
	}
	switch name {
	case "absent":
		if present {
			return fail("expected no value, got " + show(actual))
		}
		return nil
	case "equals":
		if !present {
			return fail("missing (expected " + show(arg) + ")")
		}
		if !deepEqual(arg, actual) {
			return fail("expected exactly " + show(arg) + ", got " + show(actual))
		}
		return nil
	}
	if !present {
		return fail("missing")
	}
	switch name {
	case "any":
		return nil
	case "type":
		if got := typeOf(actual); got != arg && !(arg == "number" && got == "integer") {
			return fail("expected a value of type " + fmt.Sprint(arg) + ", got " + got + " " + show(actual))
		}
	case "regex":
		re, _ := compileRegex(arg.(string))
		s, isText := text(actual)
		if !isText || !re.MatchString(s) {
			return fail(fmt.Sprintf("%s does not match /%s/", show(actual), arg))
		}
	case "contains":
		if list, ok := actual.([]any); ok {
			for _, el := range list {
				if len(match(arg, el, true, "", o)) == 0 {
					return nil
				}
			}
			return fail("no element matches " + show(arg))
		}
		s, isText := text(actual)
		sub, subText := text(arg)
		if !isText || !subText || !strings.Contains(s, sub) {
			return fail(show(actual) + " does not contain " + show(arg))
		}
	}
	return nil
}

func typeOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	default:
		if f, ok := number(x); ok {
			if f == math.Trunc(f) {
				return "integer"
			}
			return "number"
		}
	}
	return fmt.Sprintf("%T", v)
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

// text is a scalar's text: strings as they are, numbers without exponent,
// booleans as true/false.
func text(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	}
	if f, ok := number(v); ok {
		return strconv.FormatFloat(f, 'f', -1, 64), true
	}
	return "", false
}

func equalScalar(want, got any, o matchOpts) bool {
	if wf, ok := number(want); ok {
		if gf, ok := number(got); ok {
			return wf == gf
		}
	}
	if o.loose {
		ws, wok := text(want)
		gs, gok := text(got)
		if wok && gok && ws == gs {
			return true
		}
		// PHP and Laravel read "1"/"" from forms as booleans.
		if wb, isBool := want.(bool); isBool && gok {
			return (wb && (gs == "1" || gs == "true")) || (!wb && (gs == "0" || gs == "" || gs == "false"))
		}
	}
	return want == got
}

func deepEqual(a, b any) bool {
	ra, err1 := json.Marshal(normalize(a))
	rb, err2 := json.Marshal(normalize(b))
	return err1 == nil && err2 == nil && string(ra) == string(rb)
}

// normalize makes numbers of any Go type compare equal through JSON.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	}
	if f, ok := number(v); ok {
		return f
	}
	return v
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// show renders a value for a message: JSON, cut when long.
func show(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	s := fmt.Sprint(v)
	if enc.Encode(v) == nil {
		s = strings.TrimSuffix(b.String(), "\n")
	}
	if r := []rune(s); len(r) > 120 {
		s = string(r[:117]) + "..."
	}
	return s
}
