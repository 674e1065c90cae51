package php_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/php"
)

// part is one multipart/form-data part under the boundary "B".
func part(disposition, content string) string {
	return "--B\r\nContent-Disposition: " + disposition + "\r\n\r\n" + content + "\r\n"
}

const partsEnd = "--B--\r\n"

// describeFiles writes the files array as JSON with each file as
// "name|size|error" and a missing upload as null, the shape the PHP
// answers below were taken in ($_FILES folded as Symfony's FileBag does).
func describeFiles(t *testing.T, files *php.Array) string {
	t.Helper()
	var fold func(v any) any
	fold = func(v any) any {
		switch x := v.(type) {
		case *php.File:
			return x.Name + "|" + strconv.FormatInt(x.Size, 10) + "|" + strconv.Itoa(x.Error)
		case *php.Array:
			out := php.NewArray()
			for i := 0; i < x.Len(); i++ {
				k, _ := x.Key(i)
				out.Set(k, fold(x.Value(i)))
			}
			return out
		}
		return v
	}
	return encode(t, fold(files))
}

// multipartCase is a body and what PHP 8.2's built-in server put in $_POST
// and $_FILES for it.
type multipartCase struct {
	name, body, post, files string
}

func checkMultipart(t *testing.T, lim php.Limits, cases []multipartCase) {
	t.Helper()
	for _, tt := range cases {
		fields, files := php.ParseMultipart([]byte(tt.body), "B", lim)
		require.Equal(t, tt.post, encode(t, fields), "%s: $_POST", tt.name)
		require.Equal(t, tt.files, describeFiles(t, files), "%s: $_FILES", tt.name)
	}
}

// TestMultipartFieldsAndFiles pins the rfc1867 reader on plain fields
// (mangled and nested names), files (basename of the client's path, empty
// filename as no file), anonymous files, a part with neither name nor
// filename ending the reading, and bodies cut short.
func TestMultipartFieldsAndFiles(t *testing.T) {
	checkMultipart(t, php.Defaults, []multipartCase{
		{"fields", part(`form-data; name="a"`, "1") + part(`form-data; name="b[]"`, "x") + part(`form-data; name="b[]"`, "y") +
			part(`form-data; name="c[x]"`, "z") + part(`form-data; name="d.e f"`, "m") + partsEnd,
			`{"a":"1","b":["x","y"],"c":{"x":"z"},"d_e_f":"m"}`, `[]`},
		{"garbled", part(`form-data; name="a"`, "1") + part(`form-data`, "2") + part(`form-data; name="c"`, "3") + partsEnd,
			`{"a":"1"}`, `[]`},
		{"files", part(`form-data; name="f"; filename="dir/x.txt"`, "hello") + part(`form-data; name="g"; filename=""`, "") +
			part(`form-data; name="h"; filename="C:\\d\\y.txt"`, "abc") + part(`form-data; name="i[k][]"; filename="z"`, "zz") + partsEnd,
			`[]`, `{"f":"x.txt|5|0","g":null,"h":"y.txt|3|0","i":{"k":["z|2|0"]}}`},
		{"anonymous", part(`form-data; filename="p.txt"`, "1") + part(`form-data; filename="q.txt"`, "22") + part(`form-data; name="a"`, "v") + partsEnd,
			`{"a":"v"}`, `["p.txt|1|0","q.txt|2|0"]`},
		{"anonymous without file", part(`form-data; filename=""`, "") + part(`form-data; filename="q"`, "1") + partsEnd,
			`[]`, `[null,"q|1|0"]`},
		{"empty file", part(`form-data; name="f1"; filename="e.txt"`, "") + partsEnd, `[]`, `{"f1":"e.txt|0|0"}`},
		{"cut in a value", part(`form-data; name="a"`, "1") + "--B\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\npartial",
			`{"a":"1","b":"partial"}`, `[]`},
		{"cut at a boundary", part(`form-data; name="a"`, "1") + "--B\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\npartial\r\n--B",
			`{"a":"1","b":"partial"}`, `[]`},
		{"no closing boundary", part(`form-data; name="a"`, "1"), `{"a":"1"}`, `[]`},
	})
	fields, files := php.ParseMultipart([]byte(part(`form-data; name="a"`, "1")+partsEnd), "", php.Defaults)
	require.Equal(t, 0, fields.Len()+files.Len(), "no boundary, nothing read")
}

