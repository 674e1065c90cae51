// Package jsonx encodes JSON the way the emulated PHP backends do and keeps
// object keys in the order the platform documents them.
package jsonx

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"sync"
	"unicode/utf8"
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
	return (&encoder{}).object(nil, o)
}

// Marshal encodes v compactly with literal UTF-8 and no HTML escaping. With
// escapeSlashes it also writes "/" as "\/", as PHP's json_encode does unless
// JSON_UNESCAPED_SLASHES is set.
func Marshal(v any, escapeSlashes bool) ([]byte, error) {
	buf := buffers.Get().(*[]byte)
	out, err := (&encoder{escapeSlashes: escapeSlashes}).value((*buf)[:0], v)
	if err != nil {
		return nil, err
	}
	result := append([]byte(nil), out...)
	if cap(out) <= maxPooledBuffer {
		*buf = out
		buffers.Put(buf)
	}
	return result, nil
}

// buffers holds encoding scratch space: a response grows its buffer many
// times over, so reusing one saves most of the encoder's allocations.
var buffers = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

const maxPooledBuffer = 1 << 20

// PHP encodes v as PHP's json_encode(v, JSON_UNESCAPED_UNICODE) does.
func PHP(v any) ([]byte, error) { return Marshal(v, true) }

// encoder appends JSON for the types responses are built from without
// reflection, and hands anything else to encoding/json.
type encoder struct {
	escapeSlashes bool
}

// Appender is a value that writes its own JSON, for hot paths where building
// an Object per item would cost more than the item itself.
type Appender interface {
	AppendJSON(dst []byte, w Writer) ([]byte, error)
}

// Writer is what an Appender writes with: strings and any other value with
// the escaping of the document being encoded.
type Writer struct{ e *encoder }

// String appends s as a JSON string.
func (w Writer) String(dst []byte, s string) []byte { return w.e.string(dst, s) }

// Value appends any value.
func (w Writer) Value(dst []byte, v any) ([]byte, error) { return w.e.value(dst, v) }

func (e *encoder) value(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return e.string(dst, x), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case float64:
		return appendFloat(dst, x)
	case Object:
		return e.object(dst, x)
	case []any:
		dst = append(dst, '[')
		for i, item := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = e.value(dst, item); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case []string:
		dst = append(dst, '[')
		for i, s := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = e.string(dst, s)
		}
		return append(dst, ']'), nil
	case Appender:
		return x.AppendJSON(dst, Writer{e})
	case json.RawMessage:
		// Already JSON (the emulator's own, from its store): copied, with
		// slashes escaped when asked.
		if !e.escapeSlashes {
			return append(dst, x...), nil
		}
		return appendEscapedSlashes(dst, x), nil
	}
	return e.fallback(dst, v)
}

func (e *encoder) object(dst []byte, o Object) ([]byte, error) {
	dst = append(dst, '{')
	for i, f := range o {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = e.string(dst, f.Key)
		dst = append(dst, ':')
		var err error
		if dst, err = e.value(dst, f.Value); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

// fallback encodes other types with encoding/json (HTML escaping off, as
// here). A "/" can only occur inside JSON strings, so escaping it
// afterwards is exact.
func (e *encoder) fallback(dst []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	out := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if e.escapeSlashes {
		return appendEscapedSlashes(dst, out), nil
	}
	return append(dst, out...), nil
}

// appendEscapedSlashes appends the JSON text b with every "/" written as
// "\/". A "/" can only occur inside JSON strings, and so can a backslash:
// an escape sequence is copied whole, so a "\/" already there (a raw
// message from a PHP client, say) is not escaped twice.
func appendEscapedSlashes(dst, b []byte) []byte {
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case '\\':
			dst = append(dst, c)
			if i+1 < len(b) {
				i++
				dst = append(dst, b[i])
			}
		case '/':
			dst = append(dst, '\\', '/')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

const hex = "0123456789abcdef"

// string writes s as encoding/json does with HTML escaping off (and "/" as
// "\/" when asked): short escapes for \b \f \n \r \t, \u00XX for other
// control characters, U+2028 and U+2029 escaped, invalid UTF-8 as U+FFFD.
func (e *encoder) string(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && (b != '/' || !e.escapeSlashes) {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\', '/':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendFloat writes a number as encoding/json does.
func appendFloat(dst []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil, &json.UnsupportedValueError{Str: strconv.FormatFloat(f, 'g', -1, 64)}
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9, as encoding/json does
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, nil
}
