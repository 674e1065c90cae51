package cleverapp_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/platform"
)

// method is one method of the catalogue with the HTTP methods its route takes.
type method struct {
	name  string
	verbs []string // as Laravel lists them in a 405
}

var (
	get  = []string{"GET", "HEAD"}
	post = []string{"POST"}
)

// catalogue is the API's 37 methods (reference §1.3). getReferrals also
// answers GET, as a real client uses it.
var catalogue = []method{
	{"getMe", get},
	{"getContacts", get}, {"createOrUpdateContact", post},
	{"getContactVariables", get}, {"setContactVariable", post}, {"deleteContactVariable", post},
	{"getBotTags", get}, {"getContactTags", get}, {"attachTagToContact", post}, {"detachTagFromContact", post},
	{"getContactAccounts", get}, {"addContactAccount", post}, {"deleteContactAccount", post},
	{"addFundsToContactAccount", post}, {"withdrawFundsFromContactAccount", post},
	{"getContactCryptoAccounts", get}, {"addContactCryptoAccount", post}, {"deleteContactCryptoAccount", post},
	{"addFundsToContactCryptoAccount", post}, {"withdrawFundsFromContactCryptoAccount", post},
	{"getReferrers", get}, {"getReferrals", []string{"GET", "HEAD", "POST"}}, {"getCountReferrals", post},
	{"getListSchemas", get}, {"getListSchema", get}, {"createListSchema", post},
	{"addListSchemaField", post}, {"deleteListSchemaField", post}, {"deleteListSchema", post},
	{"getListItems", post}, {"addListItem", post}, {"updateListItem", post}, {"deleteListItem", post},
	{"sendMessage", post}, {"sendMessageToWhatsApp", post}, {"sendMessageToQueue", post},
}

// TestCatalogueIsTheSpec keeps the table above and specs/cleverapp.yaml in step.
func TestCatalogueIsTheSpec(t *testing.T) {
	f := newFake(t)
	var fromSpec, fromTable []string
	p := f.Emulator.Platform("cleverapp")
	require.NotNil(t, p)
	for _, op := range p.Spec().Operations {
		if op.Path != "/login" {
			fromSpec = append(fromSpec, op.Method+" "+op.Path)
		}
	}
	for _, m := range catalogue {
		for _, v := range m.verbs {
			if v != "HEAD" {
				fromTable = append(fromTable, v+" /api/v1/"+m.name)
			}
		}
	}
	sort.Strings(fromSpec)
	sort.Strings(fromTable)
	require.Len(t, catalogue, 36) // the reference's 37 counts sendMessage's two documented variants
	require.Len(t, fromSpec, 37)  // getReferrals' GET route is an operation of its own
	require.Equal(t, fromTable, fromSpec)
}

// wrongVerb is a method the route does not take.
func (m method) wrongVerb() string {
	if len(m.verbs) == 3 {
		return http.MethodPut
	}
	if m.verbs[0] == http.MethodGet {
		return http.MethodPost
	}
	return http.MethodGet
}

func (m method) rightVerb() string {
	if m.verbs[0] == http.MethodGet && len(m.verbs) == 3 {
		return http.MethodPost
	}
	return m.verbs[0]
}

func TestEveryMethodGuardsItsRoute(t *testing.T) {
	f := newFake(t)
	base := f.Tenant.CleverApp.BaseURL + "/"
	for _, m := range catalogue {
		t.Run(m.name, func(t *testing.T) {
			noToken := f.Do(t, m.rightVerb(), base+m.name, nil, "X-Requested-With", "XMLHttpRequest")
			assertAnswer(t, f, m.name, noToken, http.StatusUnauthorized, `{"message":"Unauthenticated."}`)

			badToken := f.Do(t, m.rightVerb(), base+m.name+"?api_token=not-a-token", nil, "X-Requested-With", "XMLHttpRequest")
			assertAnswer(t, f, m.name, badToken, http.StatusUnauthorized, `{"message":"Unauthenticated."}`)

			wrong := call(t, f, m.wrongVerb(), m.name, nil)
			list := joinVerbs(m.verbs)
			assertAnswer(t, f, m.name, wrong, http.StatusMethodNotAllowed,
				`{"message":"The `+m.wrongVerb()+` method is not supported for this route. Supported methods: `+list+`."}`)
			require.Equal(t, list, wrong.Header.Get("Allow"))
		})
	}
}

func joinVerbs(verbs []string) string {
	out := verbs[0]
	for _, v := range verbs[1:] {
		out += ", " + v
	}
	return out
}

