package platform_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/php"
	"github.com/fakebots/fakebots/emulator/platform"
)

// tooComplex asserts err is the bounds' refusal with this reason.
func tooComplex(t *testing.T, err error, reason string, deep bool) {
	t.Helper()
	var tc *platform.InputTooComplexError
	require.True(t, errors.As(err, &tc), "%v", err)
	require.Equal(t, reason, tc.Reason)
	require.Equal(t, deep, tc.Deep)
	require.Equal(t, "input too complex: "+reason, err.Error())
}

const (
	jsonTooDeep   = "JSON nested deeper than 511 levels"
	tooManyValues = "more than 200000 values"
	keyTooDeep    = "a key nested deeper than 64 levels"
	formType      = "application/x-www-form-urlencoded"
	multipartType = "multipart/form-data; boundary=b"
)

// nested is a JSON document of depth arrays, one inside the other.
func nested(depth int) string {
	return strings.Repeat("[", depth) + strings.Repeat("]", depth)
}

// list is a JSON array of n values.
func list(n int) string {
	return "[" + strings.Repeat("0,", n-1) + "0]"
}

// pairs is a form of n pairs k=v.
func pairs(n int) string {
	return strings.TrimSuffix(strings.Repeat("k=v&", n), "&")
}

// TestCheckJSONBoundsDepth: exactly MaxJSONDepth levels pass, one more is
// refused as too deep, whatever the brackets or objects that make it up.
func TestCheckJSONBoundsDepth(t *testing.T) {
	require.NoError(t, platform.CheckJSONBounds([]byte(nested(platform.MaxJSONDepth))))
	tooComplex(t, platform.CheckJSONBounds([]byte(nested(platform.MaxJSONDepth+1))), jsonTooDeep, true)
	// An object with a key first, then arrays: the key's string does not stop the scan.
	doc := `{"k":` + nested(platform.MaxJSONDepth) + `}`
	tooComplex(t, platform.CheckJSONBounds([]byte(doc)), jsonTooDeep, true)
}

// TestCheckJSONBoundsSiblings: closing brackets give the depth back, so many
// arrays side by side are as shallow as one.
func TestCheckJSONBoundsSiblings(t *testing.T) {
	doc := "[" + strings.TrimSuffix(strings.Repeat("[],", 600), ",") + "]"
	require.NoError(t, platform.CheckJSONBounds([]byte(doc)))
	doc = "[" + strings.TrimSuffix(strings.Repeat("{},", 600), ",") + "]"
	require.NoError(t, platform.CheckJSONBounds([]byte(doc)))
}

// TestCheckJSONBoundsStrings: brackets and commas inside strings, escaped
// quotes included, are text and count for nothing.
func TestCheckJSONBoundsStrings(t *testing.T) {
	deepText := `{"a":"\"` + strings.Repeat("[", 600) + `"}`
	require.NoError(t, platform.CheckJSONBounds([]byte(deepText)))
	escapedBackslash := `{"a":"\\",` + `"b":` + nested(platform.MaxJSONDepth) + `}`
	tooComplex(t, platform.CheckJSONBounds([]byte(escapedBackslash)), jsonTooDeep, true)
	commas := `["` + strings.Repeat(",", platform.MaxInputValues+1) + `"]`
	require.NoError(t, platform.CheckJSONBounds([]byte(commas)))
}

// TestCheckJSONBoundsValues: a document of exactly MaxInputValues values
// passes, one more is refused as too many (not too deep).
func TestCheckJSONBoundsValues(t *testing.T) {
	require.NoError(t, platform.CheckJSONBounds([]byte(list(platform.MaxInputValues))))
	tooComplex(t, platform.CheckJSONBounds([]byte(list(platform.MaxInputValues+1))), tooManyValues, false)
}

// TestParseInputRefusesComplexJSON: ParseInput checks the bounds before it
// decodes, and still returns the query it read.
func TestParseInputRefusesComplexJSON(t *testing.T) {
	in, body, err := platform.ParseInput(request("q=1", "application/json", []byte(`{"a":`+nested(600)+`}`)), platform.InputOptions{})
	tooComplex(t, err, jsonTooDeep, true)
	require.Nil(t, body)
	require.Equal(t, platform.Input{"q": "1"}, in)

	_, _, err = platform.ParseInput(request("", "text/plain", []byte(list(platform.MaxInputValues+1))), platform.InputOptions{Sniff: true})
	tooComplex(t, err, tooManyValues, false)
}

// TestParseInputFormValueCount: the query and the body share one count of
// MaxInputValues pairs; empty pairs (a&&b) are not counted and do not stop
// the reading.
func TestParseInputFormValueCount(t *testing.T) {
	in, _, err := platform.ParseInput(request(pairs(platform.MaxInputValues), "", nil), platform.InputOptions{})
	require.NoError(t, err)
	require.Equal(t, platform.Input{"k": "v"}, in)

	_, _, err = platform.ParseInput(request(pairs(platform.MaxInputValues+1), "", nil), platform.InputOptions{})
	tooComplex(t, err, tooManyValues, false)

	// 199999 in the query, 1 in the body: at the bound.
	in, _, err = platform.ParseInput(request(pairs(platform.MaxInputValues-1), formType, []byte("b=2")), platform.InputOptions{})
	require.NoError(t, err)
	require.Equal(t, platform.Input{"k": "v", "b": "2"}, in)

	in, _, err = platform.ParseInput(request(pairs(platform.MaxInputValues), formType, []byte("b=2")), platform.InputOptions{})
	tooComplex(t, err, tooManyValues, false)
	require.Equal(t, platform.Input{"k": "v"}, in, "the query is kept")

	// Empty pairs are free.
	in, _, err = platform.ParseInput(request("a=1&&"+strings.Repeat("&", platform.MaxInputValues)+"&b=2", "", nil), platform.InputOptions{})
	require.NoError(t, err)
	require.Equal(t, platform.Input{"a": "1", "b": "2"}, in)
}

