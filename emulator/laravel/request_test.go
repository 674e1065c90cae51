package laravel_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/php"
	"github.com/fakebots/fakebots/emulator/platform"
)

// dump writes a PHP value compactly: arrays as {key: value, ...} in order,
// strings quoted, integers bare, uploads as file(name,size,error).
func dump(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("%q", x)
	case *php.File:
		return fmt.Sprintf("file(%s,%d,%d)", x.Name, x.Size, x.Error)
	case *php.Array:
		parts := make([]string, x.Len())
		for i := range parts {
			k, _ := x.Key(i)
			parts[i] = k + ": " + dump(x.Value(i))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// TestReadInputPicksTheSourceByMethodAndContentType pins which body
// Laravel 8 reads, as the reference answered each request: JSON by a
// case-sensitive type test whatever the method, forms for POST (any case),
// urlencoded bodies for PUT, PATCH and DELETE only, the query otherwise;
// the source wins over the query, and strings are trimmed and emptied.
func TestReadInputPicksTheSourceByMethodAndContentType(t *testing.T) {
	const form = "application/x-www-form-urlencoded"
	tests := []struct {
		name, method, contentType, query, body string
		want                                   string
	}{
		{"POST form over the query", "POST", form, "a=1&b=+x+", "a=2&c=", `{a: "2", c: null, b: "x"}`},
		{"POST form, type in any case", "POST", "APPLICATION/X-WWW-FORM-URLENCODED; charset=x", "a=1", "a=2&c=3", `{a: "2", c: "3"}`},
		{"POST of another type reads no body", "POST", "text/plain", "a=1", "a=2&c=3", `{a: "1"}`},
		{"PUT form", "PUT", form, "a=1", "a=2&c=3", `{a: "2", c: "3"}`},
		{"PATCH form with parameters", "PATCH", form + ";charset=utf-8", "a=1", "a=2&c=3", `{a: "2", c: "3"}`},
		{"DELETE form", "DELETE", form, "a=1", "a=2&c=3", `{a: "2", c: "3"}`},
		{"PUT form type is case-sensitive", "PUT", "Application/x-www-form-urlencoded", "a=1", "a=2&c=3", `{a: "1"}`},
		{"OPTIONS reads no form", "OPTIONS", form, "a=1", "a=2&c=3", `{a: "1"}`},
		{"GET reads the query only", "GET", form, "a=1", "a=2&c=3", `{a: "1"}`},
		{"HEAD reads the query only", "HEAD", form, "a=1", "a=2&c=3", `{a: "1"}`},
		{"GET with a JSON body reads it", "GET", "application/json", "a=1", `{"a":2,"c":3}`, `{a: 2, c: 3}`},
		{"a +json type is JSON", "POST", "application/vnd.api+json", "a=1", `{"a":2,"c":3}`, `{a: 2, c: 3}`},
		{"a scalar document is element 0", "POST", "application/json", "a=1", `5`, `{0: 5, a: "1"}`},
		{"an invalid document is empty", "POST", "application/json", "a=1", `{bad`, `{a: "1"}`},
		{"the JSON test does not fold case", "POST", "Application/JSON", "a=1", `{"a":2}`, `{a: "1"}`},
		{"TrimStrings spares a top-level password only", "POST", form, "",
			"a=+2+&password=+p+&n[password]=+q+&l[]=&l[]=+y", `{a: "2", password: " p ", n: {password: "q"}, l: {0: null, 1: "y"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := laravel.ReadInput(tt.method, tt.contentType, tt.query, []byte(tt.body))
			require.NoError(t, err)
			require.Equal(t, tt.want, dump(in.All))
		})
	}
}

// TestReadInputRefusesAJSONBodyWithTooManyValues pins the error, and that
// no input comes with it.
func TestReadInputRefusesAJSONBodyWithTooManyValues(t *testing.T) {
	body := "[" + strings.Repeat("0,", platform.MaxInputValues) + "0]"
	in, err := laravel.ReadInput("POST", "application/json", "a=1", []byte(body))
	require.ErrorIs(t, err, laravel.ErrInputTooLarge)
	require.Nil(t, in.All)
	require.Nil(t, in.Query)
}

// multipartBody is a form with a field, an upload and an upload left empty.
const multipartBody = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n v \r\n" +
	"--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n\r\nhello\r\n" +
	"--XyZ\r\nContent-Disposition: form-data; name=\"g\"; filename=\"\"\r\n\r\n\r\n--XyZ--\r\n"

// TestReadInputFindsTheMultipartBoundaryAsPHPDoes pins rfc1867's reading
// of the boundary parameter, as the reference answered each type: the
// first "boundary" as written, else in any case; quoted or up to "," or
// ";"; the media type ending at ";", "," or a space.
func TestReadInputFindsTheMultipartBoundaryAsPHPDoes(t *testing.T) {
	const parsed = `{a: "v", q: "2", f: file(x.txt,5,0)}`
	const unread = `{a: "1", q: "2"}`
	tests := []struct{ contentType, want string }{
		{"multipart/form-data; boundary=XyZ", parsed},
		{"multipart/form-data; BOUNDARY=XyZ", parsed},
		{`multipart/form-data; boundary="XyZ"`, parsed},
		{"multipart/form-data; boundary=XyZ; charset=x", parsed},
		{"multipart/form-data; boundary=XyZ,x", parsed},
		{"Multipart/Form-Data;boundary=XyZ", parsed},
		{"multipart/form-data,boundary=XyZ", parsed},
		{"multipart/form-data boundary=XyZ", parsed},
		{"multipart/form-data; boundary", unread},
		{`multipart/form-data; boundary="XyZ`, unread},
		{"multipart/form-data; Boundary=XyZ; boundary=Q", unread},
	}
	// A boundary that ends where it starts is empty, whatever the body uses.
	body := "--;XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--;XyZ--\r\n"
	in, err := laravel.ReadInput("POST", "multipart/form-data; boundary=;XyZ", "q=2", []byte(body))
	require.NoError(t, err)
	require.Equal(t, `{q: "2"}`, dump(in.All))
	for _, tt := range tests {
		t.Run(tt.contentType, func(t *testing.T) {
			in, err := laravel.ReadInput("POST", tt.contentType, "a=1&q=2", []byte(multipartBody))
			require.NoError(t, err)
			require.Equal(t, tt.want, dump(in.All))
		})
	}
}

// TestReadInputLaysUploadsOverTheQuery pins array_replace_recursive of the
// uploads over the input, as the reference answered: a file joins or
// replaces a nested array's entry, replaces a scalar, and an empty upload
// leaves what was there; the query bag keeps its own values.
func TestReadInputLaysUploadsOverTheQuery(t *testing.T) {
	part := func(name, file, content string) string {
		return "--XyZ\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + file + "\"\r\n\r\n" + content + "\r\n"
	}
	body := part("f[b]", "x.txt", "hello") + part("g[a]", "", "") + part("h", "y", "hi") + part("k[x]", "z", "hi") + "--XyZ--\r\n"
	const query = "f[a]=1&f[b]=2&g=3&h[c]=4&k=5&z=+s+"
	in, err := laravel.ReadInput("POST", "multipart/form-data; boundary=XyZ", query, []byte(body))
	require.NoError(t, err)
	require.Equal(t, `{f: {a: "1", b: file(x.txt,5,0)}, g: "3", h: file(y,2,0), k: {x: file(z,2,0)}, z: "s"}`, dump(in.All))
	require.Equal(t, `{f: {a: "1", b: "2"}, g: "3", h: {c: "4"}, k: "5", z: "s"}`, dump(in.Query))
}

// TestReadInputKeepsTheQueryApartFromTheInput pins that $request->query
// is the trimmed query alone, even when the body adds nothing to it or
// uploads are laid over the input.
func TestReadInputKeepsTheQueryApartFromTheInput(t *testing.T) {
	body := "--XyZ\r\nContent-Disposition: form-data; name=\"q\"; filename=\"x\"\r\n\r\nabc\r\n--XyZ--\r\n"
	in, err := laravel.ReadInput("POST", "multipart/form-data; boundary=XyZ", "q=+1+&r=2", []byte(body))
	require.NoError(t, err)
	require.Equal(t, `{q: file(x,3,0), r: "2"}`, dump(in.All))
	require.Equal(t, `{q: "1", r: "2"}`, dump(in.Query))

	in, err = laravel.ReadInput("POST", "application/json", "q=1", []byte(`{"q":" 2 ","p":""}`))
	require.NoError(t, err)
	require.Equal(t, `{q: "2", p: null}`, dump(in.All))
	require.Equal(t, `{q: "1"}`, dump(in.Query))

	in, err = laravel.ReadInput("GET", "", "q=+1+&e=", nil)
	require.NoError(t, err)
	require.Equal(t, `{q: "1", e: null}`, dump(in.All))
	require.Equal(t, `{q: "1", e: null}`, dump(in.Query))
}

// TestReadRequestReadsThePipelineRequest pins that the method, the
// Content-Type header, the query and the body all come from the request.
func TestReadRequestReadsThePipelineRequest(t *testing.T) {
	r := httptest.NewRequest(http.MethodPut, "/x?a=1&b=2", nil)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	in, err := laravel.ReadRequest(&platform.Request{HTTP: r, Body: []byte("a=3&c=4")})
	require.NoError(t, err)
	require.Equal(t, `{a: "3", c: "4", b: "2"}`, dump(in.All))
	require.Equal(t, `{a: "1", b: "2"}`, dump(in.Query))
}

// TestParamsIsTheTopLevelOfTheInput pins Params: every top-level key with
// its value, nested arrays kept as they are.
func TestParamsIsTheTopLevelOfTheInput(t *testing.T) {
	in, err := laravel.ReadInput("POST", "application/json", "", []byte(`{"a":"x","n":{"b":1},"z":null}`))
	require.NoError(t, err)
	p := laravel.Params(in.All)
	require.Len(t, p, 3)
	require.Equal(t, "x", p["a"])
	require.Equal(t, `{b: 1}`, dump(p["n"]))
	v, ok := p["z"]
	require.True(t, ok)
	require.Nil(t, v)
	require.Empty(t, laravel.Params(php.NewArray()))
}
