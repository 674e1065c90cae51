package scenario_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/fakebots/fakebots/emulator/scenario"
)

// longScenario has n steps: tenant control reads and Salebot API calls.
func longScenario(b *testing.B, n int) *scenario.Scenario {
	var sb strings.Builder
	sb.WriteString("version: 1\nname: long\ntenant: {fixture: {salebot: {}}}\nsteps:\n")
	for i := range n {
		if i%2 == 0 {
			sb.WriteString("  - control: {path: salebot/settings}\n")
		} else {
			sb.WriteString("  - call: {platform: salebot, operation: connected_channels, params: {api_key: \"{{tenant.salebot.api_key}}\"}}\n")
		}
	}
	return parse(b, sb.String())
}

// BenchmarkScenarioSteps reports steps per second of a 100-step scenario.
func BenchmarkScenarioSteps(b *testing.B) {
	r, _ := newEmulator(b)
	sc := longScenario(b, 100)
	b.ResetTimer()
	for b.Loop() {
		if res := r.Run(context.Background(), sc, nil); !res.Passed() {
			b.Fatalf("%+v", res)
		}
	}
	b.ReportMetric(float64(100*b.N)/b.Elapsed().Seconds(), "steps/s")
}

// BenchmarkParallelScenarios runs 50 scenarios of 20 steps at once in one
// emulator, reporting the wall time of the batch and the process's peak RSS.
func BenchmarkParallelScenarios(b *testing.B) {
	r, _ := newEmulator(b)
	sc := longScenario(b, 20)
	b.ResetTimer()
	for b.Loop() {
		var wg sync.WaitGroup
		for range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if res := r.Run(context.Background(), sc, nil); !res.Passed() {
					b.Errorf("%+v", res)
				}
			}()
		}
		wg.Wait()
	}
	// The mean over every batch, not the last one's.
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/50-scenarios")
	b.ReportMetric(peakRSSMiB(), "peak-RSS-MiB")
}

// peakRSSMiB is the process's high-water resident set (Linux), 0 elsewhere.
func peakRSSMiB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), &kb)
			return kb / 1024
		}
	}
	return 0
}
