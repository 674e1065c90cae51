package laravel_test

import (
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/platform"
)

// opRules is an operation's x-rules, as written and as parsed.
type opRules struct {
	id     string
	method string
	raw    [][2]string // attribute, rules
}

func operationRules(t *testing.T, p platform.Platform) []opRules {
	t.Helper()
	var ops []opRules
	for _, op := range p.Spec().Operations {
		var raw []map[string]string
		_, err := op.Extension("x-rules", &raw)
		require.NoError(t, err)
		o := opRules{id: op.ID, method: op.Method}
		for _, item := range raw {
			for attr, rules := range item {
				o.raw = append(o.raw, [2]string{attr, rules})
			}
		}
		ops = append(ops, o)
	}
	require.NotEmpty(t, ops)
	return ops
}

func utf8Valid(b []byte) bool { return utf8.Valid(b) }

// generator makes requests from rules: values around each rule's edges,
// sent as query, form, multipart or JSON, with the oddities PHP and Go
// read differently.
type generator struct{ r *rand.Rand }

func generateCases(seed int64, n int, ops []opRules) []diffCase {
	g := generator{rand.New(rand.NewSource(seed))}
	out := make([]diffCase, 0, n)
	for i := 0; i < n; i++ {
		op := ops[g.r.Intn(len(ops))]
		out = append(out, g.request(op))
	}
	return out
}

func (g generator) pick(options ...string) string { return options[g.r.Intn(len(options))] }

func (g generator) chance(p float64) bool { return g.r.Float64() < p }

// value is one generated parameter: a tree of ordered pairs and leaves.
type pair struct {
	key string
	val any // string, json literal (jsonLit), []pair, or nil (null)
}

// jsonLit is a JSON literal written as is (numbers, true, false, and
// strings that need raw bytes); in a form it is sent as its text.
type jsonLit struct{ json, form string }

func (g generator) request(op opRules) diffCase {
	params := g.params(op)
	method := op.method
	if g.chance(0.15) {
		method = g.pick("GET", "POST", "PUT", "PATCH", "DELETE")
	}
	c := diffCase{Op: op.id, Method: method}
	switch g.r.Intn(5) {
	case 0: // query only
		c.Query = g.form(params)
	case 1: // urlencoded form, maybe with a query too
		c.ContentType = g.pick("application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8",
			"Application/X-WWW-Form-Urlencoded", "text/plain", "")
		if g.chance(0.3) {
			split := g.r.Intn(len(params) + 1)
			c.Query = g.form(params[:split])
			params = params[split:]
		}
		c = withBody(c, []byte(g.form(params)))
	case 2:
		body, ct := g.multipart(params)
		c.ContentType = ct
		c = withBody(c, body)
	default:
		c.ContentType = g.pick("application/json", "application/json; charset=utf-8", "application/x-json",
			"Application/JSON", "application/vnd.api+json", "text/json", "text/plain")
		if g.chance(0.2) {
			c.Query = g.form(g.params(op))
		}
		c = withBody(c, g.json(params))
	}
	return c
}

// params picks parameters for an operation's attributes, plus strays.
func (g generator) params(op opRules) []pair {
	var out []pair
	groups := map[string][]pair{} // "field.slug" and "fields.*.name" gather under their head
	var heads []string
	for _, ar := range op.raw {
		if g.chance(0.25) {
			continue
		}
		attr, rules := ar[0], ar[1]
		head, rest, nested := strings.Cut(attr, ".")
		if !nested {
			out = append(out, pair{attr, g.valueFor(rules)})
			continue
		}
		if _, ok := groups[head]; !ok {
			heads = append(heads, head)
		}
		var val any = ruleMarker(rules) // a value per element, made by nest
		if !strings.Contains(rest, "*") {
			val = g.valueFor(rules)
		}
		groups[head] = append(groups[head], pair{rest, val})
	}
	for _, head := range heads {
		out = append(out, pair{head, g.nest(groups[head])})
	}
	if g.chance(0.3) {
		out = append(out, g.stray())
	}
	g.r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	if g.chance(0.15) && len(out) > 0 {
		// The same name again: a scalar and an array, or two values.
		dup := out[g.r.Intn(len(out))]
		if g.chance(0.5) {
			dup.val = []pair{{g.pick("", "0", "x", "1"), g.scalar()}}
		} else {
			dup.val = g.scalar()
		}
		out = append(out, dup)
	}
	return out
}

