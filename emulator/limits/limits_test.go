package limits_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/limits"
)

var (
	t0        = time.Date(2024, 5, 17, 12, 0, 0, 250_000_000, time.UTC)
	perSecond = limits.Rule{Name: "per-second", Limit: 2, Window: time.Second}
	perMinute = limits.Rule{Name: "per-minute", Limit: 3, Window: time.Minute}
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func TestFixedWindow(t *testing.T) {
	l := limits.New()
	steps := []struct {
		at        time.Duration // after t0
		allowed   bool
		remaining int
		resetAt   time.Duration // after t0
		retry     time.Duration
	}{
		{0, true, 1, time.Second, 0},
		{ms(100), true, 0, time.Second, 0},
		{ms(400), false, 0, time.Second, time.Second},                   // 600ms left → 1s
		{ms(999), false, 0, time.Second, time.Second},                   // 1ms left → 1s
		{time.Second, true, 1, 2 * time.Second, 0},                      // the window ended: a new one starts here
		{time.Second + ms(500), true, 0, 2 * time.Second, 0},            // second hit of the new window
		{time.Second + ms(500), false, 0, 2 * time.Second, time.Second}, // 500ms left → 1s
		{5 * time.Second, true, 1, 6 * time.Second, 0},                  // long idle: fresh window
	}
	for i, s := range steps {
		now := t0.Add(s.at)
		verdicts, refused := l.Hit(now, "key", perSecond)
		require.Len(t, verdicts, 1, "step %d", i)
		v := verdicts[0]
		require.Equal(t, perSecond, v.Rule, "step %d", i)
		require.Equal(t, s.allowed, v.Allowed, "step %d", i)
		require.Equal(t, s.remaining, v.Remaining, "step %d", i)
		require.True(t, v.ResetAt.Equal(t0.Add(s.resetAt)), "step %d: ResetAt %v", i, v.ResetAt)
		if s.allowed {
			require.Nil(t, refused, "step %d", i)
		} else {
			require.NotNil(t, refused, "step %d", i)
			require.Equal(t, v, *refused, "step %d", i)
			require.Equal(t, s.retry, refused.RetryAfter(now), "step %d", i)
		}
	}
}

func TestLongerWindowRetryAfter(t *testing.T) {
	l := limits.New()
	rule := limits.Rule{Name: "per-minute", Limit: 1, Window: time.Minute}
	_, refused := l.Hit(t0, "k", rule)
	require.Nil(t, refused)
	now := t0.Add(ms(20_300))
	_, refused = l.Hit(now, "k", rule)
	require.NotNil(t, refused)
	require.True(t, refused.ResetAt.Equal(t0.Add(time.Minute)))
	require.Equal(t, 40*time.Second, refused.RetryAfter(now), "39.7s left rounds up to 40s")
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		name string
		left time.Duration
		want time.Duration
	}{
		{"already reset", -time.Second, 0},
		{"reset now", 0, 0},
		{"a nanosecond", time.Nanosecond, time.Second},
		{"a millisecond", time.Millisecond, time.Second},
		{"exactly one second", time.Second, time.Second},
		{"just over one second", time.Second + time.Nanosecond, 2 * time.Second},
		{"59.5 seconds", ms(59_500), time.Minute},
		{"exactly a minute", time.Minute, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := limits.Verdict{ResetAt: t0.Add(tt.left)}
			require.Equal(t, tt.want, v.RetryAfter(t0))
		})
	}
}

func TestSeveralRulesAllOrNothing(t *testing.T) {
	l := limits.New()
	hit := func(at time.Duration) ([]limits.Verdict, *limits.Verdict) {
		return l.Hit(t0.Add(at), "tok", perSecond, perMinute)
	}

	// Two hits fill the per-second window.
	for i := 0; i < 2; i++ {
		v, refused := hit(0)
		require.Nil(t, refused)
		require.Equal(t, 1-i, v[0].Remaining)
		require.Equal(t, 2-i, v[1].Remaining)
	}

	// The third is refused by per-second; per-minute alone would allow it.
	v, refused := hit(ms(10))
	require.NotNil(t, refused)
	require.Equal(t, "per-second", refused.Rule.Name)
	require.False(t, v[0].Allowed)
	require.Equal(t, 0, v[0].Remaining)
	require.True(t, v[1].Allowed)
	require.Equal(t, 0, v[1].Remaining, "one per-minute hit left: this one would take it")
	require.True(t, v[1].ResetAt.Equal(t0.Add(time.Minute)))

	// The refusal cost nothing: per-minute still has its last hit.
	v, refused = hit(time.Second)
	require.Nil(t, refused)
	require.Equal(t, 1, v[0].Remaining)
	require.Equal(t, 0, v[1].Remaining)

	// Now per-minute refuses, and the per-second window does not move.
	for i := 0; i < 3; i++ {
		v, refused = hit(time.Second + ms(100*i))
		require.NotNil(t, refused, "attempt %d", i)
		require.Equal(t, "per-minute", refused.Rule.Name)
		require.True(t, v[0].Allowed)
		require.Equal(t, 0, v[0].Remaining, "attempt %d: the per-second counter stays at 1 hit", i)
		require.False(t, v[1].Allowed)
		require.Equal(t, 59*time.Second, refused.RetryAfter(t0.Add(time.Second+ms(100*i))))
	}

	// After the minute, both windows start afresh.
	v, refused = hit(time.Minute)
	require.Nil(t, refused)
	require.Equal(t, 1, v[0].Remaining)
	require.Equal(t, 2, v[1].Remaining)
}

