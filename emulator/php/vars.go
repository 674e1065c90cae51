package php

import "strings"

// Limits are the php.ini settings that bound what a request may declare.
type Limits struct {
	MaxInputVars         int // max_input_vars
	MaxInputNestingLevel int // max_input_nesting_level
	MaxFileUploads       int // max_file_uploads
	UploadMaxFilesize    int64
}

// Defaults are PHP's stock settings.
var Defaults = Limits{MaxInputVars: 1000, MaxInputNestingLevel: 64, MaxFileUploads: 20, UploadMaxFilesize: 2 << 20}

// ParseQuery reads a query string as PHP fills $_GET (and parse_str):
// pairs split on "&" (arg_separator.input), empty pairs skipped, at most
// MaxInputVars pairs read.
func ParseQuery(query string, lim Limits) *Array {
	out := NewArray()
	count := 0
	for rest := query; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		if pair == "" {
			continue
		}
		if count++; count > lim.MaxInputVars {
			break
		}
		name, value, _ := strings.Cut(pair, "=")
		Register(out, URLDecode(name), URLDecode(value), lim)
	}
	return out
}

// ParseForm reads an application/x-www-form-urlencoded body as PHP fills
// $_POST: split on "&" only, empty pairs counted but nameless, and the
// variable that passes MaxInputVars still registered before reading stops
// (PHP's POST reader checks after adding).
func ParseForm(body string, lim Limits) *Array {
	out := NewArray()
	count := 0
	for rest := body; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		name, value, _ := strings.Cut(pair, "=")
		Register(out, URLDecode(name), URLDecode(value), lim)
		if count++; count > lim.MaxInputVars {
			break
		}
	}
	return out
}

// URLDecode is php_url_decode: "+" is a space, "%XX" a byte, and any other
// "%" stays as it is.
func URLDecode(s string) string {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// Register is php_register_variable_ex: it stores value under a request
// variable name, with PHP's mangling. The name is a C string (it ends at
// the first NUL byte) and leading spaces are dropped; in the top-level name
// "." and " " become "_"; "a[x][]" nests and appends; a "[" never closed
// becomes "_"; text after a "]" that no "[" follows is ignored; a name
// nested deeper than MaxInputNestingLevel removes the whole top-level
// variable. A scalar met on the path is replaced by an array, in place.
func Register(track *Array, name string, value any, lim Limits) {
	if i := strings.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	name = strings.TrimLeft(name, " ")
	open := strings.IndexByte(name, '[')
	top := name
	if open >= 0 {
		top = name[:open]
	}
	top = mangle(top, false)
	if top == "" {
		return
	}
	if open < 0 {
		track.Set(top, value)
		return
	}

	// Walk the [index] groups; ip is at a "[".
	table := track
	index, hasIndex := top, true
	ip := open
	for level := 1; ; level++ {
		if level > lim.MaxInputNestingLevel {
			track.Delete(top)
			return
		}
		start := ip + 1
		p := start
		if p < len(name) && name[p] == ' ' {
			p++
		}
		var sub string
		hasSub := true
		if p < len(name) && name[p] == ']' {
			hasSub = false
			ip = p
		} else {
			closing := strings.IndexByte(name[p:], ']')
			if closing < 0 {
				// Not an index: the "[" and what follows become part of the
				// name, which only the top level can still take.
				if level == 1 {
					index = top + "_" + mangle(name[start:], true)
				}
				break
			}
			ip = p + closing
			sub = name[start:ip]
		}

		var child *Array
		if !hasIndex {
			child = NewArray()
			if !table.Append(child) {
				return
			}
		} else {
			i := table.Slot(index)
			if a, ok := table.Value(i).(*Array); ok {
				child = a
			} else {
				child = NewArray()
				table.SetValue(i, child)
			}
		}
		table = child
		index, hasIndex = sub, hasSub

		ip++
		if ip >= len(name) || name[ip] != '[' {
			break
		}
	}
	if !hasIndex {
		table.Append(value)
		return
	}
	table.Set(index, value)
}

// mangle replaces what PHP does not allow in a variable name: " " and "."
// (and "[" in the tail of a name whose bracket never closed) become "_".
func mangle(s string, brackets bool) string {
	if !strings.ContainsAny(s, " .[") {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if c == ' ' || c == '.' || (brackets && c == '[') {
			b[i] = '_'
		}
	}
	return string(b)
}
