package main

import (
	"io"
	"net/http"
	"os"
	"regexp"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestProfilerListensOnItsOwnAddress(t *testing.T) {
	off, err := startProfiler("")
	require.NoError(t, err)
	require.Empty(t, off.bannerLines(), "off by default")
	off.Close()

	p, err := startProfiler("127.0.0.1:0")
	require.NoError(t, err)
	defer p.Close()
	require.Len(t, p.bannerLines(), 1)
	base := regexp.MustCompile(`(http://[^ ]+)/debug/pprof/`).FindStringSubmatch(p.bannerLines()[0])
	require.Len(t, base, 2, p.bannerLines())
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

	_, err = startProfiler("127.0.0.1:-1")
	require.ErrorContains(t, err, "--pprof")
}

func TestSoftMemoryLimitFollowsWhatIsKept(t *testing.T) {
	defaults := memorySettings{journalBytes: 8 << 20, journalTotalBytes: 16 << 20, pageCacheBytes: 8 << 20}
	require.EqualValues(t, 96<<20, defaults.softLimit(), "twice the journal, the page cache and the base")
	small := memorySettings{journalBytes: 1 << 20, journalTotalBytes: 4 << 20}
	require.EqualValues(t, 56<<20, small.softLimit())
}

// gcPercent reads the collector's GOGC setting.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestStartUpPausesTheCollectorUnlessGOGCIsSet: building the emulator runs
// with the collector off, and its setting is back afterwards; a GOGC the
// user set is left alone.
func TestStartUpPausesTheCollectorUnlessGOGCIsSet(t *testing.T) {
	t.Setenv("GOGC", "")
	require.NoError(t, os.Unsetenv("GOGC"))
	before := gcPercent()
	resume := pauseGC()
	require.Equal(t, -1, gcPercent())
	resume()
	require.Equal(t, before, gcPercent())

	t.Setenv("GOGC", "150")
	resume = pauseGC()
	require.Equal(t, before, gcPercent())
	resume()
	require.Equal(t, before, gcPercent())
}
