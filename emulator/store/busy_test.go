package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/store"
)

// TestClientLeavingMidWriteNeverLocksTheNextWriterOut: a client goes away
// in the middle of a large write (its context is cancelled) while another
// writer waits for its turn, reads, then writes. SQLite's busy error
// ("database is locked") must never reach the waiting writer: a write that
// has begun finishes, so the lock is free when the next one gets the
// writer, and writes begin IMMEDIATE, so a writer never has to upgrade a
// read to a write while another connection holds the lock.
func TestClientLeavingMidWriteNeverLocksTheNextWriterOut(t *testing.T) {
	s := open(t, "")
	addTenant(t, s, "a", t0)
	const rounds, rows = 40, 300
	for round := range rounds {
		ctx, cancel := context.WithCancel(context.Background())
		started := make(chan struct{})
		var wg sync.WaitGroup
		var leaving, waiting error
		wg.Add(2)
		go func() {
			defer wg.Done()
			leaving = s.WriteTenant(ctx, "a", func(tx *store.Tx) error {
				close(started)
				for i := range rows {
					if err := tx.PutCredential(store.Credential{Platform: "bulk", Secret: fmt.Sprintf("r%d-%d", round, i), TenantID: "a", Kind: "k", CreatedAt: t0}); err != nil {
						return err
					}
					if i == rows/2 {
						cancel() // the client hangs up while its write runs
					}
				}
				return nil
			})
		}()
		go func() {
			defer wg.Done()
			<-started
			waiting = s.WriteTenant(context.Background(), "a", func(tx *store.Tx) error {
				var n int
				if err := tx.QueryRow(`SELECT COUNT(*) FROM credentials WHERE tenant_id = ?`, "a").Scan(&n); err != nil {
					return err
				}
				return tx.PutCredential(store.Credential{Platform: "one", Secret: fmt.Sprint("w", round), TenantID: "a", Kind: "k", CreatedAt: t0})
			})
		}()
		wg.Wait()
		cancel()
		require.NoError(t, waiting, "round %d: the waiting writer", round)
		require.NoError(t, leaving, "round %d: a write that has begun finishes", round)
	}
	bulk, err := s.Credentials(context.Background(), "a", "bulk")
	require.NoError(t, err)
	require.Len(t, bulk, rounds*rows)
}

// TestWriteThatReadsFirstWaitsForTheLock: while another connection holds
// the write lock, a transaction that reads before it writes waits for the
// lock (the busy timeout) instead of failing at once with "database is
// locked", as a deferred transaction upgrading from read to write would.
func TestWriteThatReadsFirstWaitsForTheLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := open(t, path)
	addTenant(t, s, "a", t0)
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	defer other.Close()
	conn, err := other.Conn(context.Background())
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.ExecContext(context.Background(), `BEGIN IMMEDIATE`)
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		done <- s.WriteTenant(context.Background(), "a", func(tx *store.Tx) error {
			var n int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM credentials`).Scan(&n); err != nil {
				return err
			}
			return tx.PutCredential(store.Credential{Platform: "p", Secret: "s", TenantID: "a", Kind: "k", CreatedAt: t0})
		})
	}()
	select {
	case err := <-done:
		t.Fatalf("the write ended while another connection held the lock: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	_, err = conn.ExecContext(context.Background(), `COMMIT`)
	require.NoError(t, err)
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("the write never finished")
	}
}
