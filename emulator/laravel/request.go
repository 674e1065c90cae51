package laravel

import (
	"errors"
	"net/http"
	"strings"

	"github.com/fakebots/fakebots/emulator/php"
	"github.com/fakebots/fakebots/emulator/platform"
)

// Input is a request's parameters as a Laravel 8 controller sees them,
// after the TrimStrings and ConvertEmptyStringsToNull middleware.
type Input struct {
	// Query is $request->query: the query string alone.
	Query *php.Array
	// All is $request->all(): the input source (the JSON body, the query
	// for GET and HEAD, else the form) united with the query, the source
	// winning, then the uploaded files laid over it.
	All *php.Array
}

// ReadInput reads a request as PHP fills $_GET, $_POST and $_FILES and as
// Laravel 8's Request picks its input source:
//   - a Content-Type containing "/json" or "+json" (as written: isJson() does
//     not fold case) makes json_decode($body, true) the source, an invalid
//     or empty document an empty one, and a scalar document [0 => scalar];
//   - otherwise GET and HEAD read the query only;
//   - a POST reads its form (urlencoded or multipart, the media type
//     matched without case as PHP does); PUT, PATCH and DELETE read an
//     urlencoded body through parse_str, as Symfony does.
func ReadInput(method, contentType, rawQuery string, body []byte) (Input, error) {
	lim := php.Defaults
	query := php.ParseQuery(rawQuery, lim)
	source, files := query, (*php.Array)(nil)
	switch {
	case strings.Contains(contentType, "/json") || strings.Contains(contentType, "+json"):
		var err error
		if source, err = jsonSource(body); err != nil {
			return Input{}, err
		}
	case method == http.MethodGet || method == http.MethodHead:
	case method == http.MethodPost:
		source, files = postData(contentType, body, lim)
	case strings.HasPrefix(contentType, "application/x-www-form-urlencoded") &&
		(method == http.MethodPut || method == http.MethodPatch || method == http.MethodDelete):
		source = php.ParseQuery(string(body), lim)
	default:
		source = php.NewArray()
	}
	clean(query, true)
	if source != query {
		clean(source, true)
	}
	all := union(source, query)
	if files.Len() > 0 {
		replaceRecursive(all, filterFiles(files))
	}
	return Input{Query: query, All: all}, nil
}

// ReadRequest is ReadInput on a request in the pipeline.
func ReadRequest(r *platform.Request) (Input, error) {
	return ReadInput(r.HTTP.Method, r.HTTP.Header.Get("Content-Type"), r.HTTP.URL.RawQuery, r.Body)
}

// Params is the top level of an input as a platform.Input; nested arrays
// stay *php.Array, in the order they were sent.
func Params(all *php.Array) platform.Input {
	in := make(platform.Input, all.Len())
	for i := 0; i < all.Len(); i++ {
		k, _ := all.Key(i)
		in[k] = all.Value(i)
	}
	return in
}

// ErrInputTooLarge refuses a JSON body of more than
// platform.MaxInputValues values. PHP would decode more, up to its
// memory_limit; the emulator stops where the memory such a body takes
// would no longer be a small multiple of its size (inferred).
var ErrInputTooLarge = errors.New("JSON body has too many values")

// jsonSource is (array) json_decode($body, true).
func jsonSource(body []byte) (*php.Array, error) {
	v, err := php.DecodeJSONLimited(string(body), php.JSONDepth, platform.MaxInputValues)
	if errors.Is(err, php.ErrTooManyValues) {
		return nil, ErrInputTooLarge
	}
	switch x := v.(type) {
	case *php.Array:
		return x, nil
	case nil: // invalid, or null
		return php.NewArray(), nil
	default:
		a := php.NewArray()
		a.Append(x)
		return a, nil
	}
}

