package spec

import (
	"errors"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// FieldError is one failed schema check of the input.
type FieldError struct {
	Field  string `json:"field"`  // dotted path of the offending value; "" for the input itself
	Rule   string `json:"rule"`   // the JSON Schema keyword that failed: required, type, maxLength, enum ...
	Reason string `json:"reason"` // kin-openapi's explanation, without the value
}

// Validate coerces input to the operation's input schema (see Coerce) and
// checks it, returning every failure. Operations without an input schema
// accept anything.
func (o *Operation) Validate(input map[string]any) []FieldError {
	if o.Input == nil {
		return nil
	}
	coerced := Coerce(o.Input, input)
	if m, ok := coerced.(map[string]any); ok {
		for k, v := range m {
			input[k] = v
		}
	}
	err := o.Input.VisitJSON(coerced, openapi3.MultiErrors(), openapi3.DisableSchemaErrorDetails())
	if err == nil {
		return nil
	}
	var out []FieldError
	collect(err, &out)
	return out
}

func collect(err error, out *[]FieldError) {
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		for _, e := range multi {
			collect(e, out)
		}
		return
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		*out = append(*out, FieldError{Reason: err.Error()})
		return
	}
	// kin-openapi's pointer to a missing required property ends with its name.
	field := strings.Join(se.JSONPointer(), ".")
	*out = append(*out, FieldError{Field: field, Rule: se.SchemaField, Reason: se.Reason})
}

// Coerce converts values that arrived as text (query strings, form fields)
// to the types the schema asks for, as the platforms' own frameworks do:
// "12" → 12 for integer and number, "1"/"true"/"0"/"false" → bool for
// boolean. Values that do not convert are left for validation to reject.
func Coerce(schema *openapi3.Schema, v any) any {
	if schema == nil {
		return v
	}
	switch val := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(val))
		for k, x := range val {
			out[k] = x
			if p := schema.Properties[k]; p != nil && p.Value != nil {
				out[k] = Coerce(p.Value, x)
			} else if ap := schema.AdditionalProperties.Schema; ap != nil && ap.Value != nil {
				out[k] = Coerce(ap.Value, x)
			}
		}
		return out
	case []any:
		if schema.Items == nil || schema.Items.Value == nil {
			return val
		}
		out := make([]any, len(val))
		for i, x := range val {
			out[i] = Coerce(schema.Items.Value, x)
		}
		return out
	case string:
		return coerceString(schema, val)
	}
	return v
}

func coerceString(schema *openapi3.Schema, s string) any {
	t := schema.Type
	switch {
	case t.Is(openapi3.TypeInteger):
		if n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
			return float64(n)
		}
	case t.Is(openapi3.TypeNumber):
		if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			return f
		}
	case t.Is(openapi3.TypeBoolean):
		switch strings.ToLower(s) {
		case "1", "true":
			return true
		case "0", "false":
			return false
		}
	}
	return s
}