func TestFirstRefusalIsReported(t *testing.T) {
	l := limits.New()
	a := limits.Rule{Name: "a", Limit: 1, Window: time.Minute}
	b := limits.Rule{Name: "b", Limit: 1, Window: time.Hour}
	_, refused := l.Hit(t0, "k", a, b)
	require.Nil(t, refused)

	v, refused := l.Hit(t0, "k", b, a)
	require.NotNil(t, refused)
	require.Equal(t, "b", refused.Rule.Name, "rule order decides")
	require.Same(t, &v[0], refused, "the refusal points into the verdicts")
	require.False(t, v[1].Allowed)
	require.Equal(t, "a", v[1].Rule.Name)
}

func TestNoRules(t *testing.T) {
	l := limits.New()
	v, refused := l.Hit(t0, "k")
	require.Empty(t, v)
	require.Nil(t, refused)
}

func TestAllowedUsesNothing(t *testing.T) {
	v := limits.Allowed(t0, perSecond, perMinute)
	require.Equal(t, []limits.Verdict{
		{Rule: perSecond, Allowed: true, Remaining: perSecond.Limit, ResetAt: t0.Add(perSecond.Window)},
		{Rule: perMinute, Allowed: true, Remaining: perMinute.Limit, ResetAt: t0.Add(perMinute.Window)},
	}, v)
}

func TestKeysAndRulesIndependent(t *testing.T) {
	l := limits.New()
	one := limits.Rule{Name: "one", Limit: 1, Window: time.Minute}
	other := limits.Rule{Name: "other", Limit: 1, Window: time.Minute}

	_, refused := l.Hit(t0, "a", one)
	require.Nil(t, refused)
	_, refused = l.Hit(t0, "a", one)
	require.NotNil(t, refused)

	tests := []struct {
		name    string
		key     string
		rule    limits.Rule
		refused bool
	}{
		{"same key, same rule", "a", one, true},
		{"other key", "b", one, false},
		{"key with a's prefix", "ab", one, false},
		{"same key, other rule name", "a", other, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, refused := l.Hit(t0, tt.key, tt.rule)
			require.Equal(t, tt.refused, refused != nil)
		})
	}
}

func TestClockGoingBackStartsANewWindow(t *testing.T) {
	l := limits.New()
	rule := limits.Rule{Name: "r", Limit: 1, Window: time.Minute}
	_, refused := l.Hit(t0, "k", rule)
	require.Nil(t, refused)
	v, refused := l.Hit(t0.Add(-time.Second), "k", rule)
	require.Nil(t, refused, "a clock set back must not leave a window in the future")
	require.True(t, v[0].ResetAt.Equal(t0.Add(time.Minute-time.Second)))
}

func TestResetByPrefix(t *testing.T) {
	rule := limits.Rule{Name: "r", Limit: 1, Window: time.Hour}
	keys := []string{"t1\x00cleverapp\x00tok", "t1\x00onebot\x00tok", "t10\x00cleverapp\x00tok", "t2\x00cleverapp\x00tok"}
	tests := []struct {
		prefix string
		freed  []bool // per key: allowed again after the reset
	}{
		{"t1\x00", []bool{true, true, false, false}},
		{"t1\x00cleverapp\x00", []bool{true, false, false, false}},
		{"t1", []bool{true, true, true, false}},
		{"nobody", []bool{false, false, false, false}},
		{"", []bool{true, true, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			l := limits.New()
			for _, k := range keys {
				_, refused := l.Hit(t0, k, rule)
				require.Nil(t, refused)
			}
			l.Reset(tt.prefix)
			for i, k := range keys {
				_, refused := l.Hit(t0, k, rule)
				require.Equal(t, tt.freed[i], refused == nil, "key %q", k)
			}
		})
	}
}

func TestConcurrentHits(t *testing.T) {
	l := limits.New()
	rule := limits.Rule{Name: "r", Limit: 100, Window: time.Minute}
	const workers, each = 8, 40
	var mu sync.Mutex
	allowed, refusedN := 0, 0
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				_, refused := l.Hit(t0, "shared", rule)
				mu.Lock()
				if refused == nil {
					allowed++
				} else {
					refusedN++
				}
				mu.Unlock()
				if i%10 == 0 {
					l.Reset("other")
				}
			}
		}()
	}
	wg.Wait()
	require.Equal(t, rule.Limit, allowed, "exactly the limit gets through")
	require.Equal(t, workers*each-rule.Limit, refusedN)
}
