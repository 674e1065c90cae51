package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/internal/testwait"
)

var update = flag.Bool("update", false, "rewrite the README's coverage table")

func TestFlagsAndEnvironment(t *testing.T) {
	c, err := parseServeFlags(nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, config{addr: "127.0.0.1:8080", seed: "demo", fakerSeed: 1, rateLimits: "on", journalSize: 1000, logLevel: "info"}, c)

	t.Setenv("FAKEBOTS_ADDR", "0.0.0.0:9000")
	t.Setenv("FAKEBOTS_RATE_LIMITS", "off")
	t.Setenv("FAKEBOTS_JOURNAL_SIZE", "5")
	c, err = parseServeFlags([]string{"--journal-size", "7", "--seed", "none"}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, "0.0.0.0:9000", c.addr, "the variable sets what the command line does not")
	require.Equal(t, "off", c.rateLimits)
	require.Equal(t, 7, c.journalSize, "the command line wins over the variable")
	require.Equal(t, "none", c.seed)

	for _, bad := range [][]string{{"--rate-limits", "maybe"}, {"--journal-size", "-1"}, {"--log-level", "loud"}, {"--faker-seed", "x"}, {"extra"}} {
		_, err := parseServeFlags(bad, io.Discard)
		require.Error(t, err, bad)
	}
	t.Setenv("FAKEBOTS_FAKER_SEED", "not-a-number")
	_, err = parseServeFlags(nil, io.Discard)
	require.ErrorContains(t, err, "FAKEBOTS_FAKER_SEED")
}

func TestCommands(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 2, run([]string{"launch"}, &out, &errOut))
	require.Contains(t, errOut.String(), `unknown command "launch"`)
	require.Equal(t, 0, run([]string{"help"}, &out, &errOut))
	require.Contains(t, out.String(), "fakebots health")
	require.Equal(t, 0, run([]string{"serve", "--help"}, io.Discard, io.Discard))
	require.Equal(t, 2, run([]string{"serve", "--rate-limits", "maybe"}, io.Discard, io.Discard))
}

func TestHealthCommand(t *testing.T) {
	e, err := emulator.New(emulator.WithTick(0))
	require.NoError(t, err)
	defer e.Close()
	ts := httptest.NewServer(e)
	defer ts.Close()
	var out bytes.Buffer
	addr := strings.TrimPrefix(ts.URL, "http://")
	require.Equal(t, 0, run([]string{"health", "--addr", addr}, &out, io.Discard))
	require.Contains(t, out.String(), `"status":"ok"`)

	ts.Close()
	var errOut bytes.Buffer
	require.Equal(t, 1, run([]string{"health", "--addr", addr}, io.Discard, &errOut))
	require.Contains(t, errOut.String(), "fakebots health:")
}

// signalWriter collects output and closes ready on the first write.
type signalWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	once  sync.Once
	ready chan struct{}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	defer w.once.Do(func() { close(w.ready) })
	return w.buf.Write(p)
}

func (w *signalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestServeBannerCurlLinesWork(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := &signalWriter{ready: make(chan struct{})}
	done := make(chan error, 1)
	c := config{addr: "127.0.0.1:0", seed: "demo", fakerSeed: 1, rateLimits: "off", journalSize: 10, logLevel: "error"}
	go func() { done <- listenAndServe(ctx, c, discardLogger(), out) }()
	testwait.Receive(t, out.ready, "the banner")
	banner := out.String()
	base := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(banner)[1]
	require.Contains(t, banner, `Seed tenant "demo"`)
	require.Contains(t, banner, "demo-cleverapp-token")

	// Every curl line in the banner works when pasted.
	curls := regexp.MustCompile(`curl -s (?:-H '([^']+)' )?'([^']+)'`).FindAllStringSubmatch(banner, -1)
	require.NotEmpty(t, curls)
	for _, m := range curls {
		req, err := http.NewRequest(http.MethodGet, m[2], nil)
		require.NoError(t, err)
		if name, value, ok := strings.Cut(m[1], ": "); ok {
			req.Header.Set(name, value)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, m[0])
		require.True(t, strings.HasPrefix(m[2], base), m[0])
	}
	cancel()
	require.NoError(t, testwait.Receive(t, done, "the server to stop"), "a clean shutdown")
}

// TestReadmeCoverageTable fails when the README's coverage table is stale;
// `go test ./cmd/fakebots -run TestReadmeCoverageTable -update` rewrites it.
func TestReadmeCoverageTable(t *testing.T) {
	e, err := emulator.New(emulator.WithTick(0))
	require.NoError(t, err)
	defer e.Close()
	want := emulator.CoverageMarkdown(emulator.Coverage(e.Platforms()))
	const start, end = "<!-- coverage:start -->\n", "<!-- coverage:end -->"
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	i, j := bytes.Index(readme, []byte(start)), bytes.Index(readme, []byte(end))
	require.True(t, i >= 0 && j > i, "README.md needs the coverage markers")
	if *update {
		updated := string(readme[:i+len(start)]) + want + string(readme[j:])
		require.NoError(t, os.WriteFile("../../README.md", []byte(updated), 0o644))
		return
	}
	require.Equal(t, want, string(readme[i+len(start):j]), "README coverage table is stale: run go test ./cmd/fakebots -run TestReadmeCoverageTable -update")
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
