package bothelp_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// An expired token answers "expired" for a day after it expired; the
// tenant's expired tokens are dropped when a token is issued, at most once
// an hour of its clock, and a dropped token is then just invalid.
func TestExpiredTokensAreForgottenADayAfterTheyExpire(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant) // issued at epoch: expires at epoch+1h, and drops the expired
	expired := c.token
	issueAt := func(at time.Duration) {
		t.Helper()
		f.SetTime(t, epoch.Add(at))
		f.Tenant.BotHelp.Token(t)
	}
	answers := func(golden string) {
		t.Helper()
		c.token = expired
		assertGolden(t, golden, c.call("listBots", http.MethodGet, "/v1/bots/", nil))
	}

	issueAt(24*time.Hour + 50*time.Minute) // drops what expired a day before: not this one yet
	answers("token_expired_401.golden")
	issueAt(25*time.Hour + 10*time.Minute) // a day after it expired, but within the hour of the last drop
	answers("token_expired_401.golden")
	issueAt(25*time.Hour + 50*time.Minute) // an hour after the last drop: dropped
	answers("token_invalid_401.golden")
}

// A client_id that names an access token is no client, even with the
// empty secret such a credential has.
func TestAnAccessTokenIsNoClient(t *testing.T) {
	f := newFake(t, nil)
	access := f.Tenant.BotHelp.Token(t)
	r := token(t, f, "application/x-www-form-urlencoded", url.Values{"grant_type": {"client_credentials"}, "client_id": {access}, "client_secret": {""}}.Encode())
	assertGolden(t, "token_bad_secret_400.golden", r)
}

// At a tenant's own URLs another tenant's credentials are unknown: its
// client credentials are an invalid client, its access token an invalid
// token.
func TestAnotherTenantsCredentialsAreUnknownAtATenantsOwnURLs(t *testing.T) {
	f := newFake(t, nil)
	mine, other := f.Tenant.BotHelp, f.NewTenant(t).BotHelp
	r := f.Do(t, http.MethodPost, mine.TokenURL, form(other), "Content-Type", "application/x-www-form-urlencoded")
	checkSpec(t, f, "getToken", r)
	assertGolden(t, "token_bad_secret_400.golden", r)

	r = f.Do(t, http.MethodGet, mine.BaseURL+"/v1/bots/", nil, "Authorization", "Bearer "+other.Token(t))
	checkSpec(t, f, "listBots", r)
	assertGolden(t, "token_invalid_401.golden", r)
}

// Each tenant's expired tokens are dropped on its own clock: another
// tenant issuing a token at a far later time does not make the drop due
// sooner.
func TestAnotherTenantsClockDoesNotHastenTheDrop(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant) // issued at epoch: expires at epoch+1h
	expired := c.token
	f.SetTime(t, epoch.Add(24*time.Hour+50*time.Minute))
	f.Tenant.BotHelp.Token(t) // drops what expired a day before: not this one yet

	later := f.NewTenant(t)
	later.SetTime(t, epoch.Add(30*24*time.Hour))
	later.BotHelp.Token(t)

	f.SetTime(t, epoch.Add(25*time.Hour+10*time.Minute))
	f.Tenant.BotHelp.Token(t) // within the hour of the last drop: nothing dropped
	c.token = expired
	assertGolden(t, "token_expired_401.golden", c.call("listBots", http.MethodGet, "/v1/bots/", nil))
}
