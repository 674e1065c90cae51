package cleverapp_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// callOnebot invokes an Onebot method with the tenant's Onebot token and
// checks the answer against Onebot's spec.
func callOnebot(t *testing.T, f *fakebotstest.Fake, method, op string, params any) *fakebotstest.Response {
	t.Helper()
	r := f.Do(t, method, f.Tenant.Onebot.BaseURL+"/"+op+"?api_token="+f.Tenant.Onebot.APIToken, params, "X-Requested-With", "XMLHttpRequest")
	checkSpecOf(t, f, "onebot", op, r)
	return r
}

func TestOnebotTokenWorksOnlyOnOnebot(t *testing.T) {
	f := newFake(t)
	require.Equal(t, http.StatusOK, callOnebot(t, f, http.MethodGet, "getMe", nil).Status)
	cross := []string{
		f.Tenant.CleverApp.BaseURL + "/getMe?api_token=" + f.Tenant.Onebot.APIToken,
		f.Tenant.Onebot.BaseURL + "/getMe?api_token=" + f.Tenant.CleverApp.APIToken,
	}
	for _, url := range cross {
		r := f.Do(t, http.MethodGet, url, nil, "X-Requested-With", "XMLHttpRequest")
		assertAnswer(t, f, "getMe", r, http.StatusUnauthorized, `{"message":"Unauthenticated."}`)
	}
}

// One tenant's Onebot and CleverApp data never mix: each brand sees only
// its own, and the other's ids are forbidden to it.
func TestOnebotDataIsSeparateFromCleverApp(t *testing.T) {
	f := newFake(t)
	var c struct{ Data struct{ ID int64 } }
	r := callOnebot(t, f, http.MethodPost, "createOrUpdateContact", map[string]any{
		"bot_id": f.Tenant.Onebot.BotID, "messenger": "whatsapp", "name": "Онбот Контакт", "phone": "79990001122",
	})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &c)
	r = callOnebot(t, f, http.MethodPost, "createListSchema", map[string]any{"name": "Записи", "fields": map[string]any{"day": map[string]any{"name": "День", "type": "date"}}})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	var schema struct{ Data struct{ ID string } }
	r.JSON(t, &schema)

	var contacts, schemas struct{ Meta struct{ Total int } }
	ok(t, f, http.MethodGet, "getContacts", nil, &contacts)
	require.Zero(t, contacts.Meta.Total)
	ok(t, f, http.MethodGet, "getListSchemas", nil, &schemas)
	require.Zero(t, schemas.Meta.Total)

	forbidden := []struct {
		op     string
		params map[string]any
	}{
		{"getContactTags", map[string]any{"contact_id": c.Data.ID}},
		{"getListSchema", map[string]any{"schema_id": schema.Data.ID}},
		{"getBotTags", map[string]any{"bot_id": f.Tenant.Onebot.BotID}},
	}
	for _, x := range forbidden {
		assertAnswer(t, f, x.op, invoke(t, f, x.op, x.params), http.StatusForbidden, `{"message":"Forbidden"}`)
	}
	// And the other way round.
	r = f.Do(t, http.MethodGet, f.Tenant.Onebot.BaseURL+"/getBotTags?bot_id="+strconv.FormatInt(f.Tenant.CleverApp.BotID, 10)+
		"&api_token="+f.Tenant.Onebot.APIToken, nil, "X-Requested-With", "XMLHttpRequest")
	require.Equal(t, http.StatusForbidden, r.Status, string(r.Body))
	checkSpecOf(t, f, "onebot", "getBotTags", r)
}

func TestOnebotSpecIsServedAsInferred(t *testing.T) {
	f := newFake(t)
	resp, err := f.Client().Get(f.URL + "/__fakebots/specs/onebot.yaml")
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	doc := string(raw)
	require.Contains(t, doc, "title: Onebot API (as emulated by fakebots)")
	require.Contains(t, doc, "https://app.onebot.tech")
	require.NotContains(t, doc, "x-fidelity: documented")
	require.NotContains(t, doc, "x-fidelity: observed")

	p := f.Emulator.Platform("onebot")
	require.NotNil(t, p)
	require.Len(t, p.Spec().Operations, 38) // the 37 API operations and the login page
	for _, op := range p.Spec().Operations {
		require.Equal(t, "inferred", op.Fidelity, op.ID)
		require.True(t, strings.HasPrefix(op.Source, "Mapped from CleverApp"), op.ID)
	}
}

func TestOnebotPlanSwitch(t *testing.T) {
	f := newFake(t)
	f.Onebot.SetPlan(t, "free")
	r := callOnebot(t, f, http.MethodGet, "getMe", nil)
	require.Equal(t, http.StatusForbidden, r.Status)
	require.Equal(t, `{"message":"Forbidden"}`, string(r.Body))
	// CleverApp's plan is its own.
	ok(t, f, http.MethodGet, "getMe", nil, nil)

	f.Onebot.SetPlan(t, "pro")
	require.Equal(t, http.StatusOK, callOnebot(t, f, http.MethodGet, "getMe", nil).Status)
}
