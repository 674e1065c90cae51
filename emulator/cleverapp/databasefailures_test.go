package cleverapp_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// params are a request's parameters given the world's ids.
type params func(x ids) map[string]any

func ofContact(x ids) map[string]any { return map[string]any{"contact_id": x.contact} }
func ofBot(x ids) map[string]any     { return map[string]any{"bot_id": x.bot} }
func ofSchema(x ids) map[string]any  { return map[string]any{"schema_id": x.schema} }
func ofItem(x ids) map[string]any    { return map[string]any{"item_id": x.item} }
func ofAccount(x ids) map[string]any { return map[string]any{"account_id": x.account} }
func none(ids) map[string]any        { return nil }

// with is p and more parameters.
func with(p params, more ...map[string]any) params {
	return func(x ids) map[string]any {
		out := p(x)
		if out == nil {
			out = map[string]any{}
		}
		for _, m := range more {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}
}

// around is d done after setup, with undo after it is mended.
func around(setup string, d damage, undo string) damage {
	return damage{setup + "; " + d.breaks, d.mends + "; " + undo}
}

// blocked is d done while the world's contact has blocked the bot.
func blocked(d damage) damage {
	return around(`UPDATE ca_contacts SET unsubscribed = 1 WHERE id = {contact}`, d, `UPDATE ca_contacts SET unsubscribed = 0 WHERE id = {contact}`)
}

// withPhone is d done while the bot has a WhatsApp contact of phone
// 79990001122.
func withPhone(d damage) damage {
	return around(`INSERT INTO ca_contacts (tenant_id, brand, bot_id, messenger, phone, created_at, updated_at)
		SELECT tenant_id, brand, id, 'whatsapp', '79990001122', 0, 0 FROM ca_bots WHERE id = {bot}`, d,
		`DELETE FROM ca_contacts WHERE phone = '79990001122'`)
}

// attached is d done to a contact the test gives a tag of the bot.
func attached(tag string, d damage) damage {
	return around(`INSERT INTO ca_tags (tenant_id, bot_id, name) SELECT tenant_id, id, '`+tag+`' FROM ca_bots WHERE id = {bot};
		INSERT INTO ca_contact_tags (contact_id, tag_id, created_at) VALUES ({contact}, last_insert_rowid(), 0)`, d,
		`DELETE FROM ca_contact_tags WHERE tag_id IN (SELECT id FROM ca_tags WHERE name = '`+tag+`');
		DELETE FROM ca_tags WHERE name = '`+tag+`'`)
}

// secondAccount is d done while the contact has a second money account,
// in EUR.
func secondAccount(d damage) damage {
	return around(`INSERT INTO ca_money_accounts (tenant_id, brand, contact_id, currency, amount, created_at, updated_at)
		SELECT tenant_id, brand, id, 'EUR', 0, 0, 0 FROM ca_contacts WHERE id = {contact}`, d, `DELETE FROM ca_money_accounts WHERE currency = 'EUR'`)
}

// secondVariable is d done while the contact has a second variable, Возраст.
func secondVariable(d damage) damage {
	return around(`INSERT INTO ca_variables (id, tenant_id, bot_id, name) SELECT MAX(v.id) + 1, b.tenant_id, b.id, 'Возраст' FROM ca_variables v, ca_bots b WHERE b.id = {bot};
		INSERT INTO ca_contact_variables (contact_id, variable_id, value, updated_at) VALUES ({contact}, last_insert_rowid(), '30', 0)`, d,
		`DELETE FROM ca_contact_variables WHERE value = '30' AND variable_id IN (SELECT id FROM ca_variables WHERE name = 'Возраст');
		DELETE FROM ca_variables WHERE name = 'Возраст'`)
}

// twoMoreLists is a view of the world's list and two more, a second and
// a third one after it, whose reading fails at the third: sorted reads
// read a row past each they return, so it fails after the first.
func (b *brokenDB) twoMoreLists(t *testing.T) damage {
	return around(`INSERT INTO ca_list_schemas SELECT 'e' || substr(id, 2), tenant_id, brand, bot_id, 'Второй', is_menu, fields, created_at + 1, updated_at FROM ca_list_schemas WHERE id = {schema};
		INSERT INTO ca_list_schemas SELECT 'f' || substr(id, 2), tenant_id, brand, bot_id, 'Третий', is_menu, fields, created_at + 2, updated_at FROM ca_list_schemas WHERE id = {schema}`,
		b.view(t, "ca_list_schemas", "1", "name", `CASE WHEN name = 'Третий' THEN `+overflow+` ELSE name END`), `DELETE FROM ca_list_schemas WHERE name IN ('Второй', 'Третий')`)
}

// A method whose reads or writes the database refuses answers Laravel's
// 500 and logs the cause once; what it had begun to write is rolled back.
func TestMethodsOverAFailingDatabaseAnswerServerError(t *testing.T) {
	b := newBrokenDB(t)
	// lastContact fails to read the world's last contact (of three, the
	// second's referral) and holds the others.
	lastContact := `CASE WHEN id = {contact} + 2 THEN ` + overflow + ` ELSE 1 END`
	// unreadableAccount shows money accounts without a currency, and
	// deletes them when asked.
	unreadableAccount := b.view(t, "ca_money_accounts", "1", "currency", "NULL")
	unreadableAccount.breaks += `; CREATE TRIGGER pass_delete INSTEAD OF DELETE ON ca_money_accounts BEGIN
		DELETE FROM ca_money_accounts_away WHERE id = old.id; END`
	telegram := map[string]any{"messenger": "telegram", "telegram_id": "777", "name": "Новый"}
	// referred fails to read any contact someone referred.
	referred := `CASE WHEN referrer_id IS NULL THEN 1 ELSE ` + overflow + ` END`
	newList := map[string]any{"name": "Склад", "fields": map[string]any{"name": map[string]any{"name": "Название", "type": "string"}}}
	newField := map[string]any{"field": map[string]any{"slug": "price", "name": "Цена", "type": "number"}}
	quantity := map[string]any{"slug": "quantity"}
	newItem := map[string]any{"data": map[string]any{"name": "Худи"}}
	hello := map[string]any{"text": "Привет"}
	byTelegramID := map[string]any{"messenger": "telegram", "contact_external_id": "777", "text": "Привет"}
	toPhone := map[string]any{"phone": "+7 999 000-11-22", "text": "Привет"}
	queued := map[string]any{"message_id": "m-1", "text": "Привет"}
	tagged := func(tag string) map[string]any {
		return map[string]any{"messenger": "telegram", "telegram_id": "777", "name": "Новый", "tags": []string{tag}}
	}
	for _, c := range []struct {
		name   string
		op     string
		params params
		damage damage
		cause  string
		stale  bool // the token's owner is read again (the plan was set since)
	}{
		{name: "the account unreadable", op: "getMe", params: none, damage: gone("ca_accounts"), cause: noTable("ca_accounts")},
		{name: "tokens unreadable", op: "getMe", params: none, damage: gone("credentials"), cause: noTable("credentials"), stale: true},
		{name: "settings stored as no JSON", op: "getMe", params: none, damage: b.view(t, "ca_accounts", "1", "settings", "'{'"),
			cause: "settings: unexpected EOF", stale: true},
		{name: "another tenant's contact unreadable", op: "getContactTags", params: func(x ids) map[string]any { return map[string]any{"contact_id": b.theirs.contact} },
			damage: b.view(t, "ca_contacts", `CASE WHEN tenant_id = '`+b.other.ID+`' THEN `+overflow+` ELSE 1 END`), cause: overflowed},

		{name: "contacts unreadable", op: "getContacts", params: none, damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "a contact that cannot be read", op: "getContacts", params: none, damage: b.view(t, "ca_contacts", "1", "name", "NULL"),
			cause: unscannable(2, "name", nullString)},
		{name: "contacts whose reading fails part way", op: "getContacts", params: none,
			damage: b.view(t, "ca_contacts", "1", "name", `CASE WHEN id = {contact} + 1 THEN `+overflow+` ELSE name END`), cause: overflowed},
		{name: "contacts that cannot be counted", op: "getContacts", params: func(ids) map[string]any { return map[string]any{"count": 1} },
			damage: b.view(t, "ca_contacts", lastContact), cause: overflowed},
		{name: "contact tags unreadable", op: "getContacts", params: func(ids) map[string]any { return map[string]any{"with": "tags"} },
			damage: gone("ca_contact_tags"), cause: noTable("ca_contact_tags")},
		{name: "contact variables unreadable", op: "getContacts", params: func(ids) map[string]any { return map[string]any{"with": "variables"} },
			damage: gone("ca_contact_variables"), cause: noTable("ca_contact_variables")},
		{name: "the bot of no contacts unreadable", op: "getContacts", params: with(ofBot, map[string]any{"date_from": 4102444800}),
			damage: gone("ca_bots"), cause: noTable("ca_bots")},

		{name: "bots unreadable", op: "createOrUpdateContact", params: with(ofBot, telegram), damage: gone("ca_bots"), cause: noTable("ca_bots")},
		{name: "contacts unreadable", op: "createOrUpdateContact", params: with(ofBot, telegram), damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "a contact not created", op: "createOrUpdateContact", params: with(ofBot, telegram), damage: refusing("INSERT", "ca_contacts"), cause: refused},
		{name: "a contact not updated", op: "createOrUpdateContact", params: with(ofBot, telegram), damage: refusing("UPDATE", "ca_contacts"), cause: refused},
		{name: "a contact not read back", op: "createOrUpdateContact", params: with(ofBot, telegram),
			damage: spoiling("UPDATE", "ca_contacts", "created_at", "'x'"), cause: unscannable(13, "created_at", textAsInt64)},
		{name: "its tags unreadable", op: "createOrUpdateContact", params: with(ofBot, tagged("Новый")), damage: gone("ca_tags"), cause: noTable("ca_tags")},
		{name: "its tag not created", op: "createOrUpdateContact", params: with(ofBot, tagged("Новый")), damage: refusing("INSERT", "ca_tags"), cause: refused},
		{name: "its tag not attached", op: "createOrUpdateContact", params: with(ofBot, tagged("Горячий")),
			damage: refusing("INSERT", "ca_contact_tags"), cause: refused},

		{name: "contacts unreadable", op: "getContactVariables", params: ofContact, damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "variables unreadable", op: "getContactVariables", params: ofContact, damage: gone("ca_contact_variables"), cause: noTable("ca_contact_variables")},
		{name: "a variable that cannot be read", op: "getContactVariables", params: ofContact,
			damage: b.view(t, "ca_contact_variables", "1", "value", "NULL"), cause: unscannable(2, "value", nullString)},
		{name: "variables whose reading fails part way", op: "getContactVariables", params: ofContact,
			damage: b.view(t, "ca_variables", "1", "name", `CASE WHEN id = (SELECT MAX(variable_id) FROM ca_contact_variables WHERE contact_id = {contact}) THEN `+overflow+` ELSE name END`),
			cause:  overflowed},
		{name: "contacts unreadable", op: "setContactVariable", params: with(ofContact, map[string]any{"name": "Город", "value": "Казань"}),
			damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "variables unreadable", op: "setContactVariable", params: with(ofContact, map[string]any{"name": "Город", "value": "Казань"}),
			damage: gone("ca_variables"), cause: noTable("ca_variables")},
		{name: "variables that cannot be numbered", op: "setContactVariable", params: with(ofContact, map[string]any{"name": "Новая", "value": "1"}),
			damage: b.view(t, "ca_variables", `CASE WHEN bot_id = {bot} THEN 1 ELSE `+overflow+` END`), cause: overflowed},
		{name: "a variable not declared", op: "setContactVariable", params: with(ofContact, map[string]any{"name": "Новая", "value": "1"}),
			damage: refusing("INSERT", "ca_variables"), cause: refused},
		{name: "a value not set", op: "setContactVariable", params: with(ofContact, map[string]any{"name": "Город", "value": "Казань"}),
			damage: refusing("INSERT", "ca_contact_variables"), cause: refused},
		{name: "contacts unreadable", op: "deleteContactVariable", params: with(ofContact, map[string]any{"name": "Город"}),
			damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "a value not deleted", op: "deleteContactVariable", params: with(ofContact, map[string]any{"name": "Город"}),
			damage: refusing("DELETE", "ca_contact_variables"), cause: refused},

		{name: "bots unreadable", op: "getBotTags", params: ofBot, damage: gone("ca_bots"), cause: noTable("ca_bots")},
		{name: "tags unreadable", op: "getBotTags", params: ofBot, damage: gone("ca_tags"), cause: noTable("ca_tags")},
		{name: "tags whose reading fails", op: "getBotTags", params: ofBot, damage: b.view(t, "ca_tags", "1", "name", overflow), cause: overflowed},
		{name: "a tag that cannot be read", op: "getBotTags", params: ofBot, damage: b.view(t, "ca_tags", "1", "name", "NULL"),
			cause: unscannable(0, "name", nullString)},
		{name: "tags whose reading fails part way", op: "getBotTags", params: ofBot,
			damage: b.view(t, "ca_tags", "1", "name", `CASE WHEN id = (SELECT MAX(id) FROM ca_tags_away WHERE bot_id = {bot}) THEN `+overflow+` ELSE name END`),
			cause:  overflowed},
		{name: "contacts unreadable", op: "getContactTags", params: ofContact, damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "tags unreadable", op: "getContactTags", params: ofContact, damage: gone("ca_contact_tags"), cause: noTable("ca_contact_tags")},
		{name: "contacts unreadable", op: "attachTagToContact", params: with(ofContact, map[string]any{"name": "Новый"}),
			damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "tags unreadable", op: "attachTagToContact", params: with(ofContact, map[string]any{"name": "Новый"}),
			damage: gone("ca_tags"), cause: noTable("ca_tags")},
		{name: "tags unreadable by id", op: "attachTagToContact", params: with(ofContact, map[string]any{"tag_id": 1}),
			damage: gone("ca_tags"), cause: noTable("ca_tags")},
		{name: "a tag not created", op: "attachTagToContact", params: with(ofContact, map[string]any{"name": "Новый"}),
			damage: refusing("INSERT", "ca_tags"), cause: refused},
		{name: "a tag not attached", op: "attachTagToContact", params: with(ofContact, map[string]any{"name": "Новый"}),
			damage: refusing("INSERT", "ca_contact_tags"), cause: refused},
		{name: "a tag not detached", op: "detachTagFromContact", params: with(ofContact, map[string]any{"name": "Снятый"}),
			damage: attached("Снятый", refusing("DELETE", "ca_contact_tags")), cause: refused},

		{name: "contacts unreadable", op: "getContactAccounts", params: ofContact, damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "accounts unreadable", op: "getContactAccounts", params: ofContact, damage: gone("ca_money_accounts"), cause: noTable("ca_money_accounts")},
		{name: "an account that cannot be read", op: "getContactAccounts", params: ofContact,
			damage: b.view(t, "ca_money_accounts", "1", "currency", "NULL"), cause: unscannable(2, "currency", nullString)},
		{name: "accounts whose reading fails", op: "getContactAccounts", params: ofContact,
			damage: b.view(t, "ca_money_accounts", "1", "currency", overflow), cause: overflowed},
		{name: "accounts whose reading fails part way", op: "getContactAccounts", params: ofContact,
			damage: secondAccount(b.view(t, "ca_money_accounts", "1", "currency", `CASE WHEN id = {account} THEN currency ELSE `+overflow+` END`)), cause: overflowed},
		{name: "contacts unreadable", op: "addContactAccount", params: with(ofContact, map[string]any{"currency": "EUR"}),
			damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "accounts unreadable", op: "addContactAccount", params: with(ofContact, map[string]any{"currency": "EUR"}),
			damage: gone("ca_money_accounts"), cause: noTable("ca_money_accounts")},
		{name: "an account not opened", op: "addContactAccount", params: with(ofContact, map[string]any{"currency": "EUR"}),
			damage: refusing("INSERT", "ca_money_accounts"), cause: refused},
		{name: "accounts unreadable", op: "deleteContactAccount", params: ofAccount, damage: gone("ca_money_accounts"), cause: noTable("ca_money_accounts")},
		{name: "an account that cannot be read", op: "deleteContactAccount", params: ofAccount,
			damage: unreadableAccount, cause: unscannable(2, "currency", nullString)},
		{name: "an account not deleted", op: "deleteContactAccount", params: ofAccount, damage: refusing("DELETE", "ca_money_accounts"), cause: refused},
		{name: "accounts unreadable", op: "addFundsToContactAccount", params: with(ofAccount, map[string]any{"amount": 100, "description": "Бонус"}),
			damage: gone("ca_money_accounts"), cause: noTable("ca_money_accounts")},
		{name: "a balance not changed", op: "addFundsToContactAccount", params: with(ofAccount, map[string]any{"amount": 100, "description": "Бонус"}),
			damage: refusing("UPDATE", "ca_money_accounts"), cause: refused},
		{name: "funds not recorded", op: "addFundsToContactAccount", params: with(ofAccount, map[string]any{"amount": 100, "description": "Бонус"}),
			damage: refusing("INSERT", "ca_account_operations"), cause: refused},

		{name: "contacts unreadable", op: "getReferrers", params: ofContact, damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "a referrer that cannot be read", op: "getReferrers", params: func(x ids) map[string]any { return map[string]any{"contact_id": x.contact + 1} },
			damage: b.view(t, "ca_contacts", "1", "name", `CASE WHEN id = {contact} THEN NULL ELSE name END`), cause: unscannable(2, "name", nullString)},
		{name: "contacts unreadable", op: "getReferrals", params: ofContact, damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "referrals that cannot be counted", op: "getReferrals", params: ofContact, damage: b.view(t, "ca_contacts", referred), cause: overflowed},
		{name: "a referral that cannot be read", op: "getReferrals", params: ofContact,
			damage: b.view(t, "ca_contacts", "1", "name", `CASE WHEN referrer_id IS NULL THEN name END`), cause: unscannable(2, "name", nullString)},
		{name: "referrals whose reading fails part way", op: "getReferrals", params: ofContact,
			damage: around(`INSERT INTO ca_contacts (tenant_id, brand, bot_id, name, messenger, referrer_id, created_at, updated_at)
				SELECT tenant_id, brand, bot_id, 'Приглашённый', messenger, id, created_at, updated_at FROM ca_contacts WHERE id = {contact}`,
				b.view(t, "ca_contacts", "1", "name", `CASE WHEN name = 'Приглашённый' THEN `+overflow+` ELSE name END`), `DELETE FROM ca_contacts WHERE name = 'Приглашённый'`),
			cause: overflowed},
		{name: "referrals whose reading fails", op: "getReferrals", params: ofContact,
			damage: b.view(t, "ca_contacts", "1", "name", `CASE WHEN referrer_id IS NULL THEN name ELSE `+overflow+` END`), cause: overflowed},
		{name: "contacts unreadable", op: "getCountReferrals", params: ofContact, damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "referrals that cannot be counted", op: "getCountReferrals", params: ofContact, damage: b.view(t, "ca_contacts", referred), cause: overflowed},

		{name: "lists that cannot be counted", op: "getListSchemas", params: none, damage: gone("ca_list_schemas"), cause: noTable("ca_list_schemas")},
		{name: "lists unreadable", op: "getListSchemas", params: none, damage: b.view(t, "ca_list_schemas", "1", "is_menu", ""),
			cause: "SQL logic error: no such column: is_menu (1)"},
		{name: "a list that cannot be read", op: "getListSchemas", params: none, damage: b.view(t, "ca_list_schemas", "1", "name", "NULL"),
			cause: unscannable(2, "name", nullString)},
		{name: "a list whose fields cannot be read", op: "getListSchemas", params: none, damage: b.view(t, "ca_list_schemas", "1", "fields", "'{'"),
			cause: "unexpected end of JSON input"},
		{name: "lists whose reading fails", op: "getListSchemas", params: none, damage: b.view(t, "ca_list_schemas", "1", "name", overflow), cause: overflowed},
		{name: "lists whose reading fails part way", op: "getListSchemas", params: none,
			damage: b.twoMoreLists(t), cause: overflowed},
		{name: "lists unreadable", op: "getListSchema", params: ofSchema, damage: gone("ca_list_schemas"), cause: noTable("ca_list_schemas")},
		{name: "bots unreadable", op: "createListSchema", params: with(ofBot, newList), damage: gone("ca_bots"), cause: noTable("ca_bots")},
		{name: "ids unreadable", op: "createListSchema", params: with(none, newList), damage: gone("ca_list_items"), cause: noTable("ca_list_items")},
		{name: "a list not created", op: "createListSchema", params: with(none, newList), damage: refusing("INSERT", "ca_list_schemas"), cause: refused},
		{name: "lists unreadable", op: "addListSchemaField", params: with(ofSchema, newField), damage: gone("ca_list_schemas"), cause: noTable("ca_list_schemas")},
		{name: "a field not added", op: "addListSchemaField", params: with(ofSchema, newField), damage: refusing("UPDATE", "ca_list_schemas"), cause: refused},
		{name: "lists unreadable", op: "deleteListSchemaField", params: with(ofSchema, quantity), damage: gone("ca_list_schemas"), cause: noTable("ca_list_schemas")},
		{name: "a field not removed", op: "deleteListSchemaField", params: with(ofSchema, quantity), damage: refusing("UPDATE", "ca_list_schemas"), cause: refused},
		{name: "items not changed", op: "deleteListSchemaField", params: with(ofSchema, quantity), damage: refusing("UPDATE", "ca_list_items"), cause: refused},
		{name: "lists unreadable", op: "deleteListSchema", params: ofSchema, damage: gone("ca_list_schemas"), cause: noTable("ca_list_schemas")},
		{name: "a list not deleted", op: "deleteListSchema", params: ofSchema, damage: refusing("DELETE", "ca_list_schemas"), cause: refused},

		{name: "lists unreadable", op: "getListItems", params: ofSchema, damage: gone("ca_list_schemas"), cause: noTable("ca_list_schemas")},
		{name: "contacts unreadable", op: "getListItems", params: func(x ids) map[string]any { return map[string]any{"schema_id": x.schema, "contact_id": x.contact} },
			damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "bots unreadable", op: "getListItems", params: func(x ids) map[string]any { return map[string]any{"schema_id": x.schema, "bot_id": x.bot} },
			damage: gone("ca_bots"), cause: noTable("ca_bots")},
		{name: "items unreadable", op: "getListItems", params: ofSchema, damage: gone("ca_list_items"), cause: noTable("ca_list_items")},
		{name: "an item that cannot be read", op: "getListItems", params: ofSchema, damage: b.view(t, "ca_list_items", "1", "data", "NULL"),
			cause: unscannable(2, "data", nullString)},
		{name: "an item whose values cannot be read", op: "getListItems", params: ofSchema, damage: b.view(t, "ca_list_items", "1", "data", "'{'"),
			cause: "unexpected end of JSON input"},
		{name: "items whose reading fails", op: "getListItems", params: ofSchema, damage: b.view(t, "ca_list_items", "1", "data", overflow), cause: overflowed},
		{name: "items whose reading fails part way", op: "getListItems", params: ofSchema,
			damage: b.view(t, "ca_list_items", "1", "data", `CASE WHEN id = {item} THEN data ELSE `+overflow+` END`), cause: overflowed},
		{name: "items whose reading fails at the last", op: "getListItems", params: ofSchema, damage: b.view(t, "ca_list_items", "1", "data",
			`CASE WHEN created_at = (SELECT MAX(created_at) FROM ca_list_items_away WHERE schema_id = {schema}) THEN `+overflow+` ELSE data END`), cause: overflowed},
		{name: "lists unreadable", op: "addListItem", params: with(ofSchema, newItem), damage: gone("ca_list_schemas"), cause: noTable("ca_list_schemas")},
		{name: "contacts unreadable", op: "addListItem", params: func(x ids) map[string]any {
			return map[string]any{"schema_id": x.schema, "data": map[string]any{"name": "Худи", "contact": x.contact}}
		}, damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "ids unreadable", op: "addListItem", params: with(ofSchema, newItem), damage: gone("ca_list_items"), cause: noTable("ca_list_items")},
		{name: "an item not added", op: "addListItem", params: with(ofSchema, newItem), damage: refusing("INSERT", "ca_list_items"), cause: refused},
		{name: "items unreadable", op: "updateListItem", params: with(ofItem, newItem), damage: gone("ca_list_items"), cause: noTable("ca_list_items")},
		{name: "its list unreadable", op: "updateListItem", params: with(ofItem, newItem), damage: b.view(t, "ca_list_schemas", "1", "fields", "'{'"),
			cause: "unexpected end of JSON input"},
		{name: "contacts unreadable", op: "updateListItem", params: func(x ids) map[string]any {
			return map[string]any{"item_id": x.item, "data": map[string]any{"contact": x.contact}}
		}, damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "an item not changed", op: "updateListItem", params: with(ofItem, newItem), damage: refusing("UPDATE", "ca_list_items"), cause: refused},
		{name: "the lists of items unreadable", op: "deleteListItem", params: ofItem, damage: b.view(t, "ca_list_schemas", "1", "brand", overflow), cause: overflowed},
		{name: "items unreadable", op: "deleteListItem", params: ofItem, damage: gone("ca_list_items"), cause: noTable("ca_list_items")},
		{name: "an item not deleted", op: "deleteListItem", params: ofItem, damage: refusing("DELETE", "ca_list_items"), cause: refused},

		{name: "contacts unreadable", op: "sendMessage", params: with(ofContact, hello), damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "bots unreadable", op: "sendMessage", params: with(ofBot, byTelegramID), damage: gone("ca_bots"), cause: noTable("ca_bots")},
		{name: "contacts unreadable by messenger id", op: "sendMessage", params: with(ofBot, byTelegramID), damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "a message not queued", op: "sendMessage", params: with(ofContact, hello), damage: refusing("INSERT", "outbox"), cause: refused},
		{name: "a message to a blocked contact not failed", op: "sendMessage", params: with(ofContact, hello),
			damage: blocked(refusing("UPDATE", "outbox")), cause: refused},
		{name: "bots unreadable", op: "sendMessageToWhatsApp", params: with(ofBot, toPhone), damage: gone("ca_bots"), cause: noTable("ca_bots")},
		{name: "contacts unreadable", op: "sendMessageToWhatsApp", params: with(ofBot, toPhone), damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "a contact not created", op: "sendMessageToWhatsApp", params: with(ofBot, toPhone), damage: refusing("INSERT", "ca_contacts"), cause: refused},
		{name: "a contact not read back", op: "sendMessageToWhatsApp", params: with(ofBot, toPhone),
			damage: spoiling("INSERT", "ca_contacts", "created_at", "'x'"), cause: unscannable(13, "created_at", textAsInt64)},
		{name: "a message not queued", op: "sendMessageToWhatsApp", params: with(ofBot, toPhone),
			damage: withPhone(refusing("INSERT", "outbox")), cause: refused},
		{name: "contacts unreadable", op: "sendMessageToQueue", params: with(ofContact, queued), damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "contacts unreadable by phone", op: "sendMessageToQueue", params: with(none, queued, map[string]any{"phone": "+7 999 000-11-22"}),
			damage: gone("ca_contacts"), cause: noTable("ca_contacts")},
		{name: "the queue unreadable", op: "sendMessageToQueue", params: with(ofContact, queued), damage: gone("ca_queue"), cause: noTable("ca_queue")},
		{name: "a message not queued", op: "sendMessageToQueue", params: with(ofContact, queued), damage: refusing("INSERT", "outbox"), cause: refused},
		{name: "a message not remembered", op: "sendMessageToQueue", params: with(ofContact, queued), damage: refusing("INSERT", "ca_queue"), cause: refused},
		{name: "a message to a blocked contact not failed", op: "sendMessageToQueue", params: with(ofContact, queued),
			damage: blocked(refusing("UPDATE", "outbox")), cause: refused},
	} {
		t.Run(c.op+": "+c.name, func(t *testing.T) {
			before := b.state(t)
			if c.stale {
				b.CleverApp.SetPlan(t, "pro")
			}
			b.exec(t, c.damage.breaks)
			r := b.send(t, c.op, c.params(b.mine))
			b.exec(t, c.damage.mends)
			b.serverError(t, r, c.op, c.cause)
			require.Equal(t, before, b.state(t))
		})
	}
}

// A token's owner is read once and kept until a tenant, credential, plan or
// setting changes: calls go on while the tokens cannot be read, and fail
// once the plan was set since.
func TestATokenIsReadAgainOnlyAfterAnAccountChanged(t *testing.T) {
	b := newBrokenDB(t)
	d := gone("credentials")
	b.exec(t, d.breaks)
	defer b.exec(t, d.mends)
	ok(t, b.Fake, http.MethodGet, "getMe", nil, nil)
	ok(t, b.Fake, http.MethodGet, "getContacts", nil, nil)
	b.CleverApp.SetPlan(t, "pro")
	b.serverError(t, b.send(t, "getMe", nil), "getMe", noTable("credentials"))
}
