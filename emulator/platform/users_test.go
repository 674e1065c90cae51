package platform

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/jsonx"
)

func TestMatches(t *testing.T) {
	phones := []string{"+7 (999) 123-45-67"}
	for _, tc := range []struct {
		q    string
		want bool
	}{
		{"", true},
		{"  ", true},
		{"ольга", true},          // Cyrillic, case ignored
		{"ОЛЬГА СМИРНОВА", true}, // the whole name
		{"olga@", true},          // the e-mail
		{"99912345", true},       // phone digits
		{"+7 999 123", true},     // phone as typed
		{"146467928", true},      // a messenger id
		{"ирина", false},
		{"12399", false},   // digits not in a row of the phone
		{"4567 ext", true}, // a phone is compared by its digits alone
	} {
		require.Equal(t, tc.want, Matches(tc.q, phones, "Ольга Смирнова", "olga@example.com", "146467928"), tc.q)
	}
}

func TestSortThread(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	events := []Event{
		{ID: "later", At: at.Add(time.Second)},
		{ID: "inbox after outbox 7", At: at, Order: [2]int64{7, 1}},
		{ID: "outbox 8", At: at, Order: [2]int64{8, 0}},
		{ID: "outbox 7", At: at, Order: [2]int64{7, 0}},
		{ID: "inbox after outbox 7, second", At: at, Order: [2]int64{7, 2}},
		{ID: "earlier", At: at.Add(-time.Second), Order: [2]int64{99, 0}},
	}
	SortThread(events)
	var ids []string
	for _, e := range events {
		ids = append(ids, e.ID)
	}
	require.Equal(t, []string{"earlier", "outbox 7", "inbox after outbox 7", "inbox after outbox 7, second", "outbox 8", "later"}, ids)
}

// TestEventJSON: buttons, operation and status only on outgoing events,
// reply_to only when set, attachments always a list.
func TestEventJSON(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.FixedZone("MSK", 3*3600))
	for _, tc := range []struct {
		ev   Event
		want string
	}{
		{Event{ID: "p:control:1", At: at, Direction: DirectionIn, Kind: KindText, Text: "hi", Source: "control"},
			`{"id":"p:control:1","at":"2026-03-02T06:30:00Z","direction":"in","kind":"text","text":"hi","attachments":[],"source":"control"}`},
		{Event{ID: "p:outbox:2", At: at, Direction: DirectionOut, Kind: KindText, Text: "<b>", Source: "outbox", Operation: "send", Status: "scheduled"},
			`{"id":"p:outbox:2","at":"2026-03-02T06:30:00Z","direction":"out","kind":"text","text":"<b>","buttons":[],"attachments":[],"source":"outbox","operation":"send","status":"scheduled"}`},
		{Event{ID: "p:control:3", At: at, Direction: DirectionIn, Kind: KindButtonPress, Text: "Да", Source: "control", ReplyTo: "p:outbox:2",
			Buttons: []Button{{Text: "ignored", Data: "x"}}},
			`{"id":"p:control:3","at":"2026-03-02T06:30:00Z","direction":"in","kind":"button_press","text":"Да","attachments":[],"source":"control","reply_to":"p:outbox:2"}`},
		{Event{ID: "p:control:4", At: at, Direction: DirectionSystem, Kind: KindUnsubscribe, Source: "control", Operation: "hidden", Status: "hidden"},
			`{"id":"p:control:4","at":"2026-03-02T06:30:00Z","direction":"system","kind":"unsubscribe","text":"","attachments":[],"source":"control"}`},
	} {
		got, err := jsonx.Marshal(tc.ev, false) // as the control API writes it
		require.NoError(t, err)
		require.Equal(t, tc.want, string(got))
	}
}

func TestMessageRef(t *testing.T) {
	for _, tc := range []struct {
		raw, want, err string
	}{
		{``, "", ""},
		{`null`, "", ""},
		{`12`, "p:outbox:12", ""},
		{`"12"`, "p:outbox:12", ""},
		{`"p:history:5"`, "p:history:5", ""},
		{`""`, "", "message_id must be a thread event id or an outbox id"},
		{`1.5`, "", "message_id must be a thread event id or an outbox id"},
		{`{}`, "", "message_id must be a thread event id or an outbox id"},
	} {
		got, err := messageRef("p", json.RawMessage(tc.raw))
		if tc.err != "" {
			require.EqualError(t, err, tc.err, tc.raw)
			continue
		}
		require.NoError(t, err, tc.raw)
		require.Equal(t, tc.want, got, tc.raw)
	}
}

func TestAttachments(t *testing.T) {
	require.Equal(t, Attachment{Type: "file", URL: "https://x.example/a/b%20c.pdf?x=1", Name: "b c.pdf"}, NewAttachment("file", "https://x.example/a/b%20c.pdf?x=1"))
	require.Equal(t, Attachment{Type: "image", URL: "https://x.example/", Name: ""}, NewAttachment("image", "https://x.example/"))
	require.Equal(t, KindImage, KindOf([]Attachment{{Type: "image"}, {Type: "file"}}, nil))
	require.Equal(t, KindFile, KindOf([]Attachment{{Type: "video"}}, nil))
	require.Equal(t, KindButtons, KindOf([]Attachment{{Type: "image"}}, []Button{{Text: "a"}}))
	require.Equal(t, KindText, KindOf(nil, nil))
}
