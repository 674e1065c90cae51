package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/url"
	"strconv"
	"strings"

	"github.com/fakebots/fakebots/emulator/php"
)

// Input holds a request's parameters: strings from query and form fields,
// JSON types from JSON bodies, nested maps and slices for PHP-style keys
// (tags[]=a, filters[tag_name]=b) and JSON objects. Numbers are float64.
type Input map[string]any

// Get returns the raw value of key.
func (in Input) Get(key string) (any, bool) {
	v, ok := in[key]
	return v, ok
}

// Present reports whether key was sent with a non-empty value (Laravel's
// "filled": not null, not "", not an empty array).
func (in Input) Present(key string) bool {
	v, ok := in[key]
	return ok && !IsEmpty(v)
}

// IsEmpty is Laravel's notion of a missing value.
func IsEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	case *php.Array:
		return x.Len() == 0
	}
	return false
}

// String returns key as text: strings as they are, numbers without
// exponent, booleans as "1"/"" like PHP's string cast. Arrays and objects give "".
func (in Input) String(key string) string { return Text(in[key]) }

// Text is the PHP-style string form of a scalar value.
func Text(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e18 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case bool:
		if x {
			return "1"
		}
		return ""
	}
	return ""
}

// Int returns key as an integer when it is one (a whole number, or text of one).
func (in Input) Int(key string) (int64, bool) { return Integer(in[key]) }

// Integer converts a whole number or its text to int64.
func Integer(v any) (int64, bool) {
	switch x := v.(type) {
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<62 {
			return int64(x), true
		}
	case int64:
		return x, true
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		return n, err == nil
	}
	return 0, false
}

// Float returns key as a number when it is one.
func (in Input) Float(key string) (float64, bool) {
	switch x := in[key].(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	}
	return 0, false
}

// ErrMalformedJSON is returned by ParseInput, with the input it could still
// read, when a JSON body does not parse. Platforms decide what it means:
// Laravel ignores the body, others refuse the request.
var ErrMalformedJSON = errors.New("malformed JSON body")

// Bounds on what one request may declare, so that no input costs more than
// a small multiple of its size or nests deeper than a walk can go.
const (
	MaxInputNesting = 64      // brackets in a form key (PHP's max_input_nesting_level)
	MaxJSONDepth    = 511     // nested arrays and objects in a JSON document (json_decode's default)
	MaxInputValues  = 200_000 // form pairs, or values in a JSON document
)

// InputTooComplexError is returned by ParseInput for input past the bounds.
type InputTooComplexError struct {
	Reason string
	Deep   bool // nested too deep (rather than too many values)
}

func (e *InputTooComplexError) Error() string { return "input too complex: " + e.Reason }

// InputOptions tunes ParseInput.
type InputOptions struct {
	// Sniff treats a body that looks like JSON as JSON, and one that looks
	// like a form as a form, whatever its Content-Type says.
	Sniff bool
}

// ParseInput merges the query string and the body (JSON, urlencoded or
// multipart form) into one Input, the body winning on equal keys, as
// Laravel's $request->input() and PHP's $_REQUEST do; pairs are read in
// request order, so a later one wins. A JSON body that is not an object (a
// top-level array, say) is returned as body and not merged. Invalid UTF-8
// in any string becomes U+FFFD (encoding/json does the same for JSON
// bodies), so nothing downstream has to cope with it. Input past the bounds
// above is refused with an *InputTooComplexError.
func ParseInput(r *Request, opt InputOptions) (in Input, body any, err error) {
	in = Input{}
	count := 0
	if err := mergeForm(in, r.HTTP.URL.RawQuery, &count); err != nil {
		return in, nil, err
	}
	if len(r.Body) == 0 {
		return in, nil, nil
	}
	ct, params, _ := mime.ParseMediaType(r.HTTP.Header.Get("Content-Type"))
	trimmed := bytes.TrimSpace(r.Body)
	isJSON := strings.Contains(ct, "json")
	if opt.Sniff && len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		isJSON = true
	}
	switch {
	case isJSON:
		if err := CheckJSONBounds(trimmed); err != nil {
			return in, nil, err
		}
		if err := json.Unmarshal(trimmed, &body); err != nil {
			return in, nil, ErrMalformedJSON
		}
		if obj, ok := body.(map[string]any); ok {
			for k, v := range obj {
				in[k] = v
			}
			return in, nil, nil
		}
		return in, body, nil
	case ct == "multipart/form-data":
		return in, nil, mergeMultipart(in, r.Body, params["boundary"], &count)
	case ct == "application/x-www-form-urlencoded" || (opt.Sniff && bytes.Contains(trimmed, []byte("="))):
		return in, nil, mergeForm(in, string(r.Body), &count)
	}
	return in, nil, nil
}

