package cleverapp_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// guard is how one method refuses a request: the 422 of an invalid one, and
// (for methods that name an id) findOrFail's 404 for an id that exists
// nowhere and the 403 for another tenant's.
type guard struct {
	op      string
	invalid func(x ids) map[string]any
	errors  string                     // the 422's errors object, exactly
	naming  func(x ids) map[string]any // a valid request naming x's ids; nil when none
	model   string                     // the model of the id naming uses
	id      func(x ids) any            // that id
}

func contactOf(x ids) any { return x.contact }
func botOf(x ids) any     { return x.bot }
func schemaOf(x ids) any  { return x.schema }

var guards = []guard{
	{op: "getContacts", invalid: func(ids) map[string]any { return map[string]any{"count": 501} },
		errors: `{"count":["Поле count не может быть более 500."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"bot_id": x.bot} }, model: "Bot", id: botOf},
	{op: "createOrUpdateContact", invalid: func(ids) map[string]any { return map[string]any{"messenger": "telegram", "name": "Иван"} },
		errors: `{"bot_id":["Поле bot id обязательно для заполнения."],"telegram_id":["Поле telegram id обязательно для заполнения, когда messenger равно telegram."]}`,
		naming: func(x ids) map[string]any {
			return map[string]any{"bot_id": x.bot, "messenger": "telegram", "name": "Иван", "telegram_id": 42}
		}, model: "Bot", id: botOf},
	{op: "getContactVariables", invalid: func(ids) map[string]any { return nil },
		errors: `{"contact_id":["Поле contact id обязательно для заполнения."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact} }, model: "Contact", id: contactOf},
	{op: "setContactVariable", invalid: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact} },
		errors: `{"name":["Поле name обязательно для заполнения."],"value":["Поле value обязательно для заполнения."]}`,
		naming: func(x ids) map[string]any {
			return map[string]any{"contact_id": x.contact, "name": "Город", "value": "Казань"}
		},
		model: "Contact", id: contactOf},
	{op: "deleteContactVariable", invalid: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact} },
		errors: `{"id":["Поле id обязательно для заполнения, когда name не указано."],"name":["Поле name обязательно для заполнения, когда id не указано."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact, "name": "Город"} }, model: "Contact", id: contactOf},
	{op: "getBotTags", invalid: func(ids) map[string]any { return map[string]any{"bot_id": "first"} },
		errors: `{"bot_id":["Поле bot id должно быть целым числом."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"bot_id": x.bot} }, model: "Bot", id: botOf},
	{op: "getContactTags", invalid: func(ids) map[string]any { return nil },
		errors: `{"contact_id":["Поле contact id обязательно для заполнения."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact} }, model: "Contact", id: contactOf},
	{op: "attachTagToContact", invalid: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact} },
		errors: `{"tag_id":["Поле tag id обязательно для заполнения, когда name не указано."],"name":["Поле name обязательно для заполнения, когда tag id не указано."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact, "name": "Горячий"} }, model: "Contact", id: contactOf},
	{op: "detachTagFromContact", invalid: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact, "tag_id": 1.5} },
		errors: `{"tag_id":["Поле tag id должно быть целым числом."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact, "name": "Горячий"} }, model: "Contact", id: contactOf},

	{op: "getContactAccounts", invalid: func(ids) map[string]any { return map[string]any{"contact_id": "abc"} },
		errors: `{"contact_id":["Поле contact id должно быть целым числом."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact} }, model: "Contact", id: contactOf},
	{op: "addContactAccount", invalid: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact, "currency": "RUBL"} },
		errors: `{"currency":["Количество символов в поле currency должно быть равным 3."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact, "currency": "EUR"} }, model: "Contact", id: contactOf},
	{op: "deleteContactAccount", invalid: func(ids) map[string]any { return nil },
		errors: `{"account_id":["Поле account id обязательно для заполнения."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"account_id": x.account} }, model: "ContactAccount",
		id: func(x ids) any { return x.account }},
	{op: "addFundsToContactAccount", invalid: func(x ids) map[string]any {
		return map[string]any{"account_id": x.account, "amount": 0, "description": "Бонус"}
	}, errors: `{"amount":["Поле amount должно быть не менее 1."]}`,
		naming: func(x ids) map[string]any {
			return map[string]any{"account_id": x.account, "amount": 100, "description": "Бонус"}
		},
		model: "ContactAccount", id: func(x ids) any { return x.account }},
	{op: "withdrawFundsFromContactAccount", invalid: func(x ids) map[string]any {
		return map[string]any{"account_id": x.account, "amount": 1.5}
	}, errors: `{"amount":["Поле amount должно быть целым числом."],"description":["Поле description обязательно для заполнения."]}`,
		naming: func(x ids) map[string]any {
			return map[string]any{"account_id": x.account, "amount": 1, "description": "Заказ"}
		},
		model: "ContactAccount", id: func(x ids) any { return x.account }},

	{op: "getContactCryptoAccounts", invalid: func(ids) map[string]any { return nil },
		errors: `{"contact_id":["Поле contact id обязательно для заполнения."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact} }, model: "Contact", id: contactOf},
	{op: "addContactCryptoAccount", invalid: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact} },
		errors: `{"currency":["Поле currency обязательно для заполнения."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact, "currency": "TON"} }, model: "Contact", id: contactOf},
	{op: "deleteContactCryptoAccount", invalid: func(ids) map[string]any { return nil },
		errors: `{"account_id":["Поле account id обязательно для заполнения."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"account_id": x.crypto} }, model: "ContactCryptoAccount",
		id: func(x ids) any { return x.crypto }},
	{op: "addFundsToContactCryptoAccount", invalid: func(x ids) map[string]any {
		return map[string]any{"account_id": x.crypto, "amount": "много", "description": "Бонус"}
	}, errors: `{"amount":["Поле amount должно быть числом."]}`,
		naming: func(x ids) map[string]any {
			return map[string]any{"account_id": x.crypto, "amount": 0.1, "description": "Бонус"}
		},
		model: "ContactCryptoAccount", id: func(x ids) any { return x.crypto }},
	{op: "withdrawFundsFromContactCryptoAccount", invalid: func(x ids) map[string]any {
		return map[string]any{"account_id": x.crypto, "amount": 0, "description": "Вывод"}
	}, errors: `{"amount":["Поле amount должно быть не менее 0.00000001."]}`,
		naming: func(x ids) map[string]any {
			return map[string]any{"account_id": x.crypto, "amount": 0.00000001, "description": "Вывод"}
		}, model: "ContactCryptoAccount", id: func(x ids) any { return x.crypto }},

	{op: "getReferrers", invalid: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact, "depth": 11} },
		errors: `{"depth":["Поле depth должно быть между 1 и 10."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact} }, model: "Contact", id: contactOf},
	{op: "getReferrals", invalid: func(x ids) map[string]any {
		return map[string]any{"contact_id": x.contact, "filters": "Горячий"}
	},
		errors: `{"filters":["Поле filters должно быть массивом."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact} }, model: "Contact", id: contactOf},
	{op: "getCountReferrals", invalid: func(ids) map[string]any { return map[string]any{"contact_id": ""} },
		errors: `{"contact_id":["Поле contact id обязательно для заполнения."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact} }, model: "Contact", id: contactOf},

	{op: "getListSchemas", invalid: func(ids) map[string]any { return map[string]any{"page": "x"} },
		errors: `{"page":["Поле page должно быть целым числом."]}`},
	{op: "getListSchema", invalid: func(ids) map[string]any { return nil },
		errors: `{"schema_id":["Поле schema id обязательно для заполнения."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"schema_id": x.schema} }, model: "ListSchema", id: schemaOf},
	{op: "createListSchema", invalid: func(ids) map[string]any {
		return map[string]any{"name": "Заказы", "fields": map[string]any{"name": map[string]any{"name": "Название", "type": "text"}}}
	}, errors: `{"fields.name.type":["Выбранное значение для fields.name.type ошибочно."]}`,
		naming: func(x ids) map[string]any {
			return map[string]any{"name": "Заказы", "bot_id": x.bot, "fields": map[string]any{"name": map[string]any{"name": "Название", "type": "string"}}}
		}, model: "Bot", id: botOf},
	{op: "addListSchemaField", invalid: func(x ids) map[string]any { return map[string]any{"schema_id": x.schema} },
		errors: `{"field":["Поле field обязательно для заполнения."],"field.slug":["Поле field.slug обязательно для заполнения."],` +
			`"field.name":["Поле field.name обязательно для заполнения."],"field.type":["Поле field.type обязательно для заполнения."]}`,
		naming: func(x ids) map[string]any {
			return map[string]any{"schema_id": x.schema, "field": map[string]any{"slug": "price", "name": "Цена", "type": "number"}}
		}, model: "ListSchema", id: schemaOf},
	{op: "deleteListSchemaField", invalid: func(x ids) map[string]any { return map[string]any{"schema_id": x.schema} },
		errors: `{"slug":["Поле slug обязательно для заполнения."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"schema_id": x.schema, "slug": "quantity"} }, model: "ListSchema", id: schemaOf},
	{op: "deleteListSchema", invalid: func(ids) map[string]any { return map[string]any{"schema_id": 5} },
		errors: `{"schema_id":["Поле schema id должно быть строкой."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"schema_id": x.schema} }, model: "ListSchema", id: schemaOf},
	{op: "getListItems", invalid: func(x ids) map[string]any { return map[string]any{"schema_id": x.schema, "limit": 501} },
		errors: `{"limit":["Поле limit не может быть более 500."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"schema_id": x.schema} }, model: "ListSchema", id: schemaOf},
	{op: "addListItem", invalid: func(x ids) map[string]any {
		return map[string]any{"schema_id": x.schema, "data": map[string]any{"quantity": "много"}}
	}, errors: `{"data.name":["Поле data.name обязательно для заполнения."],"data.quantity":["Поле data.quantity должно быть числом."]}`,
		naming: func(x ids) map[string]any {
			return map[string]any{"schema_id": x.schema, "data": map[string]any{"name": "Худи"}}
		},
		model: "ListSchema", id: schemaOf},
	{op: "updateListItem", invalid: func(x ids) map[string]any { return map[string]any{"item_id": x.item} },
		errors: `{"data":["Поле data обязательно для заполнения."]}`,
		naming: func(x ids) map[string]any {
			return map[string]any{"item_id": x.item, "data": map[string]any{"quantity": 2}}
		},
		model: "ListItem", id: func(x ids) any { return x.item }},
	{op: "deleteListItem", invalid: func(ids) map[string]any { return nil },
		errors: `{"item_id":["Поле item id обязательно для заполнения."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"item_id": x.item} }, model: "ListItem", id: func(x ids) any { return x.item }},

	{op: "sendMessage", invalid: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact} },
		errors: `{"text":["Поле text обязательно для заполнения, когда ни одно из image \/ file не указано."],` +
			`"image":["Поле image обязательно для заполнения, когда ни одно из text \/ file не указано."],` +
			`"file":["Поле file обязательно для заполнения, когда ни одно из text \/ image не указано."]}`,
		naming: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact, "text": "Привет"} }, model: "Contact", id: contactOf},
	{op: "sendMessageToWhatsApp", invalid: func(x ids) map[string]any { return map[string]any{"bot_id": x.bot, "phone": "79990001122"} },
		errors: `{"text":["Поле text обязательно для заполнения."]}`,
		naming: func(x ids) map[string]any {
			return map[string]any{"bot_id": x.bot, "phone": "79990001122", "text": "Привет"}
		},
		model: "Bot", id: botOf},
	{op: "sendMessageToQueue", invalid: func(ids) map[string]any { return map[string]any{"message_id": "m-1", "text": "Привет"} },
		errors: `{"contact_id":["Поле contact id обязательно для заполнения, когда ни одно из bitrix contact id \/ phone не указано."],` +
			`"bitrix_contact_id":["Поле bitrix contact id обязательно для заполнения, когда ни одно из contact id \/ phone не указано."],` +
			`"phone":["Поле phone обязательно для заполнения, когда ни одно из contact id \/ bitrix contact id не указано."]}`,
		naming: func(x ids) map[string]any {
			return map[string]any{"message_id": "m-1", "text": "Привет", "contact_id": x.contact}
		},
		model: "Contact", id: contactOf},
}

// TestEveryMethodRefusesWhatItMust covers every method that takes input
// (getMe takes none): its 422, and for each id it names, 404 and 403.
func TestEveryMethodRefusesWhatItMust(t *testing.T) {
	w := newWorld(t)
	covered := map[string]bool{"getMe": true}
	for _, g := range guards {
		covered[g.op] = true
		t.Run(g.op, func(t *testing.T) {
			r := invoke(t, w.Fake, g.op, g.invalid(w.mine))
			assertAnswer(t, w.Fake, g.op, r, http.StatusUnprocessableEntity, `{"message":"The given data was invalid.","errors":`+g.errors+`}`)
			if g.naming == nil {
				return
			}
			r = invoke(t, w.Fake, g.op, g.naming(nowhere))
			assertAnswer(t, w.Fake, g.op, r, http.StatusNotFound,
				`{"message":"No query results for model [App\\`+g.model+`] `+fmt.Sprint(g.id(nowhere))+`"}`)
			r = invoke(t, w.Fake, g.op, g.naming(w.theirs))
			assertAnswer(t, w.Fake, g.op, r, http.StatusForbidden, `{"message":"Forbidden"}`)
			// The same request with the tenant's own ids goes through.
			r = invoke(t, w.Fake, g.op, g.naming(w.mine))
			require.Equal(t, http.StatusOK, r.Status, "%s with my ids: %s", g.op, r.Body)
			checkSpec(t, w.Fake, g.op, r)
			w.reset(t)
		})
	}
	for _, m := range catalogue {
		require.True(t, covered[m.name], "no guard case for %s", m.name)
	}
}
