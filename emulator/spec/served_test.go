package spec_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/spec"
	"github.com/fakebots/fakebots/specs"
)

// TestServedLaysAWhiteLabelOverItsBase: a platform's own document is served
// as written; a white-label's (x-overlay-of) is its base's with its own laid
// over, built once, and no longer names a base; an unknown platform is an
// error naming it.
func TestServedLaysAWhiteLabelOverItsBase(t *testing.T) {
	raw, err := specs.Platform("cleverapp")
	require.NoError(t, err)
	served, err := spec.Served("cleverapp")
	require.NoError(t, err)
	require.Equal(t, string(raw), string(served))

	own, err := specs.Platform("onebot")
	require.NoError(t, err)
	want, err := spec.Overlay(served, own)
	require.NoError(t, err)
	onebot, err := spec.Served("onebot")
	require.NoError(t, err)
	require.Equal(t, string(want), string(onebot))
	require.Contains(t, string(own), "\nx-overlay-of: cleverapp\n")
	require.NotContains(t, string(onebot), "x-overlay-of", "a full document, not an overlay")
	again, err := spec.Served("onebot")
	require.NoError(t, err)
	require.Same(t, &onebot[0], &again[0], "built once")

	s, err := spec.LoadServed("onebot")
	require.NoError(t, err)
	require.NotEmpty(t, s.Operations)
	require.Equal(t, len(loadPlatform(t, "cleverapp").Operations), len(s.Operations), "every CleverApp method, under Onebot's name")

	_, err = spec.Served("nosuch")
	require.EqualError(t, err, `no spec for platform "nosuch"`)
	_, err = spec.LoadServed("nosuch")
	require.EqualError(t, err, `no spec for platform "nosuch"`)
}
