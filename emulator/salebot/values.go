package salebot

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/platform"
)

// clientTypes are Salebot's client_type values and the messengers they
// stand for (the «Переменные» page; 4 and 11 are older values). The names
// are connected_channels' keys.
var clientTypes = map[int]string{
	0: "vkontakte", 1: "telegram", 2: "viber", 3: "facebook", 4: "talkme", 5: "online_chat",
	6: "whatsapp", 7: "avito", 8: "ok", 10: "instagram", 11: "jivosite", 12: "yula",
	13: "telephony", 14: "email", 16: "telegram_business", 19: "cian", 20: "max",
	21: "telegram_account", 22: "tiktok",
}

const (
	typeVK         = 0
	typeTelegram   = 1
	typeViber      = 2
	typeOnlineChat = 5
	typeWhatsApp   = 6
	typeOK         = 8
	typeTelephony  = 13
	typeEmail      = 14
)

// clientTypeOf is the client_type of a messenger name.
func clientTypeOf(kind string) (int, bool) {
	for t, k := range clientTypes {
		if k == kind {
			return t, true
		}
	}
	return 0, false
}

// whatsAppSuffix ends WhatsApp platform ids.
const whatsAppSuffix = "@s.whatsapp.net"

// digits keeps a phone's digits: "+7 (999) 123-45-67" → "79991234567".
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// whatsAppID is a WhatsApp platform id: the number's digits with the suffix,
// whether or not it came with one.
func whatsAppID(s string) string {
	if i := strings.IndexByte(s, '@'); i >= 0 {
		s = s[:i]
	}
	if d := digits(s); d != "" {
		return d + whatsAppSuffix
	}
	return ""
}

// platformIDFor normalises a platform id for its messenger.
func platformIDFor(clientType int, raw string) string {
	raw = strings.TrimSpace(raw)
	switch clientType {
	case typeWhatsApp:
		return whatsAppID(raw)
	case typeTelephony:
		return digits(raw)
	case typeEmail:
		return strings.ToLower(raw)
	}
	return raw
}

// optBool reads an optional boolean with its default (reading the input
// already made one sent as "" or null absent).
func optBool(in platform.Input, key string, def bool) bool {
	v, ok := in[key]
	if !ok {
		return def
	}
	return platform.Truthy(v)
}

// varValue is a variable's stored JSON and its text form, for lookups.
func varValue(v any) (json.RawMessage, string, error) {
	raw, err := jsonx.Marshal(v, false)
	if err != nil {
		return nil, "", err
	}
	switch x := v.(type) {
	case string:
		return raw, x, nil
	case float64, bool, nil:
		return raw, platform.Text(x), nil
	}
	return raw, string(raw), nil
}

// number reads a stored JSON value as a number, when it is one.
func number(raw json.RawMessage) (float64, bool) {
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// unix is a stored instant as unix seconds.
func unix(micros int64) int64 { return micros / 1e6 }

// nullable turns SQL-null-able values into JSON null.
func nullString(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

func nullInt(n *int64) any {
	if n == nil {
		return nil
	}
	return *n
}

// orNone is how Salebot prints an empty system variable.
func orNone(s *string) string {
	if s == nil || *s == "" {
		return "NONE"
	}
	return *s
}

// parseDate reads get_history's dd.mm.yyyy in the project's zone.
func parseDate(s string, loc *time.Location) (time.Time, bool) {
	t, err := time.ParseInLocation("02.01.2006", strings.TrimSpace(s), loc)
	return t, err == nil
}

// idList reads a list of ids (numbers after validation's coercion).
func idList(v any) []int64 {
	list, _ := v.([]any)
	out := make([]int64, 0, len(list))
	for _, x := range list {
		if n, ok := platform.Integer(x); ok {
			out = append(out, n)
		}
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
