package spec_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/limits"
	"github.com/fakebots/fakebots/emulator/spec"
)

func TestOverlay(t *testing.T) {
	out, err := spec.Overlay(readTestdata(t, "shop.yaml"), readTestdata(t, "overlay.yaml"))
	require.NoError(t, err)
	s, err := spec.Load("lite", out)
	require.NoError(t, err, "the result is a loadable document:\n%s", out)

	// Top-level maps deep-merge; lists and scalars are replaced.
	require.Equal(t, "Shop Lite", s.Doc.Info.Title)
	require.Equal(t, "1.0", s.Doc.Info.Version, "info keys the overlay does not name are kept")
	require.Equal(t, "Test document.", s.Doc.Info.Description)
	require.Len(t, s.Doc.Servers, 1)
	require.Equal(t, "https://lite.example", s.Doc.Servers[0].URL)
	require.Equal(t, []limits.Rule{{Name: "per-second", Limit: 5, Window: time.Second}}, s.RateLimits)

	// The overlay's own keys are consumed, not served.
	require.NotContains(t, s.Doc.Extensions, "x-operation-defaults")
	require.NotContains(t, s.Doc.Extensions, "x-operations")

	// x-operation-defaults applies to every operation ...
	require.Len(t, s.Operations, 9)
	for _, o := range s.Operations {
		if o.ID == "createItem" {
			continue
		}
		require.Equal(t, "inferred", o.Fidelity, o.ID)
		require.Equal(t, "lite, by analogy with the shop", o.Source, o.ID)
	}
	// ... and x-operations then patches one by id, deep-merging into it.
	create := s.Operation("createItem")
	require.Equal(t, "observed", create.Fidelity)
	require.Equal(t, "lite createItem", create.Source)
	require.Equal(t, []limits.Rule{{Name: "create", Limit: 1, Window: 10 * time.Second}}, create.RateLimits, "untouched keys stay")
	name := create.Input.Properties["name"].Value
	require.NotNil(t, name.MaxLength)
	require.Equal(t, uint64(10), *name.MaxLength)
	require.Contains(t, create.Input.Properties, "tags", "sibling properties survive the deep merge")
	require.Equal(t, []string{"name"}, create.Input.Required)

	// Other operations keep what the overlay does not mention.
	list := s.Operation("listItems")
	require.Contains(t, list.Input.Properties, "sort")
	var rules []map[string]string
	ok, err := list.Extension("x-rules", &rules)
	require.NoError(t, err)
	require.True(t, ok)
}

func TestOverlayEmptyKeepsBase(t *testing.T) {
	out, err := spec.Overlay(readTestdata(t, "shop.yaml"), []byte("{}"))
	require.NoError(t, err)
	s, err := spec.Load("shop", out)
	require.NoError(t, err)
	require.Equal(t, "Shop", s.Doc.Info.Title)
	require.Equal(t, "observed", s.Operation("createItem").Fidelity)
	require.Equal(t, "documented", s.Operation("listItems").Fidelity)
	require.Equal(t, "test ping", s.Operation("ping").Source)
}

func TestOverlayDefaultsOnly(t *testing.T) {
	out, err := spec.Overlay(readTestdata(t, "shop.yaml"), []byte("x-operation-defaults: {x-fidelity: observed}\n"))
	require.NoError(t, err)
	s, err := spec.Load("shop", out)
	require.NoError(t, err)
	for _, o := range s.Operations {
		require.Equal(t, "observed", o.Fidelity, o.ID)
	}
	require.Equal(t, "test ping", s.Operation("ping").Source, "keys the defaults do not name stay per operation")
}

func TestOverlayRejects(t *testing.T) {
	shop := readTestdata(t, "shop.yaml")
	tests := []struct {
		name    string
		base    []byte
		overlay string
		err     string
	}{
		{"unknown operation id", shop, "x-operations:\n  createItem: {x-source: a}\n  removeEverything: {x-source: b}\n",
			`overlay: x-operations names unknown operation "removeEverything"`},
		{"bad overlay YAML", shop, "info: [", "overlay: "},
		{"bad base YAML", []byte("paths: ["), "{}", "overlay base: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := spec.Overlay(tt.base, []byte(tt.overlay))
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.err)
			require.Nil(t, out)
		})
	}
}

func TestOverlayPatchDoesNotLeakThroughDefaults(t *testing.T) {
	// A default map given to every operation, then patched for one of them:
	// the patch must reach that operation only.
	overlay := `
x-operation-defaults:
  x-limits-note: {kind: shared, per: token}
x-operations:
  createItem:
    x-limits-note: {kind: own}
`
	out, err := spec.Overlay(readTestdata(t, "shop.yaml"), []byte(overlay))
	require.NoError(t, err)
	s, err := spec.Load("shop", out)
	require.NoError(t, err)
	for _, o := range s.Operations {
		var note map[string]string
		ok, err := o.Extension("x-limits-note", &note)
		require.NoError(t, err)
		require.True(t, ok, o.ID)
		if o.ID == "createItem" {
			require.Equal(t, map[string]string{"kind": "own", "per": "token"}, note, o.ID)
		} else {
			require.Equal(t, map[string]string{"kind": "shared", "per": "token"}, note, o.ID)
		}
	}
}
