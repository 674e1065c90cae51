package fakebotstest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/fixtures"
)

// notifier is a tiny CleverApp client, the kind of code a CRM integration
// has: it tells a contact that their order shipped.
type notifier struct {
	baseURL, token string
	http           *http.Client
}

func (n *notifier) orderShipped(contactID int64, order string) error {
	form := url.Values{"contact_id": {fmt.Sprint(contactID)}, "text": {"Заказ " + order + " отправлен"}}
	req, err := http.NewRequest(http.MethodPost, n.baseURL+"/sendMessage?api_token="+n.token, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Requested-With", "XMLHttpRequest")
	resp, err := n.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var body struct {
		Success bool
		Message string
		Error   string
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return err
	}
	if !body.Success {
		return fmt.Errorf("cleverapp: %d %s%s", resp.StatusCode, body.Message, body.Error)
	}
	return nil
}

// A complete test of the client, as a user writes it: a tenant from a typed
// fixture, calls through the client, and assertions on what the contact
// received, on the platform's own errors and on the calls the client made.
func TestNotifierExample(t *testing.T) {
	fake := fakebotstest.New(t, fakebotstest.WithFixture(fixtures.Tenant{
		CleverApp: &fixtures.CleverApp{Bots: []fixtures.CleverAppBot{{Name: "Shop", Messenger: "telegram", Contacts: fixtures.Contacts{Count: 1}}}},
	}))
	client := &notifier{baseURL: fake.CleverApp.BaseURL, token: fake.CleverApp.APIToken, http: fake.Client()}
	var contacts struct{ Data []struct{ ID int64 } }
	fake.Do(t, http.MethodGet, fake.CleverApp.BaseURL+"/getContacts?api_token="+fake.CleverApp.APIToken, nil,
		"X-Requested-With", "XMLHttpRequest").JSON(t, &contacts)
	contact := contacts.Data[0]

	require.NoError(t, client.orderShipped(contact.ID, "A-17"))
	require.Equal(t, []string{"Заказ A-17 отправлен"}, fake.Outbox(t, fakebotstest.OutboxFilter{}).Texts())

	// The API allows 2 requests a second and time stands still until the
	// test moves it: a third call now is refused, a second later it passes.
	require.ErrorContains(t, client.orderShipped(contact.ID, "A-18"), "cleverapp: 429")
	fake.Advance(t, time.Second)
	require.EqualError(t, client.orderShipped(999999, "A-18"), "cleverapp: 404 No query results for model [App\\Contact] 999999")

	// A failure of the platform, and what the client sent.
	fake.FailNext(t, fakebotstest.CleverApp, fakebotstest.CleverAppSendMessage, 1, http.StatusInternalServerError, map[string]any{"success": false, "message": "Server Error"})
	require.EqualError(t, client.orderShipped(contact.ID, "A-19"), "cleverapp: 500 Server Error")
	calls := fake.Journal(t, fakebotstest.JournalFilter{Operation: fakebotstest.CleverAppSendMessage})
	require.Equal(t, []int{200, 429, 404, 500}, calls.Statuses())
}
