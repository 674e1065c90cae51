package cleverapp_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/fixtures"
)

// page is the part of a paginated answer the fixture tests read.
type page[T any] struct {
	Data []T
	Meta struct{ Total int }
}

type demoContact struct{ ID int64 }

func TestDemoFixtureHasEverySection(t *testing.T) {
	f := newFake(t, fakebotstest.WithFixture("demo"))
	require.Len(t, f.Tenant.CleverApp.Bots, 3)
	telegram := f.Tenant.CleverApp.Bots[0].ID

	var all, shop page[demoContact]
	ok(t, f, http.MethodGet, "getContacts", map[string]any{"count": 500}, &all)
	require.Equal(t, 50, all.Meta.Total)
	ok(t, f, http.MethodGet, "getContacts", map[string]any{"bot_id": telegram, "count": 500}, &shop)
	require.Len(t, shop.Data, 25)
	root, deepest := shop.Data[0].ID, shop.Data[24].ID

	var accounts struct {
		Data []struct{ Currency, AmountNote string } `json:"data"`
	}
	r := invoke(t, f, "getContactAccounts", map[string]any{"contact_id": root})
	require.Equal(t, http.StatusOK, r.Status)
	require.Contains(t, string(r.Body), `"currency":"RUB"`)
	require.Regexp(t, `"amount_note":"[0-9]+\.00 ₽"`, string(r.Body))
	r.JSON(t, &accounts)
	require.Len(t, accounts.Data, 1)
	var crypto struct{ Data []struct{ Currency string } }
	ok(t, f, http.MethodGet, "getContactCryptoAccounts", map[string]any{"contact_id": root}, &crypto)
	require.Equal(t, "BTC", crypto.Data[0].Currency)

	// The Telegram shop's 25 contacts form a binary invite tree: the last
	// one is four invitations away from the first.
	var chain struct{ Data []struct{ ID int64 } }
	ok(t, f, http.MethodGet, "getReferrers", map[string]any{"contact_id": deepest, "is_flat": 1}, &chain)
	require.Len(t, chain.Data, 4)
	require.Equal(t, root, chain.Data[3].ID)
	var network struct{ Data struct{ Count int } }
	ok(t, f, http.MethodPost, "getCountReferrals", map[string]any{"contact_id": root}, &network)
	require.Equal(t, 24, network.Data.Count)

	var schemas page[struct {
		ID     string
		Name   string
		IsMenu bool `json:"is_menu"`
	}]
	r = ok(t, f, http.MethodGet, "getListSchemas", nil, &schemas)
	require.Contains(t, string(r.Body), `"fields":{"name":{"name":"Название","type":"string","is_required":true,"is_hidden":false,"is_encryptable":false},"quantity":`)
	require.Equal(t, 2, schemas.Meta.Total)
	require.Equal(t, "Заказы", schemas.Data[0].Name)
	require.True(t, schemas.Data[1].IsMenu)
	var orders page[struct {
		Name      string
		Key       string
		ContactID int64 `json:"contact_id"`
	}]
	ok(t, f, http.MethodPost, "getListItems", map[string]any{"schema_id": schemas.Data[0].ID, "limit": 100}, &orders)
	require.Equal(t, 30, orders.Meta.Total)
	for _, o := range orders.Data {
		require.NotEmpty(t, o.Name)
		require.Regexp(t, `^[A-Z]{4}[0-9]{4}$`, o.Key)
		require.GreaterOrEqual(t, o.ContactID, root) // one of the Telegram shop's contacts
		require.LessOrEqual(t, o.ContactID, deepest)
	}

	var onebotSchemas page[struct{ ID string }]
	r = callOnebot(t, f, http.MethodGet, "getListSchemas", nil)
	require.Equal(t, http.StatusOK, r.Status)
	r.JSON(t, &onebotSchemas)
	require.Equal(t, 1, onebotSchemas.Meta.Total)
}

