package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/scenario"
)

const scenarioUsage = `Usage:
  fakebots scenario run FILE|DIR... [flags]      run scenarios, each in a fresh tenant
  fakebots scenario record --tenant ID [flags]  write a tenant's journal as a scenario (stdout)
  fakebots scenario lint FILE|DIR...            check scenarios without running them

Without --target, run starts an emulator in this process; record reads the
one at http://127.0.0.1:8080. Reference: docs/scenarios.md.
`

// scenarioCmd dispatches fakebots scenario run|record|lint.
func scenarioCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, scenarioUsage)
		return 2
	}
	switch args[0] {
	case "run":
		return scenarioRun(args[1:], stdout, stderr)
	case "record":
		return scenarioRecord(args[1:], stdout, stderr)
	case "lint":
		return scenarioLint(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "fakebots scenario: unknown command %q\n\n%s", args[0], scenarioUsage)
	return 2
}

// target is the emulator scenarios run against: a remote one, or one
// started here on a loopback port (so a system under test can reach it).
type target struct {
	url   string
	token string
	close func()
}

func openTarget(url, token string) (*target, error) {
	if url != "" {
		return &target{url: url, token: token, close: func() {}}, nil
	}
	e, err := emulator.New(emulator.WithSeed("none"))
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.Close()
		return nil, err
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return &target{url: "http://" + ln.Addr().String(), close: func() {
		srv.Close()
		e.Close()
	}}, nil
}

func scenarioRun(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scenario run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	targetURL := fs.String("target", "", "URL of a running emulator (default: one started in this process)")
	token := fs.String("control-token", os.Getenv("FAKEBOTS_CONTROL_TOKEN"), "the control API's token (FAKEBOTS_CONTROL_TOKEN)")
	execCmd := fs.String("exec", "", "start this command as the system under test for every scenario (run by sh)")
	readyURL := fs.String("ready-url", "", "with --exec: poll this URL until it answers")
	readyLine := fs.String("ready-line", "", "with --exec: wait for an output line containing this text")
	readyTimeout := fs.Duration("ready-timeout", scenario.DefaultReadyTimeout, "with --exec: how long it may take to be ready")
	junitPath := fs.String("junit", "", "write JUnit XML here")
	jsonPath := fs.String("json", "", "write the JSON result here")
	parallel := fs.Int("parallel", 1, "scenarios run at once")
	keep := fs.Bool("keep-tenant", false, "leave each scenario's tenant in place")
	timeout := fs.Duration("timeout", 10*time.Minute, "give up on a scenario after this long")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return flagExit(err)
	}
	if len(paths) == 0 || *parallel < 1 {
		fmt.Fprint(stderr, "fakebots scenario run: give scenario files or directories (and --parallel of 1 or more)\n\n"+scenarioUsage)
		return 2
	}
	loaded, ok := loadAll(paths, stderr)
	if !ok {
		return 1
	}
	t, err := openTarget(*targetURL, *token)
	if err != nil {
		fmt.Fprintln(stderr, "fakebots scenario run:", err)
		return 1
	}
	defer t.close()
	// Each run in flight keeps its connections to the emulator open between
	// steps, rather than dialling anew past the default two idle ones.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 2 * *parallel
	runner := &scenario.Runner{Client: &http.Client{Transport: transport}, BaseURL: t.url, ControlToken: t.token, KeepTenant: *keep}
	if *execCmd != "" {
		runner.Exec = &scenario.Exec{Command: *execCmd, ReadyURL: *readyURL, ReadyLine: *readyLine,
			Timeout: scenario.Duration{D: *readyTimeout, Set: true}}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	terminal := isTerminal(stdout)
	printer := &scenario.Printer{W: stdout, Terminal: terminal, Interleaved: *parallel > 1, Durations: true,
		Color: terminal && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"}
	results := make([]scenario.Result, len(loaded))
	work := make(chan int)
	var wg sync.WaitGroup
	for range *parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				runCtx, cancel := context.WithTimeout(ctx, *timeout)
				printer.Begin(loaded[i].Name, loaded[i].File)
				results[i] = runner.Run(runCtx, loaded[i], printer)
				cancel()
				printer.End(results[i])
			}
		}()
	}
	for i := range loaded {
		work <- i
	}
	close(work)
	wg.Wait()
	printer.Summary(results)
	if err := writeReports(results, *junitPath, *jsonPath); err != nil {
		fmt.Fprintln(stderr, "fakebots scenario run:", err)
		return 1
	}
	for _, r := range results {
		if !r.Passed() {
			return 1
		}
	}
	return 0
}

func writeReports(results []scenario.Result, junitPath, jsonPath string) error {
	for path, write := range map[string]func(io.Writer, []scenario.Result) error{junitPath: scenario.WriteJUnit, jsonPath: scenario.WriteJSON} {
		if path == "" {
			continue
		}
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		err = write(f, results)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// loadAll loads every file, reporting all problems.
func loadAll(args []string, stderr io.Writer) ([]*scenario.Scenario, bool) {
	files, err := scenario.Files(args)
	if err != nil {
		fmt.Fprintln(stderr, "fakebots scenario:", err)
		return nil, false
	}
	var out []*scenario.Scenario
	ok := true
	for _, f := range files {
		sc, err := scenario.LoadFile(f)
		if err != nil {
			fmt.Fprintln(stderr, err)
			ok = false
			continue
		}
		out = append(out, sc)
	}
	return out, ok
}

func scenarioLint(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, "fakebots scenario lint: give scenario files or directories\n")
		return 2
	}
	loaded, ok := loadAll(args, stderr)
	if !ok {
		return 1
	}
	fmt.Fprintf(stdout, "%d scenarios are valid\n", len(loaded))
	return 0
}

func scenarioRecord(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scenario record", flag.ContinueOnError)
	fs.SetOutput(stderr)
	tenant := fs.String("tenant", "", "the tenant whose journal to record (required)")
	targetURL := fs.String("target", "http://127.0.0.1:8080", "URL of the running emulator")
	token := fs.String("control-token", os.Getenv("FAKEBOTS_CONTROL_TOKEN"), "the control API's token (FAKEBOTS_CONTROL_TOKEN)")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if *tenant == "" || fs.NArg() > 0 {
		fmt.Fprint(stderr, "fakebots scenario record: --tenant ID is required\n")
		return 2
	}
	rec := &scenario.Recorder{Client: &http.Client{Timeout: time.Minute}, BaseURL: *targetURL, ControlToken: *token}
	out, err := rec.Record(context.Background(), *tenant)
	if err != nil {
		fmt.Fprintln(stderr, "fakebots scenario record:", err)
		return 1
	}
	stdout.Write(out)
	return 0
}

// parseInterspersed parses flags placed before, between or after the
// positional arguments (`scenario run scenarios/ --junit out.xml`), which
// the flag package alone stops at, and returns the positional ones. After
// "--" everything is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func flagExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// isTerminal reports whether w is a character device (a terminal), where
// progress gets marks, colours and the step in progress; files and pipes
// get plain lines.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
