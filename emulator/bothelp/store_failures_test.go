package bothelp_test

import (
	"bytes"
	"database/sql"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// brokenDB is an emulator of its own over a database file that a test
// changes behind the emulator's back, so that chosen statements fail as
// those of a broken database would, with the emulator's log kept.
type brokenDB struct {
	f   *fakebotstest.Fake
	db  *sql.DB
	log *syncBuffer
}

// syncBuffer is a log the emulator's handlers write to concurrently.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// errors returns the errors logged since the last call, one a line.
func (b *syncBuffer) errors() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out strings.Builder
	for _, line := range strings.SplitAfter(b.buf.String(), "\n") {
		if strings.HasPrefix(line, "level=ERROR ") {
			out.WriteString(line)
		}
	}
	b.buf.Reset()
	return out.String()
}

func newBrokenDB(t *testing.T) *brokenDB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	log := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	f := newFake(t, nil, emulator.WithDB(path), emulator.WithRateLimits(false), emulator.WithLogger(logger))
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	log.errors()
	return &brokenDB{f: f, db: db, log: log}
}

// exec runs statements on the database, {tenant} standing for tenantID.
func (b *brokenDB) exec(t *testing.T, tenantID, statements string) {
	t.Helper()
	if statements == "" {
		return
	}
	_, err := b.db.Exec(strings.ReplaceAll(statements, "{tenant}", tenantID))
	require.NoError(t, err)
}

// control calls a control route of the tenant's BotHelp account and returns
// the answer's status and body.
func (b *brokenDB) control(t *testing.T, tn *fakebotstest.Tenant, method, path, body string) (int, string) {
	t.Helper()
	r := b.f.Do(t, method, "/__fakebots/tenants/"+tn.ID+"/bothelp/"+path, body, "Content-Type", "application/json")
	return r.Status, string(r.Body)
}

// must calls a control route of the tenant's BotHelp account that has to
// succeed.
func (b *brokenDB) must(t *testing.T, tn *fakebotstest.Tenant, method, path, body string) {
	t.Helper()
	status, answer := b.control(t, tn, method, path, body)
	require.Less(t, status, 300, answer)
}

const controlInternalError = `{"error":"internal error: the emulator could not complete the call (see its log)"}`

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
				require.Empty(t, b.log.errors())
				return
			}
			require.Equal(t, http.StatusInternalServerError, status, body)
			require.Equal(t, controlInternalError, body)
			log := b.log.errors()
			require.Equal(t, 1, strings.Count(log, "\n"), log)
			require.Contains(t, log, `level=ERROR msg="control call failed" method=`+tc.method+` path=/__fakebots/tenants/`+tn.ID+`/bothelp/`+tc.path+` err=`)
			require.Contains(t, log, tc.cause)
		})
	}
}

// gone and back rename a table away and back: statements on it fail.
func gone(table string) string { return `ALTER TABLE ` + table + ` RENAME TO ` + table + `_real` }
func back(table string) string { return `ALTER TABLE ` + table + `_real RENAME TO ` + table }

// failing is a view in the place of table whose rows with column "boom"
// fail to compute (integer overflow): a read that fails after the rows
// before, which it reads in the table's order of insertion.
func failing(table, column string) *view {
	return &view{table, column, `CASE WHEN ` + column + ` = 'boom' THEN abs(-9223372036854775808) ELSE ` + column + ` END`, " NOT INDEXED"}
}

// failingByKey is failing, the rows read in the order of the table's key.
func failingByKey(table, column string) *view {
	v := failing(table, column)
	v.scan = ""
	return v
}

// nulled is a view in the place of table whose column is NULL: rows that
// cannot be scanned.
func nulled(table, column string) *view { return &view{table, column, `NULL`, ""} }

// view replaces a table with a view of its rows, column computed by expr,
// the table read with scan (NOT INDEXED: in rowid order).
type view struct{ table, column, expr, scan string }

func (v *view) create(t *testing.T, b *brokenDB) {
	t.Helper()
	rows, err := b.db.Query(`SELECT name FROM pragma_table_info(?)`, v.table)
	require.NoError(t, err)
	columns := []string{"rowid AS rowid"}
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		if name == v.column {
			name = v.expr + ` AS ` + name
		}
		columns = append(columns, name)
	}
	require.NoError(t, rows.Err())
	b.exec(t, "", gone(v.table)+`; CREATE VIEW `+v.table+` AS SELECT `+strings.Join(columns, ", ")+` FROM `+v.table+`_real`+v.scan)
}

func (v *view) drop(t *testing.T, b *brokenDB) {
	b.exec(t, "", `DROP VIEW `+v.table+`; `+back(v.table))
}

func withSubscriber(t *testing.T, tn *fakebotstest.Tenant) {
	tn.BotHelp.AddSubscribers(t, fakebotstest.BotHelpSubscriber{Name: "boom", UserID: "boom", CustomFields: map[string]string{"a": "1", "boom": "2"}})
}

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
		view          *view  // in the place of a table
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
		name:    "a subscriber whose row cannot be read",
		prepare: subscribers,
		breaks:  `UPDATE bh_subscribers SET created_at = 'x' WHERE tenant_id = '{tenant}'`,
		method:  http.MethodGet, path: "/v1/subscribers/", cause: "converting driver.Value type string",
	}, {
		name: "subscribers whose reading fails part way",
		prepare: func(t *testing.T, tn *fakebotstest.Tenant) {
			control(t, tn, http.MethodPost, "subscribers", `{"subscribers":[{},{"user_id":"boom"}]}`)
		},
		view:   failingByKey("bh_subscribers", "user_id"),
		method: http.MethodGet, path: "/v1/subscribers/", cause: "integer overflow",
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
			b.log.errors()
			b.exec(t, tn.ID, tc.breaks)
			if tc.view != nil {
				tc.view.create(t, b)
			}
			headers := []string{"Authorization", "Bearer " + token, "Content-Type", "application/json"}
			if tc.path == "/oauth2/token" {
				tc.body, headers = form(tn.BotHelp), []string{"Content-Type", "application/x-www-form-urlencoded"}
			}
			r := b.f.Do(t, tc.method, "/bothelp"+tc.path, tc.body, headers...)
			if tc.view != nil {
				tc.view.drop(t, b)
			}
			b.exec(t, tn.ID, tc.mends)
			require.Equal(t, http.StatusInternalServerError, r.Status, string(r.Body))
			require.Equal(t, apiInternalError, string(r.Body))
			log := b.log.errors()
			require.Equal(t, 1, strings.Count(log, "\n"), log)
			require.Contains(t, log, `level=ERROR msg="internal error" platform=bothelp path=`+tc.path+` err=`)
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
			log := b.log.errors()
			require.Equal(t, 1, strings.Count(log, "\n"), log)
			require.Contains(t, log, `msg="control call failed" method=POST path=/__fakebots/tenants err=`)
			require.Contains(t, log, "malformed JSON")
		})
	}
}
