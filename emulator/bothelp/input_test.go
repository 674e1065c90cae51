package bothelp_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/platform"
)

// An empty query parameter is not given, as PHP reads ?after= — however
// many there are, the filters given after them still apply; and a stop
// whose only referral is an empty query parameter has no input at all.
func TestEmptyQueryParametersAreNotGiven(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	subs := c.seed(fakebotstest.BotHelpSubscriber{Name: "Мой", Email: "mine@example.com"}, fakebotstest.BotHelpSubscriber{Name: "Другой"})
	q := url.Values{"email": {"mine@example.com"}, "after": {""}, "createdAtAfter": {""}, "phone": {""}}
	for _, k := range strings.Split("abcdefghijklmnopqrstuvwxyz", "") {
		q.Set(k, "")
	}
	var ids []int64
	for _, s := range c.page(q.Encode()).Data {
		ids = append(ids, s.ID)
	}
	require.Equal(t, []int64{subs[0].ID}, ids)

	assertGolden(t, "json_decode_400.golden", c.call("stopBot", http.MethodDelete, "/v1/subscribers/"+itoa(subs[0].ID)+"/bot?botReferral=", nil))
	assertGolden(t, "bot_referral_missing_400.golden", c.call("runBot", http.MethodPost, "/v1/subscribers/"+itoa(subs[0].ID)+"/bot?botReferral=", map[string]any{}))
}

// A JSON body past the bounds is refused before it is read: nested deeper
// than json_decode goes as json_decode's error, with too many values as
// too many.
func TestJSONBodiesPastTheBoundsAreRefused(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	s := c.seed(fakebotstest.BotHelpSubscriber{Name: "Иван"})[0]
	path := "/v1/subscribers/" + itoa(s.ID) + "/bot"
	deep := strings.Repeat("[", platform.MaxJSONDepth+1) + strings.Repeat("]", platform.MaxJSONDepth+1)
	assertGolden(t, "json_decode_400.golden", c.call("runBot", http.MethodPost, path, deep))

	many := "[" + strings.Repeat("0,", platform.MaxInputValues) + "0]"
	r := c.call("runBot", http.MethodPost, path, many)
	require.Equal(t, http.StatusBadRequest, r.Status)
	require.Equal(t, `{"success":false,"error":{"code":"VALIDATION_ERROR","message":"Request body has more than 200000 values"}}`, string(r.Body))
	require.Empty(t, c.detail(s.ID).Actions)
}
