package https

import (
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

	ca.now = func() time.Time { return expires.Add(-renewBefore - time.Minute) }
	kept, err := ca.Leaf("app.onebot.tech")
	require.NoError(t, err)
	require.Same(t, first, kept)

	ca.now = func() time.Time { return expires.Add(-renewBefore + time.Minute) }
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
