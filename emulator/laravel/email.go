package laravel

import (
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ValidEmail approximates egulias/email-validator's RFCValidation, Laravel
// 8's email rule: a dot-atom or quoted local part, "@", and a domain of
// labels (one is enough: "a@b") or a bracketed IP literal
// ("a@[IPv6:::1]"). RFC warnings (long labels, IP literals, quoted parts)
// do not fail it; labels may not start or end with "-". Characters the
// lexer calls invalid tokens fail it: non-ASCII symbols and control or
// format characters anywhere, ASCII controls inside quotes. Comments and
// folding white space are not read: such addresses fail here.
func ValidEmail(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return false
	}
	return validLocalPart(s[:at]) && validDomain(s[at+1:])
}

const atext = "!#$%&'*+-/=?^_`{|}~"

func validLocalPart(local string) bool {
	if strings.HasPrefix(local, `"`) {
		return validQuoted(local)
	}
	for _, atom := range strings.Split(local, ".") {
		if atom == "" {
			return false
		}
		for _, r := range atom {
			if !(r >= 0x80 && validUnicode(r) || isAlnum(r) || strings.ContainsRune(atext, r)) {
				return false
			}
		}
	}
	return true
}

func validQuoted(q string) bool {
	if len(q) < 2 || !strings.HasSuffix(q, `"`) {
		return false
	}
	body := q[1 : len(q)-1]
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '\\' {
			i++ // an escaped ASCII character is taken as it is
			if i >= len(body) {
				return false
			}
			c = body[i]
		} else if c == '"' || c < ' ' || c == 0x7f {
			return false // a control character is an invalid token
		}
		if c >= 0x80 {
			r, n := utf8.DecodeRuneInString(body[i:])
			if !validUnicode(r) {
				return false
			}
			i += n - 1
		}
	}
	return true
}

func validDomain(d string) bool {
	if strings.HasPrefix(d, "[") {
		if !strings.HasSuffix(d, "]") {
			return false
		}
		lit := d[1 : len(d)-1]
		if v6, ok := strings.CutPrefix(lit, "IPv6:"); ok {
			a, err := netip.ParseAddr(v6)
			return err == nil && a.Is6()
		}
		a, err := netip.ParseAddr(lit)
		return err == nil && a.Is4()
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if !(r >= 0x80 && validUnicode(r) || isAlnum(r) || r == '-') {
				return false
			}
		}
	}
	return true
}

// validUnicode is a non-ASCII character the lexer does not call an invalid
// token: one outside \p{S} and \p{C} (symbols, controls, format and
// private-use characters, unassigned code points).
func validUnicode(r rune) bool {
	return !unicode.In(r, unicode.S, unicode.C) && unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.Z)
}

func isAlnum(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
}
