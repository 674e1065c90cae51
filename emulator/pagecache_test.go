package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// answer is what a client sees of a response: status, content type, body.
func answer(r *fakebotstest.Response) string {
	return fmt.Sprintf("%d %s\n%s", r.Status, r.Header.Get("Content-Type"), r.Body)
}

// assertFresh checks that a cached list read shows a write at once: read
// twice (the second from the cache), write, and the next read differs and
// is exactly what the store answers with the cache emptied.
func assertFresh(t *testing.T, s *fakebotstest.Server, read func(t *testing.T) string, write func(t *testing.T)) {
	t.Helper()
	before := read(t)
	require.Contains(t, before, "200 ", "a page that can be cached")
	hits := s.Emulator.PageHits()
	require.Equal(t, before, read(t))
	require.Greater(t, s.Emulator.PageHits(), hits, "the second read is served from the cache")
	write(t)
	after := read(t)
	require.NotEqual(t, before, after, "the write shows in the next read")
	s.Emulator.ForgetPages()
	require.Equal(t, read(t), after, "what the store answers")
}

// ok sends a request that must succeed (2xx).
func ok(t *testing.T, s *fakebotstest.Server, method, target string, body any, headers ...string) *fakebotstest.Response {
	t.Helper()
	r := s.Do(t, method, target, body, headers...)
	require.True(t, r.Status >= 200 && r.Status < 300, "%s %s: %d %s", method, target, r.Status, r.Body)
	return r
}

func salebotBase(t *testing.T, tn *fakebotstest.Tenant) string {
	t.Helper()
	var sb struct {
		APIKey string `json:"api_key"`
	}
	require.NoError(t, json.Unmarshal(tn.Raw["salebot"], &sb))
	return "/salebot/api/" + sb.APIKey
}

