package laravel

import (
	"github.com/fakebots/fakebots/emulator/php"
)

// passes runs one rule's validate* method of ValidatesAttributes.
func (v *validator) passes(rule, attr string, value any, params []string) bool {
	switch rule {
	case "required":
		return required(value)
	case "required_if":
		other, present := arrGet(v.data, params[0])
		if !present {
			return true
		}
		if v.dependentMatch(params[0], other, params[1:]) {
			return required(value)
		}
		return true
	case "required_with":
		if !v.allFailingRequired(params) {
			return required(value)
		}
		return true
	case "required_without":
		if v.anyFailingRequired(params) {
			return required(value)
		}
		return true
	case "required_without_all":
		if v.allFailingRequired(params) {
			return required(value)
		}
		return true
	case "integer":
		return php.FilterInt(value)
	case "numeric":
		return php.IsNumeric(value)
	case "string":
		_, ok := value.(string)
		return ok
	case "boolean":
		switch x := value.(type) {
		case bool:
			return true
		case int64:
			return x == 0 || x == 1
		case string:
			return x == "0" || x == "1"
		}
		return false
	case "array":
		_, ok := value.(*php.Array)
		return ok
	case "in":
		return v.in(attr, value, params)
	case "max", "min", "between", "size":
		size := v.size(attr, value)
		switch rule {
		case "max":
			return php.Compare(size, params[0]) <= 0
		case "min":
			return php.Compare(size, params[0]) >= 0
		case "between":
			return php.Compare(size, params[0]) >= 0 && php.Compare(size, params[1]) <= 0
		}
		return php.Compare(size, params[0]) == 0
	case "email":
		s, ok := value.(string)
		return ok && ValidEmail(s)
	case "url":
		s, ok := value.(string)
		return ok && validURL(s)
	case "json":
		switch value.(type) {
		case *php.Array, *php.File:
			return false
		}
		_, err := php.DecodeJSON(php.ToString(value), php.JSONDepth)
		return err == nil
	}
	return true // nullable, sometimes, bail
}

// required is validateRequired.
func required(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return php.Trim(x) != ""
	case *php.Array:
		return x.Len() > 0
	case *php.File:
		return x.Error == 0
	}
	return true
}

func (v *validator) anyFailingRequired(attrs []string) bool {
	for _, a := range attrs {
		if val, _ := arrGet(v.data, a); !required(val) {
			return true
		}
	}
	return false
}

func (v *validator) allFailingRequired(attrs []string) bool {
	for _, a := range attrs {
		if val, _ := arrGet(v.data, a); required(val) {
			return false
		}
	}
	return true
}

// dependentMatch is required_if's in_array($other, $values): values read
// as booleans when the other field is (or is ruled) boolean, "null" as null
// when it is null, then compared loosely (strictly for booleans and null).
func (v *validator) dependentMatch(otherAttr string, other any, values []string) bool {
	_, isBool := other.(bool)
	toBool := isBool || v.hasRule(otherAttr, "boolean")
	for _, s := range values {
		var want any = s
		if toBool && (s == "true" || s == "false") {
			want = s == "true"
		}
		if other == nil && php.StrToLower(s) == "null" {
			want = nil
		}
		if isBool || other == nil {
			if want == other {
				return true
			}
			continue
		}
		if php.LooseEqual(other, want) {
			return true
		}
	}
	return false
}

// in is validateIn: a list (when the attribute is an array) must hold only
// listed scalars; anything else is cast to a string and compared loosely.
func (v *validator) in(attr string, value any, params []string) bool {
	if a, ok := value.(*php.Array); ok {
		if !v.hasRule(attr, "array") {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			e := a.Value(i)
			if _, nested := e.(*php.Array); nested {
				return false
			}
			if !containsString(params, php.ToString(e)) {
				return false // array_diff compares (string) casts strictly
			}
		}
		return true
	}
	s := php.ToString(value)
	if _, isFile := value.(*php.File); isFile {
		return false // its string is a temporary path
	}
	for _, p := range params {
		if php.LooseEqualStrings(s, p) {
			return true
		}
	}
	return false
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// size is getSize: the number itself under a numeric rule, an element
// count, a file's kilobytes, or mb_strlen of the text.
func (v *validator) size(attr string, value any) any {
	if php.IsNumeric(value) && v.hasRule(attr, "numeric", "integer") {
		return value
	}
	switch x := value.(type) {
	case *php.Array:
		return int64(x.Len())
	case *php.File:
		return float64(x.Size) / 1024
	}
	return int64(php.MbStrlen(php.ToString(value)))
}
