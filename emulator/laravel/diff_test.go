package laravel_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/cleverapp"
	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/php"
	"github.com/fakebots/fakebots/emulator/platform"
)

// The differential test sends the same requests to the emulator's Laravel
// layer and to stock Laravel 8 (Debian's php-laravel-framework under
// `php -S`, testdata/diff/router.php) and requires the same status, the
// same 422 body (error keys, their order, messages) and the same parsed
// input, value types included. It runs the fixed corpus
// (testdata/diff/corpus.json: the documented edge cases and every
// difference ever found) and cases generated from the spec's x-rules:
// LARAVEL_DIFF_SEED and LARAVEL_DIFF_CASES choose them (default: a fixed
// seed, 300 cases). Without php or the framework it is skipped.

const frameworkAutoload = "/usr/share/php/Illuminate/autoload.php"

// diffCase is one request.
type diffCase struct {
	Name        string `json:"name,omitempty"`
	Op          string `json:"op"`
	Method      string `json:"method"`
	ContentType string `json:"content_type,omitempty"`
	Query       string `json:"query,omitempty"`
	Body        string `json:"body,omitempty"`
	BodyBase64  string `json:"body_base64,omitempty"` // a body that is not UTF-8
}

func (c diffCase) body() []byte {
	if c.BodyBase64 != "" {
		b, err := base64.StdEncoding.DecodeString(c.BodyBase64)
		if err != nil {
			panic(err)
		}
		return b
	}
	return []byte(c.Body)
}

func withBody(c diffCase, body []byte) diffCase {
	if utf8Valid(body) {
		c.Body = string(body)
	} else {
		c.BodyBase64 = base64.StdEncoding.EncodeToString(body)
	}
	return c
}

// answer is what both sides say about a request.
type answer struct {
	Status int             `json:"status"`
	Body   *string         `json:"body"`
	Input  json.RawMessage `json:"input"`
}

func TestLaravelDifferential(t *testing.T) {
	phpBin, err := exec.LookPath("php")
	if err != nil {
		t.Skip("php is not installed: the differential test against Laravel 8 needs php-cli, php-laravel-framework and php-mbstring")
	}
	if _, err := os.Stat(frameworkAutoload); err != nil {
		t.Skip("Laravel is not installed (" + frameworkAutoload + "): the differential test needs php-laravel-framework")
	}
	seed, count := int64(20260101), 300
	if s := os.Getenv("LARAVEL_DIFF_SEED"); s != "" {
		seed, err = strconv.ParseInt(s, 10, 64)
		require.NoError(t, err)
	}
	if s := os.Getenv("LARAVEL_DIFF_CASES"); s != "" {
		count, err = strconv.Atoi(s)
		require.NoError(t, err)
	}

	p, err := cleverapp.NewCleverApp(&platform.Env{})
	require.NoError(t, err)
	ops := operationRules(t, p)
	reference := startReference(t, phpBin, ops)
	emulated := httptest.NewServer(emulatorSide(p))
	t.Cleanup(emulated.Close)

	var corpus []diffCase
	raw, err := os.ReadFile(filepath.Join("testdata", "diff", "corpus.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &corpus))
	require.NotEmpty(t, corpus)

	cases := append([]diffCase(nil), corpus...)
	cases = append(cases, generateCases(seed, count, ops)...)
	t.Logf("seed %d: %d generated cases and %d fixed ones", seed, count, len(corpus))

	client := &http.Client{Timeout: 30 * time.Second}
	var (
		mu    sync.Mutex
		diffs []string
		found []diffCase
	)
	work := make(chan diffCase)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				want, err := send(client, reference, c)
				if err != nil {
					mu.Lock()
					diffs = append(diffs, fmt.Sprintf("%s: reference: %v", describe(c), err))
					found = append(found, c)
					mu.Unlock()
					continue
				}
				got, err := send(client, emulated.URL, c)
				if err == nil && sameAnswer(want, got) {
					continue
				}
				mu.Lock()
				if err != nil {
					diffs = append(diffs, fmt.Sprintf("%s: emulator: %v", describe(c), err))
				} else {
					diffs = append(diffs, fmt.Sprintf("%s:\n  laravel:  %d %s\n            %s\n  emulator: %d %s\n            %s",
						describe(c), want.Status, deref(want.Body), readable(want.Input), got.Status, deref(got.Body), readable(got.Input)))
				}
				found = append(found, c)
				mu.Unlock()
			}
		}()
	}
	for _, c := range cases {
		work <- c
	}
	close(work)
	wg.Wait()

	if len(found) > 0 {
		if out := os.Getenv("LARAVEL_DIFF_FOUND"); out != "" {
			b, _ := json.MarshalIndent(found, "", "  ")
			require.NoError(t, os.WriteFile(out, b, 0o644))
		}
	}
	if len(diffs) > 10 {
		diffs = append(diffs[:10], fmt.Sprintf("… and %d more", len(diffs)-10))
	}
	require.Empty(t, diffs, "%d of %d cases differ from Laravel 8 (set LARAVEL_DIFF_FOUND=file to keep them)", len(found), len(cases))
}

