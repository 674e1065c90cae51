package bothelp_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

type patch = []map[string]any

func TestUpdateSubscriberProfileAndTags(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	s := c.seed(fakebotstest.BotHelpSubscriber{Name: "Иван", Tags: []string{"лид", "купил"}})[0]

	r := c.call("updateSubscriber", http.MethodPatch, "/v1/subscribers/"+itoa(s.ID), patch{
		{"op": "replace", "path": "/name", "value": "Иван Петров"},
		{"op": "replace", "path": "/email", "value": "ivan@example.com"},
		{"op": "replace", "path": "/phone", "value": 79991234567},
		{"op": "replace", "path": "/firstName", "value": "Иван"},
		{"op": "replace", "path": "/lastName", "value": "Петров"},
		{"op": "replace", "path": "/notes", "value": "VIP"},
		{"op": "add", "path": "/tags", "value": []string{"awesome", "лид", "best"}},
		{"op": "remove", "path": "/tags", "value": []string{"купил", "never-had"}},
	})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	assertGolden(t, "success_200.golden", r)

	d := c.detail(s.ID)
	require.Equal(t, "Иван Петров", d.Name)
	require.Equal(t, "ivan@example.com", d.Email)
	require.Equal(t, "79991234567", d.Phone)
	require.Equal(t, "Иван", d.FirstName)
	require.Equal(t, "Петров", d.LastName)
	require.Equal(t, "VIP", d.Notes)
	require.Equal(t, []string{"лид", "awesome", "best"}, d.Tags)

	p := c.page("phone=79991234567")
	require.Len(t, p.Data, 1, "the change is visible in the list at once")
}

// A removed tag goes wherever it stands in the list, first place included,
// and the others keep their order.
func TestRemovingTheFirstTag(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	s := c.seed(fakebotstest.BotHelpSubscriber{Name: "Иван", Tags: []string{"лид", "купил", "vip"}})[0]
	r := c.call("updateSubscriber", http.MethodPatch, "/v1/subscribers/"+itoa(s.ID), patch{
		{"op": "remove", "path": "/tags", "value": []string{"лид"}},
	})
	assertGolden(t, "success_200.golden", r)
	require.Equal(t, []string{"купил", "vip"}, c.detail(s.ID).Tags)
}

// Tags are an array of strings: a null among them is no tag, for add and
// remove alike, and the whole patch is refused.
func TestNullInTagsIsRefused(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	s := c.seed(fakebotstest.BotHelpSubscriber{Name: "Иван", Tags: []string{"лид"}})[0]
	for _, op := range []string{"add", "remove"} {
		r := c.call("updateSubscriber", http.MethodPatch, "/v1/subscribers/"+itoa(s.ID), patch{
			{"op": "replace", "path": "/name", "value": "Пётр"},
			{"op": op, "path": "/tags", "value": []any{"новый", nil}},
		})
		assertGolden(t, "expected_array_400.golden", r)
	}
	d := c.detail(s.ID)
	require.Equal(t, "Иван", d.Name, "nothing applied")
	require.Equal(t, []string{"лид"}, d.Tags)
}

func TestUpdateSubscriberAddressing(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	subs := c.seed(
		fakebotstest.BotHelpSubscriber{Name: "Telegram"},
		fakebotstest.BotHelpSubscriber{Name: "Facebook", ChannelType: "facebook", UserID: "7100000000000001"},
	)
	rename := func(op, path, name string) int {
		return c.call(op, http.MethodPatch, path, patch{{"op": "replace", "path": "/name", "value": name}}).Status
	}
	require.Equal(t, http.StatusOK, rename("updateSubscriberByCuid", "/v1/subscribers/cuid/"+subs[0].CUID, "по CUID"))
	require.Equal(t, "по CUID", c.detail(subs[0].ID).Name)
	require.Equal(t, http.StatusOK, rename("updateSubscriberByMessenger", "/v2/subscribers/messenger/7100000000000001", "по PSID"))
	require.Equal(t, "по PSID", c.detail(subs[1].ID).Name)

	for _, tc := range []struct{ op, path string }{
		{"updateSubscriber", "/v1/subscribers/999"},
		{"updateSubscriber", "/v1/subscribers/abc"},
		{"updateSubscriberByCuid", "/v1/subscribers/cuid/" + c.bh.CUIDPrefix + ".zz"},
		{"updateSubscriberByCuid", "/v1/subscribers/cuid/zzzz.1"},
		{"updateSubscriberByCuid", "/v1/subscribers/cuid/" + c.bh.CUIDPrefix + ".01"},
		{"updateSubscriberByMessenger", "/v2/subscribers/messenger/" + subs[0].UserID}, // Facebook only
	} {
		r := c.call(tc.op, http.MethodPatch, tc.path, patch{{"op": "replace", "path": "/name", "value": "x"}})
		assertGolden(t, "subscriber_404.golden", r)
	}
}

