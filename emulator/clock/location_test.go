package clock_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/clock"
)

// TestLoadLocationSharesOneZonePerName: tenants in one zone share its
// Location, which tells the time as time.LoadLocation's does.
func TestLoadLocationSharesOneZonePerName(t *testing.T) {
	a, err := clock.LoadLocation("Europe/Moscow")
	require.NoError(t, err)
	b, err := clock.LoadLocation("Europe/Moscow")
	require.NoError(t, err)
	require.Same(t, a, b)
	want, err := time.LoadLocation("Europe/Moscow")
	require.NoError(t, err)
	at := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	require.Equal(t, at.In(want).Format(time.RFC3339), at.In(a).Format(time.RFC3339))
	require.Equal(t, "Europe/Moscow", a.String())

	_, err = clock.LoadLocation("Nowhere/Atlantis")
	require.Error(t, err)
	_, err = clock.LoadLocation("Nowhere/Atlantis")
	require.Error(t, err, "an unknown zone stays unknown")
}
