package bothelp_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// controlCall calls a control route of the tenant's BotHelp account and
// returns the answer's status and body.
func controlCall(t *testing.T, f *fakebotstest.Fake, tn *fakebotstest.Tenant, method, path, body string) (int, string) {
	t.Helper()
	r := f.Do(t, method, "/__fakebots/tenants/"+tn.ID+"/bothelp/"+path, body, "Content-Type", "application/json")
	return r.Status, string(r.Body)
}

// What the control routes refuse, with the answer naming why, and the
// edges they accept.
func TestControlRoutesRefuseWhatTheyCannotServe(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	c.seed(fakebotstest.BotHelpSubscriber{Name: "Один"}, fakebotstest.BotHelpSubscriber{Name: "Два"})
	const afterRefused = `{"error":"after must be a non-negative integer"}`
	const limitRefused = `{"error":"limit must be between 1 and 1000"}`
	for _, tc := range []struct {
		method, path, body string
		status             int
		answer             string // the whole answer; for 2xx the ids listed, or a part of the settings
	}{
		{http.MethodGet, "subscribers?after=-1", "", http.StatusBadRequest, afterRefused},
		{http.MethodGet, "subscribers?after=x", "", http.StatusBadRequest, afterRefused},
		{http.MethodGet, "subscribers?after=0&limit=1", "", http.StatusOK, "[1]"},
		{http.MethodGet, "subscribers?after=1&limit=1000", "", http.StatusOK, "[2]"},
		{http.MethodGet, "subscribers?limit=0", "", http.StatusBadRequest, limitRefused},
		{http.MethodGet, "subscribers?limit=1001", "", http.StatusBadRequest, limitRefused},
		{http.MethodGet, "subscribers?limit=x", "", http.StatusBadRequest, limitRefused},
		{http.MethodGet, "subscribers/x", "", http.StatusNotFound, `{"error":"no subscriber x"}`},
		{http.MethodGet, "subscribers/3", "", http.StatusNotFound, `{"error":"no subscriber 3"}`},
		{http.MethodGet, "actions?subscriber=x", "", http.StatusBadRequest, `{"error":"subscriber must be a non-negative integer"}`},
		{http.MethodPost, "subscribers", `[]`, http.StatusBadRequest, `{"error":"invalid JSON body: json: cannot unmarshal array into Go value of type struct { Subscribers []bothelp.ControlSubscriber \"json:\\\"subscribers\\\"\"; Generate bothelp.GenerateSpec \"json:\\\"generate\\\"\" }"}`},
		{http.MethodPost, "subscribers", `{"generate":{"count":-1}}`, http.StatusBadRequest, `{"error":"generate.count must be between 0 and 100000"}`},
		{http.MethodPost, "subscribers", `{"generate":{"count":100001}}`, http.StatusBadRequest, `{"error":"generate.count must be between 0 and 100000"}`},
		{http.MethodPost, "subscribers", `{"subscribers":[{"id":1}]}`, http.StatusBadRequest, `{"error":"subscriber 1: subscriber 1 already exists"}`},
		{http.MethodPost, "subscribers", `{"subscribers":[{"id":-1}]}`, http.StatusBadRequest, `{"error":"subscriber 1: id must be positive"}`},
		{http.MethodPost, "bots", `[]`, http.StatusBadRequest, `{"error":"invalid JSON body: json: cannot unmarshal array into Go value of type bothelp.BotSpec"}`},
		{http.MethodPost, "bots", `{}`, http.StatusBadRequest, `{"error":"a bot needs a title"}`},
		{http.MethodPost, "bots", `{"title":"Бот","referral":"` + c.bh.BotReferral + `"}`, http.StatusBadRequest, `{"error":"referral \"` + c.bh.BotReferral + `\" already exists"}`},
		{http.MethodPost, "bots", `{"title":"Бот","steps":[{}]}`, http.StatusBadRequest, `{"error":"bot \"Бот\": a step needs a title"}`},
		{http.MethodPost, "bots", `{"title":"Бот","steps":[{"title":"a","referral":"1"},{"title":"b","referral":"1"}]}`, http.StatusBadRequest, `{"error":"referral \"1\" already exists"}`},
		{http.MethodPost, "bots", `{"title":"Бот","steps":[{"title":"a","colour":"red"}]}`, http.StatusBadRequest, `{"error":"invalid JSON body: json: unknown field \"colour\""}`},
		{http.MethodPost, "funnels", `[]`, http.StatusBadRequest, `{"error":"invalid JSON body: json: cannot unmarshal array into Go value of type bothelp.plain"}`},
		{http.MethodPost, "funnels", `{}`, http.StatusBadRequest, `{"error":"a funnel needs a title"}`},
		{http.MethodPut, "credentials", `[]`, http.StatusBadRequest, `{"error":"invalid JSON body: json: cannot unmarshal array into Go value of type bothelp.clientCredentials"}`},
		{http.MethodPatch, "settings", `{"error_format":"xml"}`, http.StatusBadRequest, `{"error":"settings: error_format must be \"envelope\" or \"jsonapi\""}`},
		{http.MethodPatch, "settings", `{"token_error_status":402}`, http.StatusBadRequest, `{"error":"settings: token_error_status must be 400 or 401"}`},
		{http.MethodPatch, "settings", `{"page_size":0}`, http.StatusBadRequest, `{"error":"settings: page_size must be between 1 and 1000"}`},
		{http.MethodPatch, "settings", `{"page_size":1001}`, http.StatusBadRequest, `{"error":"settings: page_size must be between 1 and 1000"}`},
		{http.MethodPatch, "settings", `{"page_size":1}`, http.StatusOK, `"page_size":1,`},
		{http.MethodPatch, "settings", `{"page_size":1000}`, http.StatusOK, `"page_size":1000,`},
		{http.MethodPatch, "settings", `{"created_at_after":"after"}`, http.StatusBadRequest, `{"error":"settings: created_at_after must be \"strict\" or \"inclusive\""}`},
		{http.MethodPatch, "settings", `{"unknown_bot_steps":"error"}`, http.StatusBadRequest, `{"error":"settings: unknown_bot_steps must be \"empty\" or \"not_found\""}`},
	} {
		t.Run(tc.method+" "+tc.path+" "+tc.body, func(t *testing.T) {
			status, body := controlCall(t, f, f.Tenant, tc.method, tc.path, tc.body)
			require.Equal(t, tc.status, status, body)
			if status >= 300 {
				require.Equal(t, tc.answer, body)
				return
			}
			if tc.path == "settings" {
				require.Contains(t, body, tc.answer)
				return
			}
			var list struct{ Data []struct{ ID int64 } }
			require.NoError(t, json.Unmarshal([]byte(body), &list))
			ids := []int64{}
			for _, s := range list.Data {
				ids = append(ids, s.ID)
			}
			out, err := json.Marshal(ids)
			require.NoError(t, err)
			require.Equal(t, tc.answer, string(out))
		})
	}
}

