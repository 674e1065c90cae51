package laravel_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// form writes pairs as a query string: nested pairs as a[k]=v, JSON
// literals as their text (null as an empty value), plus the separators
// and escapes PHP reads its own way.
func (g generator) form(params []pair) string {
	var parts []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case []pair:
			if len(x) == 0 && g.chance(0.5) {
				parts = append(parts, g.escape(prefix+"[]")+"=")
				return
			}
			for _, p := range x {
				key := p.key
				if g.chance(0.1) {
					key = ""
				}
				walk(prefix+"["+key+"]", p.val)
			}
		case jsonLit:
			text := x.form
			if text == "" {
				text = strings.Trim(x.json, `"`)
				switch text {
				case "null", "[]", "{}":
					text = ""
				case "true":
					text = "1"
				case "false":
					text = ""
				}
			}
			parts = append(parts, g.escape(prefix)+"="+g.escape(text))
		case ruleMarker:
			parts = append(parts, g.escape(prefix)+"=x")
		case nil:
			parts = append(parts, g.escape(prefix))
		default:
			parts = append(parts, g.escape(prefix)+"="+g.escape(fmt.Sprint(x)))
		}
	}
	for _, p := range params {
		walk(p.key, p.val)
	}
	if g.chance(0.1) {
		parts = append(parts, g.pick("", "=", "=x", "&", "a=1;b=2", "v=100%", "w=%zz", "x=%2", "y=a+b%2Bc", "%5B=1", "a%00b=1"))
	}
	if g.chance(0.02) {
		for i := 0; i < 1000; i++ {
			parts = append(parts, "v"+strconv.Itoa(i)+"=1")
		}
	}
	return strings.Join(parts, "&")
}

// escape encodes a name or value, sometimes leaving "%", "+", "[" and
// "]" raw; what a URL cannot carry raw is always escaped.
func (g generator) escape(s string) string {
	if g.chance(0.2) {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			switch c := s[i]; {
			case c == '&' || c == '=' || c == '#' || c <= ' ' || c >= 0x7f:
				fmt.Fprintf(&b, "%%%02X", c)
			default:
				b.WriteByte(c)
			}
		}
		return b.String()
	}
	e := url.QueryEscape(s)
	if g.chance(0.3) {
		e = strings.NewReplacer("%5B", "[", "%5D", "]").Replace(e)
	}
	return e
}

func (g generator) multipart(params []pair) ([]byte, string) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	var walk func(name string, v any)
	walk = func(name string, v any) {
		switch x := v.(type) {
		case []pair:
			for _, p := range x {
				walk(name+"["+p.key+"]", p.val)
			}
		default:
			text := ""
			switch y := x.(type) {
			case jsonLit:
				text = strings.Trim(y.json, `"`)
				if text == "null" || text == "[]" || text == "{}" || text == "false" {
					text = ""
				}
				if text == "true" {
					text = "1"
				}
			case nil, ruleMarker:
			default:
				text = fmt.Sprint(y)
			}
			if g.chance(0.08) {
				filename := g.pick("f.txt", "", "dir/a b.png", `c:\x\y.pdf`)
				h := textproto.MIMEHeader{}
				h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, escapeQuotes(name), escapeQuotes(filename)))
				part, _ := w.CreatePart(h)
				part.Write([]byte(text))
				return
			}
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"`, escapeQuotes(name)))
			part, _ := w.CreatePart(h)
			part.Write([]byte(text))
		}
	}
	for _, p := range params {
		walk(p.key, p.val)
	}
	w.Close()
	ct := w.FormDataContentType()
	if g.chance(0.2) {
		ct = `multipart/form-data; boundary="` + w.Boundary() + `"`
	}
	return buf.Bytes(), ct
}

func escapeQuotes(s string) string { return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) }

// json writes pairs as a JSON object (a list when the keys are 0…n-1),
// with raw literals, and sometimes a document PHP cannot decode or reads
// as something other than an object.
func (g generator) json(params []pair) []byte {
	var buf bytes.Buffer
	var write func(v any)
	write = func(v any) {
		switch x := v.(type) {
		case []pair:
			if isList(x) && g.chance(0.8) {
				buf.WriteByte('[')
				for i, p := range x {
					if i > 0 {
						buf.WriteByte(',')
					}
					write(p.val)
				}
				buf.WriteByte(']')
				return
			}
			buf.WriteByte('{')
			for i, p := range x {
				if i > 0 {
					buf.WriteByte(',')
				}
				k, _ := json.Marshal(p.key)
				buf.Write(k)
				buf.WriteByte(':')
				write(p.val)
			}
			buf.WriteByte('}')
		case jsonLit:
			buf.WriteString(x.json)
		case nil, ruleMarker:
			buf.WriteString("null")
		case string:
			if utf8.ValidString(x) {
				b, _ := json.Marshal(x)
				buf.Write(b)
			} else {
				buf.WriteString(`"` + x + `"`) // raw invalid UTF-8: json_decode fails
			}
		}
	}
	switch g.r.Intn(25) {
	case 0:
		return []byte(g.pick("", " ", "null", "5", `"abc"`, "true", "[1,2]", `[{"a":1}]`, "{", `{"a":1}x`, "\xef\xbb\xbf{}", "{}"))
	case 1:
		depth := 510 + g.r.Intn(4)
		return []byte(`{"contact_id":1,"deep":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + "}")
	case 2:
		return []byte(`{"contact_id":"\ud800","text":"a"}`)
	}
	write(params)
	return buf.Bytes()
}

func isList(ps []pair) bool {
	for i, p := range ps {
		if p.key != strconv.Itoa(i) {
			return false
		}
	}
	return true
}
