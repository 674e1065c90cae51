package cleverapp_test

import (
	"hash/crc32"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// Every response body the documentation prints, reproduced byte for byte.
// Values the docs could not fix (ids the emulator assigns, its own host) are
// put in the documented text before comparing, and said so.

func TestSendMessageToWhatsAppIsTheDocumented200(t *testing.T) {
	f := newFake(t)
	at(t, f, "2019-05-10T10:38:28Z")
	r := ok(t, f, http.MethodPost, "sendMessageToWhatsApp", map[string]any{
		"bot_id": f.Tenant.CleverApp.BotID, "phone": "79991234567", "text": "Здравствуйте", "name": "Иван Иванов",
	}, nil)
	assertDocumented(t, "sendMessageToWhatsApp_200.json", r.Body) // the tenant's first contact: id 1

	out := f.Outbox(t, fakebotstest.OutboxFilter{})
	require.Len(t, out, 1)
	require.Equal(t, "Здравствуйте", out[0].Text)
	require.Equal(t, "whatsapp", out[0].Messenger)
	var contacts struct {
		Data []struct{ Phone, Name string }
	}
	ok(t, f, http.MethodGet, "getContacts", nil, &contacts)
	require.Equal(t, []struct{ Phone, Name string }{{"79991234567", "Иван Иванов"}}, contacts.Data)
}

func TestSendMessageToAnotherTenantsContactIsTheDocumented403(t *testing.T) {
	f := newFake(t)
	other := f.NewTenant(t, fakebotstest.WithFixture(map[string]any{"cleverapp": map[string]any{"bots": []any{map[string]any{"messenger": "telegram", "contacts": 1}}}}))
	var contacts struct{ Data []struct{ ID int64 } }
	callAs(t, f.Server, other, http.MethodGet, "getContacts", nil).JSON(t, &contacts)

	r := call(t, f, http.MethodPost, "sendMessage", map[string]any{"contact_id": contacts.Data[0].ID, "text": "Привет"})
	require.Equal(t, http.StatusForbidden, r.Status)
	assertDocumented(t, "sendMessage_403.json", r.Body)
	checkSpec(t, f, "sendMessage", r)
}

func TestSendMessageToICQIsTheDocumentedError(t *testing.T) {
	f := newFake(t, fakebotstest.WithFixture(map[string]any{
		"cleverapp": map[string]any{"bots": []any{map[string]any{"name": "ICQ", "messenger": "icq", "contacts": 1}}},
	}))
	r := call(t, f, http.MethodPost, "sendMessage", map[string]any{"contact_id": 1, "text": "Привет"})
	require.Equal(t, http.StatusBadRequest, r.Status)
	assertDocumented(t, "sendMessage_icq.json", r.Body)
	assertGolden(t, "sendMessage_icq.golden", r)
	checkSpec(t, f, "sendMessage", r)
}

func TestGetContactVariablesIsTheDocumented200(t *testing.T) {
	f := newFake(t)
	contact := newContact(t, f, "Иван Иванов")
	var ids []string
	for _, v := range [][2]string{{"Имя переменной", "Значение переменной"}, {"Город", "Москва"}} {
		var set struct{ Data struct{ ID int64 } }
		ok(t, f, http.MethodPost, "setContactVariable", map[string]any{"contact_id": contact, "name": v[0], "value": v[1]}, &set)
		ids = append(ids, strconv.FormatInt(set.Data.ID, 10))
	}
	r := ok(t, f, http.MethodGet, "getContactVariables", map[string]any{"contact_id": contact}, nil)
	// The documented variable ids belong to the docs' account; ours are assigned now.
	want := strings.NewReplacer("16497876867449", ids[0], "16497893703850", ids[1]).Replace(documented(t, "getContactVariables_200.json"))
	require.Equal(t, want, string(r.Body))
}

func TestGetContactVariablesWithoutContactIsTheDocumented422(t *testing.T) {
	f := newFake(t)
	r := call(t, f, http.MethodGet, "getContactVariables", nil)
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	assertDocumented(t, "getContactVariables_422.json", r.Body)
	assertGolden(t, "getContactVariables_422.golden", r)
	checkSpec(t, f, "getContactVariables", r)
}

func TestGetBotTagsIsTheDocumented200(t *testing.T) {
	f := newFake(t, fakebotstest.WithFixture(map[string]any{
		"cleverapp": map[string]any{"bots": []any{map[string]any{"messenger": "telegram", "tags": []string{"Одежда", "Акция", "Горячий"}}}},
	}))
	r := ok(t, f, http.MethodGet, "getBotTags", map[string]any{"bot_id": f.Tenant.CleverApp.BotID}, nil)
	// The docs print the body without its braces and close the list with
	// "}"; the list of names is what they show.
	raw, err := os.ReadFile(filepath.Join("testdata", "docs", "getBotTags_200.txt"))
	require.NoError(t, err)
	fixed := "{" + strings.Replace(string(raw), "\n}", "\n]", 1) + "}"
	require.Equal(t, compactJSON(fixed), string(r.Body))
}

func TestGetContactTagsIsTheDocumented200(t *testing.T) {
	f := newFake(t)
	contact := newContact(t, f, "Иван Иванов")
	for _, tag := range []string{"Горячий", "Реклама"} {
		ok(t, f, http.MethodPost, "attachTagToContact", map[string]any{"contact_id": contact, "name": tag}, nil)
	}
	r := ok(t, f, http.MethodGet, "getContactTags", map[string]any{"contact_id": contact}, nil)
	assertDocumented(t, "getContactTags_200.json", r.Body)
}

func TestGetListSchemasIsTheDocumented200(t *testing.T) {
	f := newFake(t)
	at(t, f, "2019-12-09T13:11:28Z")
	// A JSON object keeps its key order on the wire; Go maps do not, so the
	// body is written out in the documented order.
	body := `{"name":"Заказы","is_menu":false,"fields":{` +
		`"name":{"name":"Название","type":"string","is_required":true,"is_hidden":false,"is_encryptable":false},` +
		`"quantity":{"name":"Количество","type":"number","is_required":false,"is_hidden":false,"is_encryptable":false},` +
		`"is_vip":{"name":"VIP","type":"bool","is_required":true,"is_hidden":false,"is_encryptable":false},` +
		`"contact":{"name":"Контакт","type":"contact","is_required":true,"is_hidden":false,"is_encryptable":false},` +
		`"key":{"name":"Ключ","type":"string","is_required":true,"is_hidden":true,"is_encryptable":true}}}`
	var created struct{ Data struct{ ID string } }
	r := callRaw(t, f, "createListSchema", "application/json", body)
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r.JSON(t, &created)
	// Ids are ObjectIds: the documented one starts with its created_at.
	require.Equal(t, "5dee4800", created.Data.ID[:8])

	r = ok(t, f, http.MethodGet, "getListSchemas", nil, nil)
	// The stored page ends inside meta; up to there the body is the documented one.
	doc, err := os.ReadFile(filepath.Join("testdata", "docs", "getListSchemas_200.txt"))
	require.NoError(t, err)
	want := withPlatformBase(strings.Replace(compactJSON(string(doc)), "5dee4800c2cc5a38ec797235", created.Data.ID, 1), f)
	require.True(t, strings.HasPrefix(string(r.Body), want), "want a body starting with\n%s\ngot\n%s", want, r.Body)
	require.Equal(t, want+`_page":1,"path":"`+strings.ReplaceAll(f.Tenant.CleverApp.BaseURL, "/", `\/`)+`\/getListSchemas","per_page":15,"to":1,"total":1}}`, string(r.Body))
}

func TestGetReferrersIsTheDocumented200(t *testing.T) {
	f := newFake(t, fakebotstest.WithFixture(map[string]any{
		"cleverapp": map[string]any{"bots": []any{map[string]any{"messenger": "telegram", "contacts": []any{
			map[string]any{"name": "Василий Васильев", "created_at": "2019-05-10T10:11:42+00:00"},
			map[string]any{"name": "Петр Петров", "created_at": "2019-05-10T10:38:25+00:00", "referrer": "Василий Васильев"},
			map[string]any{"name": "Иван Иванов", "created_at": "2019-05-10T10:38:28+00:00", "referrer": "Петр Петров"},
		}}}},
	}))
	r := ok(t, f, http.MethodGet, "getReferrers", map[string]any{"contact_id": 3}, nil)
	assertDocumented(t, "getReferrers_200.json", r.Body)
}

// compactJSON removes the whitespace outside strings, for documented text
// that is not whole JSON (a page cut short, a malformed example).
func compactJSON(s string) string {
	var b strings.Builder
	inString, escaped := false, false
	for _, r := range s {
		switch {
		case inString:
			b.WriteRune(r)
			if escaped {
				escaped = false
			} else if r == '\\' {
				escaped = true
			} else if r == '"' {
				inString = false
			}
		case r == '"':
			inString = true
			b.WriteRune(r)
		case r != ' ' && r != '\n' && r != '\t' && r != '\r':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// newContact creates a Telegram contact of the tenant's bot and returns its id.
func newContact(t *testing.T, f *fakebotstest.Fake, name string) int64 {
	t.Helper()
	var c struct{ Data struct{ ID int64 } }
	ok(t, f, http.MethodPost, "createOrUpdateContact", map[string]any{
		"bot_id": f.Tenant.CleverApp.BotID, "messenger": "telegram", "name": name, "telegram_id": crc32.ChecksumIEEE([]byte(name)),
	}, &c)
	return c.Data.ID
}
