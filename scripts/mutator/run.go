package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// minTimeout is the least time a mutant's tests get: building them on a
// busy machine can take this long, and a mutant that times out counts as
// killed.
const minTimeout = 30 * time.Second

// runner tests mutants of one package with its own tests, each mutant
// through a build overlay, so the source tree is never written.
type runner struct {
	root, pkg   string // module root; package directory relative to it
	timeout     time.Duration
	overlayDir  string
	progress    func(Mutant)
	testCommand func(ctx context.Context, overlay string) *exec.Cmd
}

func newRunner(root, pkg, overlayDir string) *runner {
	r := &runner{root: root, pkg: pkg, overlayDir: overlayDir, progress: func(Mutant) {}}
	r.testCommand = func(ctx context.Context, overlay string) *exec.Cmd {
		args := []string{"test", "-count=1", "-vet=off", "-failfast", "-timeout", (r.timeout + 5*time.Second).String()}
		if overlay != "" {
			args = append(args, "-overlay", overlay)
		}
		cmd := exec.CommandContext(ctx, "go", append(args, "./"+pkg)...)
		cmd.Dir = root
		return cmd
	}
	return r
}

// baseline runs the unmutated tests, which must pass, and sets the
// per-mutant timeout to coefficient times their duration.
func (r *runner) baseline(coefficient int) error {
	r.timeout = time.Hour
	start := time.Now()
	status, out, err := r.test("")
	if err != nil {
		return err
	}
	if status != Lived {
		return fmt.Errorf("the tests of %s do not pass unmutated:\n%s", r.pkg, out)
	}
	r.timeout = max(time.Duration(coefficient)*time.Since(start), minTimeout)
	return nil
}

// run tests mutants until the deadline.
func (r *runner) run(mutants []Mutant, deadline time.Time) (Run, error) {
	var out Run
	for i, m := range mutants {
		if time.Now().After(deadline) {
			for _, left := range mutants[i:] {
				out.Unrun = append(out.Unrun, left.ID)
			}
			break
		}
		status, err := r.one(m)
		if err != nil {
			return out, err
		}
		m.Status = status
		r.progress(m)
		out.Mutants = append(out.Mutants, m)
	}
	return out, nil
}

func (r *runner) one(m Mutant) (string, error) {
	file, _ := splitID(m.ID)
	path := filepath.Join(r.root, file)
	src, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	mutated := filepath.Join(r.overlayDir, "mutant.go")
	if err := os.WriteFile(mutated, m.Apply(src), 0o644); err != nil {
		return "", err
	}
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {path: mutated}})
	if err != nil {
		return "", err
	}
	overlayFile := filepath.Join(r.overlayDir, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		return "", err
	}
	status, _, err := r.test(overlayFile)
	return status, err
}

// test runs the package's tests in a process group of their own, so a
// timeout ends the test binary too, not only go test.
func (r *runner) test(overlay string) (string, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	cmd := r.testCommand(ctx, overlay)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		return TimedOut, out.Bytes(), nil
	case err == nil:
		return Lived, out.Bytes(), nil
	case !errors.As(err, &exit):
		return "", nil, fmt.Errorf("go test: %w", err)
	case bytes.Contains(out.Bytes(), []byte("[build failed]")), bytes.Contains(out.Bytes(), []byte("[setup failed]")):
		return NotViable, out.Bytes(), nil
	}
	return Killed, out.Bytes(), nil
}
