package store_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/store"
	"github.com/fakebots/fakebots/internal/testwait"
)

// TestAuthVersionMovesWithWhoMayCall: platforms cache authentications
// while AuthVersion stands still, so every committed change of tenants or
// credentials must move it, once per write; writes of other data, and
// writes rolled back, must not.
func TestAuthVersionMovesWithWhoMayCall(t *testing.T) {
	s := open(t, "")
	ctx := testwait.Context(t)
	cred := store.Credential{Platform: "p", Secret: "s", TenantID: "a", Kind: "k", CreatedAt: t0}
	steps := []struct {
		name  string
		fn    func(tx *store.Tx) error
		moves bool
	}{
		{"insert tenant", func(tx *store.Tx) error { return tx.InsertTenant(store.Tenant{ID: "a", CreatedAt: t0}) }, true},
		{"tenant info", func(tx *store.Tx) error { return tx.SetTenantInfo("a", []byte(`{"x":1}`)) }, false},
		{"put credential", func(tx *store.Tx) error { return tx.PutCredential(cred) }, true},
		{"message", func(tx *store.Tx) error {
			_, err := tx.Enqueue(store.Message{TenantID: "a", Platform: "p", Operation: "o", CreatedAt: t0})
			return err
		}, false},
		{"delete credential", func(tx *store.Tx) error {
			gone, err := tx.DeleteCredential("a", "p", "s")
			require.True(t, gone)
			return err
		}, true},
		{"delete tenant", func(tx *store.Tx) error {
			gone, err := tx.DeleteTenant("a")
			require.True(t, gone)
			return err
		}, true},
	}
	for _, step := range steps {
		before := s.AuthVersion()
		require.NoError(t, s.WriteTenant(ctx, "a", step.fn), step.name)
		if step.moves {
			require.Equal(t, before+1, s.AuthVersion(), step.name)
		} else {
			require.Equal(t, before, s.AuthVersion(), step.name)
		}
	}
}