func TestPageCacheCleverAppListsShowEveryWrite(t *testing.T) {
	s := newServer(t, emulator.WithRateLimits(false))
	asJSON := []string{"Accept", "application/json"}
	contacts := func(tn *fakebotstest.Tenant, with string) func(t *testing.T) string {
		return func(t *testing.T) string {
			return answer(s.Do(t, http.MethodGet, fmt.Sprintf("%s/getContacts?api_token=%s&bot_id=%d&count=100&with=%s",
				tn.CleverApp.BaseURL, tn.CleverApp.APIToken, tn.CleverApp.BotID, with), nil, asJSON...))
		}
	}
	addContact := func(tn *fakebotstest.Tenant) func(t *testing.T) {
		return func(t *testing.T) {
			ok(t, s, http.MethodPost, tn.CleverApp.BaseURL+"/createOrUpdateContact?api_token="+tn.CleverApp.APIToken,
				map[string]any{"bot_id": tn.CleverApp.BotID, "messenger": "whatsapp", "name": "Новый Контакт", "phone": "79995550011"}, asJSON...)
		}
	}
	firstContact := func(t *testing.T, tn *fakebotstest.Tenant) int64 {
		var page struct{ Data []struct{ ID int64 } }
		ok(t, s, http.MethodGet, fmt.Sprintf("%s/getContacts?api_token=%s&bot_id=%d", tn.CleverApp.BaseURL, tn.CleverApp.APIToken, tn.CleverApp.BotID), nil, asJSON...).JSON(t, &page)
		require.NotEmpty(t, page.Data)
		return page.Data[0].ID
	}

	t.Run("getContacts after createOrUpdateContact", func(t *testing.T) {
		tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
		assertFresh(t, s, contacts(tn, ""), addContact(tn))
	})
	t.Run("getContacts with tags after attachTagToContact", func(t *testing.T) {
		tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
		id := firstContact(t, tn)
		assertFresh(t, s, contacts(tn, "tags"), func(t *testing.T) {
			ok(t, s, http.MethodPost, tn.CleverApp.BaseURL+"/attachTagToContact?api_token="+tn.CleverApp.APIToken,
				map[string]any{"contact_id": id, "name": "Новый тег"}, asJSON...)
		})
	})
	t.Run("getContacts after the tenant's reset (control API)", func(t *testing.T) {
		tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
		addContact(tn)(t)
		assertFresh(t, s, contacts(tn, ""), func(t *testing.T) { tn.Reset(t) })
	})

	t.Run("getListItems after add, update and delete", func(t *testing.T) {
		tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
		base, token := tn.CleverApp.BaseURL, "?api_token="+tn.CleverApp.APIToken
		var schemas struct {
			Data []struct {
				ID   string
				Name string
			}
		}
		ok(t, s, http.MethodGet, base+"/getListSchemas"+token, nil, asJSON...).JSON(t, &schemas)
		var catalog string
		for _, sc := range schemas.Data {
			if sc.Name == "Каталог" {
				catalog = sc.ID
			}
		}
		require.NotEmpty(t, catalog)
		items := func(t *testing.T) string {
			return answer(s.Do(t, http.MethodPost, base+"/getListItems"+token, map[string]any{"schema_id": catalog, "limit": 100}, asJSON...))
		}
		var added struct{ Data struct{ ID string } }
		assertFresh(t, s, items, func(t *testing.T) {
			form := url.Values{"schema_id": {catalog}, "data[title]": {"Худи"}, "data[price]": {"2500"}}
			ok(t, s, http.MethodPost, base+"/addListItem"+token, form.Encode(), append(asJSON, "Content-Type", "application/x-www-form-urlencoded")...).JSON(t, &added)
		})
		require.NotEmpty(t, added.Data.ID)
		assertFresh(t, s, items, func(t *testing.T) {
			ok(t, s, http.MethodPost, base+"/updateListItem"+token, map[string]any{"item_id": added.Data.ID, "data": map[string]any{"title": "Худи XL", "price": 2700}}, asJSON...)
		})
		assertFresh(t, s, items, func(t *testing.T) {
			ok(t, s, http.MethodPost, base+"/deleteListItem"+token, map[string]any{"item_id": added.Data.ID}, asJSON...)
		})
	})

	t.Run("another tenant's write leaves the page cached", func(t *testing.T) {
		a, b := s.NewTenant(t, fakebotstest.WithFixture("demo")), s.NewTenant(t, fakebotstest.WithFixture("demo"))
		read := contacts(a, "")
		before := read(t)
		hits := s.Emulator.PageHits()
		addContact(b)(t)
		require.Equal(t, before, read(t))
		require.Greater(t, s.Emulator.PageHits(), hits, "served from the cache")
	})

	t.Run("another tenant's end users and settings leave the page cached", func(t *testing.T) {
		a, b := s.NewTenant(t, fakebotstest.WithFixture("demo")), s.NewTenant(t, fakebotstest.WithFixture("demo"))
		read := contacts(a, "")
		before := read(t)
		control := "/__fakebots/tenants/" + b.ID
		for _, call := range []struct{ method, path string }{
			{http.MethodPost, control + "/cleverapp/users"},
			{http.MethodPost, control + "/salebot/users"},
			{http.MethodPost, control + "/bothelp/users"},
			{http.MethodPatch, control + "/cleverapp/settings"},
		} {
			hits := s.Emulator.PageHits()
			r := s.Do(t, call.method, call.path, map[string]any{})
			require.Less(t, r.Status, 300, "%s %s: %s", call.method, call.path, r.Body)
			require.Equal(t, before, read(t))
			require.Equal(t, hits+1, s.Emulator.PageHits(), "%s %s moved only its own tenant's pages", call.method, call.path)
		}
	})
}

