package bothelp_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// apiInternalError is the API's answer to a failure of the emulator.
const apiInternalError = `{"success":false,"error":{"code":"INTERNAL_ERROR","message":"Internal server error"}}`

// An API call whose reads or writes the database refuses answers the
// internal error and logs the cause; it never answers as if it had read
// nothing or written everything.
func TestAPICallsOverABrokenDatabaseAnswerTheInternalError(t *testing.T) {
	b := newBrokenDB(t)
	control := b.must
	withBoomBot := func(t *testing.T, tn *fakebotstest.Tenant) {
		control(t, tn, http.MethodPost, "bots", `{"title":"boom","steps":["boom"]}`)
	}
	subscribers := func(t *testing.T, tn *fakebotstest.Tenant) {
		control(t, tn, http.MethodPost, "subscribers", `{"subscribers":[{"user_id":"boom"},{"user_id":"42","channel_type":"facebook"}]}`)
	}
	notFoundSteps := func(t *testing.T, tn *fakebotstest.Tenant) {
		control(t, tn, http.MethodPatch, "settings", `{"unknown_bot_steps":"not_found"}`)
		control(t, tn, http.MethodPost, "bots", `{"title":"x","referral":"boom"}`)
	}
	for _, tc := range []struct {
		name          string
		prepare       func(t *testing.T, tn *fakebotstest.Tenant)
		breaks, mends string // statements, {tenant} the tenant id
		view          *view  // in the place of a table, made before breaks
		method, path  string // path after /bothelp
		body          string
		cause         string // in the log line
	}{{
		name:   "unreadable bots",
		breaks: gone("bh_bots"), mends: back("bh_bots"),
		method: http.MethodGet, path: "/v1/bots/", cause: "no such table: bh_bots",
	}, {
		name:   "a bot that cannot be read",
		view:   nulled("bh_bots", "title"),
		method: http.MethodGet, path: "/v1/bots/", cause: "converting NULL to string",
	}, {
		name:    "bots whose reading fails part way",
		prepare: withBoomBot,
		view:    failing("bh_bots", "title"),
		method:  http.MethodGet, path: "/v1/bots/", cause: "integer overflow",
	}, {
		name:   "unreadable steps",
		breaks: gone("bh_steps"), mends: back("bh_steps"),
		method: http.MethodGet, path: "/v1/bots/c1/steps", cause: "no such table: bh_steps",
	}, {
		name:   "the steps of an unknown bot in an unreadable account",
		breaks: gone("bh_accounts"), mends: back("bh_accounts"),
		method: http.MethodGet, path: "/v1/bots/c1/steps", cause: "no such table: bh_accounts",
	}, {
		name:    "the steps of a bot that cannot be looked up",
		prepare: notFoundSteps,
		view:    failing("bh_bots", "referral"),
		method:  http.MethodGet, path: "/v1/bots/c1/steps", cause: "integer overflow",
	}, {
		name:    "a run of a bot that cannot be looked up",
		prepare: subscribers,
		breaks:  gone("bh_bots"), mends: back("bh_bots"),
		method: http.MethodPost, path: "/v1/subscribers/2/bot", body: `{"botReferral":"c1"}`, cause: "no such table: bh_bots",
	}, {
		name:    "a funnel that cannot be looked up",
		prepare: subscribers,
		breaks:  gone("bh_funnels"), mends: back("bh_funnels"),
		method: http.MethodPost, path: "/v1/subscribers/2/funnel", body: `{"funnelReferral":"1"}`, cause: "no such table: bh_funnels",
	}, {
		name:    "an action that cannot be recorded",
		prepare: subscribers,
		breaks:  `CREATE TRIGGER no_actions BEFORE INSERT ON bh_actions WHEN new.tenant_id = '{tenant}' BEGIN SELECT json('not recorded'); END`, mends: `DROP TRIGGER no_actions`,
		method: http.MethodPost, path: "/v1/subscribers/2/bot", body: `{"botReferral":"c1"}`, cause: "malformed JSON",
	}, {
		name:    "a subscriber that cannot be read",
		prepare: subscribers,
		breaks:  gone("bh_subscribers"), mends: back("bh_subscribers"),
		method: http.MethodPost, path: "/v1/subscribers/2/bot", body: `{"botReferral":"c1"}`, cause: "no such table: bh_subscribers",
	}, {
		name:    "a CUID in an unreadable account",
		prepare: subscribers,
		breaks:  gone("bh_accounts"), mends: back("bh_accounts"),
		method: http.MethodPost, path: "/v1/subscribers/cuid/x.2/bot", body: `{"botReferral":"c1"}`, cause: "no such table: bh_accounts",
	}, {
		name:    "a messenger id that cannot be looked up",
		prepare: subscribers,
		view:    failing("bh_subscribers", "user_id"),
		method:  http.MethodPost, path: "/v2/subscribers/messenger/42/bot", body: `{"botReferral":"c1"}`, cause: "integer overflow",
	}, {
		name:    "messages to a subscriber of an unreadable account",
		prepare: subscribers,
		breaks:  gone("bh_accounts"), mends: back("bh_accounts"),
		method: http.MethodPost, path: "/v1/subscribers/2/messages", body: `[{"content":"x"}]`, cause: "no such table: bh_accounts",
	}, {
		name:    "a message that cannot be queued",
		prepare: subscribers,
		breaks:  `CREATE TRIGGER no_messages BEFORE INSERT ON outbox WHEN new.tenant_id = '{tenant}' BEGIN SELECT json('refused'); END`, mends: `DROP TRIGGER no_messages`,
		method: http.MethodPost, path: "/v1/subscribers/2/messages", body: `[{"content":"x"}]`, cause: "malformed JSON",
	}, {
		name: "a message that cannot be marked failed",
		prepare: func(t *testing.T, tn *fakebotstest.Tenant) {
			control(t, tn, http.MethodPost, "subscribers", `{"subscribers":[{"subscribed":false}]}`)
		},
		breaks: `CREATE TRIGGER no_failures BEFORE UPDATE ON outbox WHEN new.tenant_id = '{tenant}' BEGIN SELECT json('refused'); END`, mends: `DROP TRIGGER no_failures`,
		method: http.MethodPost, path: "/v1/subscribers/1/messages", body: `[{"content":"x"}]`, cause: "malformed JSON",
	}, {
		name:    "a custom field that cannot be written",
		prepare: subscribers,
		breaks:  `CREATE TRIGGER no_fields BEFORE INSERT ON bh_custom_fields WHEN new.tenant_id = '{tenant}' BEGIN SELECT json('refused'); END`, mends: `DROP TRIGGER no_fields`,
		method: http.MethodPatch, path: "/v1/subscribers/2/customFields", body: `[{"op":"replace","path":"/a","value":"1"}]`, cause: "malformed JSON",
	}, {
		name:   "the subscribers of an unreadable account",
		breaks: gone("bh_accounts"), mends: back("bh_accounts"),
		method: http.MethodGet, path: "/v1/subscribers/", cause: "no such table: bh_accounts",
	}, {
		name:   "unreadable subscribers",
		breaks: gone("bh_subscribers"), mends: back("bh_subscribers"),
		method: http.MethodGet, path: "/v1/subscribers/", cause: "no such table: bh_subscribers",
	}, {
		name: "subscribers whose reading fails",
		prepare: func(t *testing.T, tn *fakebotstest.Tenant) {
			control(t, tn, http.MethodPost, "subscribers", `{"subscribers":[{},{"user_id":"boom"}]}`)
		},
		view:   failingByKey("bh_subscribers", "user_id"),
		method: http.MethodGet, path: "/v1/subscribers/", cause: "integer overflow",
	}, {
		name:    "a profile that cannot be read",
		prepare: subscribers,
		breaks:  gone("bh_subscribers"), mends: back("bh_subscribers"),
		method: http.MethodPatch, path: "/v1/subscribers/2", body: `[{"op":"replace","path":"/name","value":"Новое"}]`, cause: "no such table: bh_subscribers",
	}, {
		name:    "a profile whose tags cannot be read",
		prepare: subscribers,
		view:    nulled("bh_subscribers", "tags"),
		breaks:  `CREATE TRIGGER absorb INSTEAD OF UPDATE ON bh_subscribers BEGIN SELECT 1; END`,
		method:  http.MethodPatch, path: "/v1/subscribers/2", body: `[{"op":"replace","path":"/name","value":"Новое"}]`, cause: "converting NULL to string",
	}, {
		name:    "a profile change that cannot be written",
		prepare: subscribers,
		breaks:  `CREATE TRIGGER keep_profile BEFORE UPDATE ON bh_subscribers WHEN old.tenant_id = '{tenant}' BEGIN SELECT json('kept'); END`, mends: `DROP TRIGGER keep_profile`,
		method: http.MethodPatch, path: "/v1/subscribers/2", body: `[{"op":"replace","path":"/name","value":"Новое"}]`, cause: "malformed JSON",
	}, {
		name:   "a bearer token that cannot be looked up",
		breaks: gone("credentials"), mends: back("credentials"),
		method: http.MethodGet, path: "/v1/bots/", cause: "no such table: credentials",
	}, {
		name:   "a bearer token stored as no JSON",
		breaks: `UPDATE credentials SET data = '{' WHERE tenant_id = '{tenant}' AND kind = 'access_token'`,
		method: http.MethodGet, path: "/v1/bots/", cause: "unexpected end of JSON input",
	}, {
		name:   "a client that cannot be looked up",
		breaks: gone("credentials"), mends: back("credentials"),
		method: http.MethodPost, path: "/oauth2/token", cause: "no such table: credentials",
	}, {
		name:   "a client stored as no JSON",
		breaks: `UPDATE credentials SET data = '{' WHERE tenant_id = '{tenant}' AND kind = 'client'`,
		method: http.MethodPost, path: "/oauth2/token", cause: "unexpected end of JSON input",
	}, {
		name:   "a token for an unreadable account",
		breaks: gone("bh_accounts"), mends: back("bh_accounts"),
		method: http.MethodPost, path: "/oauth2/token", cause: "no such table: bh_accounts",
	}, {
		name:   "a token that cannot be written",
		breaks: `CREATE TRIGGER no_tokens BEFORE INSERT ON credentials WHEN new.tenant_id = '{tenant}' AND new.kind = 'access_token' BEGIN SELECT json('refused'); END`, mends: `DROP TRIGGER no_tokens`,
		method: http.MethodPost, path: "/oauth2/token", cause: "malformed JSON",
	}, {
		name: "earlier tokens that cannot be revoked",
		prepare: func(t *testing.T, tn *fakebotstest.Tenant) {
			control(t, tn, http.MethodPatch, "settings", `{"revoke_old_tokens":true}`)
		},
		breaks: `CREATE TRIGGER keep_tokens BEFORE DELETE ON credentials WHEN old.tenant_id = '{tenant}' BEGIN SELECT json('kept'); END`, mends: `DROP TRIGGER keep_tokens`,
		method: http.MethodPost, path: "/oauth2/token", cause: "malformed JSON",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			tn := b.f.NewTenant(t)
			if tc.prepare != nil {
				tc.prepare(t, tn)
			}
			token := tn.BotHelp.Token(t)
			b.log.Errors()
			if tc.view != nil {
				tc.view.create(t, b)
			}
			b.exec(t, tn.ID, tc.breaks)
			headers := []string{"Authorization", "Bearer " + token, "Content-Type", "application/json"}
			if tc.path == "/oauth2/token" {
				tc.body, headers = form(tn.BotHelp), []string{"Content-Type", "application/x-www-form-urlencoded"}
			}
			r := b.f.Do(t, tc.method, "/bothelp"+tc.path, tc.body, headers...)
			b.exec(t, tn.ID, tc.mends)
			if tc.view != nil {
				tc.view.drop(t, b) // and the triggers made on it
			}
			require.Equal(t, http.StatusInternalServerError, r.Status, string(r.Body))
			require.Equal(t, apiInternalError, string(r.Body))
			log := b.log.Errors()
			require.Equal(t, 1, strings.Count(log, "\n"), log)
			require.Contains(t, log, `level=ERROR msg="internal error" platform=bothelp path=`+tc.path+` err=`)
			require.Contains(t, log, tc.cause)
		})
	}
}
