package bothelp_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

func TestEmptyTenantIsUsableAtOnce(t *testing.T) {
	f := newFake(t, nil)
	bh := f.Tenant.BotHelp
	require.Regexp(t, `^\d{6}:[0-9a-f]{32}$`, bh.ClientID)
	require.Regexp(t, `^\d{6}:[0-9a-f]{32}$`, bh.ClientSecret)
	require.Regexp(t, `^c\d{13}$`, bh.BotReferral)
	require.Regexp(t, `^\d{13}$`, bh.StepReferral)
	require.Regexp(t, `^\d{13}$`, bh.FunnelReferral)
	require.Regexp(t, `^[0-9a-z]{4}$`, bh.CUIDPrefix)
	require.Zero(t, bh.Subscribers)

	c := newClient(t, f, f.Tenant)
	var bots []fakebotstest.BotHelpItem
	c.call("listBots", http.MethodGet, "/v1/bots/", nil).JSON(t, &bots)
	require.Equal(t, []fakebotstest.BotHelpItem{{Title: "Бот", Referral: bh.BotReferral}}, bots)
	var steps []fakebotstest.BotHelpItem
	c.call("listBotSteps", http.MethodGet, "/v1/bots/"+bh.BotReferral+"/steps", nil).JSON(t, &steps)
	require.Equal(t, []fakebotstest.BotHelpItem{{Title: "Приветствие", Referral: bh.StepReferral}}, steps)
	require.Equal(t, `{"data":[],"paging":null}`, string(c.call("listSubscribers", http.MethodGet, "/v1/subscribers/", nil).Body))
}

func TestTenantsAreIsolated(t *testing.T) {
	f := newFake(t, nil)
	mine := newClient(t, f, f.Tenant)
	s := mine.seed(fakebotstest.BotHelpSubscriber{Name: "Мой", Email: "mine@example.com"})[0]

	other := newClient(t, f, f.NewTenant(t))
	require.Equal(t, `{"data":[],"paging":null}`, string(other.call("listSubscribers", http.MethodGet, "/v1/subscribers/", nil).Body))
	require.Empty(t, other.page("email=mine@example.com").Data)
	require.Equal(t, http.StatusNotFound, other.call("updateSubscriber", http.MethodPatch, "/v1/subscribers/"+itoa(s.ID), patch{{"op": "replace", "path": "/name", "value": "x"}}).Status)
	require.Equal(t, http.StatusNotFound, other.call("updateSubscriberByCuid", http.MethodPatch, "/v1/subscribers/cuid/"+s.CUID, patch{{"op": "replace", "path": "/name", "value": "x"}}).Status)
	require.Equal(t, http.StatusNotFound, other.call("sendMessage", http.MethodPost, "/v1/subscribers/"+itoa(s.ID)+"/messages", `[{"content":"x"}]`).Status)
	var bots []fakebotstest.BotHelpItem
	other.call("listBots", http.MethodGet, "/v1/bots/", nil).JSON(t, &bots)
	require.Equal(t, other.bh.BotReferral, bots[0].Referral)
	require.NotEqual(t, mine.bh.BotReferral, other.bh.BotReferral)

	// Subscriber ids are per account: the other tenant's first one is 1 too.
	o := other.seed(fakebotstest.BotHelpSubscriber{Name: "Чужой"})[0]
	require.Equal(t, s.ID, o.ID)
	require.Equal(t, http.StatusOK, other.call("updateSubscriber", http.MethodPatch, "/v1/subscribers/"+itoa(o.ID), patch{{"op": "replace", "path": "/name", "value": "Изменён"}}).Status)
	require.Equal(t, "Мой", mine.detail(s.ID).Name)
}

func TestDemoFixture(t *testing.T) {
	f := newFake(t, "demo")
	bh := f.Tenant.BotHelp
	require.GreaterOrEqual(t, bh.Subscribers, 200)
	require.GreaterOrEqual(t, len(bh.Bots), 2)
	require.NotEmpty(t, bh.Funnels)
	c := newClient(t, f, f.Tenant)
	ids, sizes := c.walk("")
	require.Len(t, ids, bh.Subscribers)
	require.Equal(t, 100, sizes[0])
	p := c.page("")
	require.Regexp(t, regexp.MustCompile(`^`+bh.CUIDPrefix+`\.1$`), p.Data[0].CUID)

	// The same fixture gives the same data after a reset.
	before := c.call("listSubscribers", http.MethodGet, "/v1/subscribers/", nil).Body
	var reset map[string]json.RawMessage
	require.NoError(t, f.Control.Call(context.Background(), http.MethodPost, "/tenants/"+f.Tenant.ID+"/reset", nil, &reset))
	require.JSONEq(t, string(f.Tenant.Raw["bothelp"]), string(reset["bothelp"]), "the same credentials and ids")
	c.token = f.Tenant.BotHelp.Token(t)
	require.Equal(t, string(before), string(c.call("listSubscribers", http.MethodGet, "/v1/subscribers/", nil).Body))
}