func TestUpdateSubscriberRejects(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	s := c.seed(fakebotstest.BotHelpSubscriber{Name: "Иван", Tags: []string{"лид"}})[0]
	for _, tc := range []struct {
		name, golden string
		body         any
	}{
		{"replace on /tags", "patch_not_recognized_400.golden", patch{{"op": "replace", "path": "/tags", "value": []string{"x"}}}},
		{"unknown op", "patch_not_recognized_400.golden", patch{{"op": "move", "path": "/name", "from": "/email"}}},
		{"unknown path", "patch_not_recognized_400.golden", patch{{"op": "replace", "path": "/city", "value": "Москва"}}},
		{"add to a field", "patch_not_recognized_400.golden", patch{{"op": "add", "path": "/name", "value": "x"}}},
		{"no op", "patch_not_recognized_400.golden", patch{{"path": "/name", "value": "x"}}},
		{"not an object", "patch_not_recognized_400.golden", []string{"replace"}},
		{"one tag as text", "expected_array_400.golden", patch{{"op": "add", "path": "/tags", "value": "x"}}},
		{"an object", "expected_array_400.golden", map[string]any{"op": "replace", "path": "/name", "value": "x"}},
		{"a name that is no text", "expected_string_400.golden", patch{{"op": "replace", "path": "/name", "value": map[string]any{}}}},
		{"no body", "json_decode_400.golden", ""},
		{"malformed", "json_decode_400.golden", "[{"},
		{"a form", "json_decode_400.golden", "op=replace&path=/name"},
		{"all or nothing", "patch_not_recognized_400.golden", patch{{"op": "replace", "path": "/name", "value": "Пётр"}, {"op": "replace", "path": "/tags", "value": []string{}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.call("updateSubscriber", http.MethodPatch, "/v1/subscribers/"+itoa(s.ID), tc.body, "Content-Type", "application/json")
			assertGolden(t, tc.golden, r)
		})
	}
	d := c.detail(s.ID)
	require.Equal(t, "Иван", d.Name, "nothing applied")
	require.Equal(t, []string{"лид"}, d.Tags)
}

func TestCustomFields(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	subs := c.seed(
		fakebotstest.BotHelpSubscriber{Name: "Иван"},
		fakebotstest.BotHelpSubscriber{Name: "Fb", ChannelType: "facebook", UserID: "7200000000000002"},
	)
	id := itoa(subs[0].ID)
	r := c.call("setCustomFields", http.MethodPatch, "/v1/subscribers/"+id+"/customFields", patch{
		{"op": "replace", "path": "/Бюджет", "value": "100 000 ₽"},
		{"op": "replace", "path": "/invite_link", "value": "https://t.me/+abc"},
		{"op": "replace", "path": "/a~1b~0c", "value": 42},
	})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	assertGolden(t, "success_200.golden", r)
	require.Equal(t, c.bh.CUID(subs[0].ID), subs[0].CUID)
	r = c.call("setCustomFieldsByCuid", http.MethodPatch, "/v1/subscribers/cuid/"+subs[0].CUID+"/customFields", patch{{"op": "replace", "path": "/Бюджет", "value": "5"}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, map[string]string{"Бюджет": "5", "invite_link": "https://t.me/+abc", "a/b~c": "42"}, c.detail(subs[0].ID).CustomFields)

	r = c.call("setCustomFieldsByMessenger", http.MethodPatch, "/v2/subscribers/messenger/7200000000000002/custom-fields", patch{{"op": "replace", "path": "/Город", "value": "Казань"}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, map[string]string{"Город": "Казань"}, c.detail(subs[1].ID).CustomFields)

	for _, tc := range []struct {
		name, golden string
		body         any
	}{
		{"another op", "patch_not_recognized_400.golden", patch{{"op": "add", "path": "/Бюджет", "value": "1"}}},
		{"no leading slash", "patch_not_recognized_400.golden", patch{{"op": "replace", "path": "Бюджет", "value": "1"}}},
		{"no name", "patch_not_recognized_400.golden", patch{{"op": "replace", "path": "/", "value": "1"}}},
		{"a list value", "expected_string_400.golden", patch{{"op": "replace", "path": "/Бюджет", "value": []int{1}}}},
		{"no body", "json_decode_400.golden", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertGolden(t, tc.golden, c.call("setCustomFields", http.MethodPatch, "/v1/subscribers/"+id+"/customFields", tc.body))
		})
	}
	assertGolden(t, "subscriber_404.golden", c.call("setCustomFields", http.MethodPatch, "/v1/subscribers/404/customFields", patch{{"op": "replace", "path": "/x", "value": "1"}}))
}