// postData is $_POST and $_FILES: PHP reads a POST body only for the two
// form media types, taken up to the first ";", "," or space, without case.
func postData(contentType string, body []byte, lim php.Limits) (fields, files *php.Array) {
	media := contentType
	if i := strings.IndexAny(media, ";, "); i >= 0 {
		media = media[:i]
	}
	switch strings.ToLower(media) {
	case "application/x-www-form-urlencoded":
		return php.ParseForm(string(body), lim), nil
	case "multipart/form-data":
		return php.ParseMultipart(body, multipartBoundary(contentType), lim)
	}
	return php.NewArray(), nil
}

// multipartBoundary finds the boundary as PHP's rfc1867 reader does: after
// the first "boundary" (any case) and its "=", quoted, or up to "," or ";".
func multipartBoundary(contentType string) string {
	i := strings.Index(contentType, "boundary")
	if i < 0 {
		i = strings.Index(strings.ToLower(contentType), "boundary")
	}
	if i < 0 {
		return ""
	}
	eq := strings.IndexByte(contentType[i:], '=')
	if eq < 0 {
		return ""
	}
	b := contentType[i+eq+1:]
	if strings.HasPrefix(b, `"`) {
		b = b[1:]
		end := strings.IndexByte(b, '"')
		if end < 0 {
			return ""
		}
		return b[:end]
	}
	if end := strings.IndexAny(b, ",;"); end >= 0 {
		b = b[:end]
	}
	return b
}

// trimExcept are the keys the application's TrimStrings leaves alone
// (Laravel 8's skeleton).
var trimExcept = map[string]bool{"current_password": true, "password": true, "password_confirmation": true}

// clean is TrimStrings then ConvertEmptyStringsToNull on one parameter
// bag: every string trimmed as PHP's trim() does, and "" made null. The
// walk is as deep as the input, which PHP's readers bound.
func clean(a *php.Array, top bool) {
	for i := 0; i < a.Len(); i++ {
		switch v := a.Value(i).(type) {
		case *php.Array:
			clean(v, false)
		case string:
			// The exceptions are dotted keys: only top-level ones can match.
			if !top || !trimExcept[keyAt(a, i)] {
				v = php.Trim(v)
			}
			if v == "" {
				a.SetValue(i, nil)
			} else {
				a.SetValue(i, v)
			}
		}
	}
}

// union is $source + $query: the source's entries, then the query's under
// keys the source lacks.
func union(source, query *php.Array) *php.Array {
	switch {
	case source == query || query.Len() == 0:
		return source
	case source.Len() == 0:
		return query.Clone() // the query bag stays apart from what files are laid on
	}
	out := php.NewArray()
	for i := 0; i < source.Len(); i++ {
		k, _ := source.Key(i)
		out.Set(k, source.Value(i))
	}
	for i := 0; i < query.Len(); i++ {
		k, _ := query.Key(i)
		if _, ok := out.Get(k); !ok {
			out.Set(k, query.Value(i))
		}
	}
	return out
}

// filterFiles is Request::filterFiles: uploads that did not happen (null)
// and arrays left empty are dropped.
func filterFiles(files *php.Array) *php.Array {
	out := php.NewArray()
	for i := 0; i < files.Len(); i++ {
		k, _ := files.Key(i)
		v := files.Value(i)
		if sub, ok := v.(*php.Array); ok {
			v = filterFiles(sub)
		}
		if v == nil || php.Empty(v) {
			continue
		}
		out.Set(k, v)
	}
	return out
}

// replaceRecursive is array_replace_recursive($dst, $src) in place.
func replaceRecursive(dst, src *php.Array) {
	for i := 0; i < src.Len(); i++ {
		k, _ := src.Key(i)
		v := src.Value(i)
		if sub, ok := v.(*php.Array); ok {
			if cur, ok := dst.Get(k); ok {
				if curArr, ok := cur.(*php.Array); ok {
					merged := curArr.Clone() // PHP copies on write: the query keeps its own
					replaceRecursive(merged, sub)
					dst.Set(k, merged)
					continue
				}
			}
		}
		dst.Set(k, v)
	}
}

func keyAt(a *php.Array, i int) string {
	k, _ := a.Key(i)
	return k
}