var errTooManyValues = &InputTooComplexError{Reason: fmt.Sprintf("more than %d values", MaxInputValues)}

// CheckJSONBounds refuses a JSON document nested deeper than MaxJSONDepth
// or holding more than MaxInputValues values, before anything is decoded.
// It scans bytes only: a malformed document is left to the decoder.
func CheckJSONBounds(doc []byte) error {
	depth, values := 0, 1
	inString := false
	for i := 0; i < len(doc); i++ {
		c := doc[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			if depth++; depth > MaxJSONDepth {
				return &InputTooComplexError{fmt.Sprintf("JSON nested deeper than %d levels", MaxJSONDepth), true}
			}
		case ']', '}':
			depth--
		case ',':
			if values++; values > MaxInputValues {
				return errTooManyValues
			}
		}
	}
	return nil
}

// mergeForm adds the pairs of a query string or urlencoded form, in order,
// unfolding PHP-style keys: a[]=1&a[]=2 → [1 2], f[x]=1 → {x: 1},
// d[x][]=1 → {x: [1]}. A plain key repeated keeps its last value, as PHP
// does. A pair that does not unescape fails the whole form, as Go's
// url.ParseQuery does.
func mergeForm(in Input, form string, count *int) error {
	for form != "" {
		var pair string
		pair, form, _ = strings.Cut(form, "&")
		if pair == "" {
			continue
		}
		if *count++; *count > MaxInputValues {
			return errTooManyValues
		}
		key, value, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(key)
		if err != nil {
			return err
		}
		if value, err = url.QueryUnescape(value); err != nil {
			return err
		}
		if err := setPair(in, key, value); err != nil {
			return err
		}
	}
	return nil
}

// mergeMultipart adds a multipart form's fields (not its files), in order.
func mergeMultipart(in Input, body []byte, boundary string, count *int) error {
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if part.FormName() == "" || part.FileName() != "" {
			continue
		}
		value, err := io.ReadAll(part)
		if err != nil {
			return err
		}
		if *count++; *count > MaxInputValues {
			return errTooManyValues
		}
		if err := setPair(in, part.FormName(), string(value)); err != nil {
			return err
		}
	}
}

func setPair(in Input, key, value string) error {
	name, path, err := splitKey(strings.ToValidUTF8(key, "\uFFFD"))
	if err != nil {
		return err
	}
	setPath(in, name, path, strings.ToValidUTF8(value, "\uFFFD"))
	return nil
}

// splitKey turns "a[b][]" into "a", ["b", ""]; a key nested deeper than
// MaxInputNesting is refused before its path is read further.
func splitKey(key string) (string, []string, error) {
	i := strings.IndexByte(key, '[')
	if i <= 0 || !strings.HasSuffix(key, "]") {
		return key, nil, nil
	}
	name, rest := key[:i], key[i:]
	var path []string
	for len(rest) > 0 && rest[0] == '[' {
		if len(path) == MaxInputNesting {
			return "", nil, &InputTooComplexError{fmt.Sprintf("a key nested deeper than %d levels", MaxInputNesting), true}
		}
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return key, nil, nil
		}
		path = append(path, rest[1:j])
		rest = rest[j+1:]
	}
	if rest != "" {
		return key, nil, nil
	}
	return name, path, nil
}

// setPath stores v at name[path...]; the path is at most MaxInputNesting long.
func setPath(m map[string]any, name string, path []string, v string) {
	for len(path) > 0 {
		if path[0] == "" {
			list, _ := m[name].([]any)
			if len(path) == 1 {
				m[name] = append(list, v)
				return
			}
			child := map[string]any{}
			m[name] = append(list, child)
			m, name, path = child, path[1], path[2:]
			continue
		}
		child, ok := m[name].(map[string]any)
		if !ok {
			child = map[string]any{}
			m[name] = child
		}
		m, name, path = child, path[0], path[1:]
	}
	m[name] = v
}

// DecodeStrict decodes a JSON document into v refusing unknown keys, so a
// misspelt fixture or control key is an error rather than silently ignored.
// An empty or null document leaves v as it is.
func DecodeStrict(raw []byte, v any) error {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// Truthy reads a flag as the platforms' frameworks do (PHP's
// FILTER_VALIDATE_BOOLEAN, Python's usual checks): true, a non-zero number,
// or "1", "true", "on", "yes", "y" in any case.
func Truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case float64:
		return x != 0
	case int64:
		return x != 0
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "1", "true", "on", "yes", "y":
			return true
		}
	}
	return false
}
