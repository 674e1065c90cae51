package emulator_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
	"github.com/fakebots/fakebots/emulator/journal"
)

// inProcess sends req straight to the emulator's handler, as a client that
// expects JSON, and returns what the handler wrote.
func inProcess(e http.Handler, req *http.Request) *httptest.ResponseRecorder {
	req.Header.Set("X-Requested-With", xhr)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

// TestRequestBodyLimitIsExact: a body of exactly the limit is read whole,
// one byte more is refused, whether or not the client said its length.
func TestRequestBodyLimitIsExact(t *testing.T) {
	const limit = 64
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithMaxBodyBytes(limit)))
	send := func(body string, lengthKnown bool) int {
		req := httptest.NewRequest(http.MethodPost, f.Tenant.CleverApp.BaseURL+"/sendMessage?api_token="+f.Tenant.CleverApp.APIToken, strings.NewReader(body))
		if !lengthKnown {
			req.ContentLength, req.Body = -1, io.NopCloser(strings.NewReader(body))
		}
		req.Header.Set("Content-Type", "application/json")
		return inProcess(f.Emulator, req).Code
	}
	fits := `{"text":"` + strings.Repeat("x", limit-len(`{"text":""}`)) + `"}`
	require.Len(t, fits, limit)
	for _, known := range []bool{true, false} {
		require.Equal(t, http.StatusUnprocessableEntity, send(fits, known), "length known: %v", known)
		require.Equal(t, http.StatusRequestEntityTooLarge, send(fits+" ", known), "length known: %v", known)
	}
	var bodies []string
	for _, e := range f.Journal(t, fakebotstest.JournalFilter{}) {
		bodies = append(bodies, e.Request.Body)
	}
	require.Equal(t, []string{fits, "", fits, ""}, bodies)
}

// TestAnswersCarryTheirContentLength: an answer says its length, a HEAD
// request's too (it gets none of the body), and an answer that may have no
// body says none.
func TestAnswersCarryTheirContentLength(t *testing.T) {
	f := fakebotstest.New(t)
	getMe := f.Tenant.CleverApp.BaseURL + "/getMe?api_token=" + f.Tenant.CleverApp.APIToken
	get := inProcess(f.Emulator, httptest.NewRequest(http.MethodGet, getMe, nil))
	require.Equal(t, http.StatusOK, get.Code)
	require.Equal(t, strconv.Itoa(get.Body.Len()), get.Header().Get("Content-Length"))
	head := inProcess(f.Emulator, httptest.NewRequest(http.MethodHead, getMe, nil))
	require.Equal(t, http.StatusOK, head.Code)
	require.Equal(t, get.Header().Get("Content-Length"), head.Header().Get("Content-Length"))
	require.Zero(t, head.Body.Len())

	f.FailNext(t, fakebotstest.CleverApp, fakebotstest.CleverAppGetMe, 1, http.StatusNoContent, nil)
	none := inProcess(f.Emulator, httptest.NewRequest(http.MethodGet, getMe, nil))
	require.Equal(t, http.StatusNoContent, none.Code)
	require.NotContains(t, none.Header(), "Content-Length")
}

// TestJournalTimesTheExchangeInMilliseconds: an exchange's duration is at
// most the time the client waited for it.
func TestJournalTimesTheExchangeInMilliseconds(t *testing.T) {
	f := fakebotstest.New(t)
	req := httptest.NewRequest(http.MethodGet, f.Tenant.CleverApp.BaseURL+"/getMe?api_token="+f.Tenant.CleverApp.APIToken, nil)
	started := time.Now()
	require.Equal(t, http.StatusOK, inProcess(f.Emulator, req).Code)
	waited := float64(time.Since(started).Microseconds()) / 1000
	entries := f.Journal(t, fakebotstest.JournalFilter{})
	require.Len(t, entries, 1)
	require.Greater(t, entries[0].DurationMS, 0.0)
	require.LessOrEqual(t, entries[0].DurationMS, waited)
}

// TestJournalWeighsACutBodyByWhatItKeeps: of an answer larger than an entry
// keeps, only the part kept counts against the journal's bounds.
func TestJournalWeighsACutBodyByWhatItKeeps(t *testing.T) {
	const bound = 160 << 10 // two entries that keep MaxBody each, not two whole answers
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithJournalBytes(bound, 0)))
	big := strings.Repeat("x", 100<<10)
	body, err := json.Marshal(big)
	require.NoError(t, err)
	f.AddFault(t, fakebotstest.Fault{Platform: "cleverapp", Operation: "getMe", Count: 2, Status: http.StatusOK, Body: body})
	for range 2 {
		r := f.Do(t, http.MethodGet, f.Tenant.CleverApp.BaseURL+"/getMe?api_token="+f.Tenant.CleverApp.APIToken, nil, "X-Requested-With", xhr)
		require.Equal(t, big, string(r.Body))
	}
	entries := f.Journal(t, fakebotstest.JournalFilter{})
	require.Len(t, entries, 2)
	for _, e := range entries {
		require.Equal(t, big[:journal.MaxBody], e.Response.Body)
		require.True(t, e.Response.BodyTruncated)
	}
}

