package emulator

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/platform"
	"github.com/fakebots/fakebots/emulator/salebot"
	"github.com/fakebots/fakebots/emulator/store"
)

// breakPlatform makes the built-in platform at i fail to build, or build as
// another, until the test ends.
func breakPlatform(t *testing.T, i int, build func(*platform.Env) (platform.Platform, error)) {
	saved := builtIn[i].build
	builtIn[i].build = build
	t.Cleanup(func() { builtIn[i].build = saved })
}

// TestAPlatformThatFailsToBuildFailsNew: the seed tenant is provisioned
// while the platforms are built, yet a platform that cannot be built (a
// broken spec) fails New with its own error, whatever the seed, and the
// seed tenant is not stored.
func TestAPlatformThatFailsToBuildFailsNew(t *testing.T) {
	broken := errors.New("spec salebot: broken")
	breakPlatform(t, 2, func(*platform.Env) (platform.Platform, error) { return nil, broken })
	for _, seed := range []string{"none", "demo"} {
		path := filepath.Join(t.TempDir(), "state.db")
		e, err := New(WithSeed(seed), WithDB(path))
		require.Nil(t, e)
		require.EqualError(t, err, "spec salebot: broken", seed)
		require.ErrorIs(t, err, broken)

		st, err := store.Open(path, migrations()...)
		require.NoError(t, err)
		_, err = st.Tenant(context.Background(), "demo")
		require.ErrorIs(t, err, store.ErrNotFound, "the seed was rolled back")
		require.NoError(t, st.Close())
	}
}

func TestAPlatformBuiltUnderAnotherNameFailsNew(t *testing.T) {
	breakPlatform(t, 3, salebot.New)
	_, err := New(WithSeed("demo"))
	require.EqualError(t, err, `platform "salebot" is listed as "bothelp"`)
}
