package store

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTheMigratedImageIsInWALMode: a throwaway store starts from a copy of
// the image, and its first connection would otherwise convert the copy to
// WAL, writing and syncing the file. Bytes 18 and 19 of an SQLite file are
// its write and read versions, 2 in WAL mode.
func TestTheMigratedImageIsInWALMode(t *testing.T) {
	image, err := migratedImage(withCore(nil))
	require.NoError(t, err)
	require.Equal(t, "SQLite format 3\x00", string(image[:16]))
	require.Equal(t, []byte{2, 2}, image[18:20])
}
