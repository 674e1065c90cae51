package cleverapp_test

import (
	"net/http"
	"testing"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// TestStateTables reads each brand's bots (with their variables, tags and
// contact counts) and lists (with their fields and sizes) as the dashboard
// shows them, byte for byte.
func TestStateTables(t *testing.T) {
	f := newFake(t, fakebotstest.WithFixture("demo"))
	for _, brand := range []string{"cleverapp", "onebot"} {
		for _, table := range []string{"bots", "lists"} {
			assertGolden(t, "state/"+brand+"_"+table+".golden", f.Do(t, http.MethodGet, "/__fakebots/tenants/"+f.Tenant.ID+"/"+brand+"/"+table, nil))
		}
	}
}
