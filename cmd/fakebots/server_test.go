package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// testConfig is the serve command's configuration for args, on a free
// loopback port, quiet, without rate limits.
func testConfig(t *testing.T, args ...string) config {
	t.Helper()
	c, err := parseServeFlags(append([]string{"--addr", "127.0.0.1:0", "--log-level", "error", "--rate-limits", "off"}, args...), io.Discard)
	require.NoError(t, err)
	return c
}

// startServe runs the serve command's server with c until the test ends,
// and returns its base URL and banner.
func startServe(t *testing.T, c config) (base, banner string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &signalWriter{ready: make(chan struct{})}
	done := make(chan error, 1)
	go func() { done <- listenAndServe(ctx, c, discardLogger(), out) }()
	select {
	case <-out.ready:
	case err := <-done:
		cancel()
		t.Fatalf("the server stopped before its banner: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("no banner within 10s")
	}
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done, "a clean shutdown")
	})
	banner = out.String()
	return regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(banner)[1], banner
}

// dial opens a raw connection to the server at base, closed at the end of
// the test; every read on it gives up after 5s.
func dial(t *testing.T, base string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(5*time.Second)))
	return conn
}

// requireClosedByServer reads r to its end: the server must close the
// connection (an end of file, or a reset when the client was still
// sending) before the read deadline.
func requireClosedByServer(t *testing.T, r io.Reader, msg string) {
	t.Helper()
	_, err := io.Copy(io.Discard, r)
	require.False(t, errors.Is(err, os.ErrDeadlineExceeded), "%s: still open after the test's 5s deadline", msg)
	if err != nil {
		require.ErrorIs(t, err, syscall.ECONNRESET, msg)
	}
}

// statusClientClosedRequest is what the pipeline answers to a request whose
// context ended before its answer was ready (nginx's status).
const statusClientClosedRequest = 499

func TestSlowBodyIsCut(t *testing.T) {
	base, _ := startServe(t, testConfig(t, "--read-timeout", "300ms"))
	conn := dial(t, base)
	fmt.Fprint(conn, "POST /cleverapp/api/v1/sendMessage HTTP/1.1\r\nHost: fakebots\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n")
	// A byte every 50ms, as long as the server reads: a slow sender that
	// never stops, and that a timeout between reads would never cut.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte("a")); err != nil {
					return
				}
			}
		}
	}()
	started := time.Now()
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	// The cut ends the request's context: the pipeline answers as it does
	// for a client gone away, without handling the request, and the
	// connection closes.
	require.Equal(t, statusClientClosedRequest, resp.StatusCode, string(body))
	require.True(t, resp.Close, "the answer closes the connection")
	requireClosedByServer(t, br, "a trickled body")
	require.Less(t, time.Since(started), 3*time.Second)
}

func TestIdleConnectionsAreClosed(t *testing.T) {
	base, _ := startServe(t, testConfig(t, "--idle-timeout", "300ms"))
	const conns = 20
	readers := make([]*bufio.Reader, conns)
	for i := range readers {
		conn := dial(t, base)
		fmt.Fprint(conn, "GET /__fakebots/health HTTP/1.1\r\nHost: fakebots\r\n\r\n")
		readers[i] = bufio.NewReader(conn)
		resp, err := http.ReadResponse(readers[i], nil)
		require.NoError(t, err)
		_, err = io.Copy(io.Discard, resp.Body)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.False(t, resp.Close, "kept alive")
	}
	for i, r := range readers {
		requireClosedByServer(t, r, fmt.Sprintf("idle connection %d", i))
	}
}

func TestHeaderSizeCap(t *testing.T) {
	base, _ := startServe(t, testConfig(t, "--max-header-bytes", "4096"))
	get := func(pad int) int {
		req, err := http.NewRequest(http.MethodGet, base+"/__fakebots/health", nil)
		require.NoError(t, err)
		req.Header.Set("X-Pad", strings.Repeat("a", pad))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, http.StatusOK, get(3000))
	// net/http reads up to 4 KiB past the cap before it refuses.
	require.Equal(t, http.StatusRequestHeaderFieldsTooLarge, get(10_000))
}

func TestWriteTimeoutSparesAnInjectedDelay(t *testing.T) {
	base, _ := startServe(t, testConfig(t, "--write-timeout", "200ms"))
	post(t, base+"/__fakebots/faults", `{"platform":"cleverapp","operation":"getMe","count":1,"delay_ms":600}`, http.StatusCreated)

	started := time.Now()
	req, err := http.NewRequest(http.MethodGet, base+"/cleverapp/api/v1/getMe?api_token=demo-cleverapp-token", nil)
	require.NoError(t, err)
	req.Header.Set("X-Requested-With", "XMLHttpRequest")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err, "the delayed answer arrives, three write timeouts after the request")
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	require.GreaterOrEqual(t, time.Since(started), 600*time.Millisecond, "the delay was served")
}
