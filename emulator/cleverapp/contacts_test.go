package cleverapp_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

func TestGetMeIsTheFixtureAccount(t *testing.T) {
	f := newFake(t, fakebotstest.WithFixture(map[string]any{"cleverapp": map[string]any{
		"account": map[string]any{"name": "Демо Магазин", "email": "demo@cleverapp.example", "phone": "79990000001"},
	}}))
	r := ok(t, f, http.MethodGet, "getMe", nil, nil)
	require.Regexp(t, `^\{"data":\{"id":[0-9]+,"name":"Демо Магазин","email":"demo@cleverapp.example","phone":"79990000001","created_at":"[0-9T:+-]{25}"\}\}$`, string(r.Body))
}

func TestContactsWriteAndReadBack(t *testing.T) {
	f := newFake(t)
	at(t, f, "2024-03-01T12:00:00Z")
	bot := f.Tenant.CleverApp.BotID
	created := map[string]any{"bot_id": bot, "messenger": "telegram", "name": "Иван", "telegram_id": 123456, "telegram_username": "ivan", "tags": []string{"Новый"}}
	var c struct{ Data struct{ ID int64 } }
	ok(t, f, http.MethodPost, "createOrUpdateContact", created, &c)
	id := strconv.FormatInt(c.Data.ID, 10)
	// The same messenger id updates the contact instead of adding one.
	ok(t, f, http.MethodPost, "createOrUpdateContact", map[string]any{"bot_id": bot, "messenger": "telegram", "name": "Иван Иванов", "telegram_id": "123456", "email": "ivan@example.com"}, nil)

	r := invoke(t, f, "getContacts", map[string]any{"bot_id": bot, "with": "tags,variables"})
	base := strings.ReplaceAll(f.Tenant.CleverApp.BaseURL, "/", `\/`) + `\/getContacts`
	assertAnswer(t, f, "getContacts", r, http.StatusOK, `{"data":[{"id":`+id+`,"bot_id":`+strconv.FormatInt(bot, 10)+
		`,"phone":null,"email":"ivan@example.com","name":"Иван Иванов","messenger":"telegram","telegram_id":"123456","telegram_username":"ivan",`+
		`"address":null,"utm":null,"created_at":"2024-03-01T12:00:00+00:00","tags":["Новый"],"variables":[]}],`+
		`"links":{"first":"`+base+`?page=1","last":"`+base+`?page=1","prev":null,"next":null},`+
		`"meta":{"current_page":1,"from":1,"last_page":1,"path":"`+base+`","per_page":15,"to":1,"total":1}}`)
}

func TestVariablesWriteAndReadBack(t *testing.T) {
	f := newFake(t)
	contact := newContact(t, f, "Иван Иванов")
	var city, vip struct{ Data struct{ ID int64 } }
	ok(t, f, http.MethodPost, "setContactVariable", map[string]any{"contact_id": contact, "name": "Город", "value": "Москва"}, &city)
	ok(t, f, http.MethodPost, "setContactVariable", map[string]any{"contact_id": contact, "name": "Город", "value": "Казань", "deletable": 1}, nil)
	ok(t, f, http.MethodPost, "setContactVariable", map[string]any{"contact_id": contact, "name": "VIP", "value": "да"}, &vip)
	variable := func(id int64, name, value, deletable string) string {
		n := strconv.FormatInt(id, 10)
		return `{"id":` + n + `,"name":"` + name + `","value":"` + value + `","deletable":` + deletable + `,"variable":{"id":` + n + `,"name":"` + name + `"}}`
	}
	r := invoke(t, f, "getContactVariables", map[string]any{"contact_id": contact})
	assertAnswer(t, f, "getContactVariables", r, http.StatusOK, `{"data":[`+variable(city.Data.ID, "Город", "Казань", "true")+","+variable(vip.Data.ID, "VIP", "да", "false")+`]}`)

	ok(t, f, http.MethodPost, "deleteContactVariable", map[string]any{"contact_id": contact, "name": "Город"}, nil)
	ok(t, f, http.MethodPost, "deleteContactVariable", map[string]any{"contact_id": contact, "id": vip.Data.ID}, nil)
	r = invoke(t, f, "getContactVariables", map[string]any{"contact_id": contact})
	assertAnswer(t, f, "getContactVariables", r, http.StatusOK, `{"data":[]}`)
	r = call(t, f, http.MethodPost, "deleteContactVariable", map[string]any{"contact_id": contact, "name": "Город"})
	assertAnswer(t, f, "deleteContactVariable", r, http.StatusNotFound, `{"message":"No query results for model [App\\ContactVariable] Город"}`)
}

