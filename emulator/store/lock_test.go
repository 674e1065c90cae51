package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/store"
)

func TestOneOpenPerDatabaseFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	first, err := store.Open(path)
	require.NoError(t, err)
	addTenant(t, first, "acme", t0)

	// A second open (here in the same process: the lock is per open file,
	// so it stands for another process) fails at once, naming the file.
	_, err = store.Open(path)
	require.ErrorIs(t, err, store.ErrInUse)
	require.EqualError(t, err, path+": the database is in use by another process (it holds "+path+".lock)")
	tenants, err := first.Tenants(context.Background())
	require.NoError(t, err)
	require.Len(t, tenants, 1, "the failed open left the first store alone")

	// Closing the store lets the file be opened again, with its data.
	require.NoError(t, first.Close())
	again := open(t, path)
	tenants, err = again.Tenants(context.Background())
	require.NoError(t, err)
	require.Equal(t, "acme", tenants[0].ID)
}
