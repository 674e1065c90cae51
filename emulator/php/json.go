package php

import (
	"errors"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// JSONDepth is json_decode's default depth.
const JSONDepth = 512

var errJSON = errors.New("json_decode: syntax error")

// ErrTooManyValues is DecodeJSONLimited's answer to a document past its
// bound on values.
var ErrTooManyValues = errors.New("json_decode: too many values")

// DecodeJSON is json_decode($s, true): objects become arrays (duplicate
// keys overwrite in place, numeric keys become ints), integers that do not
// fit an int become floats, 1e400 is INF. It fails, as PHP does, on invalid
// UTF-8, control characters in strings, a lone surrogate, anything after
// the value, or arrays and objects nested depth or more deep.
func DecodeJSON(s string, depth int) (any, error) {
	return DecodeJSONLimited(s, depth, 0)
}

// DecodeJSONLimited is DecodeJSON that stops with ErrTooManyValues after
// maxValues values (0: no bound), before their memory is spent.
func DecodeJSONLimited(s string, depth, maxValues int) (any, error) {
	d := jsonDecoder{s: s, maxDepth: depth, valuesLeft: maxValues, bounded: maxValues > 0}
	d.space()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.space()
	if d.i != len(d.s) {
		return nil, errJSON
	}
	return v, nil
}

type jsonDecoder struct {
	s          string
	i          int
	maxDepth   int
	valuesLeft int
	bounded    bool
}

func (d *jsonDecoder) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *jsonDecoder) value(depth int) (any, error) {
	if d.i >= len(d.s) {
		return nil, errJSON
	}
	if d.bounded {
		if d.valuesLeft == 0 {
			return nil, ErrTooManyValues
		}
		d.valuesLeft--
	}
	switch c := d.s[d.i]; {
	case c == '{' || c == '[':
		// PHP counts the container and its contents: depth 512 holds 511 levels.
		if depth+1 >= d.maxDepth {
			return nil, errJSON
		}
		if c == '{' {
			return d.object(depth + 1)
		}
		return d.array(depth + 1)
	case c == '"':
		return d.str()
	case c == '-' || ('0' <= c && c <= '9'):
		return d.number()
	}
	for _, lit := range [...]struct {
		text string
		v    any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if len(d.s)-d.i >= len(lit.text) && d.s[d.i:d.i+len(lit.text)] == lit.text {
			d.i += len(lit.text)
			return lit.v, nil
		}
	}
	return nil, errJSON
}

func (d *jsonDecoder) object(depth int) (any, error) {
	out := NewArray()
	err := d.elements('}', func() error {
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return errJSON
		}
		key, err := d.str()
		if err != nil {
			return err
		}
		d.space()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return errJSON
		}
		d.i++
		d.space()
		v, err := d.value(depth)
		if err != nil {
			return err
		}
		out.Set(key.(string), v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (d *jsonDecoder) array(depth int) (any, error) {
	out := NewArray()
	err := d.elements(']', func() error {
		v, err := d.value(depth)
		if err != nil {
			return err
		}
		out.Append(v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// elements reads a container from its opening bracket at d.i to closing,
// each comma-separated element by element (which starts past white space).
func (d *jsonDecoder) elements(closing byte, element func() error) error {
	d.i++
	d.space()
	if d.i < len(d.s) && d.s[d.i] == closing {
		d.i++
		return nil
	}
	for {
		d.space()
		if err := element(); err != nil {
			return err
		}
		d.space()
		if d.i >= len(d.s) {
			return errJSON
		}
		switch d.s[d.i] {
		case ',':
			d.i++
		case closing:
			d.i++
			return nil
		default:
			return errJSON
		}
	}
}

func (d *jsonDecoder) number() (any, error) {
	start := d.i
	if d.s[d.i] == '-' {
		d.i++
	}
	digits := func() int {
		n := 0
		for d.i < len(d.s) && '0' <= d.s[d.i] && d.s[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	intStart := d.i
	if n := digits(); n == 0 || (n > 1 && d.s[intStart] == '0') {
		return nil, errJSON
	}
	isFloat := false
	if d.i < len(d.s) && d.s[d.i] == '.' {
		d.i++
		if digits() == 0 {
			return nil, errJSON
		}
		isFloat = true
	}
	if d.i < len(d.s) && (d.s[d.i] == 'e' || d.s[d.i] == 'E') {
		d.i++
		if d.i < len(d.s) && (d.s[d.i] == '+' || d.s[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return nil, errJSON
		}
		isFloat = true
	}
	text := d.s[start:d.i]
	if !isFloat {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n, nil
		}
	}
	return StringToFloat(text), nil
}

// StringToFloat is zend_strtod on a well-formed number: out of range is
// ±INF or 0, never an error.
func StringToFloat(text string) float64 {
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0
	}
	return f
}

func (d *jsonDecoder) str() (any, error) {
	d.i++
	start := d.i
	// Fast path: no escapes.
	for d.i < len(d.s) {
		c := d.s[d.i]
		if c == '"' {
			s := d.s[start:d.i]
			d.i++
			if !utf8.ValidString(s) {
				return nil, errJSON
			}
			return s, nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		d.i++
	}
	b := []byte(d.s[start:d.i])
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			if !utf8.Valid(b) {
				return nil, errJSON
			}
			return string(b), nil
		case c < 0x20:
			return nil, errJSON
		case c == '\\':
			d.i++
			if d.i >= len(d.s) {
				return nil, errJSON
			}
			e := d.s[d.i]
			d.i++
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := d.hex4()
				if !ok {
					return nil, errJSON
				}
				if utf16.IsSurrogate(r) {
					if r >= 0xDC00 || d.i+1 >= len(d.s) || d.s[d.i] != '\\' || d.s[d.i+1] != 'u' {
						return nil, errJSON // lone surrogate
					}
					d.i += 2
					r2, ok := d.hex4()
					if !ok || r2 < 0xDC00 || r2 > 0xDFFF {
						return nil, errJSON
					}
					r = utf16.DecodeRune(r, r2)
				}
				b = utf8.AppendRune(b, r)
			default:
				return nil, errJSON
			}
		default:
			b = append(b, c)
			d.i++
		}
	}
	return nil, errJSON
}

func (d *jsonDecoder) hex4() (rune, bool) {
	if d.i+4 > len(d.s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(d.s[d.i : d.i+4]) {
		if !isHex(c) {
			return 0, false
		}
		r = r<<4 | rune(unhex(c))
	}
	d.i += 4
	return r, true
}
