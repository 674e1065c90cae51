package bothelp_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// page is GET /v1/subscribers/ decoded.
type page struct {
	Data []struct {
		ID        int64  `json:"id"`
		CUID      string `json:"cuid"`
		Email     string `json:"email"`
		CreatedAt int64  `json:"createdAt"`
	} `json:"data"`
	Paging *struct {
		Cursor struct {
			After int64 `json:"after"`
		} `json:"cursor"`
		Next string `json:"next"`
	} `json:"paging"`
}

func (c *client) page(query string) page {
	c.t.Helper()
	r := c.call("listSubscribers", http.MethodGet, "/v1/subscribers/?"+query, nil)
	require.Equal(c.t, http.StatusOK, r.Status, string(r.Body))
	var p page
	r.JSON(c.t, &p)
	return p
}

// walk pages through the subscribers matching filter as clients do: the
// same filter with after set from paging.cursor.after, until paging is null.
// It returns the ids seen and the page sizes.
func (c *client) walk(filter string) (ids []int64, sizes []int) {
	c.t.Helper()
	query := filter
	for guard := 0; guard < 100; guard++ {
		p := c.page(query)
		sizes = append(sizes, len(p.Data))
		for _, s := range p.Data {
			ids = append(ids, s.ID)
		}
		if p.Paging == nil {
			return ids, sizes
		}
		require.Equal(c.t, p.Data[len(p.Data)-1].ID, p.Paging.Cursor.After)
		query = strings.TrimPrefix(filter+"&after="+fmt.Sprint(p.Paging.Cursor.After), "&")
	}
	c.t.Fatal("paging never ended")
	return nil, nil
}

// seed250 creates subscribers 1..250, created a minute apart ending at
// epoch, with user<i>@example.com and +7 999 000-0<iii> as e-mail and phone.
func seed250(c *client) {
	subs := make([]fakebotstest.BotHelpSubscriber, 250)
	for i := range subs {
		n := i + 1
		subs[i] = fakebotstest.BotHelpSubscriber{
			Name:      fmt.Sprintf("Подписчик %d", n),
			Email:     fmt.Sprintf("user%d@example.com", n),
			Phone:     fmt.Sprintf("+7 999 000-0%03d", n),
			CreatedAt: epoch.Add(-time.Duration(250-n) * time.Minute),
		}
	}
	c.seed(subs...)
}

func TestSubscribersPageShape(t *testing.T) {
	f := newFake(t, map[string]any{"bothelp": map[string]any{
		"cuid_prefix": "1et0",
		"subscribers": []map[string]any{
			{"id": 92, "user_id": "123456789", "name": "Иван Петров", "email": "ivan@example.com", "phone": "79991234567",
				"channel_name": "Школа", "channel_type": "telegram", "utm_source": "vk", "utm_campaign": "spring/sale",
				"tags": []string{"купил_базовый", "купил_стандарт"}, "created_at": "2026-05-01T10:00:00Z"},
			{"id": 93, "channel_type": "instagram", "subscribed": false, "created_at": "2026-05-02T10:00:00Z"},
		},
	}})
	c := newClient(t, f, f.Tenant)
	r := c.call("listSubscribers", http.MethodGet, "/v1/subscribers/", nil)
	require.Equal(t, http.StatusOK, r.Status)
	require.NotContains(t, string(r.Body), "null,", "no key is null")
	require.Contains(t, string(r.Body), `"cuid":"1et0.2k"`, "the README's example: 92 is 2k in base 36")
	assertGolden(t, "subscribers_200.golden", r)
}

