package store_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/internal/testwait"
)

func enqueue(t *testing.T, s *store.Store, m store.Message) store.Message {
	t.Helper()
	var out store.Message
	write(t, s, func(tx *store.Tx) error {
		var err error
		out, err = tx.Enqueue(m)
		return err
	})
	return out
}

func deliverDue(t *testing.T, s *store.Store, tenant string, now time.Time) []store.Message {
	t.Helper()
	var out []store.Message
	write(t, s, func(tx *store.Tx) error {
		var err error
		out, err = tx.DeliverDue(tenant, now)
		return err
	})
	return out
}

func outbox(t *testing.T, s *store.Store, f store.OutboxFilter) []store.Message {
	t.Helper()
	msgs, _, err := s.Outbox(testwait.Context(t), f)
	require.NoError(t, err)
	require.NotNil(t, msgs)
	return msgs
}

func TestEnqueue(t *testing.T) {
	tests := []struct {
		name      string
		due       time.Time
		status    string
		wantDue   time.Time
		delivered bool
	}{
		{"no due time: delivered now", time.Time{}, store.StatusDelivered, t0, true},
		{"due at creation: delivered now", t0, store.StatusDelivered, t0, true},
		{"due in the past: delivered now", t0.Add(-time.Hour), store.StatusDelivered, t0, true},
		{"due a microsecond later: scheduled", t0.Add(time.Microsecond), store.StatusScheduled, t0.Add(time.Microsecond), false},
		{"due later: scheduled", t0.Add(time.Hour), store.StatusScheduled, t0.Add(time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t, "")
			addTenant(t, s, "t1", t0)
			m := enqueue(t, s, store.Message{TenantID: "t1", Platform: "cleverapp", Operation: "sendMessage",
				BotID: "5", Recipient: "77", Messenger: "telegram", Text: "Привет", CreatedAt: t0, DueAt: tt.due})
			require.NotZero(t, m.ID)
			require.Equal(t, tt.status, m.Status)
			require.True(t, m.DueAt.Equal(tt.wantDue), "due %v", m.DueAt)
			require.Equal(t, "text", m.Kind, "kind defaults to text")
			require.Equal(t, json.RawMessage(`{}`), m.Payload, "payload defaults to {}")
			if tt.delivered {
				require.NotNil(t, m.DeliveredAt)
				require.True(t, m.DeliveredAt.Equal(t0))
			} else {
				require.Nil(t, m.DeliveredAt)
			}

			// What was stored reads back the same.
			stored := outbox(t, s, store.OutboxFilter{})
			require.Len(t, stored, 1)
			require.Equal(t, m, stored[0])
		})
	}
}

func TestEnqueueKeepsKindAndPayload(t *testing.T) {
	s := open(t, "")
	addTenant(t, s, "t1", t0)
	m := enqueue(t, s, store.Message{TenantID: "t1", Platform: "cleverapp", Operation: "sendMessage", Kind: "image",
		Payload: json.RawMessage(`{"image":"https://x/y.png"}`), CreatedAt: t0})
	stored := outbox(t, s, store.OutboxFilter{})
	require.Equal(t, "image", stored[0].Kind)
	require.JSONEq(t, `{"image":"https://x/y.png"}`, string(stored[0].Payload))
	require.Equal(t, m.ID, stored[0].ID)
}

func TestEnqueueNeedsATenant(t *testing.T) {
	s := open(t, "")
	err := s.Write(testwait.Context(t), func(tx *store.Tx) error {
		_, err := tx.Enqueue(store.Message{TenantID: "nobody", Platform: "cleverapp", Operation: "x", CreatedAt: t0})
		return err
	})
	requireConstraint(t, err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY)
}

