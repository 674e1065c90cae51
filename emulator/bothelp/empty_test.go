package bothelp_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// TestEmptyOptionalQueryParametersAreAbsent: PHP reads ?after=&email= as
// empty strings, which the API's filters take as not given.
func TestEmptyOptionalQueryParametersAreAbsent(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	c.seed(fakebotstest.BotHelpSubscriber{Name: "Иван"}, fakebotstest.BotHelpSubscriber{Name: "Пётр"})
	all := c.f.Do(t, http.MethodGet, "/bothelp/v1/subscribers/", nil, "Authorization", "Bearer "+c.token)
	require.Equal(t, http.StatusOK, all.Status, string(all.Body))
	empty := c.f.Do(t, http.MethodGet, "/bothelp/v1/subscribers/?after=&createdAtAfter=&email=&phone=", nil, "Authorization", "Bearer "+c.token)
	require.Equal(t, http.StatusOK, empty.Status, string(empty.Body))
	require.JSONEq(t, string(all.Body), string(empty.Body))
}
