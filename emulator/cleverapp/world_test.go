package cleverapp_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// worldFixture gives a tenant one of everything the API names by id.
var worldFixture = map[string]any{"cleverapp": map[string]any{
	"bots": []any{map[string]any{
		"name": "Shop", "messenger": "telegram", "tags": []string{"Горячий", "Акция"}, "variables": []string{"Город"},
		"contacts": 3, "accounts": []string{"RUB"}, "crypto_accounts": []string{"BTC"}, "referrals": 1,
	}},
	"lists": []any{map[string]any{"name": "Заказы", "bot": "Shop", "items": 3, "fields": []any{
		map[string]any{"slug": "name", "name": "Название", "type": "string", "is_required": true},
		map[string]any{"slug": "quantity", "name": "Количество", "type": "number"},
		map[string]any{"slug": "contact", "name": "Контакт", "type": "contact"},
	}}},
}}

// ids are one tenant's ids of each kind.
type ids struct {
	bot, contact, account, crypto int64
	schema, item                  string
}

// nowhere are ids no tenant has.
var nowhere = ids{bot: 999999999, contact: 999999999, account: 999999999, crypto: 999999999,
	schema: "000000000000000000000000", item: "000000000000000000000000"}

// world is an emulator with two tenants made from worldFixture: the Fake's
// own (mine) and another one (theirs), whose ids must be forbidden to it.
type world struct {
	*fakebotstest.Fake
	other        *fakebotstest.Tenant
	mine, theirs ids
}

// newWorld makes a world; opts configure its Fake.
func newWorld(t *testing.T, opts ...fakebotstest.Option) *world {
	t.Helper()
	f := newFake(t, append(opts, fakebotstest.WithFixture(worldFixture))...)
	w := &world{Fake: f, other: f.NewTenant(t, fakebotstest.WithFixture(worldFixture))}
	w.mine, w.theirs = idsOf(t, f.Server, f.Tenant), idsOf(t, f.Server, w.other)
	return w
}

// idsOf reads a tenant's first id of each kind through the API.
func idsOf(t *testing.T, s *fakebotstest.Server, tn *fakebotstest.Tenant) ids {
	t.Helper()
	x := ids{bot: tn.CleverApp.BotID}
	var list struct {
		Data []struct {
			ID any `json:"id"`
		}
	}
	first := func(op string, params map[string]any) any {
		t.Helper()
		list.Data = nil
		r := callAs(t, s, tn, methodOf(op), op, params)
		require.Equal(t, http.StatusOK, r.Status, "%s: %s", op, r.Body)
		r.JSON(t, &list)
		require.NotEmpty(t, list.Data, op)
		return list.Data[0].ID
	}
	x.contact = int64(first("getContacts", nil).(float64))
	x.account = int64(first("getContactAccounts", map[string]any{"contact_id": x.contact}).(float64))
	x.crypto = int64(first("getContactCryptoAccounts", map[string]any{"contact_id": x.contact}).(float64))
	x.schema = first("getListSchemas", nil).(string)
	x.item = first("getListItems", map[string]any{"schema_id": x.schema}).(string)
	return x
}

// methodOf is the HTTP method the catalogue gives an API method.
func methodOf(op string) string {
	for _, m := range catalogue {
		if m.name == op {
			return m.rightVerb()
		}
	}
	panic("no method " + op)
}

// invoke calls a method the way clients do: GET methods with a query string
// (nested values as PHP's key[sub]=v), the others with a JSON body.
func invoke(t *testing.T, f *fakebotstest.Fake, op string, params map[string]any) *fakebotstest.Response {
	t.Helper()
	verb := methodOf(op)
	if verb != http.MethodGet {
		return call(t, f, verb, op, params)
	}
	return f.Do(t, verb, f.Tenant.CleverApp.BaseURL+"/"+op+"?"+query(f, params), nil, "X-Requested-With", "XMLHttpRequest")
}

// query encodes params with the token as a PHP client does.
func query(f *fakebotstest.Fake, params map[string]any) string {
	q := url.Values{"api_token": {f.Tenant.CleverApp.APIToken}}
	for k, v := range params {
		addQuery(q, k, v)
	}
	return q.Encode()
}

func addQuery(q url.Values, key string, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			addQuery(q, key+"["+k+"]", e)
		}
	case []any:
		for _, e := range x {
			addQuery(q, key+"[]", e)
		}
	default:
		q.Add(key, fmt.Sprint(x))
	}
}

// reset returns the Fake's tenant to its fixture and reads its ids again.
func (w *world) reset(t *testing.T) {
	t.Helper()
	w.Tenant.Reset(t)
	w.mine = idsOf(t, w.Server, w.Tenant)
}
