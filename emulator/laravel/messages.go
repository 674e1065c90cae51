package laravel

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fakebots/fakebots/emulator/php"
)

// ru holds the laravel-lang ru/validation.php strings of the rules the
// specs use, keyed as Laravel's translator looks them up.
var ru = map[string]string{
	"required":             "Поле :attribute обязательно для заполнения.",
	"required_with":        "Поле :attribute обязательно для заполнения, когда :values указано.",
	"required_if":          "Поле :attribute обязательно для заполнения, когда :other равно :value.",
	"required_without":     "Поле :attribute обязательно для заполнения, когда :values не указано.",
	"required_without_all": "Поле :attribute обязательно для заполнения, когда ни одно из :values не указано.",
	"integer":              "Поле :attribute должно быть целым числом.",
	"numeric":              "Поле :attribute должно быть числом.",
	"string":               "Поле :attribute должно быть строкой.",
	"boolean":              "Поле :attribute должно иметь значение логического типа.",
	"array":                "Поле :attribute должно быть массивом.",
	"in":                   "Выбранное значение для :attribute ошибочно.",
	"email":                "Поле :attribute должно быть действительным электронным адресом.",
	"url":                  "Поле :attribute имеет ошибочный формат.",
	"json":                 "Поле :attribute должно быть JSON строкой.",
	"uploaded":             "Загрузка поля :attribute не удалась.",
	"max.numeric":          "Поле :attribute не может быть более :max.",
	"max.string":           "Количество символов в поле :attribute не может превышать :max.",
	"max.array":            "Количество элементов в поле :attribute не может превышать :max.",
	"max.file":             "Размер файла в поле :attribute не может быть более :max Килобайт(а).",
	"min.numeric":          "Поле :attribute должно быть не менее :min.",
	"min.string":           "Количество символов в поле :attribute должно быть не менее :min.",
	"min.array":            "Количество элементов в поле :attribute должно быть не менее :min.",
	"min.file":             "Размер файла в поле :attribute должен быть не менее :min Килобайт(а).",
	"between.numeric":      "Поле :attribute должно быть между :min и :max.",
	"between.string":       "Количество символов в поле :attribute должно быть между :min и :max.",
	"between.array":        "Количество элементов в поле :attribute должно быть между :min и :max.",
	"between.file":         "Размер файла в поле :attribute должен быть между :min и :max Килобайт(а).",
	"size.numeric":         "Поле :attribute должно быть равным :size.",
	"size.string":          "Количество символов в поле :attribute должно быть равным :size.",
	"size.array":           "Количество элементов в поле :attribute должно быть равным :size.",
	"size.file":            "Размер файла в поле :attribute должен быть равен :size Килобайт(а).",
}

// Messages is the message table, for tools that compare with Laravel.
func Messages() map[string]string {
	out := make(map[string]string, len(ru))
	for k, v := range ru {
		out[k] = v
	}
	return out
}

var sizeRules = map[string]bool{"size": true, "between": true, "min": true, "max": true}

// message is getMessage: the size rules by the attribute's type, the others
// by name; a line the table lacks is its key, as the translator returns it.
func (v *validator) message(attr, rule string) string {
	key := rule
	if sizeRules[rule] {
		key += "." + v.attributeType(attr)
	}
	if m, ok := ru[key]; ok {
		return m
	}
	return "validation." + key
}

// attributeType is getAttributeType: by the attribute's rules, then by an
// uploaded file's presence.
func (v *validator) attributeType(attr string) string {
	switch {
	case v.hasRule(attr, "numeric", "integer"):
		return "numeric"
	case v.hasRule(attr, "array"):
		return "array"
	}
	if val, _ := arrGet(v.data, attr); val != nil {
		if _, ok := val.(*php.File); ok {
			return "file"
		}
	}
	return "string"
}

// makeReplacements fills a message as Laravel does, one str_replace after
// another (so text put in by one replacement can be replaced by the next):
// the attribute, :input, then the rule's own placeholders.
func (v *validator) makeReplacements(msg, attr, rule string, params []string) string {
	display := v.displayableAttribute(attr)
	msg = strings.ReplaceAll(msg, ":attribute", display)
	msg = strings.ReplaceAll(msg, ":ATTRIBUTE", strings.ToUpper(display))
	msg = strings.ReplaceAll(msg, ":Attribute", ucfirst(display))
	if val, _ := arrGet(v.data, attr); isScalarOrNull(val) {
		msg = strings.ReplaceAll(msg, ":input", displayableValue(val))
	}
	switch rule {
	case "required_with", "required_without", "required_without_all":
		names := make([]string, len(params))
		for i, p := range params {
			names[i] = v.displayableAttribute(p)
		}
		msg = strings.ReplaceAll(msg, ":values", strings.Join(names, " / "))
	case "required_if":
		other, _ := arrGet(v.data, params[0])
		msg = strings.ReplaceAll(msg, ":other", v.displayableAttribute(params[0]))
		msg = strings.ReplaceAll(msg, ":value", displayableValue(other))
	case "in":
		msg = strings.ReplaceAll(msg, ":values", strings.Join(params, ", "))
	case "max":
		msg = strings.ReplaceAll(msg, ":max", params[0])
	case "min":
		msg = strings.ReplaceAll(msg, ":min", params[0])
	case "size":
		msg = strings.ReplaceAll(msg, ":size", params[0])
	case "between":
		msg = strings.ReplaceAll(msg, ":min", params[0])
		msg = strings.ReplaceAll(msg, ":max", params[1])
	}
	return msg
}

func isScalarOrNull(v any) bool {
	switch v.(type) {
	case nil, bool, int64, float64, string:
		return true
	}
	return false
}

// displayableValue is getDisplayableValue without custom values: booleans
// as true/false, null as "empty", the rest as PHP's string cast.
func displayableValue(v any) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "true"
		}
		return "false"
	case nil:
		return "empty"
	case *php.Array:
		return "Array"
	}
	return php.ToString(v)
}

// displayableAttribute is getDisplayableAttribute without custom names: an
// attribute a wildcard expanded to is shown as it is; any other has
// Str::snake applied and its underscores made spaces.
func (v *validator) displayableAttribute(attr string) string {
	primary := v.primaryAttribute(attr)
	if _, ok := v.implicit[primary]; ok {
		return attr
	}
	return strings.ReplaceAll(snake(attr), "_", " ")
}

// snake is Str::snake($s, '_'): unless all ASCII lower case, words are
// capitalised (ucwords), Unicode white space removed, "_" put before each
// upper-case ASCII letter that follows a character other than a newline,
// and the result lower-cased. Invalid UTF-8 fails preg_replace(/u): "".
func snake(s string) string {
	if ctypeLower(s) {
		return s
	}
	if !utf8.ValidString(s) {
		return ""
	}
	var b strings.Builder
	word := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if word && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		word = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'
		b.WriteByte(c)
	}
	runes := []rune(strings.Map(func(r rune) rune {
		if isPCRESpace(r) {
			return -1
		}
		return r
	}, b.String()))
	var out []rune
	for i, r := range runes {
		out = append(out, r)
		if r != '\n' && i+1 < len(runes) && 'A' <= runes[i+1] && runes[i+1] <= 'Z' {
			out = append(out, '_')
		}
	}
	return strings.ToLower(string(out))
}

func ctypeLower(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// isPCRESpace is \s in PCRE with Unicode properties: \h, \v and Zs.
func isPCRESpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x180E, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
		return true
	}
	return unicode.Is(unicode.Zs, r) // U+2000 to U+200A among them
}

func ucfirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return strings.ToUpper(string(r)) + s[n:]
}
