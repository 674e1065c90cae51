package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/fakebots/fakebots/emulator"
)

// config is the serve command's settings: flags, with FAKEBOTS_* variables
// as their defaults.
type config struct {
	addr         string
	db           string
	seed         string
	fakerSeed    int64
	rateLimits   string
	journalSize  int
	controlToken string
	hints        string
	logLevel     string
	logFormat    string
	server       serverSettings
	memory       memorySettings
	tls          tlsSettings
}

// envName is the variable that sets a flag when the command line does not:
// --journal-size is FAKEBOTS_JOURNAL_SIZE.
func envName(flagName string) string {
	return "FAKEBOTS_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func parseServeFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&c.db, "db", "", "SQLite file for state that survives restarts (WAL mode); empty uses a throwaway database in the temporary directory, removed at exit")
	fs.StringVar(&c.seed, "seed", "demo", "start-up data: none, demo, or a fixture file (YAML or JSON)")
	fs.Int64Var(&c.fakerSeed, "faker-seed", 1, "seed of the generated names, phones and e-mails")
	fs.StringVar(&c.rateLimits, "rate-limits", "on", "on or off: enforce the platforms' rate limits")
	fs.IntVar(&c.journalSize, "journal-size", 1000, "exchanges kept in the journal per tenant")
	fs.StringVar(&c.controlToken, "control-token", "", "when set, every control call but health needs Authorization: Bearer <token> "+
		"(a tenant's own control_token opens that tenant's endpoints); set it on any instance not bound to loopback")
	fs.StringVar(&c.hints, "hints", "on", "on or off: answer requests that matched no operation, or whose parameters were refused, with an X-Fakebots-Hint header")
	fs.StringVar(&c.logLevel, "log-level", "info", "debug, info, warn or error (info logs a line per request, debug its bodies too)")
	fs.StringVar(&c.logFormat, "log-format", "text", "text or json")
	c.server.defineFlags(fs)
	c.memory.defineFlags(fs)
	c.tls.register(fs)
	fs.VisitAll(func(f *flag.Flag) { f.Usage += " (" + envName(f.Name) + ")" })
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if v, ok := os.LookupEnv(envName(f.Name)); ok && !onCommandLine[f.Name] && envErr == nil {
			if err := fs.Set(f.Name, v); err != nil {
				envErr = fmt.Errorf("%s: %w", envName(f.Name), err)
			}
		}
	})
	if envErr != nil {
		return c, envErr
	}
	if c.rateLimits != "on" && c.rateLimits != "off" {
		return c, fmt.Errorf("rate limits must be on or off, not %q", c.rateLimits)
	}
	if c.hints != "on" && c.hints != "off" {
		return c, fmt.Errorf("hints must be on or off, not %q", c.hints)
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		return c, fmt.Errorf("the log format must be text or json, not %q", c.logFormat)
	}
	if c.journalSize < 0 {
		return c, errors.New("the journal size must not be negative")
	}
	if _, err := c.level(); err != nil {
		return c, fmt.Errorf("log level: %w", err)
	}
	if err := c.server.validate(); err != nil {
		return c, err
	}
	if err := c.memory.validate(); err != nil {
		return c, err
	}
	if err := c.tls.validate(); err != nil {
		return c, err
	}
	return c, nil
}

// newLogger writes to w as text or as one JSON object a line.
func newLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func (c config) level() (slog.Level, error) {
	var l slog.Level
	return l, l.UnmarshalText([]byte(c.logLevel))
}

func serve(args []string, stdout, stderr io.Writer) int {
	c, err := parseServeFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		fmt.Fprintln(stderr, "fakebots:", err)
		return 2
	}
	level, _ := c.level()
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(c.memory.softLimit())
	}
	log := newLogger(stderr, c.logFormat, level)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := listenAndServe(ctx, c, log, stdout); err != nil {
		log.Error("fakebots stopped", "err", err)
		return 1
	}
	return 0
}

// listenAndServe runs until ctx ends, then lets in-flight requests finish
// (cutting those still running at the shutdown timeout) and closes the
// database.
func listenAndServe(ctx context.Context, c config, log *slog.Logger, stdout io.Writer) error {
	prof, err := startProfiler(c.memory.pprofAddr)
	if err != nil {
		return err
	}
	defer prof.Close()
	resumeGC := pauseGC()
	e, err := emulator.New(append([]emulator.Option{
		emulator.WithDB(c.db),
		emulator.WithSeed(c.seed),
		emulator.WithFakerSeed(c.fakerSeed),
		emulator.WithRateLimits(c.rateLimits == "on"),
		emulator.WithJournalSize(c.journalSize),
		emulator.WithControlToken(c.controlToken),
		emulator.WithHints(c.hints == "on"),
		emulator.WithLogger(log),
		emulator.WithWriteTimeout(c.server.writeTimeout),
	}, c.memory.options()...)...)
	resumeGC()
	if err != nil {
		return err
	}
	defer e.Close()
	front, err := startHTTPS(c, e, log)
	if err != nil {
		return err
	}
	defer front.Close()
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	srv := c.server.server(front)
	srv.RegisterOnShutdown(e.EndStreams) // open dashboards would hold the shutdown up
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	base := "http://" + displayAddr(ln.Addr().String())
	notes := append(front.bannerLines(base), prof.bannerLines()...)
	if c.controlToken != "" {
		notes = append(notes, "The control API needs Authorization: Bearer <the --control-token>; a tenant's control_token opens only that tenant's endpoints.")
	}
	if err := printBanner(ctx, stdout, e, base, notes...); err != nil {
		log.Warn("banner", "err", err)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	// The tunnels and the HTTPS listener were taken over from srv: they stop with it.
	return c.server.shutdown(log, srv, front)
}

// pauseGC stops the garbage collector until the returned function is
// called, unless GOGC says how it should run. Building the emulator
// allocates tens of megabytes that are garbage at once (the specs' parse
// trees, the seed's statements); collecting while it runs took a fifth of
// the start's CPU and freed nothing worth having. The soft memory limit
// still bounds the heap meanwhile.
func pauseGC() (resume func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	percent := debug.SetGCPercent(-1)
	return func() { debug.SetGCPercent(percent) }
}

// displayAddr turns a wildcard listen address (":8080", "0.0.0.0:8080")
// into one a browser can open.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
