package salebot

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/fakebots/fakebots/emulator/platform"
)

// Input merges the query string, a form and a JSON body, whatever the
// Content-Type claims (clients send forms as "Massange"). Then, by the
// operation's x- rules: a top-level JSON array fills x-array-body; form
// values holding JSON objects or arrays are decoded; value_* and delimiter
// remapping fill the canonical parameters.
func (p *Platform) Input(r *platform.Request) (platform.Input, error) {
	in, body, err := platform.ParseInput(r, platform.InputOptions{Sniff: true})
	var complex *platform.InputTooComplexError
	if errors.As(err, &complex) {
		return nil, errTooComplex(complex)
	}
	if err != nil {
		return nil, errFormat
	}
	dropEmptyOptional(in, r.Operation.Input)
	rules := p.rulesOf(r)
	if body != nil {
		list, ok := body.([]any)
		if !ok || rules.arrayBody == "" {
			return nil, errFormat
		}
		in[rules.arrayBody] = list
	}
	if err := decodeJSONStrings(in, r.Operation.Input); err != nil {
		return nil, err
	}
	if rules.valueRemap != nil {
		valueRemap(in, rules.valueRemap, r.Operation.Input)
	}
	if rules.delimiter != nil {
		delimiterRemap(in, rules.delimiter, r.Operation.Input)
	}
	return in, nil
}

// dropEmptyOptional makes an optional parameter sent as "", null or an
// empty form value absent, as the clients that send them find it (a PHP
// client library, form posts with attachment_url=&attachment_type=). A
// required one stays, and fails as a wrong value.
func dropEmptyOptional(in platform.Input, schema *openapi3.Schema) {
	if schema == nil {
		return
	}
	for name := range schema.Properties {
		if v, ok := in[name]; ok && (v == nil || v == "") && !slices.Contains(schema.Required, name) {
			delete(in, name)
		}
	}
}

// decodeJSONStrings decodes text values of parameters the schema wants as
// objects or arrays ("buttons", "variables", "clients" in a form): Salebot
// is assumed to json.loads them (inferred).
func decodeJSONStrings(in platform.Input, schema *openapi3.Schema) error {
	if schema == nil {
		return nil
	}
	for name, prop := range schema.Properties {
		s, ok := in[name].(string)
		if !ok || prop.Value == nil || !wantsStructure(prop.Value) {
			continue
		}
		trimmed := strings.TrimSpace(s)
		if trimmed == "" || (trimmed[0] != '{' && trimmed[0] != '[') {
			continue
		}
		var complex *platform.InputTooComplexError
		if errors.As(platform.CheckJSONBounds([]byte(trimmed)), &complex) {
			return errTooComplex(complex)
		}
		var v any
		if json.Unmarshal([]byte(trimmed), &v) == nil {
			in[name] = v
		}
	}
	return nil
}

func wantsStructure(s *openapi3.Schema) bool {
	if s.Type.Is(openapi3.TypeObject) || s.Type.Is(openapi3.TypeArray) {
		return true
	}
	for _, alt := range s.OneOf {
		if alt.Value != nil && wantsStructure(alt.Value) {
			return true
		}
	}
	return false
}

// valueRemap applies value_<canonical>=<name>: the canonical parameter
// takes the value of the parameter called <name>, from any source. A name
// that is absent leaves the canonical parameter as it was (inferred).
func valueRemap(in platform.Input, targets map[string]string, schema *openapi3.Schema) {
	for canonical, target := range targets {
		name := in.String("value_" + canonical)
		if name == "" {
			continue
		}
		if v, ok := in[name]; ok {
			set(in, target, v, schema)
		}
	}
}

// delimiterRemap applies delimiter=<sep> with
// delimiter_value_<canonical>=<key><sep><key>...: the canonical parameter
// takes the value at that path of nested objects. A path that leads nowhere
// leaves it as it was (inferred).
func delimiterRemap(in platform.Input, targets map[string]string, schema *openapi3.Schema) {
	sep := in.String("delimiter")
	if sep == "" {
		return
	}
	for canonical, target := range targets {
		path := in.String("delimiter_value_" + canonical)
		if path == "" {
			continue
		}
		if v, ok := lookup(map[string]any(in), strings.Split(path, sep)); ok {
			set(in, target, v, schema)
		}
	}
}

// lookup walks objects by key and arrays by index.
func lookup(node any, keys []string) (any, bool) {
	for _, k := range keys {
		switch n := node.(type) {
		case map[string]any:
			v, ok := n[k]
			if !ok {
				return nil, false
			}
			node = v
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(n) {
				return nil, false
			}
			node = n[i]
		default:
			return nil, false
		}
	}
	return node, true
}

// set stores a remapped value, wrapping a single value when the parameter
// is a list (broadcast's clients).
func set(in platform.Input, name string, v any, schema *openapi3.Schema) {
	if schema != nil {
		if prop := schema.Properties[name]; prop != nil && prop.Value != nil && prop.Value.Type.Is(openapi3.TypeArray) {
			if _, isList := v.([]any); !isList {
				v = []any{v}
			}
		}
	}
	in[name] = v
}

// isControlParam reports the remapping parameters themselves, which are
// never saved as variables.
func isControlParam(name string) bool {
	return strings.HasPrefix(name, "value_") || name == "delimiter" || strings.HasPrefix(name, "delimiter_value_")
}