// A created subscriber's tags are kept once each, in order, empty ones left out.
func TestCreatedSubscriberTagsAreKeptOnceEach(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	s := c.seed(fakebotstest.BotHelpSubscriber{Name: "Теги", Tags: []string{"лид", "", "купил", "лид"}})[0]
	require.Equal(t, []string{"лид", "купил"}, s.Tags)
	require.Equal(t, []string{"лид", "купил"}, c.detail(s.ID).Tags)
}

// generate.count may be 100000 exactly: the request is read whole, and here
// refused for its first subscriber, not for the count.
func TestGenerateCountMayBeAHundredThousand(t *testing.T) {
	f := newFake(t, nil)
	status, body := controlCall(t, f, f.Tenant, http.MethodPost, "subscribers", `{"subscribers":[{"id":-1}],"generate":{"count":100000}}`)
	require.Equal(t, http.StatusBadRequest, status)
	require.Equal(t, `{"error":"subscriber 1: id must be positive"}`, body)
}

// Every custom field a created subscriber is given is stored.
func TestCreatedSubscribersKeepEveryCustomField(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	fields := map[string]string{"Город": "Казань", "Бюджет": "5", "invite_link": "https://t.me/+abc"}
	s := c.seed(fakebotstest.BotHelpSubscriber{Name: "Поля", CustomFields: fields})[0]
	require.Equal(t, fields, c.detail(s.ID).CustomFields)
}

// A referral the control API would draw that is taken is skipped: the
// next millisecond is drawn instead.
func TestControlReferralsSkipTakenOnes(t *testing.T) {
	f := newFake(t, nil)
	next := "c" + itoa(epoch.UnixMilli()+1)
	var taken, drawn fakebotstest.BotHelpBot
	require.NoError(t, f.Control.Call(context.Background(), http.MethodPost, "/tenants/"+f.Tenant.ID+"/bothelp/bots", map[string]any{"title": "Занял", "referral": next}, &taken))
	require.Equal(t, next, taken.Referral)
	require.NoError(t, f.Control.Call(context.Background(), http.MethodPost, "/tenants/"+f.Tenant.ID+"/bothelp/bots", map[string]any{"title": "Следующий", "steps": []string{"Шаг"}}, &drawn))
	require.Equal(t, fakebotstest.BotHelpBot{Title: "Следующий", Referral: "c" + itoa(epoch.UnixMilli()+2),
		Steps: []fakebotstest.BotHelpItem{{Title: "Шаг", Referral: itoa(epoch.UnixMilli() + 3)}}}, drawn)
}