// The same fixture gives the same data on every start, and a reset gives
// the tenant back the ids it had.
func TestFixtureDataIsReproducible(t *testing.T) {
	snapshot := func(s *fakebotstest.Server, tn *fakebotstest.Tenant) string {
		t.Helper()
		var schemas page[struct{ ID string }]
		lists := callAs(t, s, tn, http.MethodGet, "getListSchemas", nil)
		lists.JSON(t, &schemas)
		items := callAs(t, s, tn, http.MethodPost, "getListItems", map[string]any{"schema_id": schemas.Data[0].ID})
		contacts := callAs(t, s, tn, http.MethodGet, "getContacts", nil)
		all := string(lists.Body) + string(items.Body) + string(contacts.Body)
		return strings.ReplaceAll(all, strings.ReplaceAll(tn.CleverApp.BaseURL, "/", `\/`), "BASE")
	}
	var got []string
	for i := 0; i < 2; i++ {
		s := fakebotstest.NewServer(t)
		tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
		got = append(got, snapshot(s, tn))
		if i == 1 {
			tn.Reset(t)
			got = append(got, snapshot(s, tn))
		}
	}
	require.Equal(t, got[0], got[1])
	require.Equal(t, got[1], got[2])
}

func TestGeneralRateLimit(t *testing.T) {
	f := fakebotstest.New(t)
	f.Freeze(t)
	for i := 0; i < 2; i++ {
		require.Equal(t, http.StatusOK, call(t, f, http.MethodGet, "getMe", nil).Status)
	}
	r := call(t, f, http.MethodGet, "getListSchemas", nil)
	require.Equal(t, http.StatusTooManyRequests, r.Status)
	assertGolden(t, "getListSchemas_429.golden", r)
	checkSpec(t, f, "getListSchemas", r)

	f.Advance(t, time.Second)
	ok(t, f, http.MethodGet, "getListSchemas", nil, nil)
}

// What a fixture's CleverApp section says is checked before anything is
// made: its plan, settings, bots (messenger, contacts, referrals, who
// invited whom) and lists (name, items, field slugs and types, bot).
func TestFixtureSectionChecks(t *testing.T) {
	f := newFake(t)
	for _, c := range []struct {
		section string
		status  int
		answer  string // the refusal, or a part of the tenant created
	}{
		{`{"plan":"free"}`, http.StatusCreated, `"plan":"free"`},
		{`{"plan":"pro"}`, http.StatusCreated, `"plan":"pro"`},
		{`{"plan":"gold"}`, http.StatusBadRequest, `{"error":"fixture: cleverapp: plan must be \"pro\" or \"free\""}`},
		{`{"bots":[{"name":"Shop","messenger":"telegram","contacts":0}]}`, http.StatusCreated, `"name":"Shop"`},
		{`{"bots":[{"name":"Shop","messenger":"telegram","contacts":-1}]}`, http.StatusBadRequest, `{"error":"fixture: cleverapp: contacts must be a count or a list of contacts"}`},
		{`{"settings":{"rate_limits":"none"}}`, http.StatusBadRequest, `{"error":"fixture: cleverapp: settings: rate_limits must be \"documented\" or \"laravel\""}`},
		{`{"settings":"always"}`, http.StatusBadRequest, `{"error":"fixture: cleverapp: settings: json: cannot unmarshal string into Go value of type cleverapp.Settings"}`},
		{`{"bots":[{"name":"Shop","messenger":"icq2"}]}`, http.StatusBadRequest, `{"error":"fixture: cleverapp: bot \"Shop\": unknown messenger \"icq2\""}`},
		{`{"bots":[{"name":"Shop","messenger":"vk","referrals":-1}]}`, http.StatusBadRequest, `{"error":"fixture: cleverapp: bot \"Shop\": referrals must not be negative"}`},
		{`{"bots":[{"name":"Shop","messenger":"vk","contacts":[{"name":"Борис","referrer":"Анна"},{"name":"Анна"}]}]}`, http.StatusBadRequest, `{"error":"fixture: cleverapp: bot \"Shop\": contact \"Борис\": referrer \"Анна\" is not an earlier contact of the bot"}`},
		{`{"bots":[{"name":"Shop","messenger":"vk","contacts":[{"name":"Анна","colour":"red"}]}]}`, http.StatusBadRequest, `{"error":"fixture: cleverapp: json: unknown field \"colour\""}`},
		{`{"lists":[{"fields":[]}]}`, http.StatusBadRequest, `{"error":"fixture: cleverapp: list \"\": a list needs a name"}`},
		{`{"lists":[{"name":"Заказы","items":-1}]}`, http.StatusBadRequest, `{"error":"fixture: cleverapp: list \"Заказы\": items must not be negative"}`},
		{`{"lists":[{"name":"Заказы","fields":[{"slug":"a b","type":"string"}]}]}`, http.StatusBadRequest, `{"error":"fixture: cleverapp: list \"Заказы\": field slug \"a b\" is invalid or repeated"}`},
		{`{"lists":[{"name":"Заказы","fields":[{"slug":"a","type":"string"},{"slug":"a","type":"number"}]}]}`, http.StatusBadRequest, `{"error":"fixture: cleverapp: list \"Заказы\": field slug \"a\" is invalid or repeated"}`},
		{`{"lists":[{"name":"Заказы","fields":[{"slug":"a","type":"text"}]}]}`, http.StatusBadRequest, `{"error":"fixture: cleverapp: list \"Заказы\": field \"a\": unknown type \"text\""}`},
		{`{"lists":[{"name":"Заказы","bot":"Shop"}]}`, http.StatusBadRequest, `{"error":"fixture: cleverapp: list \"Заказы\": bot \"Shop\" is not a bot of the fixture"}`},
		{`{"lists":[{"name":"Заказы","items":0}]}`, http.StatusCreated, `"bots":[{"id":`},
	} {
		r := f.Do(t, http.MethodPost, "/__fakebots/tenants", `{"fixture":{"cleverapp":`+c.section+`}}`, "Content-Type", "application/json")
		require.Equal(t, c.status, r.Status, "%s: %s", c.section, r.Body)
		if c.status == http.StatusCreated {
			require.Contains(t, string(r.Body), c.answer, c.section)
		} else {
			require.Equal(t, c.answer, string(r.Body), c.section)
		}
	}
}

