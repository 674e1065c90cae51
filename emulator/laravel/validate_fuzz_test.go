package laravel_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/platform"
)

// FuzzLaravelValidate validates arbitrary requests against sendMessage's
// rules: Validate must never panic, and every error must name a field of
// the rules with at least one complete message.
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
	}
	for _, s := range seeds {
		f.Add(s.query, []byte(s.body), s.ct)
	}

	f.Fuzz(func(t *testing.T, query string, body []byte, contentType string) {
		h := http.Header{}
		h.Set("Content-Type", contentType)
		r := &platform.Request{
			HTTP: &http.Request{Method: http.MethodPost, URL: &url.URL{Path: "/api/v1/sendMessage", RawQuery: query}, Header: h},
			Body: body,
		}
		in, _, _ := platform.ParseInput(r, platform.InputOptions{Sniff: true})
		// Raw, then as the platform sees it (after Laravel's middleware,
		// which normalises in place).
		for _, normalize := range []bool{false, true} {
			if normalize {
				in = laravel.Normalize(in)
			}
			errs := laravel.Validate(rules, in)
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
