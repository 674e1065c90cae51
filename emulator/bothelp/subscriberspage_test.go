package bothelp_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSubscribersPageBytes pins every byte of subscriber pages: key order,
// escaping of text and tags, times before 1970, booleans and paging.
func TestSubscribersPageBytes(t *testing.T) {
	f := newFake(t, map[string]any{"bothelp": map[string]any{
		"cuid_prefix": "t1",
		"settings":    map[string]any{"page_size": 2},
		"subscribers": []any{
			map[string]any{"name": `Иван "Ваня" \ Петров`, "email": "ivan@example.com", "phone": "+7 900 000-00-01", "tags": []string{"<лид>", "a&b", "x\u2028y", "q\"uote", "s/l", `{"id":9,`},
				"created_at": "1969-12-31T23:59:59.5Z", "utm_source": "tab\there", "prodamus_profile_id": "p1", "ya_client_id": "y/1"},
			map[string]any{"name": "Без тегов", "subscribed": false, "channel_type": "vk", "created_at": "2026-05-06T11:00:00.75Z"},
			map[string]any{"name": "Третий", "user_id": "u3", "created_at": "2026-05-06T11:30:00Z", "tags": []string{"вебинар"}},
		},
	}})
	c := newClient(t, f, f.Tenant)
	s1 := `{"id":1,"cuid":"t1.1","userId":"500000001","createdAt":-1,"subscribed":true,"name":"Иван \"Ваня\" \\ Петров","email":"ivan@example.com","phone":"+7 900 000-00-01",` +
		`"channelName":"Бот в Telegram","channelType":"telegram","utmSource":"tab\there","utmMedium":"","utmCampaign":"","utmContent":"","utmTerm":"",` +
		`"tags":["<лид>","a&b","x\u2028y","q\"uote","s/l","{\"id\":9,"],"prodamusProfileId":"p1","yaClientId":"y/1"}`
	s2 := `{"id":2,"cuid":"t1.2","userId":"500000002","createdAt":1778065200,"subscribed":false,"name":"Без тегов","email":"","phone":"",` +
		`"channelName":"Сообщество ВКонтакте","channelType":"vk","utmSource":"","utmMedium":"","utmCampaign":"","utmContent":"","utmTerm":"",` +
		`"tags":[],"prodamusProfileId":"","yaClientId":""}`
	s3 := `{"id":3,"cuid":"t1.3","userId":"u3","createdAt":1778067000,"subscribed":true,"name":"Третий","email":"","phone":"",` +
		`"channelName":"Бот в Telegram","channelType":"telegram","utmSource":"","utmMedium":"","utmCampaign":"","utmContent":"","utmTerm":"",` +
		`"tags":["вебинар"],"prodamusProfileId":"","yaClientId":""}`
	for _, tc := range []struct{ query, want string }{
		{"", `{"data":[` + s1 + `,` + s2 + `],"paging":{"cursor":{"after":2},"next":"after=2"}}`},
		{"after=2", `{"data":[` + s3 + `],"paging":null}`},
		{"after=3", `{"data":[],"paging":null}`},
		{"email=IVAN@example.com", `{"data":[` + s1 + `],"paging":null}`},
		{"createdAtAfter=1778066000", `{"data":[` + s3 + `],"paging":null}`},
	} {
		r := c.call("listSubscribers", http.MethodGet, "/v1/subscribers/?"+tc.query, nil)
		require.Equal(t, http.StatusOK, r.Status, tc.query)
		require.Equal(t, tc.want, string(r.Body), tc.query)
	}
	c.settings(map[string]any{"paging_on_last_page": true, "next_keeps_filters": true})
	r := c.call("listSubscribers", http.MethodGet, "/v1/subscribers/?after=2&email=", nil)
	require.Equal(t, `{"data":[`+s3+`],"paging":{"cursor":{"after":3},"next":"after=3"}}`, string(r.Body))
	r = c.call("listSubscribers", http.MethodGet, "/v1/subscribers/?createdAtAfter=1778066000", nil)
	require.Equal(t, `{"data":[`+s3+`],"paging":{"cursor":{"after":3},"next":"after=3&createdAtAfter=1778066000"}}`, string(r.Body))
}