// TestParseInputMultipartValueCount: multipart fields count against the same
// bound as the query's pairs; files do not count.
func TestParseInputMultipartValueCount(t *testing.T) {
	body := []byte("--b\r\nContent-Disposition: form-data; name=\"m\"\r\n\r\n1\r\n" +
		"--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.txt\"\r\n\r\nfile\r\n--b--\r\n")
	in, _, err := platform.ParseInput(request(pairs(platform.MaxInputValues-1), multipartType, body), platform.InputOptions{})
	require.NoError(t, err)
	require.Equal(t, platform.Input{"k": "v", "m": "1"}, in)

	in, _, err = platform.ParseInput(request(pairs(platform.MaxInputValues), multipartType, body), platform.InputOptions{})
	tooComplex(t, err, tooManyValues, false)
	require.Equal(t, platform.Input{"k": "v"}, in)
}

// TestParseInputKeyNesting: a key of MaxInputNesting brackets is unfolded,
// one more is refused as too deep, in a query, a form and a multipart form.
func TestParseInputKeyNesting(t *testing.T) {
	at := "a" + strings.Repeat("[x]", platform.MaxInputNesting)
	in, _, err := platform.ParseInput(request(at+"=1", "", nil), platform.InputOptions{})
	require.NoError(t, err)
	var v any = map[string]any(in)
	for range platform.MaxInputNesting + 1 {
		m, ok := v.(map[string]any)
		require.True(t, ok)
		require.Len(t, m, 1)
		for _, e := range m {
			v = e
		}
	}
	require.Equal(t, "1", v)

	deeper := at + "[x]"
	in, _, err = platform.ParseInput(request("q=1&"+deeper+"=1&z=2", "", nil), platform.InputOptions{})
	tooComplex(t, err, keyTooDeep, true)
	require.Equal(t, platform.Input{"q": "1"}, in, "reading stops at the refused key")

	_, _, err = platform.ParseInput(request("", formType, []byte(deeper+"=1")), platform.InputOptions{})
	tooComplex(t, err, keyTooDeep, true)

	body := "--b\r\nContent-Disposition: form-data; name=\"" + deeper + "\"\r\n\r\n1\r\n--b--\r\n"
	_, _, err = platform.ParseInput(request("", multipartType, []byte(body)), platform.InputOptions{})
	tooComplex(t, err, keyTooDeep, true)
}

// TestParseInputBadParts: a key that does not unescape fails the form like a
// value does, in the query too; a multipart part cut short fails the body.
func TestParseInputBadParts(t *testing.T) {
	in, _, err := platform.ParseInput(request("a=1&%zz=2", "", nil), platform.InputOptions{})
	require.EqualError(t, err, `invalid URL escape "%zz"`)
	require.Equal(t, platform.Input{"a": "1"}, in)

	_, _, err = platform.ParseInput(request("a=%zz", formType, []byte("b=1")), platform.InputOptions{})
	require.EqualError(t, err, `invalid URL escape "%zz"`)

	cut := "--b\r\nContent-Disposition: form-data; name=\"m\"\r\n\r\nno end"
	in, _, err = platform.ParseInput(request("q=1", multipartType, []byte(cut)), platform.InputOptions{})
	require.Error(t, err)
	require.Equal(t, platform.Input{"q": "1"}, in)
}

// TestParseInputSniffBlank: a body of blanks is nothing, sniffed or not.
func TestParseInputSniffBlank(t *testing.T) {
	in, body, err := platform.ParseInput(request("a=1", "", []byte(" \n\t ")), platform.InputOptions{Sniff: true})
	require.NoError(t, err)
	require.Nil(t, body)
	require.Equal(t, platform.Input{"a": "1"}, in)
}

// TestParseInputListOfDeepMaps: a[][x][y] appends a map to the list and
// goes on down the rest of the path.
func TestParseInputListOfDeepMaps(t *testing.T) {
	in, _, err := platform.ParseInput(request("a[][x][y]=1&a[][x][]=2", "", nil), platform.InputOptions{})
	require.NoError(t, err)
	require.Equal(t, platform.Input{"a": []any{
		map[string]any{"x": map[string]any{"y": "1"}},
		map[string]any{"x": []any{"2"}},
	}}, in)
}

// TestIsEmptyPHPArray: a PHP array is empty when it has no entries.
func TestIsEmptyPHPArray(t *testing.T) {
	a := php.NewArray()
	require.True(t, platform.IsEmpty(a))
	a.Set("k", nil)
	require.False(t, platform.IsEmpty(a))
}

// TestTruthyInt64: int64 flags are true when not zero, as float64 ones.
func TestTruthyInt64(t *testing.T) {
	require.True(t, platform.Truthy(int64(3)))
	require.True(t, platform.Truthy(int64(-1)))
	require.False(t, platform.Truthy(int64(0)))
}
