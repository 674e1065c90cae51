package jsonx_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"github.com/fakebots/fakebots/emulator/jsonx"
)

// sqliteTexts are strings whose JSON SQLite and this package may write
// differently: every control character, the characters encoding/json
// escapes, invalid UTF-8, surrogates' encodings, a real U+FFFD.
func sqliteTexts() []string {
	texts := []string{
		"", "plain", "Привет, мир", "👍", "a/b", `a\/b`, `say "hi" \o/`, "<b>Tom & Jerry</b>",
		"a\u2028b\u2029c", "\xff", "a\xc3", "\xed\xa0\x80", "a\uFFFDb", "\x7f", "tab\there\nnl\r\b\f",
	}
	for c := range 0x20 {
		texts = append(texts, "x"+string(rune(c))+"y")
	}
	return texts
}

func sqliteDB(t *testing.T) *sql.DB {
	db, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// TestFromSQLiteText: text that SQLite's json_object writes reads as this
// package writes the same Go string, in either slash mode.
func TestFromSQLiteText(t *testing.T) {
	db := sqliteDB(t)
	for _, s := range sqliteTexts() {
		var raw []byte
		require.NoError(t, db.QueryRow(`SELECT json_array(json_object('k', ?, 'n', 12, 'z', NULL))`, s).Scan(&raw))
		value := []any{jsonx.Object{{Key: "k", Value: s}, {Key: "n", Value: 12}, {Key: "z", Value: nil}}}
		for _, slashes := range []bool{false, true} {
			want, err := jsonx.Marshal(value, slashes)
			require.NoError(t, err)
			got, err := jsonx.Marshal(jsonx.FromSQLite(raw), slashes)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got), "%q (slashes escaped: %v)", s, slashes)
		}
	}
}

// TestFromSQLiteStoredDocument: a document that encoding/json stored and
// SQLite's json() passed through reads as this package writes the values
// decoded from it, which is what a Go read of the column answered.
func TestFromSQLiteStoredDocument(t *testing.T) {
	db := sqliteDB(t)
	texts := append(sqliteTexts(), "\U0001F600 and \u00e9")
	for _, s := range texts {
		stored, err := json.Marshal([]string{s, "x"})
		require.NoError(t, err)
		var raw []byte
		require.NoError(t, db.QueryRow(`SELECT json_object('tags', json(?))`, string(stored)).Scan(&raw))
		var decoded []string
		require.NoError(t, json.Unmarshal(stored, &decoded))
		want, err := jsonx.Marshal(jsonx.Object{{Key: "tags", Value: decoded}}, false)
		require.NoError(t, err)
		require.Equal(t, string(want), string(jsonx.FromSQLite(raw)), "%q", s)
	}
}

// TestFromSQLiteEscapes: escapes that SQLite keeps from a stored document
// decode as encoding/json decodes them, a lone surrogate as U+FFFD.
func TestFromSQLiteEscapes(t *testing.T) {
	for in, want := range map[string]string{
		`["\u003c\u0026\u003e"]`:   `["<&>"]`,
		`["\ud83d\ude00"]`:         `["😀"]`,
		`["\uD83D\uDE00"]`:         `["😀"]`,
		`["\ud83d"]`:               "[\"\uFFFD\"]",
		`["\ud83dx"]`:              "[\"\uFFFDx\"]",
		`["\ude00\ud83d\ude00"]`:   "[\"\uFFFD😀\"]",
		`["a\/b","\"","\\"]`:       `["a/b","\"","\\"]`,
		`{"k\u0041":"\u2028"}`:     `{"kA":"\u2028"}`,
		`["\u0001\u001f\u007f"]`:   "[\"\\u0001\\u001f\x7f\"]",
		`[1,"\n",null,true,false]`: `[1,"\n",null,true,false]`,
	} {
		require.Equal(t, want, string(jsonx.FromSQLite([]byte(in))), in)
	}
}

// TestFromSQLiteKeepsPlainJSON: JSON that needs no change is returned as
// it is, without a copy.
func TestFromSQLiteKeepsPlainJSON(t *testing.T) {
	in := []byte(`[{"id":1,"name":"Иван","group":null}]`)
	out := jsonx.FromSQLite(in)
	require.Equal(t, string(in), string(out))
	require.Same(t, &in[0], &out[0])
}

// TestFromSQLiteHexDigits: a \u escape in either case, every hex digit
// among them, reads as the character SQLite decodes it to.
func TestFromSQLiteHexDigits(t *testing.T) {
	db := sqliteDB(t)
	for _, r := range []rune{0x0123, 0x4567, 0x89ab, 0xcdef, 0x00af, 0xfedc} {
		for _, format := range []string{`["\u%04x"]`, `["\u%04X"]`} {
			in := fmt.Sprintf(format, r)
			var decoded string
			require.NoError(t, db.QueryRow(`SELECT json_extract(?, '$[0]')`, in).Scan(&decoded))
			require.Equal(t, string(r), decoded, in)
			want, err := jsonx.Marshal([]string{decoded}, false)
			require.NoError(t, err)
			require.Equal(t, string(want), string(jsonx.FromSQLite([]byte(in))), in)
		}
	}
}

// TestFromSQLiteMalformedJSON: JSON that SQLite does not write (an
// unclosed string, a \u escape without four hex digits, a stray
// backslash) is rewritten without a panic: an escape that cannot be
// decoded reads as U+FFFD followed by the text after the \u, and bytes
// outside strings are kept.
func TestFromSQLiteMalformedJSON(t *testing.T) {
	for in, want := range map[string]string{
		`["\u003c`:         `["<"`,
		`["a\`:             `["a\\"`,
		`["\u12"]`:         "[\"\uFFFD12\"]",
		`["\u"]`:           "[\"\uFFFD\"]",
		`["\u00zz"]`:       "[\"\uFFFD00zz\"]",
		`["\u00:0"]`:       "[\"\uFFFD00:0\"]",
		`["\ud83d\uzzzz"]`: "[\"\uFFFD\uFFFDzzzz\"]",
		`\["\u003c"]`:      `\["<"]`,
	} {
		require.Equal(t, want, string(jsonx.FromSQLite([]byte(in))), in)
	}
}
