package bothelp_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

func form(bh fakebotstest.BotHelpAccount) string {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {bh.ClientID}, "client_secret": {bh.ClientSecret}}.Encode()
}

func TestTokenIsTheDocumentedBody(t *testing.T) {
	f := newFake(t, nil)
	bh := f.Tenant.BotHelp
	r := token(t, f, "application/x-www-form-urlencoded", form(bh))
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Regexp(t, `^\{"access_token":"[A-Za-z0-9]{40}","token_type":"Bearer","expires_in":3600\}$`, string(r.Body))
	assertGolden(t, "token_200.golden", r)
}

func TestTokenFromMultipartForm(t *testing.T) {
	f := newFake(t, nil)
	bh := f.Tenant.BotHelp
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range map[string]string{"grant_type": "client_credentials", "client_id": bh.ClientID, "client_secret": bh.ClientSecret} {
		require.NoError(t, w.WriteField(k, v))
	}
	require.NoError(t, w.Close())
	r := token(t, f, w.FormDataContentType(), body.String())
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
}

func TestTokenLifecycleOnTheClock(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)

	require.Equal(t, http.StatusOK, c.call("listBots", http.MethodGet, "/v1/bots/", nil).Status)
	f.Advance(t, 3599*time.Second)
	require.Equal(t, http.StatusOK, c.call("listBots", http.MethodGet, "/v1/bots/", nil).Status, "valid for 3600 s")

	f.Advance(t, time.Second)
	expired := c.call("listBots", http.MethodGet, "/v1/bots/", nil)
	require.Equal(t, http.StatusUnauthorized, expired.Status)
	assertGolden(t, "token_expired_401.golden", expired)

	old := c.token
	c.token = f.Tenant.BotHelp.Token(t)
	require.NotEqual(t, old, c.token)
	require.Equal(t, http.StatusOK, c.call("listBots", http.MethodGet, "/v1/bots/", nil).Status, "renewed")
}

func TestOldTokensStayValidUnlessRevoked(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	first := c.token
	c.token = f.Tenant.BotHelp.Token(t)
	c.token = first
	require.Equal(t, http.StatusOK, c.call("listBots", http.MethodGet, "/v1/bots/", nil).Status)

	c.settings(map[string]any{"revoke_old_tokens": true})
	second := f.Tenant.BotHelp.Token(t)
	require.Equal(t, http.StatusUnauthorized, c.call("listBots", http.MethodGet, "/v1/bots/", nil).Status)
	c.token = second
	require.Equal(t, http.StatusOK, c.call("listBots", http.MethodGet, "/v1/bots/", nil).Status)

	var creds struct {
		ClientID     string `json:"client_id"`
		AccessTokens []struct {
			AccessToken string `json:"access_token"`
			Expired     bool   `json:"expired"`
		} `json:"access_tokens"`
	}
	require.NoError(t, f.Control.Call(context.Background(), http.MethodGet, "/tenants/"+f.Tenant.ID+"/bothelp/credentials", nil, &creds))
	require.Equal(t, c.bh.ClientID, creds.ClientID)
	require.Len(t, creds.AccessTokens, 1)
	require.Equal(t, second, creds.AccessTokens[0].AccessToken)
}

func TestTokenErrors(t *testing.T) {
	f := newFake(t, nil)
	bh := f.Tenant.BotHelp
	for _, tc := range []struct {
		golden string
		form   url.Values
	}{
		{"token_no_grant_400.golden", url.Values{"client_id": {bh.ClientID}, "client_secret": {bh.ClientSecret}}},
		{"token_bad_grant_400.golden", url.Values{"grant_type": {"password"}, "client_id": {bh.ClientID}, "client_secret": {bh.ClientSecret}}},
		{"token_bad_secret_400.golden", url.Values{"grant_type": {"client_credentials"}, "client_id": {bh.ClientID}, "client_secret": {"nope"}}},
		{"token_bad_secret_400.golden", url.Values{"grant_type": {"client_credentials"}, "client_id": {"1:unknown"}, "client_secret": {bh.ClientSecret}}},
		{"token_bad_secret_400.golden", url.Values{"grant_type": {"client_credentials"}}},
	} {
		t.Run(tc.form.Encode(), func(t *testing.T) {
			assertGolden(t, tc.golden, token(t, f, "application/x-www-form-urlencoded", tc.form.Encode()))
		})
	}
	t.Run("token_error_status 401", func(t *testing.T) {
		require.NoError(t, f.Control.Call(context.Background(), http.MethodPatch, "/tenants/"+f.Tenant.ID+"/bothelp/settings", map[string]any{"token_error_status": 401}, nil))
		r := token(t, f, "application/x-www-form-urlencoded", url.Values{"grant_type": {"client_credentials"}, "client_id": {bh.ClientID}, "client_secret": {"nope"}}.Encode())
		require.Equal(t, http.StatusUnauthorized, r.Status)
	})
}

func TestBearerErrors(t *testing.T) {
	f := newFake(t, nil)
	bh := f.Tenant.BotHelp
	for _, tc := range []struct{ name, golden, auth string }{
		{"missing", "token_missing_401.golden", ""},
		{"unknown", "token_invalid_401.golden", "Bearer tf4Si1LydYpTAPyHXUgjig72jlrd5HpIJL5oigmc"},
		{"client id", "token_invalid_401.golden", "Bearer " + bh.ClientID}, // a client id is no access token
		{"basic", "token_missing_401.golden", "Basic " + bh.ClientID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.Do(t, http.MethodGet, "/bothelp/v1/subscribers/", nil, "Authorization", tc.auth)
			checkSpec(t, f, "listSubscribers", r)
			require.Equal(t, http.StatusUnauthorized, r.Status)
			assertGolden(t, tc.golden, r)
		})
	}
}

func TestRealHostsRouteByHostHeader(t *testing.T) {
	f := newFake(t, nil)
	bh := f.Tenant.BotHelp
	send := func(host, method, path, body, contentType, auth string) *fakebotstest.Response {
		req, err := http.NewRequest(method, f.URL+path, bytes.NewBufferString(body))
		require.NoError(t, err)
		req.Host = host
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Authorization", auth)
		return exchange(t, req)
	}
	tok := send("oauth.bothelp.io", http.MethodPost, "/oauth2/token", form(bh), "application/x-www-form-urlencoded", "")
	require.Equal(t, http.StatusOK, tok.Status, string(tok.Body))
	var got struct {
		AccessToken string `json:"access_token"`
	}
	tok.JSON(t, &got)
	auth := "Bearer " + got.AccessToken

	require.Equal(t, http.StatusOK, send("api.bothelp.io", http.MethodGet, "/v1/bots/", "", "", auth).Status)
	require.Equal(t, http.StatusNotFound, send("oauth.bothelp.io", http.MethodGet, "/v1/bots/", "", "", auth).Status, "the API is not on the OAuth host")
	require.Equal(t, http.StatusNotFound, send("api.bothelp.io", http.MethodPost, "/oauth2/token", form(bh), "application/x-www-form-urlencoded", "").Status, "the token endpoint is not on the API host")

	moved := send("api.bothelp.io", http.MethodGet, "/v1/bots?x=1", "", "", auth)
	require.Equal(t, http.StatusMovedPermanently, moved.Status)
	require.Equal(t, "http://api.bothelp.io/v1/bots/?x=1", moved.Header.Get("Location"))
}
