package fakebotstest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// Outbox lists what end users were sent, oldest first, narrowed by
// platform, recipient and status.
func TestOutboxFilters(t *testing.T) {
	fake := fakebotstest.New(t)
	salebot := fake.Users(t, fakebotstest.Salebot) // the README's spelling: the fake's tenant's end users
	ann, bob := salebot.Create(t, fakebotstest.NewEndUser{Name: "Ann"}), salebot.Create(t, fakebotstest.NewEndUser{Name: "Bob"})
	contact := fake.Tenant.Users(t, fakebotstest.CleverApp).Create(t, fakebotstest.NewEndUser{Name: "Cid"})
	for _, m := range []map[string]any{{"client_id": ann.ID, "message": "now"}, {"client_id": bob.ID, "message": "later", "time_shift": 60}} {
		r := fake.Do(t, http.MethodPost, fake.Salebot.URL("message"), m)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	}
	r := fake.Do(t, http.MethodPost, fake.CleverApp.BaseURL+"/sendMessage?api_token="+fake.CleverApp.APIToken,
		fmt.Sprintf(`{"contact_id":%d,"text":"hello"}`, contact.ID), "Content-Type", "application/json", "X-Requested-With", xhr)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	for _, tc := range []struct {
		filter fakebotstest.OutboxFilter
		texts  []string
	}{
		{fakebotstest.OutboxFilter{}, []string{"now", "later", "hello"}},
		{fakebotstest.OutboxFilter{Platform: fakebotstest.Salebot}, []string{"now", "later"}},
		{fakebotstest.OutboxFilter{Recipient: fmt.Sprint(bob.ID)}, []string{"later"}},
		{fakebotstest.OutboxFilter{Status: fakebotstest.Delivered}, []string{"now", "hello"}},
		{fakebotstest.OutboxFilter{Platform: fakebotstest.Salebot, Status: fakebotstest.Scheduled}, []string{"later"}},
	} {
		require.Equal(t, tc.texts, fake.Outbox(t, tc.filter).Texts(), "%+v", tc.filter)
	}
}
