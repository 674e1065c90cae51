package emulator_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// fuzzAnswerBound is how long any one answer may take, whatever the input.
const fuzzAnswerBound = 5 * time.Second

// FuzzPipeline sends arbitrary requests through the whole HTTP pipeline of
// every platform (query, form, JSON and multipart bodies, with and without
// credentials): the answer must come within fuzzAnswerBound and never be a
// 5xx, except Laravel's own 500 for an error key that is not UTF-8.
func FuzzPipeline(f *testing.F) {
	srv := fakebotstest.NewServer(f, fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false), emulator.WithMaxBodyBytes(1<<20)))
	tn := srv.NewTenant(f)
	bases := []string{
		"/cleverapp/api/v1/", "/onebot/api/v1/", "/salebot/api/" + tn.Salebot.APIKey + "/", "/bothelp/",
	}
	credentials := []string{
		"api_token=" + tn.CleverApp.APIToken, "api_token=" + tn.Onebot.APIToken, "", "",
	}
	bhToken := tn.BotHelp.Token(f)

	const (
		form = "application/x-www-form-urlencoded"
		js   = "application/json"
		mp   = "multipart/form-data; boundary=b"
	)
	seeds := []struct {
		platform    byte
		method      string
		path, query string
		contentType string
		body        string
	}{
		{0, "POST", "sendMessage", "", form, "bot_id=1&phone=79991234567&text[]=b&text=a"},
		{0, "GET", "getContactTags", "contact.id=5&contact_id[x]y=5&a[b=1", "", ""},
		{0, "POST", "setContactVariable", "", form, "contact_id=1&name=a;b&value=100%"},
		{0, "POST", "createListSchema", "", js, `{"name":"n","fields":{"in_stock":{"name":"a","type":"bool"},"*":{},":input":[]}}`},
		{0, "POST", "addFundsToContactCryptoAccount", "", js, `{"account_id":1,"amount":1e400,"description":"\ud800"}`},
		{1, "POST", "sendMessage", "", mp, "--b\r\nContent-Disposition: form-data; name=\"text\"; filename=\"t\"\r\n\r\nx\r\n--b--\r\n"},
		{0, "POST", "sendMessage", "", form, "a" + strings.Repeat("[x]", 70) + "=1"},
		{2, "POST", "message", "", js, `{"message_id":"","client_id":"1","message":"hi","attachment_type":null,"attachment_url":null,"buttons":[]}`},
		{2, "POST", "broadcast", "", form, "clients=[1]&message=hi&list="},
		{2, "POST", "message", "delimiter=.&delimiter_value_client_id=a.5.x", js, `{"a":[{"x":1}],"message":"m"}`},
		{2, "POST", "save_variables", "", js, `[1,2,3]`},
		{3, "GET", "v1/subscribers/", "after=&email=a@b", "", ""},
		{3, "POST", "v1/subscribers/1/messages", "", js, `{"data":{"content":["hi"]}}`},
		{3, "PATCH", "v1/subscribers/1/", "", "application/json-patch+json", `[{"op":"add","path":"/tags/-","value":"vip"}]`},
		{3, "POST", "oauth2/token", "", form, "grant_type=client_credentials&client_id=x&client_secret=y"},
	}
	for _, s := range seeds {
		f.Add(s.platform, s.method, s.path, s.query, s.contentType, []byte(s.body), true)
	}

	f.Fuzz(func(t *testing.T, platform byte, method, path, query, contentType string, body []byte, withCredentials bool) {
		i := int(platform) % len(bases)
		if !validMethod(method) {
			method = http.MethodPost
		}
		target := bases[i] + strings.TrimLeft(path, "/")
		if withCredentials && credentials[i] != "" {
			query = credentials[i] + "&" + query
		}
		u, err := url.Parse("http://fakebots.test" + target)
		if err != nil || u.Opaque != "" {
			return // not a request a client can send
		}
		u.RawQuery = query
		ctx, cancel := context.WithTimeout(context.Background(), fuzzAnswerBound)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("X-Requested-With", "XMLHttpRequest")
		if withCredentials && i == 3 {
			req.Header.Set("Authorization", "Bearer "+bhToken)
		}
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() {
			defer close(done)
			srv.Emulator.ServeHTTP(rec, req)
		}()
		select {
		case <-done:
		case <-time.After(fuzzAnswerBound):
			t.Fatalf("no answer within %s: %s %s", fuzzAnswerBound, method, target)
		}
		if rec.Code >= 500 && !laravelEncodingFailure(i, rec, query, body) {
			t.Fatalf("%d for %s %s?%s [%s] %q: %s", rec.Code, method, target, query, contentType, body, rec.Body.Bytes())
		}
	})
}

func validMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// laravelEncodingFailure is the 500 Laravel answers when its 422 would hold
// a key that is not UTF-8 (JsonResponse refuses to encode it).
func laravelEncodingFailure(platform int, rec *httptest.ResponseRecorder, query string, body []byte) bool {
	if platform > 1 || rec.Code != http.StatusInternalServerError || rec.Body.String() != `{"message":"Server Error"}` {
		return false
	}
	decoded, err := url.QueryUnescape(query)
	return err != nil || !utf8.ValidString(decoded) || !utf8.Valid(body) || bytes.Contains(body, []byte("%"))
}
