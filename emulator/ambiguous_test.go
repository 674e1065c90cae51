package emulator_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// TestAmbiguousRequestsGetOneAnswer sends requests whose reading depends
// on the order of their pairs (a name sent as a scalar and as an array, an
// explicit index then an append, a JSON key twice) 50 times each: PHP reads
// pairs left to right, so each has exactly one answer.
func TestAmbiguousRequestsGetOneAnswer(t *testing.T) {
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false)))
	ca := f.Tenant.CleverApp
	bot := itoa(ca.BotID)
	auth := "?api_token=" + ca.APIToken
	form := "application/x-www-form-urlencoded"
	cases := []struct {
		name, url, contentType, body string
		status                       int
		want                         string
	}{
		{"a scalar after an array under one name: the scalar", ca.BaseURL + "/sendMessageToWhatsApp" + auth, form,
			"bot_id=999999999&phone=79991234567&text[]=b&text=a", 404, `{"message":"No query results for model [App\\Bot] 999999999"}`},
		{"an array after a scalar under one name: the array", ca.BaseURL + "/sendMessageToWhatsApp" + auth, form,
			"bot_id=999999999&phone=79991234567&text=a&text[]=b", 422,
			`{"message":"The given data was invalid.","errors":{"text":["Поле text должно быть строкой."]}}`},
		{"an explicit index then an append", ca.BaseURL + "/createOrUpdateContact" + auth, form,
			"bot_id=" + bot + "&messenger=vk&name=Иван&vk_id=5&tags[1]=x&tags[]=y&tags[1]=z", 200, ""},
		{"a JSON key twice: the last value", ca.BaseURL + "/attachTagToContact" + auth, "application/json",
			`{"contact_id":"x","name":"vip","contact_id":999999999}`, 404, `{"message":"No query results for model [App\\Contact] 999999999"}`},
		{"query and form under one name: the form", ca.BaseURL + "/attachTagToContact" + auth + "&contact_id=999999999", form,
			"contact_id=x&name=vip", 422, `{"message":"The given data was invalid.","errors":{"contact_id":["Поле contact id должно быть целым числом."]}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			answers := map[string]int{}
			var first *fakebotstest.Response
			for i := 0; i < 50; i++ {
				r := f.Do(t, "POST", tc.url, tc.body, "X-Requested-With", xhr, "Content-Type", tc.contentType)
				if first == nil {
					first = r
				}
				answers[itoa(int64(r.Status))+" "+string(r.Body)]++
			}
			require.Len(t, answers, 1, "one request, several answers: %v", answers)
			require.Equal(t, tc.status, first.Status, string(first.Body))
			if tc.want != "" {
				require.Equal(t, tc.want, string(first.Body))
			}
		})
	}
}