// Generated contacts are spread evenly over the 30 days before the tenant
// was made, oldest first.
func TestGeneratedContactsSpreadOverThirtyDays(t *testing.T) {
	f := newFake(t, fakebotstest.WithFixture(map[string]any{"cleverapp": map[string]any{
		"bots": []any{map[string]any{"name": "Shop", "messenger": "telegram", "contacts": 3}},
	}}))
	now := f.Tenant.Now(t)
	var contacts page[struct {
		CreatedAt string `json:"created_at"`
	}]
	ok(t, f, http.MethodGet, "getContacts", nil, &contacts)
	var created []string
	for _, c := range contacts.Data {
		created = append(created, c.CreatedAt)
	}
	day := 24 * time.Hour
	require.Equal(t, []string{
		now.Add(-30 * day).Format("2006-01-02T15:04:05-07:00"),
		now.Add(-20 * day).Format("2006-01-02T15:04:05-07:00"),
		now.Add(-10 * day).Format("2006-01-02T15:04:05-07:00"),
	}, created)
}

// A fixture written in Go gives its contacts as a list or a count, as
// YAML does.
func TestAGoFixtureGivesContactsAsAListOrACount(t *testing.T) {
	f := newFake(t, fakebotstest.WithFixture(fixtures.Tenant{CleverApp: &fixtures.CleverApp{Bots: []fixtures.CleverAppBot{
		{Name: "Listed", Messenger: "telegram", Contacts: fixtures.Contacts{List: []fixtures.Contact{{Name: "Анна"}, {Name: "Борис"}}}},
		{Name: "Counted", Messenger: "vk", Contacts: fixtures.Contacts{Count: 3}},
	}}}))
	for i, want := range []int{2, 3} {
		var contacts page[demoContact]
		ok(t, f, http.MethodGet, "getContacts", map[string]any{"bot_id": f.Tenant.CleverApp.Bots[i].ID}, &contacts)
		require.Equal(t, want, contacts.Meta.Total)
	}
	r := invoke(t, f, "getContacts", map[string]any{"bot_id": f.Tenant.CleverApp.Bots[0].ID})
	require.Contains(t, string(r.Body), `"name":"Анна"`)
	require.Contains(t, string(r.Body), `"name":"Борис"`)
}
