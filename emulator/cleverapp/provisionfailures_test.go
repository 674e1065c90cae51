package cleverapp_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/fixtures"
)

// A tenant whose CleverApp data the database refuses to store is not made:
// the control API answers 500, logs the cause once, and no row of it is left.
func TestATenantWhoseDataCannotBeStoredIsNotMade(t *testing.T) {
	b := newBrokenDB(t)
	fixture, err := fixtures.ToJSON([]byte(everything))
	require.NoError(t, err)
	for _, c := range []struct {
		name   string
		damage damage
	}{
		{"the account", refusing("INSERT", "ca_accounts")},
		{"the settings", refusing("UPDATE", "ca_accounts")},
		{"a bot", refusing("INSERT", "ca_bots")},
		{"a tag", refusing("INSERT", "ca_tags")},
		{"a contact", refusing("INSERT", "ca_contacts")},
		{"a contact's tag", refusing("INSERT", "ca_contact_tags")},
		{"a variable", refusing("INSERT", "ca_variables")},
		{"a variable's value", refusing("INSERT", "ca_contact_variables")},
		{"a money account", refusing("INSERT", "ca_money_accounts")},
		{"a crypto account", refusing("INSERT", "ca_crypto_accounts")},
		{"a list", refusing("INSERT", "ca_list_schemas")},
		{"a list item", refusing("INSERT", "ca_list_items")},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := b.state(t)
			b.exec(t, c.damage.breaks)
			r := b.Do(t, http.MethodPost, "/__fakebots/tenants", `{"id":"refused","fixture":`+string(fixture)+`}`, "Content-Type", "application/json")
			b.exec(t, c.damage.mends)
			require.Equal(t, http.StatusInternalServerError, r.Status, string(r.Body))
			require.Equal(t, `{"error":"internal error: the emulator could not complete the call (see its log)"}`, string(r.Body))
			require.Regexp(t, `^level=ERROR msg="control call failed" method=POST path=/__fakebots/tenants err="[^\n]*`+regexp.QuoteMeta(refused)+`"\n$`, b.log.take())
			require.Equal(t, before, b.state(t))
			require.Equal(t, http.StatusNotFound, b.Do(t, http.MethodGet, "/__fakebots/tenants/refused", nil).Status)
		})
	}
}