// nest builds the object under a dotted head from "slug" and "*.name"
// parts: a wildcard becomes a list or a map of elements with odd keys.
func (g generator) nest(parts []pair) any {
	var plain, wild []pair
	for _, p := range parts {
		if strings.HasPrefix(p.key, "*.") {
			wild = append(wild, pair{strings.TrimPrefix(p.key, "*."), p.val})
		} else {
			plain = append(plain, p)
		}
	}
	if len(wild) == 0 {
		if g.chance(0.1) {
			return g.scalar()
		}
		return plain
	}
	n := g.r.Intn(4)
	var elems []pair
	for i := 0; i < n; i++ {
		key := strconv.Itoa(i)
		if g.chance(0.5) {
			key = g.pick("in_stock", "a.b", "*", ":input", "", "Name", "x y", "05", "-1", "in_stock", "color", "1.5", "__asterisk__", "ключ")
		}
		var el any
		switch {
		case g.chance(0.1):
			el = g.scalar()
		case g.chance(0.05):
			el = []pair{}
		default:
			var fields []pair
			for _, w := range wild {
				if g.chance(0.8) {
					fields = append(fields, pair{w.key, g.valueFor(g.rulesOf(w.val))})
				}
			}
			el = fields
		}
		elems = append(elems, pair{key, el})
	}
	return append(plain, elems...)
}

// rulesOf reads the rules a wildcard part carries.
func (g generator) rulesOf(v any) string {
	if r, ok := v.(ruleMarker); ok {
		return string(r)
	}
	return ""
}

type ruleMarker string

// valueFor picks a value for a rule string.
func (g generator) valueFor(rules string) any {
	if rules == "" {
		return g.scalar()
	}
	if g.chance(0.08) {
		return g.scalar()
	}
	has := func(name string) bool {
		for _, r := range strings.Split(rules, "|") {
			if n, _, _ := strings.Cut(r, ":"); n == name {
				return true
			}
		}
		return false
	}
	arg := func(name string) string {
		for _, r := range strings.Split(rules, "|") {
			if n, a, _ := strings.Cut(r, ":"); n == name {
				return a
			}
		}
		return ""
	}
	switch {
	case has("integer"):
		return g.integer()
	case has("numeric"):
		return g.numeric()
	case has("boolean"):
		return g.boolean()
	case has("array"):
		return g.array()
	case has("email"):
		return g.email()
	case has("in"):
		return g.in(strings.Split(arg("in"), ","))
	case has("max") || has("size"):
		n, _ := strconv.Atoi(arg("max") + arg("size"))
		return g.text(n)
	}
	return g.text(0)
}

func (g generator) integer() any {
	if g.chance(0.3) {
		return jsonLit{g.pick("1", "0", "-1", "5", "500", "501", "1.0", "1.5", "1e3", "1e20", "1e400", "-0", "-0.0",
			"9223372036854775807", "9223372036854775808", "123456789012345.0", "true", "false", "null", "[]", "{}", "[1]"), ""}
	}
	return g.pick("5", "-0", "+0", "+1", "05", " 7 ", "7\f", "7\x00", "\x007", "7\v", "1e3", "1.0", "0x1A", "abc", "", "  ",
		"\u00a0", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "1", "0", "500", "501", "12", " ", "5\n")
}

