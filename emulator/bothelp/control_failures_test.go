package bothelp_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// A control route whose reads or writes the database refuses answers 500
// and logs the cause; one whose stored data cannot be decoded fails with
// the decoding error (answered 400, as the control API answers any plain
// error of a platform). None answers what it could not read or write.
func TestControlRoutesOverABrokenDatabaseFail(t *testing.T) {
	b := newBrokenDB(t)
	control := b.must
	// withAction has a subscriber run the bots "a" and "boom".
	withAction := func(t *testing.T, tn *fakebotstest.Tenant) {
		withSubscriber(t, tn)
		token := tn.BotHelp.Token(t)
		for _, bot := range []string{"a", "boom"} {
			r := b.f.Do(t, http.MethodPost, "/bothelp/v1/subscribers/1/bot", `{"botReferral":"`+bot+`"}`, "Authorization", "Bearer "+token, "Content-Type", "application/json")
			require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		}
	}
	for _, tc := range []struct {
		name          string
		prepare       func(t *testing.T, tn *fakebotstest.Tenant)
		breaks, mends string // statements, {tenant} the tenant id
		view          *view  // in the place of a table
		method, path  string
		body          string
		cause         string // in the log line
		refused       string // a 400 answer instead: what the control API takes for the caller's error
	}{{
		name:   "credentials unreadable",
		breaks: gone("credentials"), mends: back("credentials"),
		method: http.MethodGet, path: "credentials", cause: "no such table: credentials",
	}, {
		name:   "client credentials stored as no JSON",
		breaks: `UPDATE credentials SET data = '{' WHERE tenant_id = '{tenant}' AND kind = 'client'`,
		method: http.MethodGet, path: "credentials", refused: `{"error":"unexpected end of JSON input"}`,
	}, {
		name:    "an access token stored as no JSON",
		prepare: func(t *testing.T, tn *fakebotstest.Tenant) { tn.BotHelp.Token(t) },
		breaks:  `UPDATE credentials SET data = '{' WHERE tenant_id = '{tenant}' AND kind = 'access_token'`,
		method:  http.MethodGet, path: "credentials", refused: `{"error":"unexpected end of JSON input"}`,
	}, {
		name:   "new credentials over an unreadable account",
		breaks: gone("bh_accounts"), mends: back("bh_accounts"),
		method: http.MethodPut, path: "credentials", body: `{}`, cause: "no such table: bh_accounts",
	}, {
		name:   "old client credentials that cannot be dropped",
		breaks: `CREATE TRIGGER keep_client BEFORE DELETE ON credentials WHEN old.tenant_id = '{tenant}' BEGIN SELECT json('client kept'); END`, mends: `DROP TRIGGER keep_client`,
		method: http.MethodPut, path: "credentials", body: `{}`, cause: "malformed JSON",
	}, {
		name:   "settings of an unreadable account",
		breaks: gone("bh_accounts"), mends: back("bh_accounts"),
		method: http.MethodGet, path: "settings", cause: "no such table: bh_accounts",
	}, {
		name:   "settings stored as no JSON",
		breaks: `UPDATE bh_accounts SET settings = '{' WHERE tenant_id = '{tenant}'`,
		method: http.MethodGet, path: "settings", refused: `{"error":"settings: unexpected EOF"}`,
	}, {
		name:   "a settings change to an unreadable account",
		breaks: gone("bh_accounts"), mends: back("bh_accounts"),
		method: http.MethodPatch, path: "settings", body: `{}`, cause: "no such table: bh_accounts",
	}, {
		name:   "a settings change that cannot be written",
		breaks: `CREATE TRIGGER keep_settings BEFORE UPDATE ON bh_accounts WHEN old.tenant_id = '{tenant}' BEGIN SELECT json('settings kept'); END`, mends: `DROP TRIGGER keep_settings`,
		method: http.MethodPatch, path: "settings", body: `{}`, cause: "malformed JSON",
	}, {
		name:   "a bot that cannot be written",
		breaks: `CREATE TRIGGER no_bots BEFORE INSERT ON bh_bots WHEN new.tenant_id = '{tenant}' BEGIN SELECT json('refused'); END`, mends: `DROP TRIGGER no_bots`,
		method: http.MethodPost, path: "bots", body: `{"title":"Бот"}`, cause: "malformed JSON",
	}, {
		name:   "a step that cannot be written",
		breaks: `CREATE TRIGGER no_steps BEFORE INSERT ON bh_steps WHEN new.tenant_id = '{tenant}' BEGIN SELECT json('refused'); END`, mends: `DROP TRIGGER no_steps`,
		method: http.MethodPost, path: "bots", body: `{"title":"Бот","steps":["Шаг"]}`, cause: "malformed JSON",
	}, {
		name:   "a funnel that cannot be written",
		breaks: `CREATE TRIGGER no_funnels BEFORE INSERT ON bh_funnels WHEN new.tenant_id = '{tenant}' BEGIN SELECT json('refused'); END`, mends: `DROP TRIGGER no_funnels`,
		method: http.MethodPost, path: "funnels", body: `{"title":"Воронка"}`, cause: "malformed JSON",
	}, {
		name:   "a subscriber that cannot be written",
		breaks: `CREATE TRIGGER no_subscribers BEFORE INSERT ON bh_subscribers WHEN new.tenant_id = '{tenant}' BEGIN SELECT json('refused'); END`, mends: `DROP TRIGGER no_subscribers`,
		method: http.MethodPost, path: "subscribers", body: `{"subscribers":[{}]}`, refused: `{"error":"subscriber 1: SQL logic error: malformed JSON (1)"}`,
	}, {
		name:   "a custom field that cannot be written",
		breaks: `CREATE TRIGGER no_fields BEFORE INSERT ON bh_custom_fields WHEN new.tenant_id = '{tenant}' BEGIN SELECT json('refused'); END`, mends: `DROP TRIGGER no_fields`,
		method: http.MethodPost, path: "subscribers", body: `{"subscribers":[{"custom_fields":{"a":"1"}}]}`, refused: `{"error":"subscriber 1: SQL logic error: malformed JSON (1)"}`,
	}, {
		name:   "the subscribers of an unreadable account",
		breaks: gone("bh_accounts"), mends: back("bh_accounts"),
		method: http.MethodGet, path: "subscribers", cause: "no such table: bh_accounts",
	}, {
		name:   "unreadable subscribers",
		breaks: gone("bh_subscribers"), mends: back("bh_subscribers"),
		method: http.MethodGet, path: "subscribers", cause: "no such table: bh_subscribers",
	}, {
		name:    "a subscriber whose row cannot be read",
		prepare: withSubscriber,
		breaks:  `UPDATE bh_subscribers SET created_at = 'x' WHERE tenant_id = '{tenant}'`,
		method:  http.MethodGet, path: "subscribers",
		refused: `{"error":"sql: Scan error on column index 2, name \"created_at\": converting driver.Value type string (\"x\") to a int64: invalid syntax"}`,
	}, {
		name: "subscribers whose reading fails part way",
		prepare: func(t *testing.T, tn *fakebotstest.Tenant) {
			tn.BotHelp.AddSubscribers(t, fakebotstest.BotHelpSubscriber{}, fakebotstest.BotHelpSubscriber{Name: "boom"})
		},
		view:   failingByKey("bh_subscribers", "name"),
		method: http.MethodGet, path: "subscribers", cause: "integer overflow",
	}, {
		name:    "the custom fields of a listed subscriber unreadable",
		prepare: withSubscriber,
		breaks:  gone("bh_custom_fields"), mends: back("bh_custom_fields"),
		method: http.MethodGet, path: "subscribers", cause: "no such table: bh_custom_fields",
	}, {
		name:    "a custom field that cannot be read",
		prepare: withSubscriber,
		view:    nulled("bh_custom_fields", "value"),
		method:  http.MethodGet, path: "subscribers",
		refused: `{"error":"sql: Scan error on column index 1, name \"value\": converting NULL to string is unsupported"}`,
	}, {
		name:    "custom fields whose reading fails part way",
		prepare: withSubscriber,
		view:    failingByKey("bh_custom_fields", "name"),
		method:  http.MethodGet, path: "subscribers", cause: "integer overflow",
	}, {
		name:   "subscribers created in an unreadable account",
		breaks: gone("bh_accounts"), mends: back("bh_accounts"),
		method: http.MethodPost, path: "subscribers", body: `{"subscribers":[{}]}`, cause: "no such table: bh_accounts",
	}, {
		name:    "one subscriber of an unreadable account",
		prepare: withSubscriber,
		breaks:  gone("bh_accounts"), mends: back("bh_accounts"),
		method: http.MethodGet, path: "subscribers/1", cause: "no such table: bh_accounts",
	}, {
		name:   "one subscriber unreadable",
		breaks: gone("bh_subscribers"), mends: back("bh_subscribers"),
		method: http.MethodGet, path: "subscribers/1", cause: "no such table: bh_subscribers",
	}, {
		name:    "the custom fields of one subscriber unreadable",
		prepare: withSubscriber,
		breaks:  gone("bh_custom_fields"), mends: back("bh_custom_fields"),
		method: http.MethodGet, path: "subscribers/1", cause: "no such table: bh_custom_fields",
	}, {
		name:    "the actions of one subscriber unreadable",
		prepare: withSubscriber,
		breaks:  gone("bh_actions"), mends: back("bh_actions"),
		method: http.MethodGet, path: "subscribers/1", cause: "no such table: bh_actions",
	}, {
		name:   "unreadable actions",
		breaks: gone("bh_actions"), mends: back("bh_actions"),
		method: http.MethodGet, path: "actions", cause: "no such table: bh_actions",
	}, {
		name:    "an action that cannot be read",
		prepare: withAction,
		view:    nulled("bh_actions", "referral"),
		method:  http.MethodGet, path: "actions",
		refused: `{"error":"sql: Scan error on column index 4, name \"referral\": converting NULL to string is unsupported"}`,
	}, {
		name:    "actions whose reading fails part way",
		prepare: withAction,
		view:    failing("bh_actions", "referral"),
		method:  http.MethodGet, path: "actions", cause: "integer overflow",
	}, {
		name:   "unreadable bots",
		breaks: gone("bh_bots"), mends: back("bh_bots"),
		method: http.MethodGet, path: "bots", cause: "no such table: bh_bots",
	}, {
		name:   "unreadable steps",
		breaks: gone("bh_steps"), mends: back("bh_steps"),
		method: http.MethodGet, path: "bots", cause: "no such table: bh_steps",
	}, {
		name:   "unreadable funnels",
		breaks: gone("bh_funnels"), mends: back("bh_funnels"),
		method: http.MethodGet, path: "funnels", cause: "no such table: bh_funnels",
	}, {
		name:    "a subscriber whose id cannot be drawn",
		prepare: withSubscriber,
		view:    &view{"bh_subscribers", "id", `CASE WHEN user_id = 'boom' THEN abs(-9223372036854775808) ELSE id END`, ""},
		method:  http.MethodPost, path: "subscribers", body: `{"subscribers":[{}]}`, refused: `{"error":"subscriber 1: SQL logic error: integer overflow (1)"}`,
	}, {
		name: "a bot whose drawn referral cannot be checked",
		prepare: func(t *testing.T, tn *fakebotstest.Tenant) {
			control(t, tn, http.MethodPost, "bots", `{"title":"x","referral":"boom"}`)
		},
		view:   failing("bh_bots", "referral"),
		method: http.MethodPost, path: "bots", body: `{"title":"Бот"}`, cause: "integer overflow",
	}, {
		name:   "the end users of an unreadable account",
		breaks: gone("bh_accounts"), mends: back("bh_accounts"),
		method: http.MethodGet, path: "users", cause: "no such table: bh_accounts",
	}, {
		name:    "an end user of an unreadable account",
		prepare: withSubscriber,
		breaks:  gone("bh_accounts"), mends: back("bh_accounts"),
		method: http.MethodGet, path: "users/1", cause: "no such table: bh_accounts",
	}, {
		name:    "an end user unreadable",
		prepare: withSubscriber,
		breaks:  gone("bh_subscribers"), mends: back("bh_subscribers"),
		method: http.MethodGet, path: "users/1", cause: "no such table: bh_subscribers",
	}, {
		name:    "an end user whose id cannot be drawn",
		prepare: withSubscriber,
		view:    &view{"bh_subscribers", "id", `CASE WHEN user_id = 'boom' THEN abs(-9223372036854775808) ELSE id END`, ""},
		method:  http.MethodPost, path: "users", body: `{"platform_id":"1"}`, cause: "integer overflow",
	}, {
		name:    "an end user whose messenger id cannot be looked up",
		prepare: withSubscriber,
		view:    failing("bh_subscribers", "user_id"),
		method:  http.MethodPost, path: "users", body: `{"platform_id":"1"}`, cause: "integer overflow",
	}, {
		name:    "an end user whose unsubscribing cannot be written",
		prepare: withSubscriber,
		breaks:  `CREATE TRIGGER keep_subscribed BEFORE UPDATE ON bh_subscribers WHEN old.tenant_id = '{tenant}' BEGIN SELECT json('kept'); END`, mends: `DROP TRIGGER keep_subscribed`,
		method: http.MethodPost, path: "users/1/unsubscribe", cause: "malformed JSON",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			tn := b.f.NewTenant(t)
			if tc.prepare != nil {
				tc.prepare(t, tn)
			}
			b.exec(t, tn.ID, tc.breaks)
			if tc.view != nil {
				tc.view.create(t, b)
			}
			status, body := b.control(t, tn, tc.method, tc.path, tc.body)
			if tc.view != nil {
				tc.view.drop(t, b)
			}
			b.exec(t, tn.ID, tc.mends)
			if tc.refused != "" {
				require.Equal(t, http.StatusBadRequest, status)
				require.Equal(t, tc.refused, body)
				require.Empty(t, b.log.Errors())
				return
			}
			require.Equal(t, http.StatusInternalServerError, status, body)
			require.Equal(t, controlInternalError, body)
			log := b.log.Errors()
			require.Equal(t, 1, strings.Count(log, "\n"), log)
			require.Contains(t, log, `level=ERROR msg="control call failed" method=`+tc.method+` path=/__fakebots/tenants/`+tn.ID+`/bothelp/`+tc.path+` err=`)
			require.Contains(t, log, tc.cause)
		})
	}
}

// A tenant whose BotHelp account the database refuses to write is not
// made: the creation fails as the emulator's failure.
func TestTenantsWhoseAccountCannotBeWrittenAreNotMade(t *testing.T) {
	b := newBrokenDB(t)
	for _, tc := range []struct{ name, table, when string }{
		{"the account", "bh_accounts", "1"},
		{"the client credentials", "credentials", "new.platform = 'bothelp' AND new.kind = 'client'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b.exec(t, "", `CREATE TRIGGER refuse BEFORE INSERT ON `+tc.table+` WHEN `+tc.when+` BEGIN SELECT json('refused'); END`)
			r := b.f.Do(t, http.MethodPost, "/__fakebots/tenants", `{}`, "Content-Type", "application/json")
			b.exec(t, "", `DROP TRIGGER refuse`)
			require.Equal(t, http.StatusInternalServerError, r.Status, string(r.Body))
			require.Equal(t, controlInternalError, string(r.Body))
			log := b.log.Errors()
			require.Equal(t, 1, strings.Count(log, "\n"), log)
			require.Contains(t, log, `msg="control call failed" method=POST path=/__fakebots/tenants err=`)
			require.Contains(t, log, "malformed JSON")
		})
	}
}
