package https

import (
	"os"
	"os/signal"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTempFileThatCannotBeWrittenIsAnError: when writing the data fails
// (here the file size limit, as a full disk would), writeTemp says so and
// leaves no file behind.
func TestTempFileThatCannotBeWrittenIsAnError(t *testing.T) {
	var limit syscall.Rlimit
	require.NoError(t, syscall.Getrlimit(syscall.RLIMIT_FSIZE, &limit))
	signal.Ignore(syscall.SIGXFSZ) // the write fails rather than the process dying
	defer signal.Reset(syscall.SIGXFSZ)
	small := limit
	small.Cur = 2
	require.NoError(t, syscall.Setrlimit(syscall.RLIMIT_FSIZE, &small))
	dir := t.TempDir()
	name, err := writeTemp(dir, []byte("more than two bytes"), 0o600)
	require.NoError(t, syscall.Setrlimit(syscall.RLIMIT_FSIZE, &limit))

	require.ErrorIs(t, err, syscall.EFBIG)
	require.Empty(t, name)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Empty(t, entries)
}
