package salebot_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestProjectControlFailsOnABrokenDatabase(t *testing.T) {
	b := newBrokenEnv(t, nil)
	for _, c := range []struct {
		name, method, path, body string
		breaks, repairs, cause   string
	}{
		{"settings read", "GET", "settings", "", gone("sb_projects"), back("sb_projects"), "no such table: sb_projects"},
		{"webhook read", "GET", "webhook", "", gone("sb_projects"), back("sb_projects"), "no such table: sb_projects"},
		{"settings loaded to change", "PATCH", "settings", `{"fail_status": 422}`, gone("sb_projects"), back("sb_projects"), "no such table: sb_projects"},
		{"settings saved", "PATCH", "settings", `{"fail_status": 422}`, refusing("UPDATE", "sb_projects"), allowing("sb_projects"), "integer overflow"},
		{"webhook saved", "PUT", "webhook", `{"url": "http://hooks.example/sb"}`, refusing("UPDATE", "sb_projects"), allowing("sb_projects"), "integer overflow"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b.exec(c.breaks)
			b.controlFails(t, c.method, c.path, c.body, c.cause)
			b.exec(c.repairs)
			require.Equal(t, 400.0, b.sb.PatchSettings(t, map[string]any{})["fail_status"], "nothing saved")
		})
	}
}
