package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime/metrics"
	"strings"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/journal"
)

// memorySettings bound what the emulator keeps in memory (the journal, the
// page cache) and say where, if anywhere, it can be profiled.
type memorySettings struct {
	journalBytes      int
	journalTotalBytes int
	pageCacheBytes    int
	pprofAddr         string
}

func (m *memorySettings) defineFlags(fs *flag.FlagSet) {
	fs.IntVar(&m.journalBytes, "journal-bytes", journal.DefaultTenantBytes, "bytes of exchanges the journal keeps per tenant (oldest dropped first)")
	fs.IntVar(&m.journalTotalBytes, "journal-total-bytes", journal.DefaultTotalBytes, "bytes of exchanges the journal keeps over all tenants (oldest of any tenant dropped first)")
	fs.IntVar(&m.pageCacheBytes, "page-cache-bytes", emulator.DefaultPageCacheBytes, "bytes of list pages kept between a tenant's writes; 0 reads every page from the database")
	fs.StringVar(&m.pprofAddr, "pprof", "", "listen address of a profiling endpoint (net/http/pprof at /debug/pprof/, runtime metrics at /debug/metrics); empty for none")
}

func (m memorySettings) validate() error {
	if m.journalBytes <= 0 || m.journalTotalBytes <= 0 {
		return fmt.Errorf("--journal-bytes and --journal-total-bytes must be positive")
	}
	if m.pageCacheBytes < 0 {
		return fmt.Errorf("--page-cache-bytes must not be negative")
	}
	return nil
}

// baseHeap is what the emulator's heap holds besides the journal and the
// page cache: parsed specs, prepared statements, caches of credentials,
// requests in flight.
const baseHeap = 24 << 20

// softLimit is the Go runtime's soft memory limit unless GOMEMLIMIT says
// otherwise. What the emulator keeps is bounded by design (the journal and
// the page cache, plus a base), and the limit leaves that much again for
// garbage between collections, as the default GOGC=100 does: the collector
// runs at its usual pace and only a heap past its design bound, never the
// live data of a busy emulator, makes it collect harder.
func (m memorySettings) softLimit() int64 {
	return 2 * int64(m.journalTotalBytes+m.pageCacheBytes+baseHeap)
}

func (m memorySettings) options() []emulator.Option {
	return []emulator.Option{
		emulator.WithJournalBytes(m.journalBytes, m.journalTotalBytes),
		emulator.WithPageCacheBytes(m.pageCacheBytes),
	}
}

// profiler is the profiling listener, when there is one.
type profiler struct{ srv *http.Server }

// startProfiler serves the profiles on their own listener, so they are
// never reachable through the emulator's address (nothing without --pprof).
func startProfiler(addr string) (*profiler, error) {
	if addr == "" {
		return &profiler{}, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--pprof: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/metrics", serveMetrics)
	srv := &http.Server{Handler: mux, Addr: ln.Addr().String()}
	go srv.Serve(ln)
	return &profiler{srv: srv}, nil
}

// bannerLines say where the profiles are.
func (p *profiler) bannerLines() []string {
	if p.srv == nil {
		return nil
	}
	return []string{"Profiles on http://" + displayAddr(p.srv.Addr) + "/debug/pprof/ (runtime metrics at /debug/metrics)"}
}

func (p *profiler) Close() {
	if p.srv != nil {
		p.srv.Close()
	}
}

// serveMetrics writes every scalar runtime metric as "name value", one a
// line: the GC's share of CPU (/cpu/classes/gc/total:cpu-seconds against
// /cpu/classes/total:cpu-seconds), heap sizes, collections.
func serveMetrics(w http.ResponseWriter, _ *http.Request) {
	descs := metrics.All()
	samples := make([]metrics.Sample, len(descs))
	for i, d := range descs {
		samples[i].Name = d.Name
	}
	metrics.Read(samples)
	var b strings.Builder
	for _, s := range samples {
		switch s.Value.Kind() {
		case metrics.KindUint64:
			fmt.Fprintf(&b, "%s %d\n", s.Name, s.Value.Uint64())
		case metrics.KindFloat64:
			fmt.Fprintf(&b, "%s %g\n", s.Name, s.Value.Float64())
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprint(w, b.String())
}
