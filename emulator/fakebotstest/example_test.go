package fakebotstest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
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

// A complete test of the client: an emulator with a tenant made from an
// inline fixture, a call through the client, and assertions on what the
// contact received and on the platform's own error for a contact that does
// not exist. In a Go test, fakebotstest.New(t) does the start and cleanup.
func Example() {
	fake, err := fakebotstest.Start(fakebotstest.WithFixture(map[string]any{
		"cleverapp": map[string]any{"bots": []any{map[string]any{"name": "Shop", "messenger": "telegram", "contacts": 1}}},
	}))
	if err != nil {
		panic(err)
	}
	defer fake.Close()
	ctx := context.Background()
	fake.Control.Freeze(ctx)
	cleverapp := fake.Tenant.CleverApp

	// Find the fixture's contact the way a client would.
	resp, err := fake.Client().Get(cleverapp.BaseURL + "/getContacts?api_token=" + cleverapp.APIToken)
	if err != nil {
		panic(err)
	}
	var page struct{ Data []struct{ ID int64 } }
	json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()

	client := &notifier{baseURL: cleverapp.BaseURL, token: cleverapp.APIToken, http: fake.Client()}
	fmt.Println("shipped:", client.orderShipped(page.Data[0].ID, "A-17"))

	outbox, _ := fake.Control.Outbox(ctx, fakebotstest.Filter{Tenant: fake.Tenant.ID})
	fmt.Printf("delivered %q on %s\n", outbox[0].Text, outbox[0].Messenger)

	// The API allows 2 requests a second: move the emulator's clock on
	// rather than sleeping.
	fake.Control.Advance(ctx, time.Second)
	fmt.Println("unknown contact:", client.orderShipped(999999, "A-18"))
	// Output:
	// shipped: <nil>
	// delivered "Заказ A-17 отправлен" on telegram
	// unknown contact: cleverapp: 404 No query results for model [App\Contact] 999999
}
