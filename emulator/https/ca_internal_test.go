package https

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLeafRenewedADayBeforeItExpires(t *testing.T) {
	ca, err := NewCA()
	require.NoError(t, err)
	first, err := ca.Leaf("app.onebot.tech")
	require.NoError(t, err)
	expires := first.Leaf.NotAfter

	// A day is 24 hours here, not the constant: a changed constant shows.
	ca.now = func() time.Time { return expires.Add(-24*time.Hour - time.Minute) }
	kept, err := ca.Leaf("app.onebot.tech")
	require.NoError(t, err)
	require.Same(t, first, kept)

	ca.now = func() time.Time { return expires.Add(-24*time.Hour + time.Minute) }
	renewed, err := ca.Leaf("app.onebot.tech")
	require.NoError(t, err)
	require.NotSame(t, first, renewed)
	require.True(t, renewed.Leaf.NotAfter.After(expires))
}

func TestLeafNeverOutlivesTheCA(t *testing.T) {
	ca, err := NewCA()
	require.NoError(t, err)
	ca.now = func() time.Time { return ca.cert.NotAfter.Add(-10 * 24 * time.Hour) }
	leaf, err := ca.Leaf("api.bothelp.io")
	require.NoError(t, err)
	require.Equal(t, ca.cert.NotAfter, leaf.Leaf.NotAfter)
}

// TestCAFileLinkFailureIsAnError: when the key file cannot be published
// (its directory is gone), createCA says where, and leaves no temporary
// file behind.
func TestCAFileLinkFailureIsAnError(t *testing.T) {
	dir := t.TempDir()
	_, err := createCA(dir, filepath.Join(dir, "gone", KeyFile))
	require.ErrorContains(t, err, "create the CA in "+dir+": link ")
	require.ErrorIs(t, err, os.ErrNotExist)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries)
}

// TestWriteIfChangedInAMissingDirectoryIsAnError: no file can be written
// where there is no directory.
func TestWriteIfChangedInAMissingDirectoryIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gone", CertFile)
	err := writeIfChanged(path, []byte("data"), 0o644)
	require.ErrorContains(t, err, "open "+filepath.Dir(path)+"/.fakebots-")
	require.ErrorIs(t, err, os.ErrNotExist)
}