// TestMultipartFileNames pins rfc1867's bracket rule for file names: a
// name whose brackets do not balance, or with text after a "]", is
// dropped with every file after it (fields still read).
func TestMultipartFileNames(t *testing.T) {
	checkMultipart(t, php.Defaults, []multipartCase{
		{"unclosed", part(`form-data; name="f1"; filename="a"`, "1") + part(`form-data; name="f2["; filename="b"`, "1") +
			part(`form-data; name="f3"; filename="c"`, "1") + part(`form-data; name="x"`, "v") + partsEnd,
			`{"x":"v"}`, `{"f1":"a|1|0"}`},
		{"stray close", part(`form-data; name="f1]x"; filename="a"`, "1") + part(`form-data; name="f3"; filename="c"`, "1") + partsEnd,
			`[]`, `[]`},
		{"text after close", part(`form-data; name="f1[a]x"; filename="a"`, "1") + part(`form-data; name="f3"; filename="c"`, "1") + partsEnd,
			`[]`, `[]`},
		{"balanced", part(`form-data; name="f1[a][b]"; filename="a"`, "1") + part(`form-data; name="f2[]"; filename="c"`, "1") +
			part(`form-data; name="f3]["; filename="d"`, "1") + partsEnd,
			`[]`, `{"f1":{"a":{"b":"a|1|0"}},"f2":["c|1|0"]}`},
		{"close then open", part(`form-data; name="f3][x]"; filename="d"`, "1") + partsEnd, `[]`, `[]`},
		{"paths", part(`form-data; name="g"; filename="/b"`, "1") + part(`form-data; name="k"; filename="a\\b/c"`, "1") + partsEnd,
			`[]`, `{"g":"b|1|0","k":"c|1|0"}`},
		{"path of a directory", part(`form-data; name="f"; filename="a/"`, "1") + part(`form-data; name="h"; filename="c\\"`, "1") + partsEnd,
			`[]`, `{"f":"|1|0","h":"|1|0"}`},
	})
}

