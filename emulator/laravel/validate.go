package laravel

import (
	"regexp"
	"sort"
	"strings"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/php"
	"github.com/fakebots/fakebots/emulator/platform"
)

// Validate applies rules to input as Laravel 8's Validator does and returns
// the failures as an ordered {attribute: [messages]} object, nil when
// valid. Input values are PHP's (see package php); plain Go maps, slices
// and numbers are read as the arrays and numbers json_decode would give.
func Validate(rules Rules, input platform.Input) jsonx.Object {
	return ValidateData(rules, topLevel(input))
}

// ValidateData is Validate on an ordered array, as $request->all() gives it.
func ValidateData(rules Rules, data *php.Array) jsonx.Object {
	v := &validator{data: parseData(data), failed: map[string]map[string]bool{}}
	v.setRules(rules)
	return v.run()
}

// topLevel makes the top level of an input an array. Its order matters to
// no rule (the Laravel reader keeps nested order in php.Array values), only
// to which of two keys that become one ("a.b" and "a"+placeholder…) wins:
// keys with "." or "*" are sorted to keep that deterministic.
func topLevel(in platform.Input) *php.Array {
	keys := make([]string, 0, len(in))
	sorted := true
	for k := range in {
		keys = append(keys, k)
		sorted = sorted && !strings.ContainsAny(k, ".*")
	}
	if !sorted {
		sort.Strings(keys)
	}
	a := php.NewArray()
	for _, k := range keys {
		a.Set(k, php.FromGo(in[k]))
	}
	return a
}

// dotPlaceholder stands for "." inside a key while attributes are dotted
// paths, as the Validator's random placeholder does.
const dotPlaceholder = "\x00\x1b\x00"

const asteriskPlaceholder = "__asterisk__"

// parseData is Validator::parseData: "." and "*" in keys, at any depth,
// become placeholders. Arrays without such keys are shared, not copied.
func parseData(a *php.Array) *php.Array {
	var out *php.Array
	for i := 0; i < a.Len(); i++ {
		key, _ := a.Key(i)
		val := a.Value(i)
		if sub, ok := val.(*php.Array); ok {
			val = parseData(sub)
		}
		newKey := key
		if strings.ContainsAny(key, ".*") {
			newKey = strings.NewReplacer(".", dotPlaceholder, "*", asteriskPlaceholder).Replace(key)
		}
		if out == nil && (newKey != key || val != a.Value(i)) {
			out = php.NewArray()
			for j := 0; j < i; j++ {
				k, _ := a.Key(j)
				out.Set(k, a.Value(j))
			}
		}
		if out != nil {
			out.Set(newKey, val)
		}
	}
	if out == nil {
		return a
	}
	return out
}

func cleanAttribute(attr string) string {
	if !strings.Contains(attr, dotPlaceholder) && !strings.Contains(attr, asteriskPlaceholder) {
		return attr
	}
	return strings.NewReplacer(dotPlaceholder, ".", asteriskPlaceholder, "*").Replace(attr)
}

type attributeRules struct {
	attribute string
	rules     []Rule
}

func (ar *attributeRules) has(names ...string) bool {
	for _, r := range ar.rules {
		for _, n := range names {
			if r.Name == n {
				return true
			}
		}
	}
	return false
}

type validator struct {
	data          *php.Array
	rules         []attributeRules
	ruleAt        map[string]int      // attribute → index in rules
	implicit      map[string][]string // wildcard attribute → the attributes it expanded to
	implicitOrder []string
	messages      jsonx.Object
	failed        map[string]map[string]bool // cleaned attribute → failed rules
}

// setRules is ValidationRuleParser::explode: plain attributes in order,
// then each wildcard attribute's expansions appended (merged into an
// attribute already listed). PHP's foreach walks the rules as declared and
// sets each plain attribute's rules when it reaches it, so what a wildcard
// declared before a plain attribute merged into it is lost. (The wildcard's
// own entry, held in place until unset, never shows: no expansion or plain
// attribute has a "*".)
func (v *validator) setRules(rules Rules) {
	v.ruleAt = map[string]int{}
	declared := map[string]int{}
	for i, fr := range rules {
		if strings.Contains(fr.Field, "*") {
			continue
		}
		if _, ok := declared[fr.Field]; !ok {
			declared[fr.Field] = i
		}
		v.addRules(fr.Field, fr.Rules)
	}
	for w, fr := range rules {
		if !strings.Contains(fr.Field, "*") {
			continue
		}
		for _, attr := range expandWildcard(fr.Field, v.data) {
			if v.implicit == nil {
				v.implicit = map[string][]string{}
			}
			if _, seen := v.implicit[fr.Field]; !seen {
				v.implicitOrder = append(v.implicitOrder, fr.Field)
			}
			v.implicit[fr.Field] = append(v.implicit[fr.Field], attr)
			if i, ok := declared[attr]; ok && i > w {
				continue // the plain attribute's own rules replace these when the walk reaches it
			}
			v.addRules(attr, fr.Rules)
		}
	}
}

func (v *validator) addRules(attr string, rules []Rule) {
	if i, ok := v.ruleAt[attr]; ok {
		v.rules[i].rules = append(append([]Rule(nil), v.rules[i].rules...), rules...)
		return
	}
	v.ruleAt[attr] = len(v.rules)
	v.rules = append(v.rules, attributeRules{attr, rules})
}

