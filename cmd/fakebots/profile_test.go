package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestProfilerListensOnItsOwnAddress(t *testing.T) {
	stop, err := startProfiler("", slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	stop() // off by default: nothing to stop

	var log bytes.Buffer
	stop, err = startProfiler("127.0.0.1:0", slog.New(slog.NewTextHandler(&log, nil)))
	require.NoError(t, err)
	defer stop()
	base := regexp.MustCompile(`url=(http://[^ ]+)/debug/pprof/`).FindStringSubmatch(log.String())
	require.Len(t, base, 2, log.String())
	get := func(path string) (int, string) {
		resp, err := http.Get(base[1] + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	status, body := get("/debug/metrics")
	require.Equal(t, http.StatusOK, status)
	require.Regexp(t, `(?m)^/cpu/classes/gc/total:cpu-seconds [0-9.e+-]+$`, body)
	require.Regexp(t, `(?m)^/gc/cycles/total:gc-cycles [0-9]+$`, body)
	status, body = get("/debug/pprof/")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, "goroutine")

	_, err = startProfiler("127.0.0.1:-1", slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.ErrorContains(t, err, "--pprof")
}