// TestMultipartDisposition pins how PHP reads name= from a
// Content-Disposition header: the parameter name in any case, double or
// single quotes with backslash escapes of the quote or a backslash, bare
// values up to white space, empty and value-less parameters skipped, an
// unclosed quote running to the end.
func TestMultipartDisposition(t *testing.T) {
	checkMultipart(t, php.Defaults, []multipartCase{
		{"disposition", part(`form-data; NAME="a"`, "1") + part(`form-data; name=b c`, "2") + part(`form-data; name='q'`, "3") +
			part(`form-data; name="d\"e"`, "4") + part(`form-data; name="f\\g"`, "5") + part(`form-data; name="h;i"`, "6") +
			part(`form-data;;name="j"`, "7") + part(`form-data; foo; name="k"`, "8") + part(`form-data; name="l\m"`, "9") +
			part(`form-data; name='n\'o'`, "10") + part(`form-data; name="p`, "11") + part(`form-data; name=r\\s`, "12") +
			part(`form-data; name= "t"`, "13") + partsEnd,
			`{"a":"1","b":"2","q":"3","d\"e":"4","f\\g":"5","h;i":"6","j":"7","k":"8","l\\m":"9","n'o":"10","p":"11","r\\s":"12","t":"13"}`,
			`[]`},
		{"escaped quote before a separator", part(`form-data; name="x\";y"`, "1") + part(`form-data; name='s\';t'`, "2") +
			part(`form-data; name="z\`, "3") + partsEnd,
			`{"x\";y":"1","s';t":"2","z\\":"3"}`, `[]`},
		{"bare backslashes", part(`form-data; name=a\b`, "1") + part(`form-data; name=c\"d`, "2") + part(`form-data; name=e\`, "3") +
			part(`form-data; name="u\\"`, "4") + partsEnd,
			`{"a\\b":"1","c\\\"d":"2","e\\":"3","u\\":"4"}`, `[]`},
	})
}

// TestMultipartLimits pins max_input_vars (fields past it skipped, files
// still read), max_file_uploads (an empty filename does not count) and
// upload_max_filesize (a larger file is UPLOAD_ERR_INI_SIZE, size 0), and
// max_input_nesting_level, which a file reaches one level sooner.
func TestMultipartLimits(t *testing.T) {
	lim := php.Limits{MaxInputVars: 1000, MaxInputNestingLevel: 64, MaxFileUploads: 2, UploadMaxFilesize: 10}
	checkMultipart(t, lim, []multipartCase{
		{"sizes", part(`form-data; name="a"`, "1") + part(`form-data; name="f1"; filename="x"`, "0123456789") +
			part(`form-data; name="f2"; filename="y"`, "0123456789A") + part(`form-data; name="f3"; filename="z"`, "1") +
			part(`form-data; name="d"`, "4") + partsEnd,
			`{"a":"1","d":"4"}`, `{"f1":"x|10|0","f2":"y|0|1"}`},
		{"no file uncounted", part(`form-data; name="f1"; filename=""`, "") + part(`form-data; name="f2"; filename="y"`, "1") +
			part(`form-data; name="f3"; filename="z"`, "1") + partsEnd,
			`[]`, `{"f1":null,"f2":"y|1|0","f3":"z|1|0"}`},
		{"empty file counted", part(`form-data; name="f1"; filename="e.txt"`, "") + part(`form-data; name="f2"; filename="y"`, "1") +
			part(`form-data; name="f3"; filename="z"`, "1") + partsEnd,
			`[]`, `{"f1":"e.txt|0|0","f2":"y|1|0"}`},
		{"exhausted", part(`form-data; name="f1"; filename="x"`, "1") + part(`form-data; name="f2"; filename="y"`, "1") +
			part(`form-data; name="g"; filename=""`, "") + partsEnd,
			`[]`, `{"f1":"x|1|0","f2":"y|1|0"}`},
	})

	vars := php.Limits{MaxInputVars: 2, MaxInputNestingLevel: 64, MaxFileUploads: 20, UploadMaxFilesize: 2 << 20}
	checkMultipart(t, vars, []multipartCase{
		{"vars", part(`form-data; name="a"`, "1") + part(`form-data; name="b"`, "2") + part(`form-data; name="c"`, "3") +
			part(`form-data; name="f1"; filename="x"`, "0123456789") + part(`form-data; name="f2"; filename="y"`, "0123456789A") +
			part(`form-data; name="f3"; filename="z"`, "1") + part(`form-data; name="d"`, "4") + partsEnd,
			`{"a":"1","b":"2"}`, `{"f1":"x|10|0","f2":"y|11|0","f3":"z|1|0"}`},
	})

	// max_multipart_body_parts is max_input_vars + max_file_uploads, here 4:
	// the fifth part ends the reading.
	parts := php.Limits{MaxInputVars: 2, MaxInputNestingLevel: 64, MaxFileUploads: 2, UploadMaxFilesize: 10}
	checkMultipart(t, parts, []multipartCase{
		{"parts", part(`form-data; name="a"`, "1") + part(`form-data; name="b"`, "2") + part(`form-data; name="c"`, "3") +
			part(`form-data; name="f1"; filename="x"`, "0123456789") + part(`form-data; name="f2"; filename="y"`, "0123456789A") +
			part(`form-data; name="d"`, "4") + partsEnd,
			`{"a":"1","b":"2"}`, `{"f1":"x|10|0"}`},
		{"parts without uploads", part(`form-data; name="a"`, "1") + part(`form-data; name="b"`, "1") +
			part(`form-data; name="g1"; filename=""`, "") + part(`form-data; name="g2"; filename=""`, "") +
			part(`form-data; name="f1"; filename="x"`, "1") + partsEnd,
			`{"a":"1","b":"1"}`, `{"g1":null,"g2":null}`},
	})

	nesting := php.Limits{MaxInputVars: 1000, MaxInputNestingLevel: 2, MaxFileUploads: 20, UploadMaxFilesize: 10}
	checkMultipart(t, nesting, []multipartCase{
		{"nesting", part(`form-data; name="a[b]"`, "1") + part(`form-data; name="c[d][e]"`, "2") +
			part(`form-data; name="f[g]"; filename="x"`, "1") + part(`form-data; name="h[i][j]"; filename="y"`, "1") + partsEnd,
			`{"a":{"b":"1"},"c":{"d":{"e":"2"}}}`, `{"f":{"g":"x|1|0"}}`},
	})
}
