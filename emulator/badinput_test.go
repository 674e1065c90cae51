package emulator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// TestBadInputGetsLaravelAnswers sends what careless clients send; every
// answer is the Laravel backend's, never a 500.
func TestBadInputGetsLaravelAnswers(t *testing.T) {
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false), emulator.WithMaxBodyBytes(1<<10)))
	base := f.Tenant.CleverApp.BaseURL
	auth := "?api_token=" + f.Tenant.CleverApp.APIToken
	json := "application/json"
	cases := []struct {
		name, method, url, contentType, body string
		status                               int
		want                                 string
	}{
		{"malformed JSON is an empty input", "POST", base + "/setContactVariable" + auth, json, `{"contact_id":`, 422,
			`{"message":"The given data was invalid.","errors":{"contact_id":["Поле contact id обязательно для заполнения."],"name":["Поле name обязательно для заполнения."],"value":["Поле value обязательно для заполнения."]}}`},
		{"wrong type", "POST", base + "/sendMessage" + auth, json, `{"contact_id":"abc","text":"hi"}`, 422,
			`{"message":"The given data was invalid.","errors":{"contact_id":["Поле contact id должно быть целым числом."]}}`},
		{"number where a string is due", "POST", base + "/sendMessage" + auth, json, `{"contact_id":1,"text":42}`, 422,
			`{"message":"The given data was invalid.","errors":{"text":["Поле text должно быть строкой."]}}`},
		{"array where a scalar is due", "GET", base + "/getContacts" + auth + "&count[]=1", "", "", 422,
			`{"message":"The given data was invalid.","errors":{"count":["Поле count должно быть целым числом."]}}`},
		{"over the documented maximum", "GET", base + "/getContacts" + auth + "&count=501", "", "", 422,
			`{"message":"The given data was invalid.","errors":{"count":["Поле count не может быть более 500."]}}`},
		{"oversized body", "POST", base + "/sendMessage" + auth, json, `{"text":"` + strings.Repeat("я", 1<<10) + `"}`, 413,
			`{"message":""}`},
		{"invalid UTF-8 is replaced, not fatal", "POST", base + "/sendMessage" + auth, "application/x-www-form-urlencoded", "contact_id=999999999&text=%ff%fe", 404,
			`{"message":"No query results for model [App\\Contact] 999999999"}`},
		{"unknown method", "GET", base + "/getEverything" + auth, "", "", 404, `{"message":""}`},
		{"wrong HTTP method", "GET", base + "/sendMessage" + auth, "", "", 405,
			`{"message":"The GET method is not supported for this route. Supported methods: POST."}`},
		{"wrong HTTP method on a GET route", "DELETE", base + "/getMe" + auth, "", "", 405,
			`{"message":"The DELETE method is not supported for this route. Supported methods: GET, HEAD."}`},
		{"wrong token", "GET", base + "/getMe?api_token=nope", "", "", 401, `{"message":"Unauthenticated."}`},
		{"no token", "GET", base + "/getMe", "", "", 401, `{"message":"Unauthenticated."}`},
		{"form body", "POST", base + "/sendMessage" + auth, "application/x-www-form-urlencoded", "text=hi", 422,
			`{"message":"The given data was invalid.","errors":{"contact_id":["Поле contact id обязательно для заполнения, когда messenger \/ bot id \/ contact external id не указано."],"messenger":["Поле messenger обязательно для заполнения, когда contact id не указано."],"bot_id":["Поле bot id обязательно для заполнения, когда contact id не указано."],"contact_external_id":["Поле contact external id обязательно для заполнения, когда contact id не указано."]}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			headers := []string{"X-Requested-With", xhr}
			if tc.contentType != "" {
				headers = append(headers, "Content-Type", tc.contentType)
			}
			var body any
			if tc.body != "" {
				body = tc.body
			}
			r := f.Do(t, tc.method, tc.url, body, headers...)
			require.Equal(t, tc.status, r.Status, string(r.Body))
			require.Equal(t, tc.want, string(r.Body))
			require.Equal(t, "application/json", r.Header.Get("Content-Type"))
		})
	}
}

func TestTokenSources(t *testing.T) {
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false)))
	token := f.Tenant.CleverApp.APIToken
	base := f.Tenant.CleverApp.BaseURL
	cases := map[string]*fakebotstest.Response{
		"query": f.Do(t, "GET", base+"/getMe?api_token="+token, nil, "X-Requested-With", xhr),
		"body": f.Do(t, "POST", base+"/createOrUpdateContact", map[string]any{
			"api_token": token, "bot_id": f.Tenant.CleverApp.BotID, "messenger": "telegram", "name": "Иван", "telegram_id": 7,
		}, "X-Requested-With", xhr),
		"bearer": f.Do(t, "GET", base+"/getMe", nil, "X-Requested-With", xhr, "Authorization", "Bearer "+token),
		"basic":  f.Do(t, "GET", base+"/getMe", nil, "Accept", "application/json", "Authorization", "Basic "+basic("user", token)),
	}
	for name, r := range cases {
		require.Equal(t, http.StatusOK, r.Status, name+": "+string(r.Body))
	}
	tags := base + "/getBotTags?bot_id=" + itoa(f.Tenant.CleverApp.BotID)
	form := f.Do(t, "GET", tags, "api_token="+token, "X-Requested-With", xhr, "Content-Type", "application/x-www-form-urlencoded")
	require.Equal(t, http.StatusUnauthorized, form.Status, "Laravel reads only the query of a GET: "+string(form.Body))
	json := f.Do(t, "GET", tags, `{"api_token":"`+token+`"}`, "X-Requested-With", xhr, "Content-Type", "application/json")
	require.Equal(t, http.StatusOK, json.Status, "a JSON body is the input source on any method: "+string(json.Body))

	redirect := f.Do(t, "GET", base+"/getMe", nil)
	require.Equal(t, http.StatusFound, redirect.Status, "no JSON wanted: Laravel redirects guests to the login page")
	login := strings.TrimSuffix(base, "/api/v1") + "/login" // the tenant's own address of the login page
	require.Equal(t, login, redirect.Header.Get("Location"))
	require.Contains(t, string(redirect.Body), "Redirecting to <a href=\""+login+"\">")
}
