package platform_test

import (
	"database/sql"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/store"
)

// inboxSchema is a platform's inbox and the users whose subscription it
// reads; failing_inbox is the inbox with a first row SQLite fails to
// compute (an integer overflow), so reading it fails midway.
const inboxSchema = `
CREATE TABLE inbox (
    id INTEGER PRIMARY KEY, tenant_id TEXT NOT NULL, user_id INTEGER NOT NULL, kind TEXT NOT NULL,
    text TEXT NOT NULL, attachments TEXT NOT NULL, reply_to TEXT NOT NULL,
    outbox_seq INTEGER NOT NULL, created_at INTEGER NOT NULL
);
CREATE TABLE inbox_users (tenant_id TEXT NOT NULL, id INTEGER NOT NULL, subscribed INTEGER NOT NULL);
CREATE VIEW failing_inbox AS SELECT id, tenant_id, user_id, kind, text, attachments, reply_to, outbox_seq,
    CASE WHEN id = 1 THEN abs(-9223372036854775807 - 1) ELSE created_at END AS created_at FROM inbox;
`

var (
	t0         = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	errUnknown = errors.New("no such user")
)

type inboxEnv struct {
	st    *store.Store
	inbox platform.Inbox
	c     *platform.ControlRequest
}

func newInboxEnv(t *testing.T) *inboxEnv {
	t.Helper()
	st, err := store.Open("", store.Migrations{Owner: "inboxtest", Files: fstest.MapFS{
		"migrations/0001_inbox.sql": {Data: []byte(inboxSchema)},
	}})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	require.NoError(t, st.Write(t.Context(), func(tx *store.Tx) error {
		if err := tx.InsertTenant(store.Tenant{ID: "t1", CreatedAt: t0}); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO inbox_users VALUES ('t1', 1, 1), ('t1', 2, 0)`)
		return err
	}))
	inbox := platform.Inbox{
		Platform: "p", Table: "inbox",
		Subscribed: func(tx *store.Tx, tenantID string, id int64) (bool, error) {
			var sub bool
			err := tx.QueryRow(`SELECT subscribed FROM inbox_users WHERE tenant_id = ? AND id = ?`, tenantID, id).Scan(&sub)
			if errors.Is(err, sql.ErrNoRows) {
				return false, errUnknown
			}
			return sub, err
		},
		SetSubscribed: func(tx *store.Tx, tenantID string, id int64, subscribed bool, _ time.Time) error {
			_, err := tx.Exec(`UPDATE inbox_users SET subscribed = ? WHERE tenant_id = ? AND id = ?`, subscribed, tenantID, id)
			return err
		},
	}
	c := &platform.ControlRequest{HTTP: httptest.NewRequest("POST", "/", nil), TenantID: "t1", Now: t0, Env: &platform.Env{Store: st}}
	return &inboxEnv{st: st, inbox: inbox, c: c}
}

func (e *inboxEnv) send(t *testing.T, text string, at time.Time, due time.Time) store.Message {
	t.Helper()
	var m store.Message
	require.NoError(t, e.st.Write(t.Context(), func(tx *store.Tx) error {
		var err error
		m, err = tx.Enqueue(store.Message{TenantID: "t1", Platform: "p", Operation: "send", Recipient: "1", Text: text,
			Payload: json.RawMessage(`{"att":"https://x.example/a.png"}`), CreatedAt: at, DueAt: due})
		return err
	}))
	return m
}

func (e *inboxEnv) subscribed(t *testing.T, id int64) bool {
	t.Helper()
	var sub bool
	require.NoError(t, e.st.QueryRow(t.Context(), `SELECT subscribed FROM inbox_users WHERE id = ?`, id).Scan(&sub))
	return sub
}

func summary(events []platform.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.ID + " " + e.Direction + " " + e.Kind + " " + e.Text
	}
	return out
}

func attachmentsOf(payload json.RawMessage) []platform.Attachment {
	var p struct{ Att string }
	_ = json.Unmarshal(payload, &p)
	return []platform.Attachment{platform.NewAttachment("image", p.Att)}
}

// TestInboxThread: what the outbox sent and what the user did, oldest
// first, ties broken by the order of recording; inbox events carry the
// outbox's last id then.
func TestInboxThread(t *testing.T) {
	e := newInboxEnv(t)
	e.send(t, "hello", t0, time.Time{})
	e.c.Now = t0.Add(time.Second)
	re, err := e.inbox.Act(e.c, 1, platform.Action{Text: "hi"})
	require.NoError(t, err)
	require.Equal(t, platform.Event{ID: "p:control:1", At: t0.Add(time.Second), Direction: platform.DirectionIn, Kind: platform.KindText,
		Text: "hi", Attachments: []platform.Attachment{}, Source: "control", Order: [2]int64{1, 1}}, re.Event)
	require.False(t, re.Webhook)
	e.send(t, "later", t0, t0.Add(time.Hour)) // scheduled: placed at its due time
	e.send(t, "same instant", t0.Add(time.Second), time.Time{})
	e.c.Now = t0.Add(time.Second)
	_, err = e.inbox.Act(e.c, 1, platform.Action{Text: "Да", Button: &platform.Button{Text: "Да"}, ReplyTo: "p:outbox:1",
		Attachments: []platform.Attachment{{Type: "file", URL: "https://x.example/f.pdf", Name: "f.pdf"}}})
	require.NoError(t, err)

	events, err := e.inbox.Thread(e.c, 1, attachmentsOf)
	require.NoError(t, err)
	require.Equal(t, []string{
		"p:outbox:1 out image hello",
		"p:control:1 in text hi",
		"p:outbox:3 out image same instant",
		"p:control:2 in button_press Да",
		"p:outbox:2 out image later",
	}, summary(events))
	require.Equal(t, t0.Add(time.Hour), events[4].At)
	require.Equal(t, "scheduled", events[4].Status)
	require.Equal(t, []platform.Attachment{{Type: "image", URL: "https://x.example/a.png", Name: "a.png"}}, events[0].Attachments)
	require.Equal(t, platform.Event{ID: "p:control:2", At: t0.Add(time.Second), Direction: platform.DirectionIn, Kind: platform.KindButtonPress,
		Text: "Да", Attachments: []platform.Attachment{{Type: "file", URL: "https://x.example/f.pdf", Name: "f.pdf"}},
		Source: "control", ReplyTo: "p:outbox:1", Order: [2]int64{3, 2}}, events[3])
	require.Equal(t, []platform.Attachment{}, events[1].Attachments)
}

// TestUserOutbox: a user's messages on the platform, oldest first, not
// other users'.
func TestUserOutbox(t *testing.T) {
	e := newInboxEnv(t)
	e.send(t, "one", t0, time.Time{})
	e.send(t, "two", t0.Add(-time.Hour), time.Time{})
	msgs, err := platform.UserOutbox(e.c, "p", 1)
	require.NoError(t, err)
	require.Len(t, msgs, 2)
	require.Equal(t, "one", msgs[0].Text)
	require.Equal(t, "two", msgs[1].Text)
	msgs, err = platform.UserOutbox(e.c, "p", 2)
	require.NoError(t, err)
	require.Empty(t, msgs)
}

// TestOutboxEvent: delivered messages stand at their delivery, others at
// their due time.
func TestOutboxEvent(t *testing.T) {
	delivered := t0.Add(time.Minute)
	m := store.Message{ID: 4, Operation: "send", Text: "x", Status: "delivered", DueAt: t0, DeliveredAt: &delivered}
	btn := []platform.Button{{Text: "a"}}
	require.Equal(t, platform.Event{ID: "p:outbox:4", At: delivered, Direction: platform.DirectionOut, Kind: platform.KindButtons,
		Text: "x", Buttons: btn, Source: "outbox", Operation: "send", Status: "delivered", Order: [2]int64{4, 0}},
		platform.OutboxEvent("p", m, nil, btn))
	m.DeliveredAt, m.Status = nil, "scheduled"
	require.Equal(t, t0, platform.OutboxEvent("p", m, nil, nil).At)
}

// TestInboxSubscribe: a change is stored and recorded as a system event;
// asking for what already is does nothing.
func TestInboxSubscribe(t *testing.T) {
	e := newInboxEnv(t)
	require.NoError(t, e.inbox.Subscribe(e.c, 1, true))
	require.NoError(t, e.inbox.Subscribe(e.c, 1, false))
	require.False(t, e.subscribed(t, 1))
	require.NoError(t, e.inbox.Subscribe(e.c, 1, false))
	require.NoError(t, e.inbox.Subscribe(e.c, 1, true))
	require.True(t, e.subscribed(t, 1))
	events, err := e.inbox.Events(e.c, 1)
	require.NoError(t, err)
	require.Equal(t, []string{"p:control:1 system unsubscribe ", "p:control:2 system subscribe "}, summary(events))
}

// TestInboxUnknownUser: nothing is recorded for a user the tenant does not have.
func TestInboxUnknownUser(t *testing.T) {
	e := newInboxEnv(t)
	_, err := e.inbox.Act(e.c, 9, platform.Action{Text: "hi"})
	require.ErrorIs(t, err, errUnknown)
	require.ErrorIs(t, e.inbox.Subscribe(e.c, 9, true), errUnknown)
	var n int
	require.NoError(t, e.st.QueryRow(t.Context(), `SELECT COUNT(*) FROM inbox`).Scan(&n))
	require.Zero(t, n)
}

// TestInboxStoreErrors: failures of the platform's table and callbacks are
// returned, not swallowed.
func TestInboxStoreErrors(t *testing.T) {
	e := newInboxEnv(t)
	missing := e.inbox
	missing.Table = "missing"
	_, err := missing.Act(e.c, 1, platform.Action{Text: "hi"})
	require.ErrorContains(t, err, "no such table: missing")
	require.ErrorContains(t, missing.Subscribe(e.c, 2, true), "no such table: missing")
	_, err = missing.Thread(e.c, 1, attachmentsOf)
	require.ErrorContains(t, err, "no such table: missing")
	require.False(t, e.subscribed(t, 2), "the failed subscription was rolled back")

	failing := e.inbox
	failing.SetSubscribed = func(*store.Tx, string, int64, bool, time.Time) error { return errBoom }
	require.ErrorIs(t, failing.Subscribe(e.c, 2, true), errBoom)
	events, err := e.inbox.Events(e.c, 2)
	require.NoError(t, err)
	require.Empty(t, events)
}

// TestInboxUnreadableRows: a row that does not scan, or whose attachments
// are not JSON, fails the reading.
func TestInboxUnreadableRows(t *testing.T) {
	e := newInboxEnv(t)
	insert := func(attachments string, createdAt any) {
		require.NoError(t, e.st.Write(t.Context(), func(tx *store.Tx) error {
			_, err := tx.Exec(`DELETE FROM inbox`)
			if err == nil {
				_, err = tx.Exec(`INSERT INTO inbox (tenant_id, user_id, kind, text, attachments, reply_to, outbox_seq, created_at)
					VALUES ('t1', 1, 'text', 'x', ?, '', 0, ?)`, attachments, createdAt)
			}
			return err
		}))
	}
	insert("not json", 0)
	_, err := e.inbox.Events(e.c, 1)
	require.ErrorContains(t, err, "invalid character")
	_, err = e.inbox.Thread(e.c, 1, attachmentsOf)
	require.ErrorContains(t, err, "invalid character")

	insert("[]", "yesterday")
	_, err = e.inbox.Events(e.c, 1)
	require.ErrorContains(t, err, "converting")
}

// TestInboxFailsMidway: an error while stepping through the rows (after
// some were read) fails the reading too.
func TestInboxFailsMidway(t *testing.T) {
	e := newInboxEnv(t)
	for range 2 {
		_, err := e.inbox.Act(e.c, 1, platform.Action{Text: "hi"})
		require.NoError(t, err)
	}
	failing := e.inbox
	failing.Table = "failing_inbox"
	_, err := failing.Events(e.c, 1)
	require.ErrorContains(t, err, "integer overflow")
}

// TestInboxRecordWithoutOutbox: the outbox's last id is part of every
// event; when it cannot be read nothing is recorded.
func TestInboxRecordWithoutOutbox(t *testing.T) {
	st, err := store.Open("", store.Migrations{Owner: "inboxnooutbox", Files: fstest.MapFS{
		"migrations/0001_inbox.sql": {Data: []byte(inboxSchema + "DROP TABLE outbox;")},
	}})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	err = st.Write(t.Context(), func(tx *store.Tx) error {
		_, err := platform.Inbox{Platform: "p", Table: "inbox"}.Record(tx, "t1", 1, platform.KindText, platform.Action{Text: "hi"}, t0)
		return err
	})
	require.ErrorContains(t, err, "no such table: outbox")
	var n int
	require.NoError(t, st.QueryRow(t.Context(), `SELECT COUNT(*) FROM inbox`).Scan(&n))
	require.Zero(t, n)
}

// TestInboxClosedStore: a store that cannot be read fails the thread.
func TestInboxClosedStore(t *testing.T) {
	e := newInboxEnv(t)
	require.NoError(t, e.st.Close())
	_, err := platform.UserOutbox(e.c, "p", 1)
	require.Error(t, err)
	_, err = e.inbox.Thread(e.c, 1, attachmentsOf)
	require.Error(t, err)
}