func TestSubscribersPagingWalk(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	seed250(c)

	first := c.page("")
	require.Len(t, first.Data, 100)
	require.Equal(t, int64(100), first.Paging.Cursor.After)
	require.Equal(t, "after=100", first.Paging.Next, "a query fragment, not a URL")

	// Follow next literally, as the SDK does.
	var ids []int64
	var sizes []int
	for query := ""; ; {
		p := c.page(query)
		sizes = append(sizes, len(p.Data))
		for _, s := range p.Data {
			ids = append(ids, s.ID)
		}
		if p.Paging == nil {
			break
		}
		query = p.Paging.Next
	}
	require.Equal(t, []int{100, 100, 50}, sizes, "paging null on the last non-empty page, as captured from the live API")
	require.Len(t, ids, 250)
	for i, id := range ids {
		require.Equal(t, int64(i+1), id, "ascending ids, none twice")
	}

	c.seed(fakebotstest.BotHelpSubscriber{Email: "a+b@example.com", CreatedAt: epoch})
	cut := epoch.Add(-100 * time.Minute).Unix() // subscriber 150's createdAt
	for _, tc := range []struct {
		name, query string
		ids         []int64 // first and last
		count       int
	}{
		{"after", "after=240", []int64{241, 251}, 11},
		{"createdAtAfter is strict", "createdAtAfter=" + fmt.Sprint(cut), []int64{151, 251}, 101},
		{"createdAtAfter with after", "after=200&createdAtAfter=" + fmt.Sprint(cut), []int64{201, 251}, 51},
		{"email", "email=user42@example.com", []int64{42, 42}, 1},
		{"email ignores case", "email=USER42@Example.com", []int64{42, 42}, 1},
		{"email unknown", "email=nobody@example.com", nil, 0},
		{"phone by its digits", "phone=79990000077", []int64{77, 77}, 1},
		{"phone with an unencoded +", "phone=+79990000077", []int64{77, 77}, 1},
		{"email with an unencoded +", "email=a+b@example.com", []int64{251, 251}, 1},
		{"phone without digits", "phone=abc", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ids, _ := c.walk(tc.query)
			require.Len(t, ids, tc.count)
			if tc.count > 0 {
				require.Equal(t, tc.ids, []int64{ids[0], ids[len(ids)-1]})
			}
		})
	}
}

func TestSubscribersPagingSettings(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	seed250(c)
	cut := fmt.Sprint(epoch.Add(-100 * time.Minute).Unix())

	c.settings(map[string]any{"paging_on_last_page": true})
	_, sizes := c.walk("")
	require.Equal(t, []int{100, 100, 50, 0}, sizes, "paging on the last non-empty page too, null on the empty one after it")
	c.settings(map[string]any{"paging_on_last_page": false})

	c.settings(map[string]any{"created_at_after": "inclusive", "page_size": 30, "next_keeps_filters": true})
	p := c.page("createdAtAfter=" + cut)
	require.Len(t, p.Data, 30)
	require.Equal(t, int64(150), p.Data[0].ID, "inclusive")
	require.Equal(t, "after=179&createdAtAfter="+cut, p.Paging.Next)
	ids, _ := c.walk("createdAtAfter=" + cut)
	require.Len(t, ids, 101)

	p = c.page("email=" + url.QueryEscape("user7@example.com"))
	require.Nil(t, p.Paging, "nothing follows")
}

func TestSubscribersIgnoreGetBodiesAndCheckTypes(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	c.seed(fakebotstest.BotHelpSubscriber{Name: "Анна"})

	// The SDK sends Content-Type: application/json and the body [] on GET.
	r := c.call("listSubscribers", http.MethodGet, "/v1/subscribers/", []any{})
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))
	r = c.call("listSubscribers", http.MethodGet, "/v1/subscribers/", "{not json", "Content-Type", "application/json")
	require.Equal(t, http.StatusOK, r.Status, string(r.Body))

	bad := c.call("listSubscribers", http.MethodGet, "/v1/subscribers/?after=abc", nil)
	require.Equal(t, http.StatusBadRequest, bad.Status)
	require.True(t, strings.HasPrefix(string(bad.Body), `{"success":false,"error":{"code":"VALIDATION_ERROR","message":"after: `), string(bad.Body))
}