func TestTagsWriteAndReadBack(t *testing.T) {
	f := newFake(t)
	contact := newContact(t, f, "Иван Иванов")
	ok(t, f, http.MethodPost, "attachTagToContact", map[string]any{"contact_id": contact, "name": "Горячий"}, nil)
	ok(t, f, http.MethodPost, "attachTagToContact", map[string]any{"contact_id": contact, "name": "Реклама"}, nil)
	r := invoke(t, f, "getBotTags", map[string]any{"bot_id": f.Tenant.CleverApp.BotID})
	assertAnswer(t, f, "getBotTags", r, http.StatusOK, `{"data":["Горячий","Реклама"]}`)

	ok(t, f, http.MethodPost, "detachTagFromContact", map[string]any{"contact_id": contact, "name": "Горячий"}, nil)
	r = invoke(t, f, "getContactTags", map[string]any{"contact_id": contact})
	assertAnswer(t, f, "getContactTags", r, http.StatusOK, `{"data":["Реклама"]}`)
	r = call(t, f, http.MethodPost, "detachTagFromContact", map[string]any{"contact_id": contact, "tag_id": 999})
	assertAnswer(t, f, "detachTagFromContact", r, http.StatusUnprocessableEntity,
		`{"message":"The given data was invalid.","errors":{"tag_id":["Выбранное значение для tag id некорректно."]}}`)
}

// A queued message is delivered once per client message_id.
func TestSendMessageToQueueIsIdempotent(t *testing.T) {
	f := newFake(t)
	contact := newContact(t, f, "Иван Иванов")
	for i := 0; i < 2; i++ {
		r := call(t, f, http.MethodPost, "sendMessageToQueue", map[string]any{"message_id": "order-1", "text": "Заказ отправлен", "contact_id": contact})
		assertAnswer(t, f, "sendMessageToQueue", r, http.StatusOK, `{"success":true}`)
	}
	out := f.Outbox(t, fakebotstest.OutboxFilter{Platform: fakebotstest.CleverApp})
	require.Len(t, out, 1)
	require.Equal(t, "Заказ отправлен", out[0].Text)
	require.Equal(t, strconv.FormatInt(contact, 10), out[0].Recipient)
}

// TestGetContactsPages walks 5 contacts 2 at a time: every page reports the
// same total, the last page is short, and a page past the end is empty.
func TestGetContactsPages(t *testing.T) {
	f := newFake(t, fakebotstest.WithFixture(map[string]any{
		"cleverapp": map[string]any{"bots": []any{map[string]any{"name": "B", "messenger": "telegram", "contacts": 5}}},
	}))
	type page struct {
		Data []struct{ ID int64 }
		Meta struct {
			CurrentPage int `json:"current_page"`
			From, To    *int
			LastPage    int `json:"last_page"`
			Total       int
		}
		Links struct{ Next *string }
	}
	want := []struct {
		items    int
		from, to any
		hasNext  bool
	}{{2, 1, 2, true}, {2, 3, 4, true}, {1, 5, 5, false}, {0, nil, nil, false}}
	for i, w := range want {
		r := f.Do(t, http.MethodGet, fmt.Sprintf("%s/getContacts?api_token=%s&count=2&page=%d", f.Tenant.CleverApp.BaseURL, f.Tenant.CleverApp.APIToken, i+1), nil,
			"X-Requested-With", "XMLHttpRequest")
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		checkSpec(t, f, "getContacts", r)
		var p page
		r.JSON(t, &p)
		require.Len(t, p.Data, w.items, "page %d", i+1)
		require.Equal(t, 5, p.Meta.Total, "page %d", i+1)
		require.Equal(t, 3, p.Meta.LastPage, "page %d", i+1)
		require.Equal(t, w.hasNext, p.Links.Next != nil, "page %d", i+1)
		if w.from == nil {
			require.Nil(t, p.Meta.From)
		} else {
			require.Equal(t, w.from, *p.Meta.From)
			require.Equal(t, w.to, *p.Meta.To)
		}
	}
}