func TestControlCatalogAndCredentials(t *testing.T) {
	f := newFake(t, nil)
	ctx := context.Background()
	c := newClient(t, f, f.Tenant)
	base := "/tenants/" + f.Tenant.ID + "/bothelp/"

	var bot fakebotstest.BotHelpBot
	require.NoError(t, f.Control.Call(ctx, http.MethodPost, base+"bots", map[string]any{"title": "Вебинар", "steps": []any{"Регистрация", "Запись"}}, &bot))
	require.Regexp(t, `^c\d{13}$`, bot.Referral)
	require.Len(t, bot.Steps, 2)
	var funnel fakebotstest.BotHelpItem
	require.NoError(t, f.Control.Call(ctx, http.MethodPost, base+"funnels", map[string]any{"title": "Дожим", "referral": "f1"}, &funnel))
	require.ErrorContains(t, f.Control.Call(ctx, http.MethodPost, base+"funnels", map[string]any{"title": "Ещё", "referral": "f1"}, nil), "already exists")

	var bots []fakebotstest.BotHelpItem
	c.call("listBots", http.MethodGet, "/v1/bots/", nil).JSON(t, &bots)
	require.Len(t, bots, 2)
	require.Equal(t, fakebotstest.BotHelpItem{Title: "Вебинар", Referral: bot.Referral}, bots[1])
	var steps []fakebotstest.BotHelpItem
	c.call("listBotSteps", http.MethodGet, "/v1/bots/"+bot.Referral+"/steps", nil).JSON(t, &steps)
	require.Equal(t, bot.Steps, steps)
	var funnels []fakebotstest.BotHelpItem
	c.call("listFunnels", http.MethodGet, "/v1/funnels/", nil).JSON(t, &funnels)
	require.Equal(t, funnel, funnels[1])

	var generated struct {
		Data []fakebotstest.BotHelpSubscriber
	}
	require.NoError(t, f.Control.Call(ctx, http.MethodPost, base+"subscribers", map[string]any{
		"generate": map[string]any{"count": 5, "channels": []map[string]any{{"type": "vk"}}, "tags": []string{"лид"}, "custom_fields": []string{"Город"}},
	}, &generated))
	require.Len(t, generated.Data, 5)
	var listed struct {
		Data []fakebotstest.BotHelpSubscriber
	}
	require.NoError(t, f.Control.Call(ctx, http.MethodGet, base+"subscribers?after=2&limit=2", nil, &listed))
	require.Equal(t, []int64{3, 4}, []int64{listed.Data[0].ID, listed.Data[1].ID})
	require.Equal(t, "vk", listed.Data[0].ChannelType)
	require.Contains(t, listed.Data[0].CustomFields, "Город")
	require.ErrorContains(t, f.Control.Call(ctx, http.MethodPost, base+"subscribers", map[string]any{"subscribers": []map[string]any{{"id": 3}}}, nil), "already exists")

	// New client credentials: the old ones stop working, issued tokens do not.
	var creds fakebotstest.BotHelpAccount
	require.NoError(t, f.Control.Call(ctx, http.MethodPut, base+"credentials", map[string]any{"client_id": "my-id"}, &creds))
	require.Equal(t, "my-id", creds.ClientID)
	require.NotEmpty(t, creds.ClientSecret)
	old := token(t, f, "application/x-www-form-urlencoded", form(c.bh))
	require.Equal(t, http.StatusBadRequest, old.Status)
	require.Contains(t, string(old.Body), "invalid_client")
	require.Equal(t, http.StatusOK, token(t, f, "application/x-www-form-urlencoded", form(creds)).Status)
	require.Equal(t, http.StatusOK, c.call("listBots", http.MethodGet, "/v1/bots/", nil).Status)

	other := f.NewTenant(t)
	err := f.Control.Call(ctx, http.MethodPut, "/tenants/"+other.ID+"/bothelp/credentials", map[string]any{"client_id": "my-id"}, nil)
	require.ErrorContains(t, err, "409")
}
