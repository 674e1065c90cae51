package laravel

import (
	"encoding/json"
	"math"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
)

// Validate applies rules to input as Laravel's Validator does and returns
// the failures as an ordered {field: [messages]} object, nil when valid.
func Validate(rules Rules, input platform.Input) jsonx.Object {
	var errs jsonx.Object
	for _, fr := range rules {
		value, _ := lookup(input, fr.Field)
		var msgs []string
		for _, r := range fr.Rules {
			if !validatable(fr, r, input, fr.Field, value) {
				continue
			}
			if passes(fr, r, input, value) {
				continue
			}
			msgs = append(msgs, message(fr, r))
			if implicit[r.Name] || fr.has("bail") {
				break
			}
		}
		if len(msgs) > 0 {
			errs = append(errs, jsonx.Field{Key: fr.Field, Value: msgs})
		}
	}
	return errs
}

// lookup reads a dotted field ("filters.tag_name") from the input.
func lookup(input platform.Input, field string) (any, bool) {
	var cur any = map[string]any(input)
	for _, part := range strings.Split(field, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// validatable is Laravel's isValidatable: a rule runs when the field is
// present (or the rule is implicit), "sometimes" is satisfied, and a null is
// not excused by "nullable".
func validatable(fr FieldRules, r Rule, input platform.Input, field string, value any) bool {
	_, present := lookup(input, field)
	if implicit[r.Name] {
		return true
	}
	if !present {
		return false
	}
	if s, ok := value.(string); ok && strings.TrimSpace(s) == "" {
		return false
	}
	if value == nil && fr.has("nullable") {
		return false
	}
	return r.Name != "nullable" && r.Name != "sometimes" && r.Name != "bail"
}

func filled(input platform.Input, field string) bool {
	v, ok := lookup(input, field)
	return ok && !platform.IsEmpty(v)
}

func passes(fr FieldRules, r Rule, input platform.Input, v any) bool {
	switch r.Name {
	case "required":
		return !platform.IsEmpty(v)
	case "required_if":
		if len(r.Args) >= 2 {
			other, _ := lookup(input, r.Args[0])
			if platform.Text(other) == r.Args[1] {
				return !platform.IsEmpty(v)
			}
		}
		return true
	case "required_with":
		for _, other := range r.Args {
			if filled(input, other) {
				return !platform.IsEmpty(v)
			}
		}
		return true
	case "required_without":
		for _, other := range r.Args {
			if !filled(input, other) {
				return !platform.IsEmpty(v)
			}
		}
		return true
	case "required_without_all":
		for _, other := range r.Args {
			if filled(input, other) {
				return true
			}
		}
		return !platform.IsEmpty(v)
	case "integer":
		return isInteger(v)
	case "numeric":
		_, ok := number(v)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		switch x := v.(type) {
		case bool:
			return true
		case float64:
			return x == 0 || x == 1
		case string:
			return x == "0" || x == "1"
		}
		return false
	case "array":
		switch v.(type) {
		case []any, map[string]any:
			return true
		}
		return false
	case "in":
		if _, isScalar := scalar(v); !isScalar {
			return false
		}
		s := platform.Text(v)
		for _, a := range r.Args {
			if s == a {
				return true
			}
		}
		return false
	case "max":
		size, ok := sizeOf(fr, v)
		return ok && size <= atof(r.Args[0])
	case "min":
		size, ok := sizeOf(fr, v)
		return ok && size >= atof(r.Args[0])
	case "between":
		size, ok := sizeOf(fr, v)
		return ok && size >= atof(r.Args[0]) && size <= atof(r.Args[1])
	case "size":
		size, ok := sizeOf(fr, v)
		return ok && size == atof(r.Args[0])
	case "email":
		s, ok := v.(string)
		if !ok {
			return false
		}
		addr, err := mail.ParseAddress(s)
		return err == nil && addr.Address == s && strings.Contains(s, ".")
	case "url":
		s, ok := v.(string)
		if !ok {
			return false
		}
		u, err := url.Parse(s)
		return err == nil && u.Scheme != "" && u.Host != ""
	case "json":
		s, ok := v.(string)
		return ok && json.Valid([]byte(s))
	}
	return true
}

func scalar(v any) (any, bool) {
	switch v.(type) {
	case string, float64, bool, json.Number:
		return v, true
	}
	return nil, false
}

// isInteger is PHP's filter_var(FILTER_VALIDATE_INT): whole numbers and their text.
func isInteger(v any) bool {
	switch x := v.(type) {
	case float64:
		return x == math.Trunc(x) && !math.IsInf(x, 0)
	case bool:
		return x
	case string:
		s := strings.TrimSpace(x)
		if s == "" || (len(s) > 1 && (s[0] == '0' || (s[0] == '-' || s[0] == '+') && len(s) > 1 && s[1] == '0')) {
			return s == "-0" || s == "+0" // PHP's special cases; any other leading zero fails
		}
		_, err := strconv.ParseInt(s, 10, 64)
		return err == nil
	}
	return false
}

// number is PHP's is_numeric.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) && !strings.ContainsAny(x, "xXpP_")
	}
	return 0, false
}

// sizeOf is Laravel's getSize: a number (when the field has a numeric rule
// and the value is numeric), an element count, or a character count.
func sizeOf(fr FieldRules, v any) (float64, bool) {
	if n, ok := number(v); ok && fr.attributeType() == "numeric" {
		return n, true
	}
	switch x := v.(type) {
	case []any:
		return float64(len(x)), true
	case map[string]any:
		return float64(len(x)), true
	}
	return float64(utf8.RuneCountInString(platform.Text(v))), true
}