func TestDeliverDue(t *testing.T) {
	s := open(t, "")
	addTenant(t, s, "t1", t0)
	addTenant(t, s, "t2", t0)
	msg := func(tenant, text string, due time.Duration) store.Message {
		return enqueue(t, s, store.Message{TenantID: tenant, Platform: "cleverapp", Operation: "sendMessage",
			Text: text, CreatedAt: t0, DueAt: t0.Add(due)})
	}
	msg("t1", "now", 0)                // delivered at once
	msg("t1", "ten", 10*time.Second)   // scheduled
	msg("t1", "five-a", 5*time.Second) // scheduled
	msg("t2", "twenty", 20*time.Second)
	msg("t2", "five-b", 5*time.Second) // same due instant as five-a, enqueued later

	next, err := s.NextDue(testwait.Context(t))
	require.NoError(t, err)
	require.Equal(t, map[string]time.Time{"t1": t0.Add(5 * time.Second), "t2": t0.Add(5 * time.Second)}, next)

	// Each tenant on its own clock: t2's is an hour ahead of t1's.
	steps := []struct {
		tenant string
		at     time.Duration
		want   []string
	}{
		{"t1", 0, nil},
		{"t1", 5*time.Second - time.Microsecond, nil},
		{"t1", 10 * time.Second, []string{"five-a", "ten"}}, // due order; t2's five-b is not t1's
		{"t1", 10 * time.Second, nil},                       // nothing twice
		{"t2", time.Hour, []string{"five-b", "twenty"}},
		{"t2", 2 * time.Hour, nil},
		{"t1", 2 * time.Hour, nil},
	}
	for i, st := range steps {
		got := deliverDue(t, s, st.tenant, t0.Add(st.at))
		require.NotNil(t, got, "step %d", i)
		var texts []string
		for _, m := range got {
			texts = append(texts, m.Text)
			require.Equal(t, store.StatusDelivered, m.Status)
			require.NotNil(t, m.DeliveredAt)
			require.True(t, m.DeliveredAt.Equal(m.DueAt), "step %d: delivered at its due time, not at the clock's", i)
		}
		require.Equal(t, st.want, texts, "step %d", i)
	}

	// The store agrees: all delivered, each at its due time.
	all := outbox(t, s, store.OutboxFilter{})
	require.Len(t, all, 5)
	for _, m := range all {
		require.Equal(t, store.StatusDelivered, m.Status, m.Text)
		require.NotNil(t, m.DeliveredAt, m.Text)
		require.True(t, m.DeliveredAt.Equal(m.DueAt), m.Text)
	}
}

func TestDeliverDueExactlyAtDueTime(t *testing.T) {
	s := open(t, "")
	addTenant(t, s, "t1", t0)
	enqueue(t, s, store.Message{TenantID: "t1", Platform: "cleverapp", Operation: "x", CreatedAt: t0, DueAt: t0.Add(time.Minute)})
	require.Empty(t, deliverDue(t, s, "t1", t0.Add(time.Minute-time.Microsecond)))
	require.Len(t, outbox(t, s, store.OutboxFilter{Status: store.StatusScheduled}), 1)
	require.Len(t, deliverDue(t, s, "t1", t0.Add(time.Minute)), 1, "due at or before now")
	require.Empty(t, outbox(t, s, store.OutboxFilter{Status: store.StatusScheduled}))
	next, err := s.NextDue(testwait.Context(t))
	require.NoError(t, err)
	require.Empty(t, next, "nothing is scheduled any more")
}

