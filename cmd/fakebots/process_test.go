package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/events"
	"github.com/fakebots/fakebots/emulator/store"
)

func TestSIGTERMCutsRequestsAfterTheShutdownTimeout(t *testing.T) {
	db := filepath.Join(t.TempDir(), "state.db")
	p := startProcess(t, "--db", db, "--shutdown-timeout", "300ms")

	// A request held by a delay far longer than the shutdown timeout.
	post(t, p.base+"/__fakebots/faults", `{"platform":"cleverapp","operation":"getMe","count":1,"delay_ms":60000}`, http.StatusCreated)
	held := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, p.base+"/cleverapp/api/v1/getMe?api_token=demo-cleverapp-token", nil)
		req.Header.Set("X-Requested-With", "XMLHttpRequest")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		held <- err
	}()
	// The fault is gone from the list once the request has taken it.
	require.Eventually(t, func() bool {
		resp, err := http.Get(p.base + "/__fakebots/faults")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body) == `{"data":[]}`
	}, 5*time.Second, 10*time.Millisecond, "the request is in its delay")

	signalled := time.Now()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	require.Equal(t, 0, p.wait(t, 5*time.Second), "exit code\n%s", p.stderr)
	require.GreaterOrEqual(t, time.Since(signalled), 300*time.Millisecond, "the request had its shutdown timeout")
	select {
	case err := <-held:
		require.Error(t, err, "the held request was cut")
	case <-time.After(5 * time.Second):
		t.Fatal("the held request still runs after the process exited")
	}
	require.Contains(t, p.stderr.String(), `msg="requests still in flight at the shutdown timeout are cut" shutdown_timeout=300ms`)

	// The database was closed: SQLite folded its write-ahead log back into
	// the file and removed it, and the file's lock is free.
	require.NoFileExists(t, db+"-wal")
	s, err := store.Open(db)
	require.NoError(t, err)
	defer s.Close()
	tenants, err := s.Tenants(context.Background())
	require.NoError(t, err)
	require.Equal(t, "demo", tenants[0].ID)
}

func TestSIGTERMWithNothingInFlightExitsAtOnce(t *testing.T) {
	p := startProcess(t, "--shutdown-timeout", "1m")
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	require.Equal(t, 0, p.wait(t, 5*time.Second), "exit code\n%s", p.stderr)
	require.NotContains(t, p.stderr.String(), "cut")
}

// TestSIGTERMEndsEventStreams: an open dashboard's event stream is told the
// emulator is going and ends, rather than holding the shutdown for its
// whole timeout.
func TestSIGTERMEndsEventStreams(t *testing.T) {
	p := startProcess(t, "--shutdown-timeout", "1m")
	resp, err := http.Get(p.base + "/__fakebots/tenants/demo/events")
	require.NoError(t, err)
	defer resp.Body.Close()
	frames := events.NewDecoder(resp.Body)
	ready, err := frames.Next()
	require.NoError(t, err)
	require.Equal(t, events.Ready, ready.Event)
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	end, err := frames.Next()
	require.NoError(t, err)
	require.Equal(t, events.End, end.Event)
	require.JSONEq(t, `{"reason":"shutting down"}`, string(end.Data))
	require.Equal(t, 0, p.wait(t, 10*time.Second), "exit code\n%s", p.stderr)
	require.NotContains(t, p.stderr.String(), "cut")
}

func TestSecondProcessOnTheSameDatabaseExits(t *testing.T) {
	db := filepath.Join(t.TempDir(), "state.db")
	first := startProcess(t, "--db", db)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	second := exec.CommandContext(ctx, binary(t), "--addr", "127.0.0.1:0", "--db", db)
	out, err := second.CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "%s", out)
	require.Equal(t, 1, exit.ExitCode())
	require.Contains(t, string(out), db+": the database is in use by another process (it holds "+db+".lock)")
	require.NotContains(t, string(out), "listening")

	// The first one serves on, and says which build it is.
	resp, err := http.Get(first.base + "/__fakebots/health")
	require.NoError(t, err)
	defer resp.Body.Close()
	var health struct{ Status, Version string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&health))
	require.Equal(t, "ok", health.Status)
	require.Equal(t, testRelease, health.Version)
}

func TestReleaseBuildVersion(t *testing.T) {
	out, err := exec.Command(binary(t), "version").Output()
	require.NoError(t, err)
	require.Regexp(t, `^fakebots `+testRelease+` \(commit `+testRevision+`\), built with go1\.\S+ for \w+/\w+\n$`, string(out))
}

func post(t *testing.T, url, body string, status int) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	require.Equal(t, status, resp.StatusCode, string(b))
}
