package cleverapp_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// inviteTree is Анна, who invited Борис and Вера; Борис invited Глеб, who
// invited Дина. Вера and Дина are tagged.
var inviteTree = map[string]any{"cleverapp": map[string]any{"bots": []any{map[string]any{
	"messenger": "telegram", "tags": []string{"Горячий", "Реклама"},
	"contacts": []any{
		map[string]any{"name": "Анна", "created_at": "2024-01-01T10:00:00+00:00"},
		map[string]any{"name": "Борис", "created_at": "2024-01-02T10:00:00+00:00", "referrer": "Анна"},
		map[string]any{"name": "Вера", "created_at": "2024-01-03T10:00:00+00:00", "referrer": "Анна", "tags": []string{"Горячий"}},
		map[string]any{"name": "Глеб", "created_at": "2024-01-04T10:00:00+00:00", "referrer": "Борис"},
		map[string]any{"name": "Дина", "created_at": "2024-01-05T10:00:00+00:00", "referrer": "Глеб", "tags": []string{"Реклама"}},
	},
}}}}

// node is a contact of inviteTree as the referral methods show it (ids 1–5
// in a fresh emulator).
func node(id string) string {
	names := map[string]string{"1": "Анна", "2": "Борис", "3": "Вера", "4": "Глеб", "5": "Дина"}
	return `"id":` + id + `,"name":"` + names[id] + `","messenger":"telegram","created_at":"2024-01-0` + id + `T10:00:00+00:00"`
}

func TestGetReferrers(t *testing.T) {
	f := newFake(t, fakebotstest.WithFixture(inviteTree))
	for _, c := range []struct {
		params map[string]any
		want   string
	}{
		{map[string]any{"contact_id": 5}, `{"data":{` + node("5") + `,"referrer":{` + node("4") + `,"referrer":{` + node("2") + `,"referrer":{` + node("1") + `}}}}}`},
		{map[string]any{"contact_id": 5, "depth": 2}, `{"data":{` + node("5") + `,"referrer":{` + node("4") + `,"referrer":{` + node("2") + `}}}}`},
		{map[string]any{"contact_id": 5, "is_flat": 1}, `{"data":[{` + node("4") + `},{` + node("2") + `},{` + node("1") + `}]}`},
		{map[string]any{"contact_id": 5, "is_flat": 1, "depth": 1}, `{"data":[{` + node("4") + `}]}`},
		{map[string]any{"contact_id": 1}, `{"data":{` + node("1") + `}}`},
		{map[string]any{"contact_id": 1, "is_flat": "1"}, `{"data":[]}`},
	} {
		r := invoke(t, f, "getReferrers", c.params)
		assertAnswer(t, f, "getReferrers", r, http.StatusOK, c.want)
	}
}

func TestGetReferralsAndTheirCount(t *testing.T) {
	f := newFake(t, fakebotstest.WithFixture(inviteTree))
	page := func(items ...string) string {
		base := strings.ReplaceAll(f.Tenant.CleverApp.BaseURL, "/", `\/`) + `\/getReferrals`
		var data []string
		for _, id := range items {
			data = append(data, "{"+node(id)+"}")
		}
		from, to := "1", "2"
		if len(items) == 1 {
			to = "1"
		}
		if len(items) == 0 {
			from, to = "null", "null"
		}
		return `{"data":[` + strings.Join(data, ",") + `],"links":{"first":"` + base + `?page=1","last":"` + base + `?page=1","prev":null,"next":null},` +
			`"meta":{"current_page":1,"from":` + from + `,"last_page":1,"path":"` + base + `","per_page":15,"to":` + to + `,"total":` + strconv.Itoa(len(items)) + `}}`
	}
	for _, c := range []struct {
		params map[string]any
		want   string
		count  int
	}{
		{map[string]any{"contact_id": 1}, page("2", "3"), 4},
		{map[string]any{"contact_id": 1, "filters": map[string]any{"tag_name": "Горячий"}}, page("3"), 1},
		{map[string]any{"contact_id": 1, "filters": map[string]any{"tag_name": []any{"Реклама", "Горячий"}}}, page("3"), 2},
		{map[string]any{"contact_id": 1, "filters": map[string]any{"tag_name": "Горячий", "tag_id": 2}}, page(), 0},
		{map[string]any{"contact_id": 1, "filters": map[string]any{"tag_id": 1}}, page("3"), 1},
		{map[string]any{"contact_id": 1, "filters": map[string]any{"tag_id": "Горячий"}}, page(), 0}, // no tag's id
		{map[string]any{"contact_id": 2}, page("4"), 2},
		{map[string]any{"contact_id": 5}, page(), 0},
	} {
		r := call(t, f, http.MethodPost, "getReferrals", c.params)
		assertAnswer(t, f, "getReferrals", r, http.StatusOK, c.want)

		// A Watbot client sends the same with GET and a query string.
		get := f.Do(t, http.MethodGet, f.Tenant.CleverApp.BaseURL+"/getReferrals?"+query(f, c.params), nil, "X-Requested-With", "XMLHttpRequest")
		assertAnswer(t, f, "getReferralsByGet", get, http.StatusOK, c.want)

		count := call(t, f, http.MethodPost, "getCountReferrals", c.params)
		assertAnswer(t, f, "getCountReferrals", count, http.StatusOK, `{"data":{"count":`+strconv.Itoa(c.count)+`}}`)
	}
}

// A referrer that is no longer there (the store keeps no such link, but a
// chain must end) ends the chain where it is.
func TestAReferrerThatIsGoneEndsTheChain(t *testing.T) {
	b := newBrokenDB(t)
	b.exec(t, `UPDATE ca_contacts SET referrer_id = 999999999 WHERE id = {contact}`)
	var chain struct{ Data []any }
	ok(t, b.Fake, http.MethodGet, "getReferrers", map[string]any{"contact_id": b.mine.contact + 1, "is_flat": 1}, &chain)
	require.Len(t, chain.Data, 1)
	r := invoke(t, b.Fake, "getReferrers", map[string]any{"contact_id": b.mine.contact})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	require.NotContains(t, string(r.Body), "referrer")
}

func TestGetReferralsPages(t *testing.T) {
	// 20 generated contacts, the first inviting all the others.
	f := newFake(t, fakebotstest.WithFixture(map[string]any{"cleverapp": map[string]any{"bots": []any{map[string]any{
		"messenger": "telegram", "contacts": 20, "referrals": 19,
	}}}}))
	var got struct {
		Data []struct{ ID int64 }
		Meta struct{ Total, From, To int }
	}
	r := call(t, f, http.MethodPost, "getReferrals", map[string]any{"contact_id": 1, "page": 2})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	checkSpec(t, f, "getReferrals", r)
	r.JSON(t, &got)
	require.Len(t, got.Data, 4)
	require.Equal(t, int64(17), got.Data[0].ID)
	require.Equal(t, 19, got.Meta.Total)
	require.Equal(t, 16, got.Meta.From)
	require.Equal(t, 19, got.Meta.To)

	var count struct{ Data struct{ Count int } }
	ok(t, f, http.MethodPost, "getCountReferrals", map[string]any{"contact_id": 1}, &count)
	require.Equal(t, 19, count.Data.Count)
}
