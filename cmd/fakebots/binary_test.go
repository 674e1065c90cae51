package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Tests that need the command as users run it (signals, exit codes, two
// processes, the README's shell snippets) build it once per test run, as a
// release does.
const (
	testRelease  = "v0.0.0-test"
	testRevision = "0123456789abcdef0123456789abcdef01234567"
)

var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "fakebots-bin-")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "fakebots")
	const pkg = "github.com/fakebots/fakebots/emulator/version"
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin,
		"-ldflags", "-X "+pkg+".release="+testRelease+" -X "+pkg+".revision="+testRevision, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0") // as released, and as CI's static build leaves the cache
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", errors.New("go build: " + err.Error() + "\n" + string(out))
	}
	return bin, nil
})

// binary is the path of the freshly built command.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the command")
	}
	bin, err := buildBinary()
	require.NoError(t, err)
	return bin
}

// process is a running fakebots command.
type process struct {
	cmd    *exec.Cmd
	stderr *signalWriter
	base   string // its base URL, from the banner
	exited chan struct{}
	err    error // from Wait, once exited is closed
}

// startProcess runs the built command with args (a free port unless args
// say otherwise) until it has printed its banner; it is killed at the end
// of the test if still running.
func startProcess(t *testing.T, args ...string) *process {
	t.Helper()
	p := &process{
		cmd:    exec.Command(binary(t), append([]string{"--addr", "127.0.0.1:0"}, args...)...),
		stderr: &signalWriter{ready: make(chan struct{})},
		exited: make(chan struct{}),
	}
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, p.cmd.Start())
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.exited
	})
	listening := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(lines.Text()); m != nil {
				listening <- m[1]
			}
		}
		p.err = p.cmd.Wait() // after stdout is read to its end, as exec requires
		close(p.exited)
	}()
	select {
	case p.base = <-listening:
	case <-p.exited:
		t.Fatalf("fakebots exited before listening: %v\n%s", p.err, p.stderr)
	case <-time.After(15 * time.Second):
		t.Fatalf("fakebots printed no banner in 15s\n%s", p.stderr)
	}
	return p
}

// wait waits up to bound for the process to exit and returns its exit code.
func (p *process) wait(t *testing.T, bound time.Duration) int {
	t.Helper()
	select {
	case <-p.exited:
	case <-time.After(bound):
		t.Fatalf("fakebots still running after %s\n%s", bound, p.stderr)
	}
	var exit *exec.ExitError
	if errors.As(p.err, &exit) {
		return exit.ExitCode()
	}
	require.NoError(t, p.err)
	return 0
}