func TestPageCacheSalebotListsShowEveryWrite(t *testing.T) {
	s := newServer(t, emulator.WithRateLimits(false))
	const olga = 15099119 // the demo's client with history
	clients := func(base string) func(t *testing.T) string {
		return func(t *testing.T) string { return answer(s.Do(t, http.MethodGet, base+"/get_clients?limit=500", nil)) }
	}
	history := func(base string) func(t *testing.T) string {
		return func(t *testing.T) string {
			return answer(s.Do(t, http.MethodGet, fmt.Sprintf("%s/get_history?client_id=%d", base, olga), nil))
		}
	}
	inbound := func(tn *fakebotstest.Tenant, from map[string]any) func(t *testing.T) {
		return func(t *testing.T) {
			from["text"] = "Здравствуйте"
			ok(t, s, http.MethodPost, "/__fakebots/tenants/"+tn.ID+"/salebot/inbound", from)
		}
	}

	t.Run("get_clients after a new client writes (end user)", func(t *testing.T) {
		tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
		assertFresh(t, s, clients(salebotBase(t, tn)), inbound(tn, map[string]any{"platform_id": "700100200"}))
	})
	t.Run("get_clients after delete_clients", func(t *testing.T) {
		tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
		base := salebotBase(t, tn)
		assertFresh(t, s, clients(base), func(t *testing.T) {
			ok(t, s, http.MethodPost, base+"/delete_clients", map[string]any{"client_ids": []int64{olga}})
		})
	})
	t.Run("get_clients after the settings change the content type (control API)", func(t *testing.T) {
		tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
		assertFresh(t, s, clients(salebotBase(t, tn)), func(t *testing.T) {
			ok(t, s, http.MethodPatch, "/__fakebots/tenants/"+tn.ID+"/salebot/settings", map[string]any{"content_type": "application/json"})
		})
	})
	t.Run("get_history after message", func(t *testing.T) {
		tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
		base := salebotBase(t, tn)
		assertFresh(t, s, history(base), func(t *testing.T) {
			ok(t, s, http.MethodPost, base+"/message", map[string]any{"client_id": olga, "message": "Ваш заказ готов"})
		})
	})
	t.Run("get_history after the client writes (end user)", func(t *testing.T) {
		tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
		assertFresh(t, s, history(salebotBase(t, tn)), inbound(tn, map[string]any{"client_id": olga}))
	})
	t.Run("get_history after a scheduled message falls due", func(t *testing.T) {
		tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
		base := salebotBase(t, tn)
		clockURL := "/__fakebots/tenants/" + tn.ID + "/clock"
		ok(t, s, http.MethodPost, clockURL+"/freeze", nil)
		ok(t, s, http.MethodPost, base+"/message", map[string]any{"client_id": olga, "message": "Напоминание", "time_shift": 60})
		assertFresh(t, s, history(base), func(t *testing.T) {
			ok(t, s, http.MethodPost, clockURL+"/advance", map[string]any{"by": "61s"})
		})
	})
	t.Run("find_client_id_by_var after save_variables", func(t *testing.T) {
		tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
		base := salebotBase(t, tn)
		find := func(t *testing.T) string {
			return answer(s.Do(t, http.MethodGet, base+"/find_client_id_by_var?var=tg_username&val=%40belik", nil))
		}
		assertFresh(t, s, find, func(t *testing.T) {
			ok(t, s, http.MethodPost, base+"/save_variables", map[string]any{"client_id": olga, "variables": map[string]any{"client.tg_username": "@olga"}})
		})
	})
}