// A guest that does not ask for JSON is sent to the login page, as Laravel
// does for a browser; the docs' header is what makes it a 401.
func TestGuestWithoutTheHeaderIsRedirectedToLogin(t *testing.T) {
	f := newFake(t)
	client := *f.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, c := range []struct{ method, url string }{
		{http.MethodGet, f.Tenant.CleverApp.BaseURL + "/getMe"},
		{http.MethodPost, f.Tenant.CleverApp.BaseURL + "/sendMessage?api_token=not-a-token"},
	} {
		req, err := http.NewRequest(c.method, c.url, nil)
		require.NoError(t, err)
		resp, err := client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusFound, resp.StatusCode)
		require.Equal(t, strings.TrimSuffix(f.CleverApp.BaseURL, "/api/v1")+"/login", resp.Header.Get("Location"), "the login page at the tenant's own address")
	}
}

func TestLapsedPlanIsForbidden(t *testing.T) {
	f := newFake(t)
	f.CleverApp.SetPlan(t, "free")
	r := call(t, f, http.MethodGet, "getMe", nil)
	assertAnswer(t, f, "getMe", r, http.StatusForbidden, `{"message":"Forbidden"}`)
}

// The token rides in the query, the body, a Bearer header or a Basic password.
func TestTokenTransports(t *testing.T) {
	f := newFake(t)
	url := f.Tenant.CleverApp.BaseURL + "/getMe"
	token := f.Tenant.CleverApp.APIToken
	for name, r := range map[string]*fakebotstest.Response{
		"body":   f.Do(t, http.MethodGet, url, map[string]string{"api_token": token}, "Accept", "application/json"),
		"bearer": f.Do(t, http.MethodGet, url, nil, "Accept", "application/json", "Authorization", "Bearer "+token),
	} {
		require.Equal(t, http.StatusOK, r.Status, "%s: %s", name, r.Body)
	}
}

// A body past the emulator's bound, or a JSON body of more values than PHP
// would decode, is PostTooLargeException's 413, before the token is looked at.
func TestABodyPastTheBoundIsTooLarge(t *testing.T) {
	f := newFake(t, fakebotstest.WithEmulatorOptions(emulator.WithMaxBodyBytes(64)))
	for _, token := range []string{f.Tenant.CleverApp.APIToken, "not-a-token"} {
		r := f.Do(t, http.MethodPost, f.Tenant.CleverApp.BaseURL+"/setContactVariable?api_token="+token,
			map[string]any{"contact_id": 1, "name": "Город", "value": strings.Repeat("Казань", 20)}, "X-Requested-With", "XMLHttpRequest")
		require.Equal(t, http.StatusRequestEntityTooLarge, r.Status, token)
		require.Equal(t, `{"message":""}`, string(r.Body), token) // the spec declares no 413: the service's own bound is not known
	}
	f = newFake(t)
	values := "[" + strings.Repeat("0,", platform.MaxInputValues) + "0]"
	for _, token := range []string{f.Tenant.CleverApp.APIToken, "not-a-token"} {
		r := f.Do(t, http.MethodPost, f.Tenant.CleverApp.BaseURL+"/setContactVariable?api_token="+token, values,
			"X-Requested-With", "XMLHttpRequest", "Content-Type", "application/json")
		require.Equal(t, http.StatusRequestEntityTooLarge, r.Status, token)
		require.Equal(t, `{"message":""}`, string(r.Body), token)
	}
}

// The login page guests are sent to is the web app's form, posting to the
// brand's own address.
func TestTheLoginPageIsAForm(t *testing.T) {
	f := newFake(t)
	base := strings.TrimSuffix(f.Tenant.CleverApp.BaseURL, "/api/v1")
	r := f.Do(t, http.MethodGet, base+"/login", nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, "text/html; charset=UTF-8", r.Header.Get("Content-Type"))
	require.Equal(t, `<!DOCTYPE html>
<html lang="ru">
<head><meta charset="utf-8"><title>CleverApp — Вход</title></head>
<body><form method="POST" action="`+base+`/login"><input type="email" name="email"><input type="password" name="password"><button type="submit">Войти</button></form></body>
</html>
`, string(r.Body))
}

// The start-up banner's example calls getMe with the tenant's token, as
// the docs ask, and works for both brands.
func TestTheCurlExampleCallsGetMe(t *testing.T) {
	f := newFake(t)
	for _, brand := range []string{"cleverapp", "onebot"} {
		var creds struct {
			APIToken string `json:"api_token"`
		}
		raw, err := json.Marshal(f.Tenant.Raw[brand])
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &creds))
		example := f.Emulator.Platform(brand).(platform.Demonstrator).CurlExample(f.URL, raw)
		target := f.URL + "/" + brand + "/api/v1/getMe?api_token=" + creds.APIToken
		require.Equal(t, "curl -s -H 'X-Requested-With: XMLHttpRequest' '"+target+"'", example)
		r := f.Do(t, http.MethodGet, target, nil, "X-Requested-With", "XMLHttpRequest")
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	}
}
