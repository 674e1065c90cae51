package scenario

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Error is a problem at a place in a scenario file.
type Error struct {
	Pos Pos
	Msg string
}

func (e Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Errors are every problem found in a file, in file order.
type Errors []Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// decoder fills the format's structs from YAML nodes strictly: unknown and
// repeated keys, wrong types and bad durations are errors with their place.
type decoder struct {
	file string
	errs Errors
}

func (d *decoder) pos(n *yaml.Node) Pos { return Pos{File: d.file, Line: n.Line, Column: n.Column} }

func (d *decoder) fail(n *yaml.Node, format string, args ...any) {
	d.errs = append(d.errs, Error{Pos: d.pos(n), Msg: fmt.Sprintf(format, args...)})
}

var (
	posType      = reflect.TypeOf(Pos{})
	valueType    = reflect.TypeOf(Value{})
	patternType  = reflect.TypeOf(Pattern{})
	durationType = reflect.TypeOf(Duration{})
)

// decode fills v (a pointer's element) from n.
func (d *decoder) decode(n *yaml.Node, v reflect.Value) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch v.Type() {
	case valueType:
		v.Set(reflect.ValueOf(Value{V: d.generic(n, false), Set: true, At: d.pos(n)}))
		return
	case patternType:
		v.Set(reflect.ValueOf(Pattern{Value{V: d.generic(n, true), Set: true, At: d.pos(n)}}))
		return
	case durationType:
		if s, ok := d.scalar(n, "a duration like 90s or 2h"); ok {
			dur, err := time.ParseDuration(s)
			if err != nil || dur < 0 {
				d.fail(n, "%q is not a duration (write it like 90s, 5m or 2h)", s)
				return
			}
			v.Set(reflect.ValueOf(Duration{D: dur, Set: true}))
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if isNull(n) {
			d.fail(n, "expected a value, found null")
			return
		}
		p := reflect.New(v.Type().Elem())
		d.decode(n, p.Elem())
		v.Set(p)
	case reflect.Struct:
		d.decodeStruct(n, v)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, "expected a list, found %s", describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.fail(n, "expected a mapping, found %s", describe(n))
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		d.eachKey(n, func(key string, _, val *yaml.Node) {
			item := reflect.New(v.Type().Elem()).Elem()
			d.decode(val, item)
			m.SetMapIndex(reflect.ValueOf(key), item)
		})
		v.Set(m)
	case reflect.String:
		if s, ok := d.scalar(n, "text"); ok {
			v.SetString(s)
		}
	case reflect.Int:
		if s, ok := d.scalar(n, "a whole number"); ok {
			i, err := strconv.Atoi(s)
			if err != nil || n.Tag != "!!int" {
				d.fail(n, "expected a whole number, found %s", describe(n))
				return
			}
			v.SetInt(int64(i))
		}
	case reflect.Bool:
		if s, ok := d.scalar(n, "true or false"); ok {
			if n.Tag != "!!bool" {
				d.fail(n, "expected true or false, found %s", describe(n))
				return
			}
			v.SetBool(s == "true")
		}
	default:
		panic("scenario: no decoding for " + v.Type().String())
	}
}

// decodeStruct matches a mapping's keys to the struct's yaml names,
// inline structs included; At fields get the mapping's place.
func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, "expected a mapping, found %s", describe(n))
		return
	}
	fields := map[string]reflect.Value{}
	collectFields(v, fields)
	if at := v.FieldByName("At"); at.IsValid() && at.Type() == posType {
		at.Set(reflect.ValueOf(d.pos(n)))
	}
	d.eachKey(n, func(key string, keyNode, val *yaml.Node) {
		f, ok := fields[key]
		if !ok {
			d.fail(keyNode, "unknown key %q (allowed here: %s)", key, strings.Join(sortedKeys(fields), ", "))
			return
		}
		d.decode(val, f)
	})
}

func collectFields(v reflect.Value, into map[string]reflect.Value) {
	t := v.Type()
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		switch {
		case opts == "inline":
			collectFields(v.Field(i), into)
		case name != "" && name != "-":
			into[name] = v.Field(i)
		}
	}
}

// eachKey visits a mapping's entries, refusing repeated and non-text keys.
func (d *decoder) eachKey(n *yaml.Node, visit func(key string, keyNode, val *yaml.Node)) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.fail(k, "keys must be text")
			continue
		}
		if seen[k.Value] {
			d.fail(k, "key %q repeated", k.Value)
			continue
		}
		seen[k.Value] = true
		visit(k.Value, k, val)
	}
}

func (d *decoder) scalar(n *yaml.Node, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.fail(n, "expected %s, found %s", want, describe(n))
		return "", false
	}
	return n.Value, true
}

// generic turns a node into the JSON-shaped value it holds (maps with text
// keys, slices, text, int64, float64, bool, nil). As a pattern, its
// matcher mappings are checked.
func (d *decoder) generic(n *yaml.Node, pattern bool) any {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		d.eachKey(n, func(key string, _, val *yaml.Node) { m[key] = d.generic(val, pattern) })
		if pattern {
			if err := checkMatcher(m); err != nil {
				d.fail(n, "%v", err)
			}
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, len(n.Content))
		for i, item := range n.Content {
			s[i] = d.generic(item, pattern)
		}
		return s
	case yaml.ScalarNode:
		var v any
		if err := n.Decode(&v); err != nil {
			d.fail(n, "%v", err)
			return nil
		}
		switch x := v.(type) {
		case int:
			return int64(x)
		case uint64:
			return float64(x)
		}
		return v
	}
	d.fail(n, "unexpected %s", describe(n))
	return nil
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.Tag {
	case "!!null":
		return "null"
	case "!!str":
		return fmt.Sprintf("the text %q", n.Value)
	}
	return n.Value
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
