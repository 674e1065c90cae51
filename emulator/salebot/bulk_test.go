package salebot_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// TestBulkSaveVariablesNeverHoldsTheWriter: while one tenant saves a
// variable for thousands of client ids, another tenant's one-row
// write is answered before the bulk save is half done, instead of waiting
// for all of it. The bulk save still answers success and leaves every
// client with the variable.
func TestBulkSaveVariablesNeverHoldsTheWriter(t *testing.T) {
	e := newEnv(t, shopFixture)
	ids := e.newClients(100)
	// 3,000 ids: the first 99 clients again and again, the last client once at the end.
	var bulk []int64
	for len(bulk) < 3_000 {
		bulk = append(bulk, ids[:len(ids)-1]...)
	}
	bulk = append(bulk, ids[len(ids)-1])
	stageOf := func(id int64) any {
		var vars map[string]any
		e.get("get_variables", "client_id="+itoa(id)).JSON(t, &vars)
		return vars["stage"]
	}

	// Another tenant of the same emulator, with one client.
	other := &env{t: t, f: e.f, sb: &e.f.NewTenant(t, fakebotstest.WithFixture(shopFixture)).Salebot}
	otherClient := other.newClients(1)[0]

	body, err := json.Marshal(map[string]any{"clients": bulk, "variables": map[string]any{"client.stage": "bulk"}})
	require.NoError(t, err)
	answered := make(chan string, 1)
	go func() {
		resp, err := e.f.Client().Post(e.sb.URL("save_variables"), "application/json", bytes.NewReader(body))
		if err != nil {
			answered <- err.Error()
			return
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		answered <- fmt.Sprint(resp.StatusCode, " ", string(raw))
	}()

	// Once the first clients are saved, the bulk save is under way.
	deadline := time.Now().Add(30 * time.Second)
	for stageOf(ids[0]) != "bulk" {
		require.True(t, time.Now().Before(deadline), "the first clients were never saved")
	}
	other.ok("POST", "save_variables", map[string]any{"client_id": otherClient, "variables": map[string]any{"client.stage": "one"}})
	var otherVars map[string]any
	other.get("get_variables", "client_id="+itoa(otherClient)).JSON(t, &otherVars)
	require.Equal(t, "one", otherVars["stage"])
	require.NotEqual(t, "bulk", stageOf(ids[len(ids)-1]), "the other tenant's write was answered while the bulk save was still running")

	select {
	case got := <-answered:
		require.Equal(t, `200 {"status":"success"}`, got)
	case <-time.After(60 * time.Second):
		t.Fatal("the bulk save never answered")
	}
	for _, id := range []int64{ids[0], ids[len(ids)/2], ids[len(ids)-1]} {
		require.Equal(t, "bulk", stageOf(id), "client %d", id)
	}
}