func (g generator) numeric() any {
	if g.chance(0.3) {
		return jsonLit{g.pick("1", "0", "0.00000001", "1e-9", "1e400", "-1e400", "1.5", "true", "[]"), ""}
	}
	return g.pick("0.00000001", "0.000000009", "1e-8", ".5", "5.", "1", "0", "-1", " 2 ", "2\f", "abc", "1e", "0x10", "", "1e400", "INF", "1_000")
}

func (g generator) boolean() any {
	if g.chance(0.4) {
		return jsonLit{g.pick("true", "false", "0", "1", "1.0", "0.0", "2", "null", `"1"`, "[]"), ""}
	}
	return g.pick("0", "1", "true", "false", "on", "yes", " 1 ", "01", "", "1.0")
}

func (g generator) array() any {
	switch g.r.Intn(4) {
	case 0:
		return []pair{}
	case 1:
		return []pair{{"0", g.scalar()}, {"1", g.scalar()}}
	case 2:
		return []pair{{g.pick("a", "tag", "x.y"), g.scalar()}}
	}
	return g.scalar()
}

func (g generator) email() any {
	return g.pick("a@b.c", "a@b", `"a b"@c.de`, "a@[IPv6:::1]", "user@sub.example.com", "first.last@example.org",
		"not an email", "a@", "@b.c", "a@b.c ", " a@b.c", "a..b@c.d", ".a@b.c", "a.@b.c", "a@-b.de", "a@b-.de", "a@b..c",
		"a+tag@example.com", "a@[127.0.0.1]", "иван@пример.рф")
}

func (g generator) in(values []string) any {
	v := values[g.r.Intn(len(values))]
	switch g.r.Intn(6) {
	case 0:
		return strings.ToUpper(v)
	case 1:
		return " " + v + " "
	case 2:
		return g.pick("1", "+1", "-0", "0", "", "other", "1.0")
	case 3:
		return jsonLit{g.pick("1", "0", "1.0", "true", "null", "[]"), ""}
	}
	return v
}

// text is a string around max characters: ASCII, two- and four-byte
// UTF-8, invalid bytes, white space PHP's trim() does or does not remove.
func (g generator) text(max int) any {
	if max == 0 {
		max = 1 + g.r.Intn(8)
	}
	n := max + g.r.Intn(3) - 1
	if n < 0 {
		n = 0
	}
	unit := g.pick("a", "я", "😀", "\xff", "\xe2\x82", "\xc0\x80", "\x80")
	s := strings.Repeat(unit, n)
	switch g.r.Intn(8) {
	case 0:
		s = " " + s + "\t"
	case 1:
		s = "\u00a0" + s
	case 2:
		s += "\x00"
	case 3:
		s += "\f"
	case 4:
		s = g.pick("", " ", "\x0b", "\u00a0", "\r\n")
	}
	if g.chance(0.1) {
		return jsonLit{g.pick("5", "true", "null", "[]", `["a"]`, "1.5"), ""}
	}
	return s
}

func (g generator) scalar() any {
	switch g.r.Intn(3) {
	case 0:
		return jsonLit{g.pick("1", "null", "true", "1.5", `""`), ""}
	case 1:
		return g.pick("", "x", " ", "0", "1", "a b", "a+b", "a&b", "a=b", "%", "\xff")
	}
	return g.pick("whatsapp", "telegram", "5", "-1")
}

// stray is a parameter the rules do not name, or names mangled: PHP turns
// "contact.id" into contact_id, drops what follows "]", nests deeply.
func (g generator) stray() pair {
	switch g.r.Intn(6) {
	case 0:
		return pair{g.pick("contact.id", "contact id", " contact_id", "bot.id", "a[b", "text[", "x]y"), g.scalar()}
	case 1:
		return pair{g.pick("contact_id[x]y", "text[]", "tags[1]", "fields[a][name]"), g.scalar()}
	case 2:
		deep := "x" + strings.Repeat("[a]", 63+g.r.Intn(4))
		return pair{deep, "1"}
	}
	return pair{g.pick("api_token", "password", "_method", "page"), g.scalar()}
}
