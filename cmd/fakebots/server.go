package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// serverSettings bound what one connection can hold (how long a request may
// take to arrive, its answer to leave, a connection to idle, how large its
// headers may be) and how long a shutdown waits for requests in flight.
type serverSettings struct {
	readHeaderTimeout time.Duration
	readTimeout       time.Duration
	writeTimeout      time.Duration
	idleTimeout       time.Duration
	maxHeaderBytes    int
	shutdownTimeout   time.Duration
}

func (s *serverSettings) defineFlags(fs *flag.FlagSet) {
	fs.DurationVar(&s.readHeaderTimeout, "read-header-timeout", 10*time.Second, "time a client has to send a request's line and headers")
	fs.DurationVar(&s.readTimeout, "read-timeout", 30*time.Second, "time a client has to send a whole request, body included: a body trickled slowly is cut")
	fs.DurationVar(&s.writeTimeout, "write-timeout", time.Minute, "time from the end of a request's headers to the end of its answer, so a client that does not read is cut; "+
		"an answer late on purpose gets it again from the moment it is ready (an injected delay of up to 10m does this with http.ResponseController's SetWriteDeadline, as any long-lived answer must)")
	fs.DurationVar(&s.idleTimeout, "idle-timeout", 30*time.Second, "time a keep-alive connection may wait idle for its next request")
	fs.IntVar(&s.maxHeaderBytes, "max-header-bytes", 64<<10, "largest request line and headers, in bytes; larger ones are answered 431")
	fs.DurationVar(&s.shutdownTimeout, "shutdown-timeout", 8*time.Second, "on SIGTERM or SIGINT, time requests in flight get to finish before they are cut; under the 10s Docker waits before SIGKILL")
}

func (s serverSettings) validate() error {
	for _, t := range []struct {
		flag  string
		value time.Duration
	}{
		{"read-header-timeout", s.readHeaderTimeout}, {"read-timeout", s.readTimeout}, {"write-timeout", s.writeTimeout},
		{"idle-timeout", s.idleTimeout}, {"shutdown-timeout", s.shutdownTimeout},
	} {
		if t.value <= 0 {
			return fmt.Errorf("--%s must be positive, not %s", t.flag, t.value)
		}
	}
	if s.maxHeaderBytes <= 0 {
		return fmt.Errorf("--max-header-bytes must be positive, not %d", s.maxHeaderBytes)
	}
	return nil
}

func (s serverSettings) server(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: s.readHeaderTimeout,
		ReadTimeout:       s.readTimeout,
		WriteTimeout:      s.writeTimeout,
		IdleTimeout:       s.idleTimeout,
		MaxHeaderBytes:    s.maxHeaderBytes,
	}
}

// stoppable is a server that can stop gracefully or at once.
type stoppable interface {
	Shutdown(ctx context.Context) error
	Close() error
}

// shutdown stops the servers together: requests in flight get the shutdown
// timeout to finish, then their connections are closed, which cancels
// their contexts.
func (s serverSettings) shutdown(log *slog.Logger, servers ...stoppable) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.shutdownTimeout)
	defer cancel()
	errs := make([]error, len(servers))
	var wg sync.WaitGroup
	for i, srv := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = srv.Shutdown(ctx)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		log.Warn("requests still in flight at the shutdown timeout are cut", "shutdown_timeout", s.shutdownTimeout)
		for i, srv := range servers {
			errs[i] = srv.Close()
		}
	}
	return errors.Join(errs...)
}
