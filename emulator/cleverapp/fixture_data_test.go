package cleverapp_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/internal/golden"
)

// everything is a fixture with each kind of bot, contacts generated and
// spelled out (with and without what they may leave out), invitations,
// accounts, and lists with each type of field, of a bot and of none.
const everything = `
cleverapp:
  account: {name: Всё сразу, email: all@cleverapp.example, phone: "79990000002"}
  bots:
    - name: Telegram
      messenger: telegram
      tags: [Горячий, Акция]
      variables: [Город, Имя, Возраст, Любимый цвет]
      contacts: 5
      accounts: [RUB, usd]
      crypto_accounts: [btc]
      referrals: 2
    - name: WhatsApp
      messenger: whatsapp
      contacts:
        - {name: Анна, phone: "+7 (999) 111-22-33", email: anna@example.com, address: "г. Казань", created_at: "2024-01-02T03:04:05+03:00",
           tags: [VIP], variables: {city: Казань, age: "30"}}
        - {referrer: Анна}
    - name: Viber
      messenger: viber
      contacts:
        - {name: Борис}
        - {name: Вера, viber_id: "abc==", telegram_username: vera, referrer: Борис}
    - name: VK
      messenger: vk
      variables: [name, city, age]
      contacts: 2
      referrals: 1
    - name: ICQ
      messenger: icq
      contacts:
        - {name: Гена, phone: "12345"}
        - {name: Дина, vk_id: "42", telegram_id: "7"}
  lists:
    - name: Всё
      bot: Telegram
      fields:
        - {slug: name, name: Название, type: string, is_required: true}
        - {slug: qty, name: Количество, type: number}
        - {slug: vip, name: VIP, type: bool}
        - {slug: at, name: Когда, type: date}
        - {slug: contact, name: Контакт, type: contact}
        - {slug: bot, name: Бот, type: bot}
        - {slug: home_city, name: Город, type: string}
        - {slug: address, name: Адрес, type: string}
        - {slug: phone, name: Телефон, type: string}
        - {slug: email, name: Почта, type: string}
        - {slug: secret, name: Секрет, type: string, is_hidden: true, is_encryptable: true}
        - {slug: api_key, name: Ключ, type: string}
        - {slug: promo_code, name: Промокод, type: string}
      items: 4
    - name: Без бота
      is_menu: true
      fields:
        - {slug: who, name: Кто, type: contact}
        - {slug: which, name: Какой бот, type: bot}
      items: 3
    - name: Пустой
`

// The data a fixture generates is the same on every start: each generated
// value, id and time is pinned in testdata/fixture_everything.golden.
func TestFixtureDataIsPinned(t *testing.T) {
	f := newFake(t, fakebotstest.WithFixtureYAML(everything))
	var out strings.Builder
	show := func(op string, params map[string]any) *fakebotstest.Response {
		t.Helper()
		r := invoke(t, f, op, params)
		require.Equal(t, http.StatusOK, r.Status, "%s: %s", op, r.Body)
		fmt.Fprintf(&out, "%s %v\n%s\n", op, params, r.Body)
		return r
	}
	show("getMe", nil)
	var contacts page[demoContact]
	show("getContacts", map[string]any{"count": 500, "with": "tags,variables"}).JSON(t, &contacts)
	for _, c := range contacts.Data {
		show("getContactAccounts", map[string]any{"contact_id": c.ID})
		show("getContactCryptoAccounts", map[string]any{"contact_id": c.ID})
		show("getReferrers", map[string]any{"contact_id": c.ID})
	}
	var lists page[struct{ ID string }]
	show("getListSchemas", nil).JSON(t, &lists)
	for _, l := range lists.Data {
		show("getListItems", map[string]any{"schema_id": l.ID, "limit": 500})
	}
	golden.Assert(t, "fixture_everything.golden", []byte(masked(t, f, out.String())))
}

// masked is text without what depends on the tenant's random id: its
// address, account and bot ids (named by their place in the fixture) and
// list and item ids (numbered as they first appear).
func masked(t *testing.T, f *fakebotstest.Fake, text string) string {
	t.Helper()
	text = strings.ReplaceAll(text, strings.ReplaceAll(f.Tenant.CleverApp.BaseURL, "/", `\/`), "BASE")
	var me struct{ Data struct{ ID int64 } }
	ok(t, f, http.MethodGet, "getMe", nil, &me)
	names := map[string]string{fmt.Sprint(me.Data.ID): "ACCOUNT"}
	for i, b := range f.Tenant.CleverApp.Bots {
		names[fmt.Sprint(b.ID)] = fmt.Sprintf("BOT%d", i+1)
	}
	objects := map[string]string{}
	return regexp.MustCompile(`\b([0-9]{5,8}|[0-9a-f]{24})\b`).ReplaceAllStringFunc(text, func(id string) string {
		if name, ok := names[id]; ok {
			return name
		}
		if len(id) < 24 {
			return id
		}
		if _, ok := objects[id]; !ok {
			objects[id] = fmt.Sprintf("OBJECT%d", len(objects)+1)
		}
		return objects[id]
	})
}
