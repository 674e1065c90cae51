package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/internal/testwait"
)

// TestGroupedWritesFailAlone: many writes at once are committed in groups;
// a write that fails (or panics) leaves nothing behind and gets its own
// error, while every other write of its group persists.
func TestGroupedWritesFailAlone(t *testing.T) {
	s := open(t, "")
	addTenant(t, s, "a", t0)
	const n = 300
	var wg sync.WaitGroup
	errs := make([]error, n)
	panics := make([]any, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			errs[i] = s.WriteTenant(context.Background(), "a", func(tx *store.Tx) error {
				if err := tx.PutCredential(store.Credential{Platform: "p", Secret: fmt.Sprint("s", i), TenantID: "a", Kind: "k", CreatedAt: t0}); err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return errors.New("refused")
				case 7:
					panic("broken")
				}
				return nil
			})
		}()
	}
	wg.Wait()
	creds, err := s.Credentials(context.Background(), "a", "p")
	require.NoError(t, err)
	kept := map[string]bool{}
	for _, c := range creds {
		kept[c.Secret] = true
	}
	for i := range n {
		secret := fmt.Sprint("s", i)
		switch i % 10 {
		case 3:
			require.EqualError(t, errs[i], "refused")
			require.False(t, kept[secret], "a failed write leaves nothing")
		case 7:
			require.Equal(t, "broken", panics[i], "a write's panic is raised in its own goroutine")
			require.False(t, kept[secret], "a write that panicked leaves nothing")
		default:
			require.NoError(t, errs[i])
			require.Nil(t, panics[i])
			require.True(t, kept[secret], "write %d persisted", i)
		}
	}
	require.Len(t, creds, n-2*n/10)
}

// TestWriteAfterCloseFails: Close closes the writer's connection with the
// pool, so a later write fails rather than writing to a closed store.
func TestWriteAfterCloseFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := store.Open(path)
	require.NoError(t, err)
	addTenant(t, s, "a", t0)
	require.NoError(t, s.Close())
	err = s.WriteTenant(testwait.Context(t), "a", func(tx *store.Tx) error {
		return tx.PutCredential(store.Credential{Platform: "p", Secret: "after", TenantID: "a", Kind: "k", CreatedAt: t0})
	})
	require.EqualError(t, err, "sql: database is closed")

	again := open(t, path)
	_, err = again.Credential(testwait.Context(t), "p", "after")
	require.ErrorIs(t, err, store.ErrNotFound)
}
