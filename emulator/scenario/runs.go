package scenario

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/fakebots/fakebots/scenarios"
)

// Bounds of the runs endpoints.
const (
	maxStoredRuns   = 50
	maxStoredBytes  = 8 << 20
	maxRunningRuns  = 8
	maxScenarioBody = 1 << 20
	runTimeout      = 10 * time.Minute
)

// RunsHandler serves the control API's scenario endpoints (Endpoints).
// Runs go through client to the emulator at baseURL with the bearer token
// of the call that started them, so a run may do what its starter may and
// no more; they may not start processes nor read the environment.
type RunsHandler struct {
	client  *http.Client
	baseURL string
	ctx     context.Context // cancelled by Close
	cancel  context.CancelFunc
	active  sync.WaitGroup

	mu      sync.Mutex
	closed  bool
	runs    map[string]*storedRun
	order   []string // oldest first
	running int
}

type storedRun struct {
	ID     string `json:"id"`
	Result        // the live result
	size   int    // the JSON size once finished
}

// NewRunsHandler serves runs against the emulator reached by client at baseURL.
func NewRunsHandler(client *http.Client, baseURL string) *RunsHandler {
	ctx, cancel := context.WithCancel(context.Background())
	return &RunsHandler{client: client, baseURL: baseURL, ctx: ctx, cancel: cancel, runs: map[string]*storedRun{}}
}

// Endpoint is one of the scenario endpoints, at a path below /__fakebots.
type Endpoint struct {
	Method, Path string
	Handler      http.Handler
}

// Endpoints lists the scenario endpoints of the control API.
func (h *RunsHandler) Endpoints() []Endpoint {
	return []Endpoint{
		{http.MethodGet, "/scenarios", http.HandlerFunc(h.shipped)},
		{http.MethodPost, "/scenarios/runs", http.HandlerFunc(h.start)},
		{http.MethodGet, "/scenarios/runs", http.HandlerFunc(h.list)},
		{http.MethodGet, "/scenarios/runs/{id}", http.HandlerFunc(h.get)},
		{http.MethodGet, "/scenarios/{file}", http.HandlerFunc(h.file)},
		{http.MethodGet, "/schemas/scenario.json", SchemaHandler()},
	}
}

// Close cancels the runs in progress and waits until they have ended
// (their tenants removed); later runs are refused.
func (h *RunsHandler) Close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.cancel()
	h.active.Wait()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// shipped lists the scenarios of scenarios/ for the dashboard.
func (h *RunsHandler) shipped(w http.ResponseWriter, _ *http.Request) {
	type entry struct {
		File        string `json:"file"`
		Name        string `json:"name"`
		Description string `json:"description"`
		Steps       int    `json:"steps"`
	}
	out := []entry{}
	for _, f := range scenarios.Files() {
		raw, _ := scenarios.Read(f)
		sc, err := Parse(f, raw)
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
			return
		}
		out = append(out, entry{File: f, Name: sc.Name, Description: strings.TrimSpace(sc.Description), Steps: len(sc.Steps)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

// file answers a shipped scenario as written, for a client to show or run it.
func (h *RunsHandler) file(w http.ResponseWriter, r *http.Request) {
	name := path.Base(r.URL.Path)
	raw, err := scenarios.Read(name)
	if err != nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no shipped scenario " + name})
		return
	}
	w.Header().Set("Content-Type", "application/yaml")
	w.Write(raw)
}

func (h *RunsHandler) start(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxScenarioBody))
	if err != nil {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": "a scenario is at most 1 MiB"})
		return
	}
	sc, err := Parse("scenario", raw)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if sc.Exec != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "exec: the control API does not start processes; run it with fakebots scenario run"})
		return
	}
	runner := &Runner{
		Client: h.client, BaseURL: h.baseURL, NoExec: true, NoEnv: true,
		ControlToken: bearer(r),
		Tenant:       r.URL.Query().Get("tenant"),
	}
	id, err := randomID()
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	id = "run_" + id
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "the emulator is shutting down"})
		return
	}
	if h.running >= maxRunningRuns {
		h.mu.Unlock()
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "too many scenario runs at once; wait for one to finish"})
		return
	}
	h.running++
	h.active.Add(1)
	stored := &storedRun{ID: id, Result: newResult(sc, StatusPending)}
	h.runs[id] = stored
	h.order = append(h.order, id)
	h.mu.Unlock()
	go h.execute(stored, runner, sc)
	writeJSON(w, http.StatusAccepted, map[string]string{"id": id, "status": StatusRunning})
}

// execute runs the scenario, publishing its result as each step starts
// and ends.
func (h *RunsHandler) execute(stored *storedRun, runner *Runner, sc *Scenario) {
	defer h.active.Done()
	ctx, cancel := context.WithTimeout(h.ctx, runTimeout)
	defer cancel()
	final := runner.Run(ctx, sc, publisher{h, stored})
	h.mu.Lock()
	defer h.mu.Unlock()
	stored.Result = final
	raw, _ := json.Marshal(stored)
	stored.size = len(raw)
	h.running--
	h.evict()
}

// publisher makes a run's progress visible to GET …/runs/{id}.
type publisher struct {
	h      *RunsHandler
	stored *storedRun
}

func (p publisher) StepStarted(r Result, _ int) { p.publish(r) }
func (p publisher) StepEnded(r Result, _ int)   { p.publish(r) }

func (p publisher) publish(r Result) {
	p.h.mu.Lock()
	defer p.h.mu.Unlock()
	p.stored.Result = r
}

// evict drops the oldest finished runs beyond the bounds.
func (h *RunsHandler) evict() {
	total := 0
	for _, id := range h.order {
		total += h.runs[id].size
	}
	kept := h.order[:0]
	for i, id := range h.order {
		r := h.runs[id]
		over := len(h.order)-i > maxStoredRuns || total > maxStoredBytes
		if over && r.Status != StatusRunning {
			total -= r.size
			delete(h.runs, id)
			continue
		}
		kept = append(kept, id)
	}
	h.order = kept
}

func (h *RunsHandler) list(w http.ResponseWriter, _ *http.Request) {
	h.mu.Lock()
	out := make([]map[string]any, 0, len(h.order))
	for i := len(h.order) - 1; i >= 0; i-- {
		r := h.runs[h.order[i]]
		out = append(out, map[string]any{"id": r.ID, "name": r.Name, "status": r.Status, "tenant": r.Tenant, "started_at": r.StartedAt, "duration_ms": r.DurationMS})
	}
	h.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
}

func (h *RunsHandler) get(w http.ResponseWriter, r *http.Request) {
	id := path.Base(r.URL.Path)
	h.mu.Lock()
	run, ok := h.runs[id]
	var copied storedRun
	if ok {
		copied = *run
	}
	h.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no scenario run " + id})
		return
	}
	writeJSON(w, http.StatusOK, copied)
}

// bearer is the token of an Authorization: Bearer header ("" without one).
func bearer(r *http.Request) string {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}
