package laravel

import (
	"net/netip"
	"strings"
	"unicode/utf8"
)

// ValidEmail approximates egulias/email-validator's RFCValidation, Laravel
// 8's email rule: a dot-atom or quoted local part, "@", and a domain of
// labels (one is enough: "a@b") or a bracketed IP literal
// ("a@[IPv6:::1]"). RFC warnings (long labels, IP literals, quoted parts)
// do not fail it; labels may not start or end with "-". Comments and
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
			if !(r >= 0x80 || isAlnum(r) || strings.ContainsRune(atext, r)) {
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
		switch c := body[i]; {
		case c == '\\':
			i++
			if i >= len(body) {
				return false
			}
		case c == '"', c == '\r', c == '\n', c == 0:
			return false
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
			if !(r >= 0x80 || isAlnum(r) || r == '-') {
				return false
			}
		}
	}
	return true
}

func isAlnum(r rune) bool {
	return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
}
