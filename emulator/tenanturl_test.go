package emulator_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/internal/golden"
)

// tenantURLs is what a tenant's creation answer gives each platform.
type tenantURLs struct {
	ID           string `json:"id"`
	ControlToken string `json:"control_token"`
	CleverApp    struct {
		APIToken string `json:"api_token"`
		BaseURL  string `json:"base_url"`
	} `json:"cleverapp"`
	Onebot struct {
		APIToken string `json:"api_token"`
		BaseURL  string `json:"base_url"`
	} `json:"onebot"`
	Salebot struct {
		APIKey  string `json:"api_key"`
		BaseURL string `json:"base_url"`
	} `json:"salebot"`
	BotHelp struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		BaseURL      string `json:"base_url"`
		TokenURL     string `json:"token_url"`
	} `json:"bothelp"`
}

func urlsOf(t *testing.T, tn *fakebotstest.Tenant) tenantURLs {
	t.Helper()
	raw, err := json.Marshal(tn.Raw)
	require.NoError(t, err)
	var u tenantURLs
	require.NoError(t, json.Unmarshal(raw, &u))
	return u
}

func TestTenantAnswerCarriesBaseURLsAndControlToken(t *testing.T) {
	s := newServer(t)
	u := urlsOf(t, s.NewTenant(t))
	p := "/t/" + u.ID
	require.Equal(t, p+"/cleverapp/api/v1", u.CleverApp.BaseURL)
	require.Equal(t, p+"/onebot/api/v1", u.Onebot.BaseURL)
	require.Equal(t, p+"/salebot/api/"+u.Salebot.APIKey, u.Salebot.BaseURL)
	require.Equal(t, p+"/bothelp", u.BotHelp.BaseURL)
	require.Equal(t, p+"/bothelp/oauth2/token", u.BotHelp.TokenURL)
	require.Regexp(t, `^ct_[0-9a-f]{32}$`, u.ControlToken)
}

func bothelpToken(t *testing.T, s *fakebotstest.Server, tokenURL, id, secret string) *fakebotstest.Response {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}}
	return s.Do(t, http.MethodPost, tokenURL, form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
}

func TestTenantBaseURLsServeEveryPlatform(t *testing.T) {
	s := newServer(t)
	u := urlsOf(t, s.NewTenant(t))
	for _, base := range []struct{ url, token string }{{u.CleverApp.BaseURL, u.CleverApp.APIToken}, {u.Onebot.BaseURL, u.Onebot.APIToken}} {
		r := s.Do(t, http.MethodGet, base.url+"/getMe?api_token="+base.token, nil, "X-Requested-With", xhr)
		require.Equal(t, http.StatusOK, r.Status, base.url+": "+string(r.Body))
	}
	r := s.Do(t, http.MethodGet, u.Salebot.BaseURL+"/connected_channels", nil)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	tok := bothelpToken(t, s, u.BotHelp.TokenURL, u.BotHelp.ClientID, u.BotHelp.ClientSecret)
	require.Equal(t, http.StatusOK, tok.Status, string(tok.Body))
	var token struct {
		AccessToken string `json:"access_token"`
	}
	tok.JSON(t, &token)
	bots := s.Do(t, http.MethodGet, u.BotHelp.BaseURL+"/v1/bots", nil, "Authorization", "Bearer "+token.AccessToken)
	require.Equal(t, http.StatusMovedPermanently, bots.Status)
	require.Equal(t, s.URL+u.BotHelp.BaseURL+"/v1/bots/", bots.Header.Get("Location"), "the redirect stays on the tenant's URL")
	bots = s.Do(t, http.MethodGet, u.BotHelp.BaseURL+"/v1/bots/", nil, "Authorization", "Bearer "+token.AccessToken)
	require.Equal(t, http.StatusOK, bots.Status, string(bots.Body))
}

