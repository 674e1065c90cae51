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
	listed := `{"bots":[{"name":"Shop","messenger":"whatsapp","contacts":[{"name":"Анна","tags":["VIP"],"variables":{"city":"Казань"}}]}]}`
	for _, c := range []struct {
		name    string
		damage  damage
		fixture string // instead of everything
		cause   string // instead of refused
	}{
		{name: "the token", damage: refusing("INSERT", "credentials")},
		{name: "the account", damage: refusing("INSERT", "ca_accounts")},
		{name: "the settings", damage: refusing("UPDATE", "ca_accounts")},
		{name: "a bot", damage: refusing("INSERT", "ca_bots")},
		{name: "a tag", damage: refusing("INSERT", "ca_tags")},
		{name: "a contact", damage: refusing("INSERT", "ca_contacts")},
		{name: "a contact's tag", damage: refusing("INSERT", "ca_contact_tags")},
		{name: "a variable", damage: refusing("INSERT", "ca_variables")},
		{name: "a variable's value", damage: refusing("INSERT", "ca_contact_variables")},
		{name: "a money account", damage: refusing("INSERT", "ca_money_accounts")},
		{name: "a crypto account", damage: refusing("INSERT", "ca_crypto_accounts")},
		{name: "a list", damage: refusing("INSERT", "ca_list_schemas")},
		{name: "a list item", damage: refusing("INSERT", "ca_list_items")},
		{name: "the contacts a list draws from", damage: gone("ca_contacts"), fixture: `{"lists":[{"name":"Заказы","items":1}]}`, cause: noTable("ca_contacts")},
		{name: "list ids that cannot be checked", damage: gone("ca_list_items"), fixture: `{"lists":[{"name":"Заказы"}]}`, cause: noTable("ca_list_items")},
		{name: "the token alone", damage: damage{`CREATE TRIGGER refuse_token BEFORE INSERT ON credentials WHEN new.platform = 'cleverapp' BEGIN SELECT json('refused'); END`,
			`DROP TRIGGER refuse_token`}, fixture: `{}`, cause: refused},
		{name: "a bot's tag alone", damage: refusing("INSERT", "ca_tags"), fixture: `{"bots":[{"name":"Shop","messenger":"telegram","tags":["Горячий"]}]}`, cause: refused},
		{name: "a generated contact alone", damage: refusing("INSERT", "ca_contacts"), fixture: `{"bots":[{"name":"Shop","messenger":"telegram","contacts":1}]}`, cause: refused},
		{name: "a listed contact", damage: refusing("INSERT", "ca_contacts"), fixture: listed, cause: refused},
		{name: "a listed contact's tag", damage: refusing("INSERT", "ca_contact_tags"), fixture: listed, cause: refused},
		{name: "a listed contact's variable", damage: refusing("INSERT", "ca_contact_variables"), fixture: listed, cause: refused},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := b.state(t)
			b.exec(t, c.damage.breaks)
			section, cause := string(fixture), refused
			if c.fixture != "" {
				section, cause = `{"cleverapp":`+c.fixture+`}`, c.cause
			}
			r := b.Do(t, http.MethodPost, "/__fakebots/tenants", `{"id":"refused","fixture":`+section+`}`, "Content-Type", "application/json")
			b.exec(t, c.damage.mends)
			require.Equal(t, http.StatusInternalServerError, r.Status, string(r.Body))
			require.Equal(t, `{"error":"internal error: the emulator could not complete the call (see its log)"}`, string(r.Body))
			require.Regexp(t, `^level=ERROR msg="control call failed" method=POST path=/__fakebots/tenants err="[^\n]*`+regexp.QuoteMeta(cause)+`"\n$`, b.log.Take())
			require.Equal(t, before, b.state(t))
			require.Equal(t, http.StatusNotFound, b.Do(t, http.MethodGet, "/__fakebots/tenants/refused", nil).Status)
		})
	}
}