func TestPageCacheBotHelpListsShowEveryWrite(t *testing.T) {
	s := newServer(t, emulator.WithRateLimits(false))
	list := func(tn *fakebotstest.Tenant, path string) func(t *testing.T) string {
		token := tn.BotHelp.Token(t)
		return func(t *testing.T) string {
			return answer(s.Do(t, http.MethodGet, "/bothelp"+path, nil, "Authorization", "Bearer "+token))
		}
	}
	control := func(tn *fakebotstest.Tenant, method, path string, body any) func(t *testing.T) {
		return func(t *testing.T) { ok(t, s, method, "/__fakebots/tenants/"+tn.ID+"/bothelp/"+path, body) }
	}

	t.Run("subscribers after the control API adds one", func(t *testing.T) {
		tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
		assertFresh(t, s, list(tn, "/v1/subscribers/?after=300"), control(tn, http.MethodPost, "subscribers",
			map[string]any{"subscribers": []any{map[string]any{"name": "Новый Ученик", "channel_type": "telegram", "user_id": "9000001"}}}))
	})
	t.Run("subscribers after PATCH", func(t *testing.T) {
		tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
		token := tn.BotHelp.Token(t)
		assertFresh(t, s, list(tn, "/v1/subscribers/?after=300"), func(t *testing.T) {
			ok(t, s, http.MethodPatch, "/bothelp/v1/subscribers/301", []any{map[string]any{"op": "replace", "path": "/name", "value": "Переименован"}}, "Authorization", "Bearer "+token)
		})
	})
	t.Run("subscribers after the tenant's reset (control API)", func(t *testing.T) {
		tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
		read := list(tn, "/v1/subscribers/?after=300")
		control(tn, http.MethodPost, "subscribers", map[string]any{"subscribers": []any{map[string]any{"name": "Временный", "channel_type": "telegram", "user_id": "9000002"}}})(t)
		assertFresh(t, s, read, func(t *testing.T) { tn.Reset(t) })
	})
	t.Run("bots after the control API adds one", func(t *testing.T) {
		tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
		assertFresh(t, s, list(tn, "/v1/bots/"), control(tn, http.MethodPost, "bots", map[string]any{"title": "Новый бот"}))
	})
	t.Run("funnels after the control API adds one", func(t *testing.T) {
		tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
		assertFresh(t, s, list(tn, "/v1/funnels/"), control(tn, http.MethodPost, "funnels", map[string]any{"title": "Новая воронка"}))
	})
}

// TestPageCacheReportsEachCallersOwnLimits: a page served from the cache
// carries the caller's current X-RateLimit-Remaining, not the count of the
// request that filled the cache.
func TestPageCacheReportsEachCallersOwnLimits(t *testing.T) {
	s := newServer(t)
	tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
	clock := "/__fakebots/tenants/" + tn.ID + "/clock"
	ok(t, s, http.MethodPost, clock+"/freeze", nil) // two calls a second are allowed: the third waits for the next second
	target := fmt.Sprintf("%s/getContacts?api_token=%s&bot_id=%d", tn.CleverApp.BaseURL, tn.CleverApp.APIToken, tn.CleverApp.BotID)
	first := ok(t, s, http.MethodGet, target, nil, "Accept", "application/json")
	hits := s.Emulator.PageHits()
	second := ok(t, s, http.MethodGet, target, nil, "Accept", "application/json")
	require.Greater(t, s.Emulator.PageHits(), hits, "served from the cache")
	require.Equal(t, string(first.Body), string(second.Body))
	require.Equal(t, "application/json", first.Header.Get("Content-Type"))
	require.Equal(t, "application/json", second.Header.Get("Content-Type"), "the page's own headers stay")
	require.Equal(t, first.Header["X-Ratelimit-Limit"], second.Header["X-Ratelimit-Limit"])
	require.Equal(t, []string{"119"}, first.Header["X-Ratelimit-Remaining"])
	require.Equal(t, []string{"118"}, second.Header["X-Ratelimit-Remaining"])
	ok(t, s, http.MethodPost, clock+"/advance", map[string]any{"by": "1s"})
	third := ok(t, s, http.MethodGet, target, nil, "Accept", "application/json")
	require.Equal(t, []string{"117"}, third.Header["X-Ratelimit-Remaining"], "the cached page itself was not changed")
	var journaled []string
	for _, e := range tn.Journal(t, fakebotstest.JournalFilter{}) {
		journaled = append(journaled, e.Response.Headers["X-RateLimit-Remaining"]...) // as Laravel spells it
	}
	require.Equal(t, []string{"119", "118", "117"}, journaled, "each exchange keeps the headers of its own answer")
}