// TestAnotherTenantsCredentialThroughATenantURL: each platform answers as it
// does for a credential it does not know, and the call is journaled to the
// tenant whose URL it was.
func TestAnotherTenantsCredentialThroughATenantURL(t *testing.T) {
	s := newServer(t)
	mine, theirs := urlsOf(t, s.NewTenant(t)), urlsOf(t, s.NewTenant(t))

	ca := s.Do(t, http.MethodGet, mine.CleverApp.BaseURL+"/getMe?api_token="+theirs.CleverApp.APIToken, nil, "X-Requested-With", xhr)
	golden.Assert(t, "foreign_cleverapp_401.golden", golden.Response(ca.Status, ca.Header, ca.Body, "Content-Type"))

	foreignKey := "/t/" + mine.ID + "/salebot/api/" + theirs.Salebot.APIKey + "/connected_channels"
	sb := s.Do(t, http.MethodGet, foreignKey, nil)
	unknown := s.Do(t, http.MethodGet, "/salebot/api/no-such-key/connected_channels", nil)
	require.Equal(t, unknown.Status, sb.Status, string(sb.Body))
	require.Equal(t, string(unknown.Body), string(sb.Body), "as a key Salebot does not know")

	tok := bothelpToken(t, s, mine.BotHelp.TokenURL, theirs.BotHelp.ClientID, theirs.BotHelp.ClientSecret)
	golden.Assert(t, "foreign_bothelp_token.golden", golden.Response(tok.Status, tok.Header, tok.Body, "Content-Type"))
	theirToken := bothelpToken(t, s, theirs.BotHelp.TokenURL, theirs.BotHelp.ClientID, theirs.BotHelp.ClientSecret)
	var token struct {
		AccessToken string `json:"access_token"`
	}
	theirToken.JSON(t, &token)
	api := s.Do(t, http.MethodGet, mine.BotHelp.BaseURL+"/v1/bots/", nil, "Authorization", "Bearer "+token.AccessToken)
	golden.Assert(t, "foreign_bothelp_api.golden", golden.Response(api.Status, api.Header, api.Body, "Content-Type", "Www-Authenticate"))

	// The tenant sees its refused calls in its own journal; the other sees none of them.
	var journal struct {
		Data []struct {
			Platform string `json:"platform"`
			Response struct {
				Status int `json:"status"`
			} `json:"response"`
		} `json:"data"`
	}
	s.Do(t, http.MethodGet, "/__fakebots/journal?tenant="+mine.ID, nil).JSON(t, &journal)
	var got []string
	for _, e := range journal.Data {
		got = append(got, e.Platform+" "+http.StatusText(e.Response.Status))
	}
	require.Equal(t, []string{"bothelp Unauthorized", "bothelp Bad Request", "salebot " + http.StatusText(unknown.Status), "cleverapp Unauthorized"}, got)
	var theirs2 struct{ Data []json.RawMessage }
	s.Do(t, http.MethodGet, "/__fakebots/journal?tenant="+theirs.ID, nil).JSON(t, &theirs2)
	require.Len(t, theirs2.Data, 1, "only its own token request")
}

func TestMissingCredentialThroughATenantURLIsTheTenants(t *testing.T) {
	s := newServer(t)
	u := urlsOf(t, s.NewTenant(t))
	r := s.Do(t, http.MethodGet, u.CleverApp.BaseURL+"/getMe", nil, "X-Requested-With", xhr)
	require.Equal(t, http.StatusUnauthorized, r.Status)
	var journal struct {
		Data []struct {
			TenantID string `json:"tenant_id"`
		} `json:"data"`
	}
	s.Do(t, http.MethodGet, "/__fakebots/journal?tenant="+u.ID, nil).JSON(t, &journal)
	require.Len(t, journal.Data, 1)
	require.Equal(t, u.ID, journal.Data[0].TenantID)
}

func TestUnknownTenantURL(t *testing.T) {
	s := newServer(t)
	r := s.Do(t, http.MethodGet, "/t/nobody/cleverapp/api/v1/getMe", nil)
	require.Equal(t, http.StatusNotFound, r.Status)
	require.JSONEq(t, `{"error":"no tenant nobody","path":"/t/nobody/cleverapp/api/v1/getMe"}`, string(r.Body))
	r = s.Do(t, http.MethodGet, "/t/nobody", nil)
	require.Equal(t, http.StatusNotFound, r.Status)
}

// TestDeletedTenantURL: a tenant's URL stops answering for it once it is
// deleted, though it answered just before.
func TestDeletedTenantURL(t *testing.T) {
	s := newServer(t)
	tn := s.NewTenant(t)
	target := tn.CleverApp.BaseURL + "/getMe?api_token=" + tn.CleverApp.APIToken
	require.Equal(t, http.StatusOK, s.Do(t, http.MethodGet, target, nil, "X-Requested-With", xhr).Status)
	require.Equal(t, http.StatusNoContent, s.Do(t, http.MethodDelete, "/__fakebots/tenants/"+tn.ID, nil).Status)
	r := s.Do(t, http.MethodGet, target, nil, "X-Requested-With", xhr)
	require.Equal(t, http.StatusNotFound, r.Status)
	require.JSONEq(t, `{"error":"no tenant `+tn.ID+`","path":"/t/`+tn.ID+`/cleverapp/api/v1/getMe"}`, string(r.Body))
}
