package emulator

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/fakebots/fakebots/emulator/clock"
	"github.com/fakebots/fakebots/emulator/journal"
)

// Option configures an Emulator.
type Option func(*config)

type config struct {
	dbPath         string
	seed           string // "none", "demo", a fixture name, or a path to a fixture file
	fakerSeed      int64
	rateLimits     bool
	journal        journal.Bounds
	pageCacheBytes int
	controlToken   string
	hints          bool
	maxBodyBytes   int64
	log            *slog.Logger
	wall           func() time.Time
	sleep          func(ctx context.Context, d time.Duration)
	tick           time.Duration
	writeTimeout   time.Duration
}

func defaults() config {
	return config{
		seed:           "none",
		fakerSeed:      1,
		rateLimits:     true,
		journal:        journal.Bounds{Entries: journal.DefaultEntries},
		pageCacheBytes: DefaultPageCacheBytes,
		hints:          true,
		maxBodyBytes:   8 << 20,
		log:            slog.New(slog.NewTextHandler(io.Discard, nil)),
		wall:           time.Now,
		sleep:          clock.Wait,
		tick:           time.Second,
	}
}

// WithDB keeps state in a SQLite file at path, so it survives a restart
// (default: a throwaway database removed at Close).
func WithDB(path string) Option { return func(c *config) { c.dbPath = path } }

// WithSeed chooses the data created at start: "none" (the library default),
// "demo" (the CLI default), another embedded fixture's name, or the path of a
// fixture file (YAML or JSON).
func WithSeed(seed string) Option { return func(c *config) { c.seed = seed } }

// WithFakerSeed seeds the generated names, phones and e-mails of fixtures.
func WithFakerSeed(n int64) Option { return func(c *config) { c.fakerSeed = n } }

// WithRateLimits switches every rate limit on (default) or off.
func WithRateLimits(on bool) Option { return func(c *config) { c.rateLimits = on } }

// WithJournalSize sets how many exchanges the journal keeps per tenant
// (default 1000; 0 keeps none).
func WithJournalSize(n int) Option { return func(c *config) { c.journal.Entries = n } }

// WithJournalBytes bounds what the journal holds in bytes, per tenant and
// over all tenants (defaults 8 MiB and 16 MiB; 0 keeps a default). Past a
// bound the oldest exchanges go first.
func WithJournalBytes(perTenant, total int) Option {
	return func(c *config) { c.journal.TenantBytes, c.journal.TotalBytes = perTenant, total }
}

// DefaultPageCacheBytes bounds the page cache unless WithPageCacheBytes
// says otherwise.
const DefaultPageCacheBytes = 8 << 20

// WithPageCacheBytes bounds the page cache, which serves list reads again
// while their tenant writes nothing (default 8 MiB; 0 turns it off, so
// every read goes to the database).
func WithPageCacheBytes(n int) Option { return func(c *config) { c.pageCacheBytes = max(n, 0) } }

// WithHints sets whether answers to requests that matched no operation, or
// whose parameters were refused, carry an X-Fakebots-Hint header saying
// what to change (default on; the body is the platform's own either way).
func WithHints(on bool) Option { return func(c *config) { c.hints = on } }

// WithControlToken guards the control API: every call but health then needs
// "Authorization: Bearer <token>" (or a tenant's own control token, for that
// tenant's endpoints). Empty (the default) leaves it open, which suits an
// emulator only its own machine can reach.
func WithControlToken(token string) Option { return func(c *config) { c.controlToken = token } }

// WithMaxBodyBytes caps request bodies (default 8 MiB); larger ones get the
// platform's 413.
func WithMaxBodyBytes(n int64) Option { return func(c *config) { c.maxBodyBytes = n } }

// WithLogger sets the logger (default: discard). Every request is logged at
// info, with its bodies at debug.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// WithWallClock sets the time source the emulator's clock follows while it
// runs (default time.Now).
func WithWallClock(now func() time.Time) Option { return func(c *config) { c.wall = now } }

// WithSleep replaces how injected delays wait (default: a timer that stops
// when the request is cancelled). Tests use it to observe delays without
// waiting.
func WithSleep(sleep func(ctx context.Context, d time.Duration)) Option {
	return func(c *config) { c.sleep = sleep }
}

// WithTick sets how often scheduled work is checked against a running
// clock (default 1s; 0 disables the background check, leaving delivery to
// clock changes through the control API).
func WithTick(d time.Duration) Option { return func(c *config) { c.tick = d } }

// WithWriteTimeout tells the emulator the write timeout of the server it runs
// in (http.Server.WriteTimeout), so that an answer late on purpose (an
// injected delay) gets the whole timeout again before it is written.
// Default 0: the server has none.
func WithWriteTimeout(d time.Duration) Option { return func(c *config) { c.writeTimeout = d } }