// TestPageCacheKeepsOperationsApart: two list reads with the same
// parameters are two pages, and so are two reads of one list with other
// parameters.
func TestPageCacheKeepsOperationsApart(t *testing.T) {
	s := newServer(t, emulator.WithRateLimits(false))
	tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
	token := tn.BotHelp.Token(t)
	read := func(path string) string {
		return answer(ok(t, s, http.MethodGet, "/bothelp"+path, nil, "Authorization", "Bearer "+token))
	}
	bots, funnels := read("/v1/bots/"), read("/v1/funnels/")
	require.NotEqual(t, bots, funnels)
	s.Emulator.ForgetPages()
	require.Equal(t, funnels, read("/v1/funnels/"))
	require.Equal(t, bots, read("/v1/bots/"))

	first, second := read("/v1/subscribers/?after=300"), read("/v1/subscribers/?after=301")
	require.NotEqual(t, first, second)
	s.Emulator.ForgetPages()
	require.Equal(t, second, read("/v1/subscribers/?after=301"))
}

// TestPageCacheKeepsOnlySuccesses: an error is answered afresh every time,
// even when the project's settings send it with status 200.
func TestPageCacheKeepsOnlySuccesses(t *testing.T) {
	s := newServer(t, emulator.WithRateLimits(false))
	tn := s.NewTenant(t)
	tn.Salebot.PatchSettings(t, map[string]any{"not_found_status": http.StatusOK})
	target := salebotBase(t, tn) + "/find_client_id_by_phone?phone=79990000000"
	hits := s.Emulator.PageHits()
	for range 2 {
		require.Equal(t, "200 text/html; charset=utf-8\n{\"status\":\"client_not_found\"}", answer(s.Do(t, http.MethodGet, target, nil)))
	}
	require.Equal(t, hits, s.Emulator.PageHits())
}

// TestPageCacheCoversEveryListRead: the specs mark the list reads, and
// nothing else, as served from the page cache.
func TestPageCacheCoversEveryListRead(t *testing.T) {
	s := newServer(t)
	cached := map[string][]string{}
	for _, p := range s.Emulator.Platforms() {
		for _, op := range p.Spec().Operations {
			if op.PageCache {
				cached[p.Name()] = append(cached[p.Name()], op.ID)
			}
		}
	}
	require.Equal(t, map[string][]string{
		"cleverapp": {"getContacts", "getListItems"},
		"onebot":    {"getContacts", "getListItems"},
		"salebot": {
			"find_all_client_id_by_several_vars", "find_all_client_id_by_several_vars_post", "find_all_client_id_by_var", "find_all_client_id_by_var_post",
			"find_client_id_by_email", "find_client_id_by_email_post", "find_client_id_by_phone", "find_client_id_by_phone_post",
			"find_client_id_by_platform_id", "find_client_id_by_platform_id_get", "find_client_id_by_var", "find_client_id_by_var_post",
			"find_clients", "find_clients_get", "find_latest_client_id_by_var", "find_latest_client_id_by_var_post",
			"get_clients", "get_clients_post", "get_history", "get_history_post",
			"online_chat_client_id", "online_chat_client_id_post", "whatsapp_client_id", "whatsapp_client_id_post",
		},
		"bothelp": {"listBotSteps", "listBots", "listFunnels", "listSubscribers"},
	}, sortedValues(cached))
}

func sortedValues(m map[string][]string) map[string][]string {
	for k := range m {
		slices.Sort(m[k])
	}
	return m
}

// TestPageCacheServesLongPaths: a Salebot key (and so the path) far longer
// than the rest of what a page depends on is cached like any other.
func TestPageCacheServesLongPaths(t *testing.T) {
	s := newServer(t, emulator.WithRateLimits(false))
	key := strings.Repeat("k", 300)
	created := s.Do(t, http.MethodPost, "/__fakebots/tenants", `{"id":"a","fixture":{"salebot":{"api_key":"`+key+`"}}}`)
	require.Equal(t, http.StatusCreated, created.Status, string(created.Body))
	hits := s.Emulator.PageHits()
	for range 2 {
		require.Equal(t, "200 text/html; charset=utf-8\n{\"status\":\"success\",\"clients\":[]}", answer(s.Do(t, http.MethodGet, "/salebot/api/"+key+"/get_clients", nil)))
	}
	require.Equal(t, hits+1, s.Emulator.PageHits())
}
