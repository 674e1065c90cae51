package scenario

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultReadyTimeout is how long a system under test may take to start.
const DefaultReadyTimeout = 30 * time.Second

// stopGrace is how long a stopped process has between SIGTERM and SIGKILL.
const stopGrace = 5 * time.Second

// outputLimit bounds the output kept from a system under test.
const outputLimit = 64 << 10

// process is a system under test started for a run.
type process struct {
	cmd  *exec.Cmd
	url  string // http://127.0.0.1:PORT, where it listens for webhooks
	out  *tail
	done chan struct{}
	err  error // how it ended, once done is closed
}

// sutEnv is what the system under test finds in its environment: the
// tenant's base URLs and credentials, and the port to listen on (the
// receiver's URL is added once it listens).
func (run *Run) sutEnv() (map[string]string, error) {
	t := run.tenant
	env := map[string]string{
		"FAKEBOTS_URL":           t.base,
		"FAKEBOTS_TENANT":        t.id,
		"FAKEBOTS_CONTROL_TOKEN": t.token,
	}
	str := func(platformName, key string) string {
		section, _ := t.info[platformName].(map[string]any)
		return render(section[key])
	}
	for _, p := range Platforms {
		base, err := t.baseURL(p, "base_url")
		if err != nil {
			return nil, err
		}
		env["FAKEBOTS_"+strings.ToUpper(p)+"_URL"] = base
	}
	for _, p := range []string{"cleverapp", "onebot"} {
		env["FAKEBOTS_"+strings.ToUpper(p)+"_TOKEN"] = str(p, "api_token")
		env["FAKEBOTS_"+strings.ToUpper(p)+"_BOT_ID"] = str(p, "bot_id")
	}
	env["FAKEBOTS_SALEBOT_API_KEY"] = str("salebot", "api_key")
	tokenURL, err := t.baseURL("bothelp", "token_url")
	if err != nil {
		return nil, err
	}
	env["FAKEBOTS_BOTHELP_TOKEN_URL"] = tokenURL
	env["FAKEBOTS_BOTHELP_CLIENT_ID"] = str("bothelp", "client_id")
	env["FAKEBOTS_BOTHELP_CLIENT_SECRET"] = str("bothelp", "client_secret")
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	env["FAKEBOTS_RECEIVER_PORT"] = strconv.Itoa(port)
	env["PORT"] = strconv.Itoa(port)
	return env, nil
}

// listenURL is where the system under test listens: PORT on loopback.
func listenURL(env map[string]string) string { return "http://127.0.0.1:" + env["PORT"] }

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// startProcess runs the command with sh in its own process group, and
// waits until it is ready.
func startProcess(ctx context.Context, spec *Exec, dir string, env map[string]string) (*process, error) {
	cmd := exec.Command("/bin/sh", "-c", spec.Command)
	cmd.Dir = dir
	cmd.Env = os.Environ()
	for _, k := range sortedKeys(env) {
		cmd.Env = append(cmd.Env, k+"="+env[k])
	}
	setProcessGroup(cmd)
	p := &process{cmd: cmd, url: listenURL(env), out: &tail{limit: outputLimit}, done: make(chan struct{})}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = p.out
	ready := make(chan struct{})
	var readyOnce sync.Once
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("exec %q: %w", spec.Command, err)
	}
	go func() {
		// Copy stdout into the tail, watching for the ready line.
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			p.out.Write([]byte(line + "\n"))
			if spec.ReadyLine != "" && strings.Contains(line, spec.ReadyLine) {
				readyOnce.Do(func() { close(ready) })
			}
		}
		io.Copy(p.out, stdout)
		p.err = cmd.Wait()
		close(p.done)
	}()
	timeout := spec.Timeout.D
	if !spec.Timeout.Set {
		timeout = DefaultReadyTimeout
	}
	if err := p.waitReady(ctx, spec, ready, timeout); err != nil {
		p.stop()
		return nil, fmt.Errorf("exec %q: %w\n%s", spec.Command, err, p.output())
	}
	return p, nil
}

// waitReady waits for the ready line, the ready URL to answer, or the
// port to accept connections.
func (p *process) waitReady(ctx context.Context, spec *Exec, ready <-chan struct{}, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	probe := func() bool {
		conn, err := net.DialTimeout("tcp", strings.TrimPrefix(p.url, "http://"), time.Second)
		if err == nil {
			conn.Close()
		}
		return err == nil
	}
	if spec.ReadyURL != "" {
		probe = func() bool {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, spec.ReadyURL, nil)
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			return err == nil
		}
	}
	pause := 10 * time.Millisecond
	for {
		if spec.ReadyLine == "" && probe() {
			return nil
		}
		select {
		case <-ready:
			return nil
		case <-p.done:
			return fmt.Errorf("it ended before it was ready (%v)", p.err)
		case <-ctx.Done():
			return fmt.Errorf("not ready after %s (%s)", timeout, readiness(spec))
		case <-time.After(pause):
			pause = min(pause*2, 200*time.Millisecond)
		}
	}
}

func readiness(spec *Exec) string {
	switch {
	case spec.ReadyLine != "":
		return fmt.Sprintf("waiting for a line containing %q", spec.ReadyLine)
	case spec.ReadyURL != "":
		return "polling " + spec.ReadyURL
	}
	return "waiting for it to listen on $PORT"
}

// stop ends the process group: SIGTERM, then SIGKILL after a grace period.
// A process that died on its own before is an error worth reporting.
func (p *process) stop() error {
	select {
	case <-p.done:
		if p.err != nil {
			return fmt.Errorf("the system under test ended early: %v", p.err)
		}
		return nil
	default:
	}
	signalGroup(p.cmd, false)
	select {
	case <-p.done:
	case <-time.After(stopGrace):
		signalGroup(p.cmd, true)
		<-p.done
	}
	return nil
}

func (p *process) output() string { return p.out.String() }

// tail keeps the last limit bytes written to it.
type tail struct {
	mu    sync.Mutex
	limit int
	buf   []byte
	cut   bool
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - t.limit; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
		t.cut = true
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cut {
		return "…" + string(t.buf)
	}
	return string(t.buf)
}
