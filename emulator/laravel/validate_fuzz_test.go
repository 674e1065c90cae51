package laravel_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fakebots/fakebots/emulator/laravel"
)

// FuzzLaravelValidate reads arbitrary requests as Laravel does and
// validates them against sendMessage's rules: nothing may panic, and every
// error must name a field of the rules with at least one complete message.
func FuzzLaravelValidate(f *testing.F) {
	rules, err := laravel.ParseRules(sendMessageRules)
	if err != nil {
		f.Fatal(err)
	}
	fields := map[string]bool{}
	for _, fr := range rules {
		fields[fr.Field] = true
	}

	seeds := []struct {
		query string
		body  string
		ct    string
	}{
		{"contact_id=1&text=Привет", "", ""},
		{"", `{"bot_id":29454,"contact_external_id":"79991234567","messenger":"whatsapp","text":"Hi"}`, "application/json"},
		{"", `{"contact_id":"012","text":null,"image":"   ","file":[]}`, "application/json"},
		{"", `{"contact_id":1.5,"messenger":["whatsapp"],"bot_id":true,"contact_external_id":79991234567}`, "application/json"},
		{"messenger=icq&bot_id=-0&contact_external_id[]=1", "text[x]=1", "application/x-www-form-urlencoded"},
		{"", `[1,2]`, "application/json"},
		{"", `{}`, "application/json"},
		// Request readings where PHP differs from Go's parsers.
		{"", "bot_id=1&phone=79991234567&text[]=b&text=a", "application/x-www-form-urlencoded"},
		{"tags[1]=x&tags[]=y&contact.id=5&contact_id[x]y=5", "", ""},
		{"", "text=%C2%A0&contact_id=5%00&messenger=5%0C", "application/x-www-form-urlencoded"},
		{"", "text=a;b&value=100%&w=%zz", "application/x-www-form-urlencoded"},
		{"a[b=1&" + strings.Repeat("x", 10) + strings.Repeat("[a]", 70) + "=1", "", ""},
		{"", `{"contact_id":1e400,"bot_id":12345678901234567890,"text":"\ud800"}`, "application/json"},
		{"", "{\"text\":\"\xff\"}", "application/json"},
		{"", `{"contact_id":"+1","messenger":"-0","bot_id":1.0,"text":true}`, "application/x-json"},
		{"", `{"contact_id":5}`, "Application/JSON"},
		{"", "--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n x \r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.txt\"\r\n\r\nhi\r\n--b--\r\n", "multipart/form-data; boundary=b"},
		{"", "email=a@b&email=%22a%20b%22@c.de", "application/x-www-form-urlencoded"},
	}
	for _, s := range seeds {
		f.Add(s.query, []byte(s.body), s.ct)
	}

	f.Fuzz(func(t *testing.T, query string, body []byte, contentType string) {
		for _, method := range []string{http.MethodPost, http.MethodGet} {
			in, err := laravel.ReadInput(method, contentType, query, body)
			if err != nil {
				continue // a JSON body past the bound on values
			}
			errs := laravel.ValidateData(rules, in.All)
			for _, e := range errs {
				if !fields[e.Key] {
					t.Fatalf("error for unknown field %q", e.Key)
				}
				msgs, ok := e.Value.([]string)
				if !ok || len(msgs) == 0 {
					t.Fatalf("%s: no messages: %#v", e.Key, e.Value)
				}
				for _, m := range msgs {
					if m == "" {
						t.Fatalf("%s: empty message", e.Key)
					}
					if strings.Contains(m, ":attribute") || strings.Contains(m, ":values") {
						t.Fatalf("%s: placeholder left in %q", e.Key, m)
					}
				}
			}
		}
	})
}
