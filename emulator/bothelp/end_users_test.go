package bothelp_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// The account's subscribers are the control API's end users: listed, read
// one by one, and a missing one is not found, its thread included; a user
// created with nothing given gets a made-up name.
func TestSubscribersAreTheEndUsers(t *testing.T) {
	f := newFake(t, nil)
	c := newClient(t, f, f.Tenant)
	s := c.seed(fakebotstest.BotHelpSubscriber{Name: "Ольга"})[0]

	status, body := controlCall(t, f, f.Tenant, http.MethodGet, "users", "")
	require.Equal(t, http.StatusOK, status, body)
	var list struct{ Data []struct{ ID int64 } }
	require.NoError(t, json.Unmarshal([]byte(body), &list))
	require.Len(t, list.Data, 1)
	require.Equal(t, s.ID, list.Data[0].ID)

	for _, path := range []string{"users/99", "users/99/thread"} {
		status, body := controlCall(t, f, f.Tenant, http.MethodGet, path, "")
		require.Equal(t, http.StatusNotFound, status, path)
		require.Equal(t, `{"error":"no user 99"}`, body, path)
	}

	status, body = controlCall(t, f, f.Tenant, http.MethodPost, "users", `{}`)
	require.Equal(t, http.StatusCreated, status, body)
	var made struct{ Name string }
	require.NoError(t, json.Unmarshal([]byte(body), &made))
	require.NotEmpty(t, made.Name)
}
