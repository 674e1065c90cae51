// Package laravel reproduces the Laravel behaviour the CleverApp/Onebot
// backend shows through its API: validation rules with the laravel-lang
// Russian messages, the TrimStrings and ConvertEmptyStringsToNull input
// middleware, the token guard, the JSON exception bodies and the API
// resource paginator.
package laravel

import (
	"fmt"
	"strings"
)

// Rule is one parsed rule, "max:500" → {Name: "max", Args: ["500"]}.
type Rule struct {
	Name string
	Args []string
}

// FieldRules are the rules of one input field, in declared order.
type FieldRules struct {
	Field string
	Rules []Rule
}

// Rules is an operation's rule set, in the order errors are reported.
type Rules []FieldRules

// ParseRules reads the spec's x-rules: a list of single-key maps,
// [{contact_id: "required_without:bot_id|integer"}, ...], keeping order.
func ParseRules(raw []map[string]string) (Rules, error) {
	var out Rules
	for _, item := range raw {
		if len(item) != 1 {
			return nil, fmt.Errorf("x-rules: each item must name exactly one field, got %v", item)
		}
		for field, spec := range item {
			fr := FieldRules{Field: field}
			for _, part := range strings.Split(spec, "|") {
				name, args, _ := strings.Cut(strings.TrimSpace(part), ":")
				r := Rule{Name: name}
				if args != "" {
					r.Args = strings.Split(args, ",")
				}
				if !knownRules[name] {
					return nil, fmt.Errorf("x-rules: %s: unknown rule %q", field, name)
				}
				if n := minArgs[name]; len(r.Args) < n {
					plural := ""
					if n > 1 {
						plural = "s"
					}
					return nil, fmt.Errorf("x-rules: %s: rule %q needs %d argument%s", field, name, n, plural)
				}
				fr.Rules = append(fr.Rules, r)
			}
			out = append(out, fr)
		}
	}
	return out, nil
}

var knownRules = map[string]bool{
	"required": true, "required_if": true, "required_with": true, "required_without": true, "required_without_all": true,
	"nullable": true, "sometimes": true, "bail": true,
	"integer": true, "numeric": true, "string": true, "boolean": true, "array": true,
	"in": true, "max": true, "min": true, "between": true, "size": true,
	"email": true, "url": true, "json": true,
}

// minArgs are the arguments a rule cannot do without (validation would
// index them).
var minArgs = map[string]int{"max": 1, "min": 1, "size": 1, "between": 2, "required_if": 2}