func TestOutboxFilters(t *testing.T) {
	s := open(t, "")
	addTenant(t, s, "t1", t0)
	addTenant(t, s, "t2", t0)
	seed := []store.Message{
		{TenantID: "t1", Platform: "cleverapp", Recipient: "c1", Text: "1"},
		{TenantID: "t1", Platform: "onebot", Recipient: "c1", Text: "2"},
		{TenantID: "t2", Platform: "cleverapp", Recipient: "c2", Text: "3"},
		{TenantID: "t1", Platform: "cleverapp", Recipient: "c2", Text: "4", DueAt: t0.Add(time.Hour)},
		{TenantID: "t2", Platform: "salebot", Recipient: "c1", Text: "5"},
		{TenantID: "t1", Platform: "cleverapp", Recipient: "c1", Text: "6"},
	}
	for _, m := range seed {
		m.Operation, m.CreatedAt = "send", t0
		enqueue(t, s, m)
	}
	tests := []struct {
		name   string
		filter store.OutboxFilter
		want   []string
	}{
		{"everything, newest first", store.OutboxFilter{}, []string{"6", "5", "4", "3", "2", "1"}},
		{"tenant", store.OutboxFilter{TenantID: "t1"}, []string{"6", "4", "2", "1"}},
		{"platform", store.OutboxFilter{Platform: "cleverapp"}, []string{"6", "4", "3", "1"}},
		{"recipient", store.OutboxFilter{Recipient: "c1"}, []string{"6", "5", "2", "1"}},
		{"status scheduled", store.OutboxFilter{Status: store.StatusScheduled}, []string{"4"}},
		{"status delivered", store.OutboxFilter{Status: store.StatusDelivered}, []string{"6", "5", "3", "2", "1"}},
		{"status failed", store.OutboxFilter{Status: store.StatusFailed}, []string{}},
		{"combined", store.OutboxFilter{TenantID: "t1", Platform: "cleverapp", Recipient: "c1"}, []string{"6", "1"}},
		{"limit", store.OutboxFilter{Limit: 2}, []string{"6", "5"}},
		{"limit with a filter", store.OutboxFilter{TenantID: "t2", Limit: 1}, []string{"5"}},
		{"zero limit means the default", store.OutboxFilter{Limit: 0}, []string{"6", "5", "4", "3", "2", "1"}},
		{"negative limit means the default", store.OutboxFilter{Limit: -5}, []string{"6", "5", "4", "3", "2", "1"}},
		{"unknown tenant", store.OutboxFilter{TenantID: "nobody"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			texts := []string{}
			for _, m := range outbox(t, s, tt.filter) {
				texts = append(texts, m.Text)
			}
			require.Equal(t, tt.want, texts)
		})
	}

	t.Run("pages", func(t *testing.T) {
		var texts []string
		var before int64
		for pages := 0; ; pages++ {
			require.Less(t, pages, 4)
			msgs, more, err := s.Outbox(testwait.Context(t), store.OutboxFilter{Limit: 2, Before: before})
			require.NoError(t, err)
			for _, m := range msgs {
				texts = append(texts, m.Text)
			}
			if !more {
				break
			}
			before = msgs[len(msgs)-1].ID
		}
		require.Equal(t, []string{"6", "5", "4", "3", "2", "1"}, texts)
	})

	// A page that holds exactly the last messages says so: a client would
	// otherwise ask once more for an empty page.
	t.Run("a page exactly full is the last", func(t *testing.T) {
		msgs, more, err := s.Outbox(testwait.Context(t), store.OutboxFilter{Limit: 6})
		require.NoError(t, err)
		require.Len(t, msgs, 6)
		require.False(t, more)
		msgs, more, err = s.Outbox(testwait.Context(t), store.OutboxFilter{Limit: 5})
		require.NoError(t, err)
		require.Len(t, msgs, 5)
		require.True(t, more)
	})
}

func TestOutboxDefaultLimit(t *testing.T) {
	s := open(t, "")
	addTenant(t, s, "t1", t0)
	write(t, s, func(tx *store.Tx) error {
		for i := 0; i < 1005; i++ {
			if _, err := tx.Enqueue(store.Message{TenantID: "t1", Platform: "p", Operation: "o", CreatedAt: t0}); err != nil {
				return err
			}
		}
		return nil
	})
	msgs := outbox(t, s, store.OutboxFilter{})
	require.Len(t, msgs, 1000)
	require.Greater(t, msgs[0].ID, msgs[999].ID)
}

func TestConcurrentReadsAndWrites(t *testing.T) {
	s := open(t, "")
	addTenant(t, s, "t1", t0)
	errs := make(chan error, 8)
	ctx := testwait.Context(t)
	for w := 0; w < 4; w++ {
		go func() {
			errs <- s.Write(ctx, func(tx *store.Tx) error {
				for i := 0; i < 20; i++ {
					if _, err := tx.Enqueue(store.Message{TenantID: "t1", Platform: "p", Operation: "o", CreatedAt: t0}); err != nil {
						return err
					}
				}
				return nil
			})
		}()
		go func() {
			_, _, err := s.Outbox(ctx, store.OutboxFilter{TenantID: "t1"})
			errs <- err
		}()
	}
	for i := 0; i < 8; i++ {
		require.NoError(t, testwait.Receive(t, errs, "a concurrent read or write"))
	}
	require.Len(t, outbox(t, s, store.OutboxFilter{}), 80)
}
