package bothelp_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// A custom fields body is checked whole before the subscriber is looked
// up: a body that is no array, or an instruction without an op or a path,
// is refused even for a subscriber that does not exist.
func TestCustomFieldInstructionsAreCheckedBeforeTheSubscriber(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	for _, tc := range []struct {
		name, golden string
		body         any
	}{
		{"an object", "expected_array_400.golden", map[string]any{"op": "replace", "path": "/Бюджет", "value": "1"}},
		{"no op", "patch_not_recognized_400.golden", patch{{"path": "/Бюджет", "value": "1"}}},
		{"no path", "patch_not_recognized_400.golden", patch{{"op": "replace", "value": "1"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertGolden(t, tc.golden, c.call("setCustomFields", http.MethodPatch, "/v1/subscribers/404/customFields", tc.body))
		})
	}
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
