package cleverapp_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// TestStateTables reads each brand's bots (with their variables, tags and
// contact counts) and lists (with their fields and sizes) as the dashboard
// shows them, byte for byte.
func TestStateTables(t *testing.T) {
	at := time.Date(2024, 10, 16, 10, 0, 0, 0, time.UTC)
	f := newFake(t, fakebotstest.WithFixture("demo"),
		fakebotstest.WithEmulatorOptions(emulator.WithWallClock(func() time.Time { return at })))
	for _, brand := range []string{"cleverapp", "onebot"} {
		for _, table := range []string{"bots", "lists"} {
			assertGolden(t, "state/"+brand+"_"+table+".golden", f.Do(t, http.MethodGet, "/__fakebots/tenants/"+f.Tenant.ID+"/"+brand+"/"+table, nil))
		}
	}
}
