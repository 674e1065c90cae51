package platform_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/platform"
)

// pressThread is user 1's thread: an older message with buttons, a
// scheduled one, a failed one, an incoming text and the latest delivered.
func pressThread() []platform.Event {
	yes := []platform.Button{{Text: "Да", Data: "yes"}, {Text: "Сайт", Data: "site", URL: "https://x.example"}}
	return []platform.Event{
		{ID: "p:outbox:1", Direction: platform.DirectionOut, Status: "delivered", Buttons: []platform.Button{{Text: "Old", Data: "old"}}},
		{ID: "p:history:2", Direction: platform.DirectionOut, Status: "", Buttons: []platform.Button{{Text: "Hist", Data: "hist"}}},
		{ID: "p:outbox:3", Direction: platform.DirectionOut, Status: "delivered", Buttons: yes},
		{ID: "p:outbox:4", Direction: platform.DirectionOut, Status: "delivered"},
		{ID: "p:control:5", Direction: platform.DirectionIn, Buttons: []platform.Button{{Text: "In", Data: "in"}}},
		{ID: "p:outbox:6", Direction: platform.DirectionOut, Status: "scheduled", Buttons: []platform.Button{{Text: "Later", Data: "later"}}},
		{ID: "p:outbox:7", Direction: platform.DirectionOut, Status: "failed", Buttons: []platform.Button{{Text: "Lost", Data: "lost"}}},
	}
}

func press(t *testing.T, a *audience, user, body string) (platform.Action, error) {
	t.Helper()
	n := len(a.acts)
	status, _, err := call(t, a, http.MethodPost, "users/{user}/buttons", user, "", body)
	if err != nil {
		require.Len(t, a.acts, n, "a refused press does nothing")
		return platform.Action{}, err
	}
	require.Equal(t, http.StatusCreated, status)
	require.Len(t, a.acts, n+1)
	return a.acts[n], nil
}

// TestPressLatest: without message_id the latest delivered message with
// buttons is pressed; a button is found by its text, else its data.
func TestPressLatest(t *testing.T) {
	a := newAudience()
	a.threads[1] = pressThread()
	act, err := press(t, a, "1", `{"button":"Да"}`)
	require.NoError(t, err)
	require.Equal(t, platform.Action{Text: "Да", Button: &platform.Button{Text: "Да", Data: "yes"}, ReplyTo: "p:outbox:3"}, act)
	act, err = press(t, a, "1", `{"button":"yes"}`)
	require.NoError(t, err)
	require.Equal(t, "Да", act.Text)

	// A message without a status (history) counts as delivered.
	a.threads[1] = pressThread()[:2]
	act, err = press(t, a, "1", `{"button":"hist"}`)
	require.NoError(t, err)
	require.Equal(t, "p:history:2", act.ReplyTo)

	a.threads[1] = pressThread()[:1]
	act, err = press(t, a, "1", `{"button":"Old"}`)
	require.NoError(t, err)
	require.Equal(t, "p:outbox:1", act.ReplyTo)
}

// TestPressTextBeforeData: a button whose text is pressed wins over one
// whose data is the same word.
func TestPressTextBeforeData(t *testing.T) {
	a := newAudience()
	a.threads[1] = []platform.Event{{ID: "p:outbox:1", Direction: platform.DirectionOut, Buttons: []platform.Button{
		{Text: "A", Data: "B"}, {Text: "B", Data: "b"},
	}}}
	act, err := press(t, a, "1", `{"button":"B"}`)
	require.NoError(t, err)
	require.Equal(t, &platform.Button{Text: "B", Data: "b"}, act.Button)
}

// TestPressByMessageID: message_id picks the message, as a thread event id
// or an outbox id.
func TestPressByMessageID(t *testing.T) {
	a := newAudience()
	a.threads[1] = pressThread()
	act, err := press(t, a, "1", `{"message_id":1,"button":"Old"}`)
	require.NoError(t, err)
	require.Equal(t, "p:outbox:1", act.ReplyTo)
	act, err = press(t, a, "1", `{"message_id":"p:history:2","button":"Hist"}`)
	require.NoError(t, err)
	require.Equal(t, "p:history:2", act.ReplyTo)
}

// TestPressUnblocks: pressing as a user who blocked the bot unblocks it.
func TestPressUnblocks(t *testing.T) {
	a := newAudience()
	a.threads[2] = pressThread()
	_, err := press(t, a, "2", `{"button":"Да"}`)
	require.NoError(t, err)
	require.Equal(t, []bool{true}, a.subs)
}

// TestPressRefusals: each way a press can fail, with its status and message.
func TestPressRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		thread     []platform.Event
		status     int
		msg        string
	}{
		{"no button", `{"message_id":1}`, pressThread(), http.StatusBadRequest, "button (its text or data) is required"},
		{"unknown key", `{"button":"Да","x":1}`, pressThread(), http.StatusBadRequest, `invalid JSON body: json: unknown field "x"`},
		{"bad message id", `{"message_id":true,"button":"Да"}`, pressThread(), http.StatusBadRequest, "message_id must be a thread event id or an outbox id"},
		{"unknown message", `{"message_id":99,"button":"Да"}`, pressThread(), http.StatusNotFound, "no message p:outbox:99 in the thread of user 1"},
		{"message without buttons", `{"message_id":4,"button":"Да"}`, pressThread(), http.StatusNotFound, "message p:outbox:4 has no buttons"},
		{"incoming message", `{"message_id":"p:control:5","button":"In"}`, pressThread(), http.StatusNotFound, "message p:control:5 has no buttons"},
		{"scheduled message", `{"message_id":6,"button":"Later"}`, pressThread(), http.StatusBadRequest, "message p:outbox:6 is scheduled: the user has not got it"},
		{"failed message", `{"message_id":7,"button":"Lost"}`, pressThread(), http.StatusBadRequest, "message p:outbox:7 is failed: the user has not got it"},
		{"no message with buttons", `{"button":"x"}`, pressThread()[3:5], http.StatusNotFound, "user 1 has got no message with buttons"},
		{"only undelivered with buttons", `{"button":"Later"}`, pressThread()[5:], http.StatusNotFound, "user 1 has got no message with buttons"},
		{"empty thread", `{"button":"x"}`, nil, http.StatusNotFound, "user 1 has got no message with buttons"},
		{"unknown button", `{"button":"Нет"}`, pressThread(), http.StatusNotFound, `message p:outbox:3 has no button "Нет" (it has "Да", "Сайт")`},
		{"link button", `{"button":"site"}`, pressThread(), http.StatusBadRequest, `button "Сайт" opens https://x.example: pressing it tells the bot nothing`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAudience()
			a.threads[1] = tc.thread
			_, err := press(t, a, "1", tc.body)
			controlError(t, err, tc.status, tc.msg)
		})
	}
}

// TestPressPlatformErrors: the platform's errors pass through.
func TestPressPlatformErrors(t *testing.T) {
	for _, method := range []string{"User", "Thread", "Act"} {
		a := newAudience()
		a.threads[1] = pressThread()
		a.fail = method
		_, _, err := call(t, a, http.MethodPost, "users/{user}/buttons", "1", "", `{"button":"Да"}`)
		require.ErrorIs(t, err, errBoom, method)
	}
}
