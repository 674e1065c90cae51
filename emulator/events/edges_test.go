package events_test

import (
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/events"
)

// TestHubEndsOnlyTheNamedTenantAmongMany: ending one tenant's
// subscriptions looks at every tenant, however the map orders them, and
// leaves the others running.
func TestHubEndsOnlyTheNamedTenantAmongMany(t *testing.T) {
	h := events.New(1, 1)
	others := map[string]*events.Subscription{}
	for i := range 500 { // were the loop to stop at another tenant, 499 orders in 500 would show it
		id := fmt.Sprintf("t%03d", i)
		others[id] = h.Subscribe(id)
	}
	target := h.Subscribe("target")
	h.End("target", events.TenantDeleted)
	requireClosed(t, target.Done())
	require.Equal(t, events.TenantDeleted, target.Reason())
	for id, s := range others {
		require.Empty(t, s.Reason(), id)
		require.Equal(t, 1, h.Subscribers(id), id)
	}
}

// TestStreamResyncsAReaderThatFellBehindAndGoesOn: events lost before the
// stream was read are replaced by one resync, and the stream goes on with
// what is published after it.
func TestStreamResyncsAReaderThatFellBehindAndGoesOn(t *testing.T) {
	h := events.New(4, 1)
	subs := make(chan *events.Subscription, 1)
	srv := streamServer(t, events.Stream{KeepAlive: time.Hour, WriteTimeout: time.Second}, 0, func() *events.Subscription {
		s := h.Subscribe("a")
		for i := range 3 { // the buffer holds one: the others are lost
			h.Publish(events.Event{Tenant: "a", Type: events.Journal, Data: i})
		}
		subs <- s
		return s
	})
	c, resp := frames(t, srv.URL)
	require.Equal(t, "no", resp.Header.Get("X-Accel-Buffering"), "a proxy in front must not hold events back")
	require.Equal(t, `ready {"ok":true}`, next(t, c))
	<-subs
	frame := next(t, c)
	if frame == "journal 0" { // the buffered event may go out before the loss is noticed
		frame = next(t, c)
	}
	require.Equal(t, `resync {"reason":"events were lost: the client read too slowly"}`, frame)
	h.Publish(events.Event{Tenant: "a", Type: events.Clock, Data: "after"})
	require.Equal(t, `clock "after"`, next(t, c), "the stream goes on after a resync")
	h.End("a", events.TenantDeleted)
	require.Equal(t, `end {"reason":"tenant deleted"}`, next(t, c))
}

// TestDecoderFramesAndEnds: blank lines between frames are skipped, a frame
// may carry only an event, only data or only a comment, a stream that ends
// between frames ends with io.EOF and one cut inside a frame with
// io.ErrUnexpectedEOF.
func TestDecoderFramesAndEnds(t *testing.T) {
	read := func(stream string) ([]events.Frame, error) {
		d := events.NewDecoder(strings.NewReader(stream))
		var got []events.Frame
		for {
			f, err := d.Next()
			if err != nil {
				return got, err
			}
			got = append(got, f)
		}
	}
	got, err := read("\n\nevent: a\n\nevent: b\ndata: 2\n\ndata: 3\n\n: ping\n\n")
	require.ErrorIs(t, err, io.EOF)
	require.Equal(t, []events.Frame{
		{Event: "a"},
		{Event: "b", Data: []byte("2")},
		{Data: []byte("3")},
		{Comment: "ping"},
	}, got)

	got, err = read("event: a\ndata: 1\n\nevent: b")
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	require.Equal(t, []events.Frame{{Event: "a", Data: []byte("1")}}, got)
}
