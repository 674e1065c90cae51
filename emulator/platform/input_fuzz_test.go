package platform_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fakebots/fakebots/emulator/platform"
)

// FuzzParseInput feeds arbitrary query strings, bodies and content types to
// ParseInput: it must never panic, and every string it returns (keys
// included) must be valid UTF-8, as its documentation promises.
func FuzzParseInput(f *testing.F) {
	const (
		jsonType = "application/json"
		formType = "application/x-www-form-urlencoded"
	)
	seeds := []struct {
		query string
		body  string
		ct    string
		sniff bool
	}{
		// CleverApp sendMessage, by contact id in the query ...
		{"contact_id=1&text=Привет", "", "", false},
		{"api_token=abc&contact_id=1&text=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82", "", "", false},
		// ... and by bot, messenger and external id in a JSON body.
		{"api_token=abc", `{"bot_id":29454,"contact_external_id":"79991234567","messenger":"whatsapp","text":"Hi"}`, jsonType, false},
		{"", `{"bot_id":29454,"contact_external_id":"79991234567","messenger":"whatsapp","text":"Hi"}`, "text/plain", true},
		// Salebot callback.
		{"", `{"message":"hi","client_id":1,"value_phone":"79990001122"}`, jsonType, true},
		{"", "message=hi&client_id=1&value_phone=79990001122", formType, true},
		// Salebot load_clients: a top-level array.
		{"", `[{"platform_id":"79990001122","group_id":"g1"},{"platform_id":"79990003344","group_id":"g1"}]`, jsonType, true},
		// BotHelp JSON-Patch.
		{"", `[{"op":"replace","path":"/cuf/1","value":"x"},{"op":"add","path":"/tags/-","value":"vip"}]`, "application/json-patch+json", false},
		// PHP-style keys and malformed brackets.
		{"tags[]=a&tags[]=b&filters[tag_name]=vip&d[x][]=1&a[b=1&[x]=2&a[][y]=3", "", "", false},
		{"", "tags[]=a&f[x]=1", formType, false},
		// Multipart.
		{"", "--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nПривет\r\n--b\r\nContent-Disposition: form-data; name=\"tags[]\"\r\n\r\na\r\n--b--\r\n",
			"multipart/form-data; boundary=b", false},
		// Broken things.
		{"t=%FF&%FE=1", "{\"t\":\"\xff\"}", jsonType, false},
		{"a=1", `{"a":`, jsonType, true},
		{"%zz", "a=%zz", formType, true},
		{"", "--x", "multipart/form-data", false},
		// Readings that once depended on map order or broke the parser.
		{"", "bot_id=1&phone=79991234567&text[]=b&text=a", formType, true},
		{"tags[1]=x&tags[]=y&contact.id=5&contact_id[x]y=5", "", "", false},
		{"", "text=a;b&value=100%", formType, true},
		{"a" + strings.Repeat("[x]", 70) + "=1", "", "", false},
		{"", `{"a":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}`, jsonType, true},
		{"", `{"contact_id":1e400,"bot_id":12345678901234567890}`, jsonType, false},
		{"", `{"message_id":"","client_id":"1","message":"m","attachment_type":null,"attachment_url":null,"buttons":[]}`, jsonType, true},
		{"", "attachment_url=&attachment_type=&clients=[77]&message=[1,2]", formType, true},
	}
	for _, s := range seeds {
		f.Add(s.query, []byte(s.body), s.ct, s.sniff)
	}

	f.Fuzz(func(t *testing.T, query string, body []byte, contentType string, sniff bool) {
		r := request(query, contentType, body)
		in, parsed, _ := platform.ParseInput(r, platform.InputOptions{Sniff: sniff})
		if in == nil {
			t.Fatal("nil input")
		}
		if err := checkUTF8("input", map[string]any(in)); err != nil {
			t.Fatal(err)
		}
		if err := checkUTF8("body", parsed); err != nil {
			t.Fatal(err)
		}
	})
}

// checkUTF8 reports the first invalid UTF-8 string in v, keys included.
func checkUTF8(path string, v any) error {
	switch x := v.(type) {
	case string:
		if !utf8.ValidString(x) {
			return fmt.Errorf("%s: invalid UTF-8 value %q", path, x)
		}
	case map[string]any:
		for k, e := range x {
			if !utf8.ValidString(k) {
				return fmt.Errorf("%s: invalid UTF-8 key %q", path, k)
			}
			if err := checkUTF8(path+"."+k, e); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range x {
			if err := checkUTF8(fmt.Sprintf("%s[%d]", path, i), e); err != nil {
				return err
			}
		}
	case nil, bool, float64:
	default:
		return fmt.Errorf("%s: unexpected type %T", path, v)
	}
	return nil
}