// TestGetContactsSeesEveryWrite: pages are cached between writes, and any
// write (this tenant's or another's, to contacts or not) makes the next read
// go to the store.
func TestGetContactsSeesEveryWrite(t *testing.T) {
	f := newFake(t)
	list := func() string {
		r := call(t, f, http.MethodGet, "getContacts", map[string]any{"count": 50})
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		return string(r.Body)
	}
	empty := list()
	require.Equal(t, empty, list(), "the same page twice")

	other := f.Server.NewTenant(t)
	r := f.Do(t, http.MethodPost, other.CleverApp.BaseURL+"/createOrUpdateContact?api_token="+other.CleverApp.APIToken,
		map[string]any{"bot_id": other.CleverApp.BotID, "messenger": "telegram", "name": "Чужой", "telegram_id": 1}, "X-Requested-With", "XMLHttpRequest")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Equal(t, empty, list(), "another tenant's write changes nothing here")

	r = call(t, f, http.MethodPost, "createOrUpdateContact", map[string]any{
		"bot_id": f.Tenant.CleverApp.BotID, "messenger": "telegram", "name": "Иван", "telegram_id": 42,
	})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	withIvan := list()
	require.Contains(t, withIvan, `"name":"Иван"`)
	require.NotContains(t, withIvan, "Чужой")

	r = call(t, f, http.MethodPost, "createOrUpdateContact", map[string]any{
		"bot_id": f.Tenant.CleverApp.BotID, "messenger": "telegram", "name": "Иван Петров", "telegram_id": 42,
	})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.Contains(t, list(), `"name":"Иван Петров"`, "an update shows at once")

	f.Tenant.Reset(t)
	require.Equal(t, empty, list(), "a reset shows at once")
}

// date_from and date_to bound the creation time in Unix seconds, both
// inclusive: date_to takes the whole of its second.
func TestContactsFilteredByCreationTime(t *testing.T) {
	f := newFake(t)
	start := at(t, f, "2024-03-01T12:00:00Z")
	first := newContact(t, f, "Первый")
	f.Advance(t, 1500*time.Millisecond)
	second := newContact(t, f, "Второй")
	f.Advance(t, time.Second)
	third := newContact(t, f, "Третий")
	from := start.Unix()
	for _, c := range []struct {
		params map[string]any
		want   []int64
	}{
		{map[string]any{"date_from": from + 1}, []int64{second, third}},
		{map[string]any{"date_from": from + 3}, []int64{}},
		{map[string]any{"date_to": from + 1}, []int64{first, second}},
		{map[string]any{"date_to": from}, []int64{first}},
		{map[string]any{"date_from": from + 2, "date_to": from + 2}, []int64{third}},
	} {
		var got page[demoContact]
		r := invoke(t, f, "getContacts", c.params)
		require.Equal(t, http.StatusOK, r.Status, string(r.Body))
		r.JSON(t, &got)
		ids := []int64{}
		for _, d := range got.Data {
			ids = append(ids, d.ID)
		}
		require.Equal(t, c.want, ids, "%v", c.params)
	}
}

// A WhatsApp contact is its phone number: the same number written another
// way finds the same contact. A number without digits matches no one.
func TestAWhatsAppContactIsFoundByItsNumberHoweverWritten(t *testing.T) {
	f := newFake(t)
	bot := f.Tenant.CleverApp.BotID
	create := func(phone string) int64 {
		var c struct{ Data struct{ ID int64 } }
		ok(t, f, http.MethodPost, "createOrUpdateContact", map[string]any{"bot_id": bot, "messenger": "whatsapp", "name": "Ольга", "phone": phone}, &c)
		return c.Data.ID
	}
	id := create("+7 (999) 000-11-22")
	require.Equal(t, id, create("79990001122"))
	require.Equal(t, id, create("7-999-000-11-22"))
	none := create("нет")
	require.NotEqual(t, id, none)
	require.NotEqual(t, none, create("нет"))
}

// A new variable's id is its creation time in milliseconds with one more
// digit, as the platform's ids look, kept increasing within a millisecond.
func TestVariableIdsAreTheirCreationTime(t *testing.T) {
	f := newFake(t)
	at(t, f, "2024-03-01T12:00:00Z")
	contact := newContact(t, f, "Иван Иванов")
	for _, c := range []struct {
		name string
		id   int64
	}{{"Город", 17092944000000}, {"Возраст", 17092944000001}, {"Город", 17092944000000}} {
		r := call(t, f, http.MethodPost, "setContactVariable", map[string]any{"contact_id": contact, "name": c.name, "value": "1", "deletable": 1})
		n := strconv.FormatInt(c.id, 10)
		assertAnswer(t, f, "setContactVariable", r, http.StatusOK,
			`{"data":{"id":`+n+`,"name":"`+c.name+`","value":"1","deletable":true,"variable":{"id":`+n+`,"name":"`+c.name+`"}}}`)
	}
}
