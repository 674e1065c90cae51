package platform_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/platform"
)

func eventIDs(t *testing.T, body any) []string {
	t.Helper()
	events := body.(map[string]any)["data"].([]platform.Event)
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	return ids
}

func thread(ids ...string) []platform.Event {
	out := make([]platform.Event, len(ids))
	for i, id := range ids {
		out[i] = platform.Event{ID: id, Direction: platform.DirectionIn}
	}
	return out
}

// TestThreadPaging: after names an event of the thread, the page starts
// past it; limit cuts the page; an empty thread is an empty list.
func TestThreadPaging(t *testing.T) {
	a := newAudience()
	a.threads[1] = thread("e1", "e2", "e3", "e4")
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{"e1", "e2", "e3", "e4"}},
		{"limit=4", []string{"e1", "e2", "e3", "e4"}},
		{"limit=3", []string{"e1", "e2", "e3"}},
		{"after=e1", []string{"e2", "e3", "e4"}},
		{"after=e2&limit=1", []string{"e3"}},
		{"after=e4", []string{}},
	} {
		status, body, err := call(t, a, http.MethodGet, "users/{user}/thread", "1", tc.query, "")
		require.NoError(t, err, tc.query)
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, tc.want, eventIDs(t, body), tc.query)
	}
	_, body, err := call(t, a, http.MethodGet, "users/{user}/thread", "2", "", "")
	require.NoError(t, err)
	require.Equal(t, `{"data":[]}`, asJSON(t, body))
}

// TestThreadRefusals: an unknown after, a bad limit and the platform's
// error.
func TestThreadRefusals(t *testing.T) {
	a := newAudience()
	a.threads[1] = thread("e1", "e2", "e3")
	_, _, err := call(t, a, http.MethodGet, "users/{user}/thread", "1", "after=nope", "")
	controlError(t, err, http.StatusBadRequest, `after: no event "nope" in the thread of user 1`)
	_, _, err = call(t, a, http.MethodGet, "users/{user}/thread", "1", "limit=0", "")
	controlError(t, err, http.StatusBadRequest, "limit must be an integer from 1 to 1000")
	a.fail = "Thread"
	_, _, err = call(t, a, http.MethodGet, "users/{user}/thread", "1", "", "")
	require.ErrorIs(t, err, errBoom)
}

// TestWriteMessage: the user's text and attachments become an action;
// attachments get a name from their URL unless they have one.
func TestWriteMessage(t *testing.T) {
	a := newAudience()
	status, body, err := call(t, a, http.MethodPost, "users/{user}/messages", "1", "",
		`{"text":"hi","attachments":[{"type":"image","url":"https://x.example/a/cat.png"},{"type":"file","url":"https://x.example/d.pdf","name":"Doc"}]}`)
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, status)
	require.Equal(t, []platform.Action{{Text: "hi", Attachments: []platform.Attachment{
		{Type: "image", URL: "https://x.example/a/cat.png", Name: "cat.png"},
		{Type: "file", URL: "https://x.example/d.pdf", Name: "Doc"},
	}}}, a.acts)
	require.Equal(t, `{"event":{"id":"p:control:1","at":"0001-01-01T00:00:00Z","direction":"","kind":"image","text":"hi","attachments":[],"source":""},"webhook":true}`, asJSON(t, body))
	require.Empty(t, a.subs, "a subscribed user is not subscribed again")
}

// TestWriteUnblocks: a user who blocked the bot unblocks it before writing.
func TestWriteUnblocks(t *testing.T) {
	a := newAudience()
	_, _, err := call(t, a, http.MethodPost, "users/{user}/messages", "2", "", `{"text":"hi"}`)
	require.NoError(t, err)
	require.Equal(t, []bool{true}, a.subs)
	require.Len(t, a.acts, 1)

	a = newAudience()
	a.fail = "SetSubscribed"
	_, _, err = call(t, a, http.MethodPost, "users/{user}/messages", "2", "", `{"text":"hi"}`)
	require.ErrorIs(t, err, errBoom)
	require.Empty(t, a.acts, "no action when unblocking failed")
}

// TestWriteRefusals: what a user may write is checked before the platform
// hears of it.
func TestWriteRefusals(t *testing.T) {
	for body, msg := range map[string]string{
		`{"text":"  "}`: "give text or attachments",
		`{}`:            "give text or attachments",
		`{"txt":"hi"}`:  `invalid JSON body: json: unknown field "txt"`,
		`{"attachments":[{"type":"sticker","url":"https://x.example/a"}]}`:                                   "attachments[0].type must be one of image, file, video, audio",
		`{"attachments":[{"type":"image","url":"https://x.example/a"},{"type":"file","url":"ftp://x/a"}]}`:   "attachments[1].url must be an http(s) URL",
		`{"attachments":[{"type":"video","url":"https:///a"}]}`:                                              "attachments[0].url must be an http(s) URL",
		`{"attachments":[{"type":"audio","url":"http://x.example/%zz"}]}`:                                    "attachments[0].url must be an http(s) URL",
		`{"text":"hi","attachments":[{"type":"file","url":"/relative"}]}`:                                    "attachments[0].url must be an http(s) URL",
		`{"text":"hi","attachments":[{"type":"image","url":"http://x.example/a"},{"type":"pdf","url":"x"}]}`: "attachments[1].type must be one of image, file, video, audio",
	} {
		a := newAudience()
		_, _, err := call(t, a, http.MethodPost, "users/{user}/messages", "1", "", body)
		controlError(t, err, http.StatusBadRequest, msg)
		require.Empty(t, a.acts, body)
	}
	// Plain http URLs and text alone are fine.
	a := newAudience()
	_, _, err := call(t, a, http.MethodPost, "users/{user}/messages", "1", "", `{"attachments":[{"type":"video","url":"http://x.example/v.mp4"}]}`)
	require.NoError(t, err)
	require.Equal(t, platform.KindFile, a.acts[0].Kind())

	a.fail = "Act"
	_, _, err = call(t, a, http.MethodPost, "users/{user}/messages", "1", "", `{"text":"hi"}`)
	require.ErrorIs(t, err, errBoom)
	a.fail = "User"
	_, _, err = call(t, a, http.MethodPost, "users/{user}/messages", "1", "", `{"text":"hi"}`)
	require.ErrorIs(t, err, errBoom)
}

// TestActionKind: a press is a button press whatever its text; otherwise
// the attachments decide.
func TestActionKind(t *testing.T) {
	require.Equal(t, platform.KindButtonPress, platform.Action{Text: "a", Button: &platform.Button{Text: "a"}}.Kind())
	require.Equal(t, platform.KindText, platform.Action{Text: "a"}.Kind())
	require.Equal(t, platform.KindImage, platform.Action{Attachments: []platform.Attachment{{Type: "image"}}}.Kind())
}