func deref(s *string) string {
	if s == nil {
		return "-"
	}
	return *s
}

func sameAnswer(a, b answer) bool {
	return a.Status == b.Status && deref(a.Body) == deref(b.Body) && bytes.Equal(a.Input, b.Input)
}

func describe(c diffCase) string {
	body := c.Body
	if c.BodyBase64 != "" {
		body = fmt.Sprintf("%q", c.body())
	}
	if len(body) > 300 {
		body = body[:300] + "…"
	}
	q := c.Query
	if len(q) > 300 {
		q = q[:300] + "…"
	}
	return fmt.Sprintf("%s %s %s /%s?%s [%s] %s", c.Name, c.Op, c.Method, c.Op, q, c.ContentType, body)
}

// readable decodes the tagged input back to PHP-like text for a report.
func readable(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	var walk func(v any) string
	walk = func(v any) string {
		t, _ := v.([]any)
		if len(t) == 0 {
			return "?"
		}
		switch t[0] {
		case "n":
			return "null"
		case "b":
			return fmt.Sprint(t[1])
		case "i":
			return fmt.Sprint(t[1])
		case "d":
			b, _ := hex.DecodeString(t[1].(string))
			if len(b) == 8 {
				return fmt.Sprintf("%g(float)", math.Float64frombits(bigEndian(b)))
			}
		case "s":
			b, _ := hex.DecodeString(t[1].(string))
			if len(b) > 40 {
				return strconv.Quote(string(b[:40])) + fmt.Sprintf("…(%d bytes)", len(b))
			}
			return strconv.Quote(string(b))
		case "f":
			return fmt.Sprintf("file%v", t[1:])
		case "a":
			var parts []string
			for _, e := range t[1].([]any) {
				kv := e.([]any)
				parts = append(parts, walk(kv[0])+"=>"+walk(kv[1]))
			}
			return "[" + strings.Join(parts, ", ") + "]"
		}
		return fmt.Sprint(v)
	}
	return walk(v)
}

func bigEndian(b []byte) uint64 {
	var u uint64
	for _, c := range b {
		u = u<<8 | uint64(c)
	}
	return u
}

// send makes one request of a case.
func send(client *http.Client, base string, c diffCase) (answer, error) {
	url := base + "/" + c.Op
	if c.Query != "" {
		url += "?" + c.Query
	}
	var body io.Reader
	if b := c.body(); len(b) > 0 {
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(c.Method, url, body)
	if err != nil {
		return answer{}, err
	}
	if c.ContentType != "" {
		req.Header.Set("Content-Type", c.ContentType)
	}
	resp, err := client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, err
	}
	var a answer
	if err := json.Unmarshal(raw, &a); err != nil {
		return answer{}, fmt.Errorf("%d %q: %w", resp.StatusCode, raw, err)
	}
	return a, nil
}

