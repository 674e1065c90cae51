package main

import (
	"bytes"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/control"
	"github.com/fakebots/fakebots/emulator/version"
)

var update = flag.Bool("update", false, "rewrite docs/coverage.md and the README's summary of it")

func TestFlagsAndEnvironment(t *testing.T) {
	c, err := parseServeFlags(nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, config{addr: "127.0.0.1:8080", seed: "demo", fakerSeed: 1, rateLimits: "on", journalSize: 1000,
		hints: "on", logLevel: "info", logFormat: "text",
		server: serverSettings{
			readHeaderTimeout: 10 * time.Second, readTimeout: 30 * time.Second, writeTimeout: time.Minute,
			idleTimeout: 30 * time.Second, maxHeaderBytes: 64 << 10, shutdownTimeout: 8 * time.Second,
		},
		memory: memorySettings{journalBytes: 8 << 20, journalTotalBytes: 16 << 20, pageCacheBytes: 8 << 20},
		tls:    tlsSettings{addr: "127.0.0.1:8443"}}, c)

	t.Setenv("FAKEBOTS_ADDR", "0.0.0.0:9000")
	t.Setenv("FAKEBOTS_RATE_LIMITS", "off")
	t.Setenv("FAKEBOTS_JOURNAL_SIZE", "5")
	t.Setenv("FAKEBOTS_SHUTDOWN_TIMEOUT", "3s")
	t.Setenv("FAKEBOTS_MAX_HEADER_BYTES", "8192")
	t.Setenv("FAKEBOTS_CONTROL_TOKEN", "s3cret")
	t.Setenv("FAKEBOTS_LOG_FORMAT", "json")
	t.Setenv("FAKEBOTS_PAGE_CACHE_BYTES", "0")
	c, err = parseServeFlags([]string{"--journal-size", "7", "--seed", "none", "--idle-timeout", "2m", "--pprof", "127.0.0.1:0"}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, 3*time.Second, c.server.shutdownTimeout)
	require.Equal(t, 8192, c.server.maxHeaderBytes)
	require.Equal(t, 2*time.Minute, c.server.idleTimeout)
	require.Equal(t, "0.0.0.0:9000", c.addr, "the variable sets what the command line does not")
	require.Equal(t, "off", c.rateLimits)
	require.Equal(t, 7, c.journalSize, "the command line wins over the variable")
	require.Equal(t, "none", c.seed)
	require.Equal(t, "s3cret", c.controlToken)
	require.Equal(t, "json", c.logFormat)
	require.Equal(t, memorySettings{journalBytes: 8 << 20, journalTotalBytes: 16 << 20, pprofAddr: "127.0.0.1:0"}, c.memory, "no page cache")

	for _, bad := range [][]string{
		{"--rate-limits", "maybe"}, {"--journal-size", "-1"}, {"--log-level", "loud"}, {"--faker-seed", "x"}, {"extra"},
		{"--read-timeout", "soon"}, {"--write-timeout", "0s"}, {"--shutdown-timeout", "-1s"}, {"--max-header-bytes", "0"},
		{"--hints", "maybe"}, {"--log-format", "xml"},
		{"--journal-bytes", "0"}, {"--journal-total-bytes", "-5"}, {"--page-cache-bytes", "-1"},
	} {
		_, err := parseServeFlags(bad, io.Discard)
		require.Error(t, err, bad)
	}
	_, err = parseServeFlags([]string{"--idle-timeout", "0s"}, io.Discard)
	require.EqualError(t, err, "--idle-timeout must be positive, not 0s")
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
	errOut.Reset()
	require.Equal(t, 0, run([]string{"serve", "--help"}, io.Discard, &errOut))
	require.Contains(t, errOut.String(), "empty uses a throwaway database in the temporary directory, removed at exit (FAKEBOTS_DB)",
		"what --db does when empty, as the code does it")
	require.Equal(t, 2, run([]string{"serve", "--rate-limits", "maybe"}, io.Discard, io.Discard))

	out.Reset()
	require.Equal(t, 0, run([]string{"version"}, &out, io.Discard))
	require.Equal(t, version.Get().String()+"\n", out.String())
	require.Regexp(t, `^fakebots \(devel\), built with go1\.\S+ for \w+/\w+\n$`, out.String())
	require.Equal(t, 2, run([]string{"version", "--short"}, io.Discard, io.Discard))
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

	// The address as a URL, or in any of the forms --addr listens on.
	_, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	for _, form := range []string{ts.URL, ts.URL + "/", "0.0.0.0:" + port, ":" + port, "localhost:" + port} {
		out.Reset()
		require.Equal(t, 0, run([]string{"health", "--addr", form}, &out, io.Discard), form)
		require.Contains(t, out.String(), `"status":"ok"`, form)
	}
	t.Setenv("FAKEBOTS_ADDR", ts.URL)
	require.Equal(t, 0, run([]string{"health"}, io.Discard, io.Discard), "the variable as a URL")

	var errOut bytes.Buffer
	for _, bad := range []string{"ftp://" + addr, "http://", "http://" + addr + "?x=1", "127.0.0.1"} {
		errOut.Reset()
		require.Equal(t, 2, run([]string{"health", "--addr", bad}, io.Discard, &errOut), bad)
		require.Contains(t, errOut.String(), "fakebots health: --addr", bad)
	}

	ts.Close()
	errOut.Reset()
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
	base, banner := startServe(t, testConfig(t))
	require.Contains(t, banner, `Seed tenant "demo"`)
	require.Contains(t, banner, "demo-cleverapp-token")
	require.Contains(t, banner, "  dashboard  "+base+"/__fakebots/ui/   (watch conversations and calls live, act as an end user)\n")

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
}

// TestCoverageDocuments fails when docs/coverage.md or the README's summary
// of it is stale; `go test ./cmd/fakebots -run TestCoverageDocuments -update`
// rewrites both.
func TestCoverageDocuments(t *testing.T) {
	e, err := emulator.New(emulator.WithTick(0))
	require.NoError(t, err)
	defer e.Close()
	rows := control.Coverage(e.Platforms())
	for _, doc := range []struct{ file, marker, want string }{
		{"../../docs/coverage.md", "coverage", control.CoverageMarkdown(rows, control.CoverageSettings(e.Platforms()))},
		{"../../README.md", "coverage-summary", control.CoverageSummary(rows)},
	} {
		start, end := "<!-- "+doc.marker+":start -->\n", "<!-- "+doc.marker+":end -->"
		text, err := os.ReadFile(doc.file)
		require.NoError(t, err)
		i, j := bytes.Index(text, []byte(start)), bytes.Index(text, []byte(end))
		require.True(t, i >= 0 && j > i, "%s needs the %s markers", doc.file, doc.marker)
		if *update {
			updated := string(text[:i+len(start)]) + doc.want + string(text[j:])
			require.NoError(t, os.WriteFile(doc.file, []byte(updated), 0o644))
			continue
		}
		require.Equal(t, doc.want, string(text[i+len(start):j]), "%s is stale: run go test ./cmd/fakebots -run TestCoverageDocuments -update", doc.file)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
