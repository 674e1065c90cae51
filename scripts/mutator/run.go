package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Statuses, as gremlins spells them.
const (
	Killed     = "KILLED"
	Lived      = "LIVED"
	TimedOut   = "TIMED OUT"
	NotViable  = "NOT VIABLE"
	NotCovered = "NOT COVERED"
)

// Run is what one run of the package's mutants left: Unrun names the
// mutants the time budget left out.
type Run struct {
	Mutants []Mutant `json:"mutants"`
	Unrun   []string `json:"unrun"`
}

// minTimeout is the least time a mutant's tests get by default: on a busy
// machine a test may take many times what it took alone, and a timeout
// counts as a kill.
const minTimeout = 30 * time.Second

// buildTimeout bounds building one test binary.
const buildTimeout = 20 * time.Minute

var errTimeout = errors.New("timed out")

// compileError is how the compiler reports a mutant that does not build.
var compileError = regexp.MustCompile(`(?m)\.go:\d+:\d+: `)

// runner tests mutants of one package with the tests that reach them,
// each mutant through a build overlay, so the source tree is never
// written.
type runner struct {
	root, pkg   string // module root; package directory relative to it
	dir         string // scratch space
	coefficient int    // a mutant's tests time out after this many times their unmutated duration
	minTimeout  time.Duration
	progress    func(m Mutant, tests int, took time.Duration)
	// buildCommand builds testPkg's test binary into out, through the
	// overlay when there is one, measuring pkg's coverage when cover is
	// set; testCommand runs such a binary.
	buildCommand func(testPkg, overlay, out string, cover bool) *exec.Cmd
	testCommand  func(testPkg, bin string, args []string) *exec.Cmd
}

func newRunner(root, pkg, dir string, coefficient int) *runner {
	r := &runner{root: root, pkg: pkg, dir: dir, coefficient: coefficient, minTimeout: minTimeout, progress: func(Mutant, int, time.Duration) {}}
	r.buildCommand = func(testPkg, overlay, out string, cover bool) *exec.Cmd {
		// -trimpath: the same binary whatever directory the tree was
		// copied to, so the coverage cache holds.
		args := []string{"test", "-c", "-trimpath", "-vet=off", "-ldflags=-s -w", "-o", out}
		if cover {
			args = append(args, "-cover", "-covermode=set", "-coverpkg=./"+pkg)
		}
		if overlay != "" {
			args = append(args, "-overlay", overlay)
		}
		cmd := exec.Command("go", append(args, "./"+testPkg)...)
		cmd.Dir = root
		return cmd
	}
	r.testCommand = func(testPkg, bin string, args []string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		cmd.Dir = filepath.Join(root, testPkg) // where go test runs a package's tests
		return cmd
	}
	return r
}

// run runs cmd in a process group of its own, so a timeout ends whatever
// it started too, and returns its output.
func (r *runner) run(cmd *exec.Cmd, timeout time.Duration) ([]byte, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		return out.Bytes(), err
	case <-timer.C:
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		return out.Bytes(), errTimeout
	}
}

// runAll tests the mutants, workers at a time, until the deadline (none
// when zero); the mutants not started by then are left unrun.
func (r *runner) runAll(mutants []Mutant, cov *Coverage, workers int, deadline time.Time) (Run, error) {
	results := make([]Mutant, len(mutants))
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	jobs := make(chan int)
	for w := range workers {
		work := filepath.Join(r.dir, fmt.Sprintf("worker-%d", w))
		if err := os.MkdirAll(work, 0o755); err != nil {
			return Run{}, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				start := time.Now()
				m := mutants[i]
				status, tests, err := r.test(m, cov, work)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("%s: %w", m.ID, err)
				}
				if err == nil {
					m.Status = status
					results[i] = m
					r.progress(m, tests, time.Since(start))
				}
				mu.Unlock()
			}
		}()
	}
	for i := range mutants {
		mu.Lock()
		stop := firstErr != nil || !deadline.IsZero() && time.Now().After(deadline)
		mu.Unlock()
		if stop {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return Run{}, firstErr
	}
	var out Run
	for i, m := range results {
		if m.Status == "" {
			out.Unrun = append(out.Unrun, mutants[i].ID)
			continue
		}
		out.Mutants = append(out.Mutants, m)
	}
	return out, nil
}

// test builds the mutant into each test binary with a test that reaches
// it and runs just those tests: killed when one fails, timed out when
// they take coefficient times as long as unmutated.
func (r *runner) test(m Mutant, cov *Coverage, work string) (status string, tests int, err error) {
	file, _ := splitID(m.ID)
	reaching := cov.Reaching(file, m.Line, m.Col)
	if len(reaching) == 0 {
		return NotCovered, 0, nil
	}
	overlay, err := writeOverlay(filepath.Join(r.root, file), m, work)
	if err != nil {
		return "", 0, err
	}
	var packages []string
	names := map[string][]string{}
	took := map[string]time.Duration{}
	for _, i := range reaching {
		t := cov.Tests[i]
		if names[t.Package] == nil {
			packages = append(packages, t.Package)
		}
		names[t.Package] = append(names[t.Package], t.Name)
		took[t.Package] += t.Duration
	}
	bin := filepath.Join(work, "mutant.test")
	for _, pkg := range packages {
		_ = os.Remove(bin)
		out, err := r.run(r.buildCommand(pkg, overlay, bin, false), buildTimeout)
		switch {
		case errors.Is(err, errTimeout):
			return "", 0, fmt.Errorf("building the tests of %s took over %s", pkg, buildTimeout)
		case err != nil && compileError.Match(out):
			return NotViable, len(reaching), nil
		case err != nil:
			return "", 0, fmt.Errorf("building the tests of %s: %w\n%s", pkg, err, out)
		}
		timeout := max(time.Duration(r.coefficient)*took[pkg], r.minTimeout)
		args := []string{"-test.run", "^(" + strings.Join(names[pkg], "|") + ")$", "-test.failfast", "-test.timeout", (timeout + 30*time.Second).String()}
		_, err = r.run(r.testCommand(pkg, bin, args), timeout)
		var exit *exec.ExitError
		switch {
		case errors.Is(err, errTimeout):
			return TimedOut, len(reaching), nil
		case errors.As(err, &exit):
			return Killed, len(reaching), nil
		case err != nil:
			return "", 0, err
		}
	}
	return Lived, len(reaching), nil
}

// writeOverlay writes the mutated file and the build overlay putting it
// in place of path into work, and returns the overlay's name.
func writeOverlay(path string, m Mutant, work string) (string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	mutated := filepath.Join(work, filepath.Base(path))
	if err := os.WriteFile(mutated, m.Apply(src), 0o644); err != nil {
		return "", err
	}
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {path: mutated}})
	if err != nil {
		return "", err
	}
	name := filepath.Join(work, "overlay.json")
	return name, os.WriteFile(name, overlay, 0o644)
}
