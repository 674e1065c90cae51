package salebot_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCallbackFailsWholeOnABrokenDatabase(t *testing.T) {
	b := newBrokenEnv(t, callbackFixture)
	for _, c := range []struct {
		name, breaks, repairs, cause string
	}{
		{"client lookup", gone("sb_clients"), back("sb_clients"), "no such table: sb_clients"},
		{"extra variables", refusing("INSERT", "sb_client_vars"), allowing("sb_client_vars"), "refused"},
		{"client touched", refusing("UPDATE", "sb_clients"), allowing("sb_clients"), "refused"},
		{"message kept", refusing("INSERT", "sb_messages"), allowing("sb_messages"), "refused"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b.exec(c.breaks)
			b.failsInternally("POST", "callback", map[string]any{"message": "hi", "client_id": "1", "source": "ad"}, c.cause)
			b.exec(c.repairs)
			require.NotContains(t, b.sb.ClientCard(t, 1).Variables, "source", "nothing half-written")
			require.Empty(t, b.history(1))
		})
	}
}