// hasRule is Validator::hasRule for any attribute.
func (v *validator) hasRule(attr string, names ...string) bool {
	i, ok := v.ruleAt[attr]
	return ok && v.rules[i].has(names...)
}

// run is Validator::passes.
func (v *validator) run() jsonx.Object {
	for _, ar := range v.rules {
		for _, r := range ar.rules {
			v.validateAttribute(ar.attribute, r)
			if v.shouldStop(ar.attribute) {
				break
			}
		}
	}
	return v.messages
}

var implicitRules = []string{"required", "required_if", "required_with", "required_without", "required_without_all"}

var fileRules = []string{"between", "max", "min", "size"}

func isImplicit(name string) bool {
	for _, n := range implicitRules {
		if n == name {
			return true
		}
	}
	return false
}

func (v *validator) validateAttribute(attr string, r Rule) {
	params := r.Args
	if r.Name == "required_if" || r.Name == "required_with" || r.Name == "required_without" || r.Name == "required_without_all" {
		params = v.dependentParameters(attr, params)
	}
	value, _ := arrGet(v.data, attr)
	if f, ok := value.(*php.File); ok && f.Error != 0 && (v.hasRule(attr, fileRules...) || v.hasRule(attr, implicitRules...)) {
		v.addFailure(attr, "uploaded", nil)
		return
	}
	if !v.validatable(r.Name, attr, value) {
		return
	}
	if !v.passes(r.Name, attr, value, params) {
		v.addFailure(attr, r.Name, params)
	}
}

// dependentParameters replaces "\." in other fields' names and fills a
// wildcard attribute's "*" with the keys the attribute matched.
func (v *validator) dependentParameters(attr string, params []string) []string {
	out := make([]string, len(params))
	for i, p := range params {
		out[i] = strings.ReplaceAll(p, `\.`, dotPlaceholder)
	}
	primary := v.primaryAttribute(attr)
	if primary == attr { // not a wildcard's
		return out
	}
	pattern := "^" + strings.ReplaceAll(regexp.QuoteMeta(primary), `\*`, `([^.]+)`)
	m := regexp.MustCompile(pattern).FindStringSubmatch(attr)
	if m == nil {
		return out
	}
	keys := m[1:]
	for i, p := range out {
		for _, k := range keys {
			p = strings.Replace(p, "*", k, 1) // a "*" each, while there are any
		}
		out[i] = p
	}
	return out
}

func (v *validator) primaryAttribute(attr string) string {
	for _, unparsed := range v.implicitOrder {
		for _, a := range v.implicit[unparsed] {
			if a == attr {
				return unparsed
			}
		}
	}
	return attr
}

// validatable is isValidatable: present (or an implicit rule), and a null
// not excused by nullable.
func (v *validator) validatable(rule, attr string, value any) bool {
	if s, ok := value.(string); ok && php.Trim(s) == "" {
		if !isImplicit(rule) {
			return false
		}
	} else if !isImplicit(rule) && !arrHas(v.data, attr) {
		return false
	}
	if v.hasRule(attr, "sometimes") && !arrHas(v.data, attr) {
		return false
	}
	if !isImplicit(rule) && v.hasRule(attr, "nullable") {
		if val, ok := arrGet(v.data, attr); ok && val == nil {
			return false
		}
	}
	return true
}

func (v *validator) shouldStop(attr string) bool {
	cleaned := cleanAttribute(attr)
	if v.hasRule(attr, "bail") {
		return v.messageIndex(cleaned) >= 0
	}
	failed := v.failed[cleaned]
	if failed["uploaded"] {
		return true
	}
	if !v.hasRule(attr, implicitRules...) {
		return false
	}
	for _, n := range implicitRules {
		if failed[n] {
			return true
		}
	}
	return false
}

func (v *validator) addFailure(attr, rule string, params []string) {
	cleaned := cleanAttribute(attr)
	msg := v.makeReplacements(v.message(attr, rule), cleaned, rule, params)
	i := v.messageIndex(cleaned)
	if i < 0 {
		v.messages = append(v.messages, jsonx.Field{Key: cleaned, Value: []string{msg}})
	} else {
		msgs := v.messages[i].Value.([]string)
		if !contains(msgs, msg) {
			v.messages[i].Value = append(msgs, msg)
		}
	}
	if v.failed[cleaned] == nil {
		v.failed[cleaned] = map[string]bool{}
	}
	v.failed[cleaned][rule] = true
}

func (v *validator) messageIndex(key string) int {
	for i, f := range v.messages {
		if f.Key == key {
			return i
		}
	}
	return -1
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// arrGet is Arr::get on a dotted key: the key itself first, then the path.
func arrGet(data *php.Array, key string) (any, bool) {
	if v, ok := data.Get(key); ok {
		return v, true
	}
	if !strings.Contains(key, ".") {
		return nil, false
	}
	var cur any = data
	for rest := key; ; {
		seg, tail, more := strings.Cut(rest, ".")
		a, ok := cur.(*php.Array)
		if !ok {
			return nil, false
		}
		if cur, ok = a.Get(seg); !ok {
			return nil, false
		}
		if !more {
			return cur, true
		}
		rest = tail
	}
}

func arrHas(data *php.Array, key string) bool {
	_, ok := arrGet(data, key)
	return ok
}
