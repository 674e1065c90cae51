package emulator_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// TestConcurrentWritesNeverAnswerBusy: BotHelp PATCHes from many clients at
// once, a third of whose clients hang up while their write runs, beside
// readers of the same subscribers. No answer is a 500, and SQLite's busy
// error never shows in the log.
func TestConcurrentWritesNeverAnswerBusy(t *testing.T) {
	var log syncBuffer
	s := newServer(t, emulator.WithRateLimits(false), emulator.WithLogger(slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	tn := s.NewTenant(t, fakebotstest.WithFixture("demo"))
	token := tn.BotHelp.Token(t)
	const clients, calls = 8, 80
	var wg sync.WaitGroup
	statuses := make(chan int, clients*calls)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewSource(int64(c)))
			for i := range calls {
				ctx, cancel := context.WithCancel(context.Background())
				if i%3 == 0 {
					time.AfterFunc(time.Duration(rnd.Intn(400))*time.Microsecond, cancel)
				}
				id := 1 + rnd.Intn(20)
				body := fmt.Sprintf(`[{"op":"replace","path":"/name","value":"Клиент %d-%d"}]`, c, i)
				method, target := http.MethodPatch, fmt.Sprintf("%s/bothelp/v1/subscribers/%d", s.URL, id)
				if i%2 == 1 {
					method, target, body = http.MethodGet, fmt.Sprintf("%s/bothelp/v1/subscribers/?after=%d", s.URL, id), ""
				}
				req, _ := http.NewRequestWithContext(ctx, method, target, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := s.Client().Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					statuses <- resp.StatusCode
				}
				cancel()
			}
		}()
	}
	wg.Wait()
	close(statuses)
	answered := 0
	for status := range statuses {
		answered++
		require.Less(t, status, 500, strings.Join(log.lines(), "\n"))
	}
	require.Greater(t, answered, clients*calls/2, "most calls were answered")
	logged := strings.Join(log.lines(), "\n")
	require.NotContains(t, logged, "locked")
	require.NotContains(t, logged, "SQLITE_BUSY")
}
