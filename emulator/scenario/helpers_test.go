package scenario_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/scenario"
)

// newEmulator serves a fresh in-process emulator and returns a runner
// aimed at it.
func newEmulator(t testing.TB, opts ...emulator.Option) (*scenario.Runner, *emulator.Emulator) {
	t.Helper()
	e, err := emulator.New(append([]emulator.Option{emulator.WithSeed("none"), emulator.WithTick(0)}, opts...)...)
	require.NoError(t, err)
	srv := httptest.NewServer(e)
	t.Cleanup(func() {
		srv.Close()
		e.Close()
	})
	return &scenario.Runner{Client: srv.Client(), BaseURL: srv.URL}, e
}

// parse loads a scenario from text, failing the test on errors.
func parse(t testing.TB, src string) *scenario.Scenario {
	t.Helper()
	sc, err := scenario.Parse("test.yaml", []byte(src))
	require.NoError(t, err)
	return sc
}

// run runs a scenario with a bound, returning its result.
func run(t testing.TB, r *scenario.Runner, src string) scenario.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return r.Run(ctx, parse(t, src), nil)
}

// requirePassed fails with the failing step's explanation.
func requirePassed(t testing.TB, res scenario.Result) {
	t.Helper()
	require.Empty(t, res.Error)
	for _, s := range res.Steps {
		require.Equal(t, scenario.StatusPassed, s.Status, "step %d %s: %s", s.Index+1, s.Name, s.Text())
	}
	require.Equal(t, scenario.StatusPassed, res.Status)
}

func httptestGet(h http.Handler, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}
