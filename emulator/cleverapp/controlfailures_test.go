package cleverapp_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// A control route whose reads or writes the database refuses answers the
// control API's 500 and logs the cause once; it changes nothing.
func TestControlRoutesOverAFailingDatabaseFail(t *testing.T) {
	b := newBrokenDB(t)
	// secondBot is d done while the tenant has a second bot, which cannot
	// be read.
	secondBot := around(`INSERT INTO ca_bots (tenant_id, brand, name, messenger, created_at) SELECT tenant_id, brand, 'Второй', messenger, created_at FROM ca_bots WHERE id = {bot}`,
		b.view(t, "ca_bots", "1", "name", `CASE WHEN name = 'Второй' THEN `+overflow+` ELSE name END`), `DELETE FROM ca_bots WHERE name = 'Второй'`)
	for _, c := range []struct {
		name         string
		method, path string
		body         string
		damage       damage
		cause        string // logged with the 500
		refused      string // or the 400 the control API answers a plain error with
	}{
		{name: "a plan not changed", method: http.MethodPut, path: "plan", body: `{"plan":"free"}`, damage: refusing("UPDATE", "ca_accounts"), cause: refused},
		{name: "settings unreadable", method: http.MethodGet, path: "settings", damage: gone("ca_accounts"), cause: noTable("ca_accounts")},
		{name: "settings stored as no JSON", method: http.MethodGet, path: "settings", damage: b.view(t, "ca_accounts", "1", "settings", "'{'"),
			refused: `{"error":"settings: unexpected EOF"}`},
		{name: "settings unreadable for a change", method: http.MethodPatch, path: "settings", body: `{"contact_variables":"always"}`,
			damage: gone("ca_accounts"), cause: noTable("ca_accounts")},
		{name: "settings stored as no JSON for a change", method: http.MethodPatch, path: "settings", body: `{"contact_variables":"always"}`,
			damage: b.view(t, "ca_accounts", "1", "settings", "'{'"), refused: `{"error":"settings: unexpected EOF"}`},
		{name: "settings not changed", method: http.MethodPatch, path: "settings", body: `{"contact_variables":"always"}`,
			damage: refusing("UPDATE", "ca_accounts"), cause: refused},
		{name: "bots unreadable", method: http.MethodGet, path: "bots", damage: gone("ca_bots"), cause: noTable("ca_bots")},
		{name: "a bot that cannot be read", method: http.MethodGet, path: "bots", damage: b.view(t, "ca_bots", "1", "name", "NULL"),
			refused: `{"error":"` + unscannable(1, "name", nullString) + `"}`},
		{name: "bots whose reading fails part way", method: http.MethodGet, path: "bots", damage: secondBot, cause: overflowed},
		{name: "variables unreadable", method: http.MethodGet, path: "bots", damage: gone("ca_variables"), cause: noTable("ca_variables")},
		{name: "tags unreadable", method: http.MethodGet, path: "bots", damage: gone("ca_tags"), cause: noTable("ca_tags")},
		{name: "lists unreadable", method: http.MethodGet, path: "lists", damage: gone("ca_list_schemas"), cause: noTable("ca_list_schemas")},
		{name: "a list that cannot be read", method: http.MethodGet, path: "lists", damage: b.view(t, "ca_list_schemas", "1", "name", "NULL"),
			refused: `{"error":"` + unscannable(2, "name", nullString) + `"}`},
		{name: "lists whose reading fails part way", method: http.MethodGet, path: "lists", damage: b.twoMoreLists(t), cause: overflowed},

		{name: "users unreadable", method: http.MethodGet, path: "users", damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "a user unreadable", method: http.MethodGet, path: "users/{contact}", damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "a user's tags unreadable", method: http.MethodGet, path: "users/{contact}", damage: gone("ca_contact_tags"), cause: noTable("ca_contact_tags")},
		{name: "a user's variables unreadable", method: http.MethodGet, path: "users/{contact}", damage: gone("ca_contact_variables"), cause: noTable("ca_contact_variables")},
		{name: "bots unreadable for a new user", method: http.MethodPost, path: "users", body: `{}`, damage: gone("ca_bots"), cause: noTable("ca_bots")},
		{name: "users unreadable for a new user", method: http.MethodPost, path: "users", body: `{}`, damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "users that cannot be numbered", method: http.MethodPost, path: "users", body: `{}`,
			damage: b.view(t, "ca_contacts", "1", "id", overflow), cause: overflowed},
		{name: "a user not created", method: http.MethodPost, path: "users", body: `{}`, damage: refusing("INSERT", "ca_contacts"), cause: refused},
		{name: "a user's fields not written", method: http.MethodPost, path: "users", body: `{}`, damage: refusing("UPDATE", "ca_contacts"), cause: refused},
		{name: "a thread of an unreadable user", method: http.MethodGet, path: "users/{contact}/thread", damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "a user's block not kept", method: http.MethodPost, path: "users/{contact}/unsubscribe", damage: refusing("UPDATE", "ca_contacts"), cause: refused},
	} {
		t.Run(c.method+" "+c.path+": "+c.name, func(t *testing.T) {
			before := b.state(t)
			b.exec(t, c.damage.breaks)
			r := b.Do(t, c.method, "/__fakebots/tenants/"+b.Tenant.ID+"/cleverapp/"+b.ids(c.path), c.body, "Content-Type", "application/json")
			b.exec(t, c.damage.mends)
			if c.refused != "" {
				require.Equal(t, http.StatusBadRequest, r.Status, string(r.Body))
				require.Equal(t, c.refused, string(r.Body))
				require.Empty(t, b.log.Take())
				require.Equal(t, before, b.state(t))
				return
			}
			require.Equal(t, http.StatusInternalServerError, r.Status, string(r.Body))
			require.Equal(t, `{"error":"internal error: the emulator could not complete the call (see its log)"}`, string(r.Body))
			logged := b.log.Take()
			require.Regexp(t, `^level=ERROR msg="control call failed" method=`+c.method+` path=/__fakebots/tenants/`+b.Tenant.ID+`/cleverapp/\S+ err="[^\n]*"\n$`, logged)
			require.Contains(t, logged, c.cause)
			require.Equal(t, before, b.state(t))
		})
	}
}