// emulatorSide answers like the router: the platform's own Input,
// Validate and Render on the operation named by the path, and the input
// as the platform read it.
func emulatorSide(p platform.Platform) http.Handler {
	byID := map[string]int{}
	for i, op := range p.Spec().Operations {
		byID[op.ID] = i
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, ok := byID[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		req := &platform.Request{HTTP: r, Body: body, Operation: p.Spec().Operations[i], Env: &platform.Env{}}
		in, err := p.Input(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		req.Input = in
		read, _ := laravel.ReadRequest(req) // read once already: no error
		a := answer{Status: http.StatusOK, Input: tagged(read.All)}
		if err := p.Validate(req); err != nil {
			resp := p.Render(req, nil, err)
			s := string(resp.Body)
			a.Status, a.Body = resp.Status, &s
		}
		out, _ := json.Marshal(a)
		w.Header().Set("Content-Type", "application/json")
		w.Write(out)
	})
}

// tagged is router.php's tagged(): every value with its PHP type, strings
// and keys as hex, floats as their IEEE bits.
func tagged(v any) json.RawMessage {
	out, err := json.Marshal(tag(v))
	if err != nil {
		panic(err)
	}
	return out
}

func tag(v any) any {
	switch x := v.(type) {
	case *php.Array:
		entries := []any{}
		for i := 0; i < x.Len(); i++ {
			k, isInt := x.Key(i)
			key := []any{"s", hex.EncodeToString([]byte(k))}
			if isInt {
				key = []any{"i", k}
			}
			entries = append(entries, []any{key, tag(x.Value(i))})
		}
		return []any{"a", entries}
	case *php.File:
		return []any{"f", hex.EncodeToString([]byte(x.Name)), x.Size, x.Error}
	case nil:
		return []any{"n"}
	case bool:
		return []any{"b", x}
	case int64:
		return []any{"i", strconv.FormatInt(x, 10)}
	case float64:
		b := make([]byte, 8)
		bits := math.Float64bits(x)
		for i := 7; i >= 0; i-- {
			b[i] = byte(bits)
			bits >>= 8
		}
		return []any{"d", hex.EncodeToString(b)}
	case string:
		return []any{"s", hex.EncodeToString([]byte(x))}
	}
	panic(fmt.Sprintf("untaggable %T", v))
}

// startReference serves router.php with PHP's stock input limits and
// returns its base URL.
func startReference(t *testing.T, phpBin string, ops []opRules) string {
	t.Helper()
	config := map[string]any{"messages": laravel.Messages()}
	rules := map[string][][2]string{}
	for _, op := range ops {
		for _, fr := range op.raw {
			rules[op.id] = append(rules[op.id], fr)
		}
		if rules[op.id] == nil {
			rules[op.id] = [][2]string{}
		}
	}
	config["rules"] = rules
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.json")
	raw, err := json.Marshal(config)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cfgPath, raw, 0o644))

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	router, err := filepath.Abs(filepath.Join("testdata", "diff", "router.php"))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, phpBin,
		"-d", "max_input_vars=1000", "-d", "max_input_nesting_level=64",
		"-d", "post_max_size=8M", "-d", "upload_max_filesize=2M", "-d", "max_file_uploads=20",
		"-d", "display_errors=stderr", "-d", "error_reporting=E_ALL & ~E_DEPRECATED & ~E_WARNING",
		"-S", addr, router)
	cmd.Env = append(os.Environ(), "LARAVEL_DIFF_CONFIG="+cfgPath, "PHP_CLI_SERVER_WORKERS=4")
	// php -S forks its workers: end them with it, or they outlive the test
	// (they stay in the test's process group, for whatever kills that).
	cmd.Cancel = func() error {
		pid := cmd.Process.Pid
		if kids, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid)); err == nil {
			for _, f := range strings.Fields(string(kids)) {
				if n, err := strconv.Atoi(f); err == nil {
					_ = syscall.Kill(n, syscall.SIGKILL)
				}
			}
		}
		return cmd.Process.Kill()
	}
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var (
		logMu sync.Mutex
		logs  []byte // the tail of php -S's log: it writes two lines a request
	)
	started := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		once := sync.Once{}
		for sc.Scan() {
			logMu.Lock()
			logs = append(logs, sc.Text()+"\n"...)
			if len(logs) > 1<<16 {
				logs = append([]byte(nil), logs[len(logs)-1<<15:]...)
			}
			logMu.Unlock()
			if strings.Contains(sc.Text(), "started") {
				once.Do(func() { close(started) })
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
		if t.Failed() {
			logMu.Lock()
			t.Logf("php -S log (tail):\n%s", tail(string(logs), 3000))
			logMu.Unlock()
		}
	})
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("php -S did not start within 10 s")
	}
	return "http://" + addr
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
