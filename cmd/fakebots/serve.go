package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/fakebots/fakebots/emulator"
)

// config is the serve command's settings: flags, with FAKEBOTS_* variables
// as their defaults.
type config struct {
	addr        string
	db          string
	seed        string
	fakerSeed   int64
	rateLimits  string
	journalSize int
	logLevel    string
	tls         tlsSettings
	// controlToken guards the control API (emulator.WithControlToken).
	controlToken string
}

// defaultMemoryLimit is the Go runtime's soft limit unless GOMEMLIMIT says
// otherwise.
const defaultMemoryLimit = 40 << 20

// envNames maps each flag to the variable that sets it when the command
// line does not.
var envNames = map[string]string{
	"addr": "FAKEBOTS_ADDR", "db": "FAKEBOTS_DB", "seed": "FAKEBOTS_SEED", "faker-seed": "FAKEBOTS_FAKER_SEED",
	"rate-limits": "FAKEBOTS_RATE_LIMITS", "journal-size": "FAKEBOTS_JOURNAL_SIZE", "log-level": "FAKEBOTS_LOG_LEVEL", "control-token": "FAKEBOTS_CONTROL_TOKEN",
	"tls": "FAKEBOTS_TLS", "tls-addr": "FAKEBOTS_TLS_ADDR", "tls-dir": "FAKEBOTS_TLS_DIR", "tls-cert": "FAKEBOTS_TLS_CERT", "tls-key": "FAKEBOTS_TLS_KEY",
}

func parseServeFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&c.db, "db", "", "SQLite file for state that survives restarts (WAL mode); empty keeps it in memory")
	fs.StringVar(&c.seed, "seed", "demo", "start-up data: none, demo, or a fixture file (YAML or JSON)")
	fs.Int64Var(&c.fakerSeed, "faker-seed", 1, "seed of the generated names, phones and e-mails")
	fs.StringVar(&c.rateLimits, "rate-limits", "on", "on or off: enforce the platforms' rate limits")
	fs.IntVar(&c.journalSize, "journal-size", 1000, "exchanges kept in the journal per tenant")
	fs.StringVar(&c.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&c.controlToken, "control-token", "", "require Authorization: Bearer <token> on the control API (a tenant's own control token opens its endpoints); empty leaves it open")
	c.tls.register(fs)
	fs.VisitAll(func(f *flag.Flag) { f.Usage += " (" + envNames[f.Name] + ")" })
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	onCommandLine := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { onCommandLine[f.Name] = true })
	for name, variable := range envNames {
		if v, ok := os.LookupEnv(variable); ok && !onCommandLine[name] {
			if err := fs.Set(name, v); err != nil {
				return c, fmt.Errorf("%s: %w", variable, err)
			}
		}
	}
	if c.rateLimits != "on" && c.rateLimits != "off" {
		return c, fmt.Errorf("rate limits must be on or off, not %q", c.rateLimits)
	}
	if c.journalSize < 0 {
		return c, errors.New("the journal size must not be negative")
	}
	if _, err := c.level(); err != nil {
		return c, fmt.Errorf("log level: %w", err)
	}
	if err := c.tls.validate(); err != nil {
		return c, err
	}
	return c, nil
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
		// A sidecar should stay small: collect harder as the heap nears this,
		// rather than letting it double between collections.
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := listenAndServe(ctx, c, log, stdout); err != nil {
		log.Error("fakebots stopped", "err", err)
		return 1
	}
	return 0
}

// listenAndServe runs until ctx ends, then lets in-flight requests finish
// and closes the database.
func listenAndServe(ctx context.Context, c config, log *slog.Logger, stdout io.Writer) error {
	e, err := emulator.New(
		emulator.WithDB(c.db),
		emulator.WithSeed(c.seed),
		emulator.WithFakerSeed(c.fakerSeed),
		emulator.WithRateLimits(c.rateLimits == "on"),
		emulator.WithJournalSize(c.journalSize),
		emulator.WithLogger(log),
		emulator.WithControlToken(c.controlToken),
	)
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
	srv := &http.Server{Handler: front, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	base := "http://" + displayAddr(ln.Addr().String())
	if err := printBanner(ctx, stdout, e, base, front.bannerLines(base)...); err != nil {
		log.Warn("banner", "err", err)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return errors.Join(srv.Shutdown(shutdown), front.Shutdown(shutdown))
}

// displayAddr turns a wildcard listen address into one a browser can open.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