// deadlineRecorder is a recorder whose connection takes write deadlines.
type deadlineRecorder struct {
	*httptest.ResponseRecorder
	deadlines []time.Time
}

func (d *deadlineRecorder) SetWriteDeadline(at time.Time) error {
	d.deadlines = append(d.deadlines, at)
	return nil
}

// TestInjectedDelayRestartsTheWriteDeadline: an answer late on purpose gets
// the server's whole write timeout again; other answers keep the deadline
// they have.
func TestInjectedDelayRestartsTheWriteDeadline(t *testing.T) {
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithWriteTimeout(time.Minute),
		emulator.WithSleep(func(context.Context, time.Duration) {})))
	getMe := f.Tenant.CleverApp.BaseURL + "/getMe?api_token=" + f.Tenant.CleverApp.APIToken
	deadlinesOf := func() []time.Time {
		rec := &deadlineRecorder{ResponseRecorder: httptest.NewRecorder()}
		req := httptest.NewRequest(http.MethodGet, getMe, nil)
		req.Header.Set("X-Requested-With", xhr)
		f.Emulator.ServeHTTP(rec, req)
		return rec.deadlines
	}
	f.AddFault(t, fakebotstest.Fault{Platform: "cleverapp", Operation: "getMe", DelayMS: 1500})
	before := time.Now()
	delayed := deadlinesOf()
	require.Len(t, delayed, 1)
	require.WithinRange(t, delayed[0], before.Add(time.Minute), time.Now().Add(time.Minute))

	f.FailNext(t, fakebotstest.CleverApp, fakebotstest.CleverAppGetMe, 1, http.StatusServiceUnavailable, nil)
	require.Empty(t, deadlinesOf(), "a fault without a delay")
	require.Empty(t, deadlinesOf(), "no fault")
}

// TestClientThatLeftIsJournaledAs499: a request whose client went away while
// it was handled is answered (to nobody) and journaled with nginx's 499, the
// rate-limit standing included, rather than as the platform's error.
func TestClientThatLeftIsJournaledAs499(t *testing.T) {
	f := fakebotstest.New(t)
	target := f.Tenant.CleverApp.BaseURL + "/getMe?api_token=" + f.Tenant.CleverApp.APIToken
	require.Equal(t, http.StatusOK, inProcess(f.Emulator, httptest.NewRequest(http.MethodGet, target, nil)).Code)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	left := inProcess(f.Emulator, httptest.NewRequestWithContext(ctx, http.MethodGet, target, nil))
	require.Equal(t, 499, left.Code)
	require.Equal(t, []string{"118"}, left.Header()["X-RateLimit-Remaining"])
	require.Equal(t, []int{http.StatusOK, 499}, f.Journal(t, fakebotstest.JournalFilter{}).Statuses())
}

// TestPublicPagesAreNotRateLimited: a page that needs no credential counts
// against no caller's limits.
func TestPublicPagesAreNotRateLimited(t *testing.T) {
	f := fakebotstest.New(t)
	for range 3 {
		r := f.Do(t, http.MethodGet, "/cleverapp/login", nil)
		require.Equal(t, http.StatusOK, r.Status)
		require.NotContains(t, r.Header, "X-Ratelimit-Limit")
	}
}

// TestPanicInThePipelineIsLoggedAndAnswered: a panic while a request is
// handled (here in the sleep the embedding program supplied) is answered
// as the platform's server error and logged with its stack.
func TestPanicInThePipelineIsLoggedAndAnswered(t *testing.T) {
	var out syncBuffer
	log := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{
		Level:       slog.LevelError,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr { return dropVolatile(a) },
	}))
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithLogger(log),
		emulator.WithSleep(func(context.Context, time.Duration) { panic("no sleeping here") })))
	f.AddFault(t, fakebotstest.Fault{Platform: "cleverapp", Operation: "getMe", DelayMS: 10})
	r := f.Do(t, http.MethodGet, f.Tenant.CleverApp.BaseURL+"/getMe?api_token="+f.Tenant.CleverApp.APIToken, nil, "X-Requested-With", xhr)
	require.Equal(t, http.StatusInternalServerError, r.Status)
	require.JSONEq(t, `{"message":"Server Error"}`, string(r.Body))
	lines := out.lines()
	require.Len(t, lines, 2)
	var logged struct{ Level, Msg, Platform, Path, Panic, Stack string }
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &logged))
	require.Equal(t, "ERROR handler panic cleverapp /api/v1/getMe no sleeping here", strings.Join([]string{logged.Level, logged.Msg, logged.Platform, logged.Path, logged.Panic}, " "))
	require.Contains(t, logged.Stack, "emulator.(*Emulator).handle")
	require.JSONEq(t, `{"level":"ERROR","msg":"internal error","platform":"cleverapp","path":"/api/v1/getMe","err":"panic: no sleeping here"}`, lines[1], "the platform's own line of its 500")
}
