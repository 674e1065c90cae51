package main

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/https"
)

// tlsSettings are the serve command's HTTPS flags.
type tlsSettings struct {
	on   bool
	addr string
	dir  string
	cert string
	key  string
}

func (s *tlsSettings) register(fs *flag.FlagSet) {
	fs.BoolVar(&s.on, "tls", false, "serve HTTPS for every platform host with certificates of a local CA, and answer CONNECT on --addr (proxy mode)")
	fs.StringVar(&s.addr, "tls-addr", "127.0.0.1:8443", "HTTPS listen address with --tls (empty: proxy mode only)")
	fs.StringVar(&s.dir, "tls-dir", "", "where the local CA is kept (default: fakebots-tls beside --db, else fakebots/tls in the user's config directory)")
	fs.StringVar(&s.cert, "tls-cert", "", "certificate (PEM) to use instead of the local CA: a CA certificate issues one per host, any other is served for every name")
	fs.StringVar(&s.key, "tls-key", "", "private key (PEM) of --tls-cert")
}

func (s tlsSettings) validate() error {
	if (s.cert == "") != (s.key == "") {
		return errors.New("--tls-cert and --tls-key go together")
	}
	return nil
}

// caDir is where the local CA is kept: --tls-dir, else beside the
// database (state and CA survive together), else the user's config
// directory.
func (s tlsSettings) caDir(db string) (string, error) {
	switch {
	case s.dir != "":
		return s.dir, nil
	case db != "":
		return filepath.Join(filepath.Dir(db), "fakebots-tls"), nil
	}
	config, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no directory for the local CA (%w): set --tls-dir", err)
	}
	return filepath.Join(config, "fakebots", "tls"), nil
}

// httpsFront is what stands before the emulator: the proxy on the main
// listener and, with --tls, the HTTPS listener and its certificates.
type httpsFront struct {
	*https.Front
	ln     net.Listener // the HTTPS listener, nil without one
	caFile string       // the CA certificate clients trust, "" without a CA
	cert   string       // the certificate given with --tls-cert
}

// startHTTPS builds the front and starts its HTTPS listener. Without --tls
// there is no CA, so CONNECT is refused; nothing is written to disk.
func startHTTPS(c config, e *emulator.Emulator, log *slog.Logger) (*httpsFront, error) {
	cfg := https.Config{Hosts: e.Hosts(), Log: log}
	if !c.tls.on {
		return &httpsFront{Front: https.New(e, cfg)}, nil
	}
	f := &httpsFront{cert: c.tls.cert}
	if err := f.loadCertificates(&cfg, c.tls, c.db); err != nil {
		return nil, err
	}
	if c.tls.addr != "" {
		ln, err := net.Listen("tcp", c.tls.addr)
		if err != nil {
			return nil, err
		}
		f.ln = ln
		if host, _, _ := net.SplitHostPort(c.tls.addr); host != "" {
			if ip := net.ParseIP(host); ip == nil || !ip.IsUnspecified() {
				cfg.LocalNames = []string{host}
			}
		}
	}
	f.Front = https.New(e, cfg)
	if f.ln != nil {
		go func() {
			if err := f.ServeTLS(f.ln); !errors.Is(err, http.ErrServerClosed) {
				log.Error("the HTTPS listener stopped", "err", err)
			}
		}()
	}
	return f, nil
}

// loadCertificates fills cfg with the certificate given by --tls-cert (a
// CA or not) or the local CA, created on first use.
func (f *httpsFront) loadCertificates(cfg *https.Config, s tlsSettings, db string) error {
	if s.cert != "" {
		pair, err := tls.LoadX509KeyPair(s.cert, s.key)
		if err != nil {
			return fmt.Errorf("--tls-cert: %w", err)
		}
		ca, err := https.NewCAFromKeyPair(pair)
		switch {
		case errors.Is(err, https.ErrNotCA):
			cfg.Certificate = &pair
			return nil
		case err != nil:
			return fmt.Errorf("--tls-cert: %w", err)
		}
		cfg.CA, f.caFile = ca, s.cert
		return nil
	}
	dir, err := s.caDir(db)
	if err != nil {
		return err
	}
	ca, err := https.LoadOrCreateCA(dir)
	if err != nil {
		return fmt.Errorf("local CA: %w", err)
	}
	cfg.CA, f.caFile = ca, ca.Path()
	return nil
}

// bannerLines say where HTTPS is and what to trust; base is the main
// listener's URL.
func (f *httpsFront) bannerLines(base string) []string {
	if f.ln == nil && f.caFile == "" && f.cert == "" {
		return nil
	}
	var lines []string
	if f.ln != nil {
		lines = append(lines, "HTTPS on https://"+displayAddr(f.ln.Addr().String())+" for every platform host (SNI/Host) and the prefix form")
	}
	lines = append(lines, "HTTPS proxy for the platform hosts: HTTPS_PROXY="+base)
	if f.caFile != "" {
		lines = append(lines, "Trust the CA "+f.caFile+" (also at "+base+https.CAPath+")")
	} else {
		lines = append(lines, "HTTPS certificate: "+f.cert)
	}
	return lines
}
