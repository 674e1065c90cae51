// Package jsonx encodes JSON the way the emulated PHP backends do and keeps
// object keys in the order the platform documents them.
package jsonx

import (
	"bytes"
	"encoding/json"
)

// Field is one key of an Object.
type Field struct {
	Key   string
	Value any
}

// Object is a JSON object whose keys keep their insertion order, for bodies
// whose documented key order matters (Laravel's 422 errors, for example).
type Object []Field

// Set appends key, or replaces its value when present.
func (o *Object) Set(key string, value any) {
	for i := range *o {
		if (*o)[i].Key == key {
			(*o)[i].Value = value
			return
		}
	}
	*o = append(*o, Field{key, value})
}

// Get returns the value of key.
func (o Object) Get(key string) (any, bool) {
	for _, f := range o {
		if f.Key == key {
			return f.Value, true
		}
	}
	return nil, false
}

// MarshalJSON writes the fields in order.
func (o Object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, err := Marshal(f.Key, false)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		v, err := Marshal(f.Value, false)
		if err != nil {
			return nil, err
		}
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// Marshal encodes v compactly with literal UTF-8 and no HTML escaping. With
// escapeSlashes it also writes "/" as "\/", as PHP's json_encode does unless
// JSON_UNESCAPED_SLASHES is set. A "/" can only occur inside JSON strings, so
// replacing it after encoding is exact.
func Marshal(v any, escapeSlashes bool) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	out := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if escapeSlashes {
		out = bytes.ReplaceAll(out, []byte("/"), []byte(`\/`))
	}
	return out, nil
}

// PHP encodes v as PHP's json_encode(v, JSON_UNESCAPED_UNICODE) does.
func PHP(v any) ([]byte, error) { return Marshal(v, true) }
