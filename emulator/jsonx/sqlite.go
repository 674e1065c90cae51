package jsonx

import (
	"bytes"
	"encoding/json"
	"unicode/utf16"
	"unicode/utf8"
)

// FromSQLite rewrites JSON that SQLite's JSON functions wrote (json_object,
// json_group_array, json of a stored document, and text concatenated from
// them) as this package writes the same values, so that a page rendered by
// SQLite is byte for byte the page rendered in Go. SQLite writes text as it
// is stored: U+2028, U+2029 and invalid UTF-8 literally, where this package
// escapes the first two and writes \ufffd for each invalid byte; and a
// document passed through json() keeps the escapes it was stored with
// (encoding/json's \u003c, say), where this package writes the character.
// Everything else SQLite writes for text, integers and null is already the
// same: the short escapes \" \\ \b \f \n \r \t and \u00xx for other control
// characters. Slashes stay unescaped; Marshal escapes them in a RawMessage
// when its document asks for it.
func FromSQLite(b []byte) json.RawMessage {
	if bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b) && !bytes.Contains(b, lineSeparator) && !bytes.Contains(b, paragraphSeparator) {
		return b
	}
	e := &encoder{}
	out := make([]byte, 0, len(b)+len(b)/16)
	for i := 0; i < len(b); {
		if b[i] != '"' {
			out = append(out, b[i])
			i++
			continue
		}
		end := stringEnd(b, i+1)
		out = e.string(out, unquote(b[i+1:end]))
		i = end + 1
	}
	return out
}

var (
	lineSeparator      = []byte("\u2028")
	paragraphSeparator = []byte("\u2029")
)

// stringEnd is the index of the quote that closes the JSON string whose
// text starts at i (len(b) when it is not closed).
func stringEnd(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case '\\':
			i += 2
		case '"':
			return i
		default:
			i++
		}
	}
	return len(b)
}

// unquote decodes the text of a JSON string. Escapes decode as
// encoding/json decodes them (a surrogate that is not half of a pair is
// U+FFFD); bytes that are not escaped are kept, invalid UTF-8 included, so
// that the encoder treats them as it treats them in a Go string.
func unquote(s []byte) string {
	if bytes.IndexByte(s, '\\') < 0 {
		return string(s)
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			out = append(out, s[i])
			continue
		}
		i++
		switch c := s[i]; c {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, n := escapedRune(s[i+1:])
			out = utf8.AppendRune(out, r)
			i += n
		default: // \" \\ \/
			out = append(out, c)
		}
	}
	return string(out)
}

// escapedRune decodes the hex digits after \u, joining a surrogate pair,
// and returns the rune and how many bytes it used.
func escapedRune(s []byte) (rune, int) {
	r := hex4(s)
	if r < 0 {
		return utf8.RuneError, 0
	}
	if !utf16.IsSurrogate(r) {
		return r, 4
	}
	if len(s) >= 10 && s[4] == '\\' && s[5] == 'u' {
		if pair := utf16.DecodeRune(r, hex4(s[6:])); pair != utf8.RuneError {
			return pair, 10
		}
	}
	return utf8.RuneError, 4
}

// hex4 is the value of four hex digits, or -1.
func hex4(s []byte) rune {
	if len(s) < 4 {
		return -1
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}
