package https

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fakebots/fakebots/emulator"
)

// CAPath is where a Front serves its CA certificate, on every host.
const CAPath = emulator.ControlPrefix + "/ca.pem"

// Bounds on the HTTPS side: a TLS handshake and a request's headers, and
// an idle connection (a tunnel a client keeps open, say).
const (
	readHeaderTimeout = 10 * time.Second
	idleTimeout       = 2 * time.Minute
)

// Config says what a Front serves.
type Config struct {
	// Hosts are the emulated hostnames: the proxy serves them, and each has
	// a certificate of its own. Proxy requests for any other host are
	// refused.
	Hosts []string
	// CA issues a certificate per host. Certificate, set instead, is shown
	// for every name. With neither there is no TLS: CONNECT is refused and
	// ServeTLS fails.
	CA          *CA
	Certificate *tls.Certificate
	// LocalNames are more names of the listener itself (its host name, say)
	// beside localhost, 127.0.0.1 and ::1: the certificate shown for every
	// name that is not an emulated host carries them all.
	LocalNames []string
	// Log receives refused proxy requests and failed TLS handshakes
	// (default: discard).
	Log *slog.Logger
}

// Front stands before the emulator. As an http.Handler on the main
// listener it is a forward proxy for the emulated hosts (absolute-URI
// requests, and CONNECT tunnels whose TLS it terminates) and serves the CA
// certificate at CAPath; everything else goes to the emulator. ServeTLS
// serves HTTPS on a listener of its own. Requests inside tunnels and on
// HTTPS listeners arrive with r.TLS set, so the emulator sees the scheme the
// client used.
type Front struct {
	next       http.Handler
	cfg        Config
	log        *slog.Logger
	hosts      map[string]bool
	localNames []string
	tlsConfig  *tls.Config  // nil without TLS
	server     *http.Server // serves HTTPS: the listeners' connections and the tunnels'
	tunnels    *connQueue
}

// New puts a Front before next (the emulator). Release it with Close or
// Shutdown.
func New(next http.Handler, cfg Config) *Front {
	f := &Front{
		next:       next,
		cfg:        cfg,
		log:        cfg.Log,
		hosts:      map[string]bool{},
		localNames: []string{"localhost", "127.0.0.1", "::1"},
		tunnels:    newConnQueue(),
	}
	if f.log == nil {
		f.log = slog.New(slog.DiscardHandler)
	}
	for _, name := range cfg.LocalNames {
		if name = canonicalHost(name); !slices.Contains(f.localNames, name) {
			f.localNames = append(f.localNames, name)
		}
	}
	for _, h := range cfg.Hosts {
		f.hosts[canonicalHost(h)] = true
	}
	f.server = &http.Server{
		Handler:           f,
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		// A handshake a client refuses (it does not trust the CA, say) is
		// logged here: the user needs to see it.
		ErrorLog: slog.NewLogLogger(f.log.Handler(), slog.LevelWarn),
	}
	if cfg.CA != nil || cfg.Certificate != nil {
		f.tlsConfig = &tls.Config{
			MinVersion:     tls.VersionTLS12,
			NextProtos:     []string{"h2", "http/1.1"},
			GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) { return f.certificate(hello.ServerName) },
		}
		go f.server.Serve(f.tunnels)
	}
	return f
}

// ServeTLS serves HTTPS on ln until Shutdown or Close, as http.Server.Serve does.
func (f *Front) ServeTLS(ln net.Listener) error {
	if f.tlsConfig == nil {
		return errors.New("https: no CA and no certificate to serve HTTPS with")
	}
	return f.server.Serve(tls.NewListener(ln, f.tlsConfig))
}

// Shutdown stops the HTTPS listeners and the proxy's tunnels, letting the
// requests in flight finish, as http.Server.Shutdown does.
func (f *Front) Shutdown(ctx context.Context) error {
	f.tunnels.Close()
	return f.server.Shutdown(ctx)
}

// Close stops the HTTPS listeners and closes every tunnel at once.
func (f *Front) Close() error {
	f.tunnels.Close()
	return f.server.Close()
}

// ServeHTTP answers proxy requests and the CA certificate and hands the
// rest to the emulator.
func (f *Front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodConnect:
		f.connect(w, r)
	case r.URL.IsAbs() && !f.servesAbsolute(r):
		f.refuse(w, r, http.StatusForbidden, f.notServed(r.URL.Host))
	case r.URL.Path == CAPath:
		f.serveCA(w, r)
	default:
		f.next.ServeHTTP(w, r)
	}
}

// connect answers CONNECT to an emulated host's port 443 with 200, then
// terminates the TLS inside the tunnel and serves the requests it carries
// as if they had come to the HTTPS listener.
func (f *Front) connect(w http.ResponseWriter, r *http.Request) {
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		f.refuse(w, r, http.StatusBadRequest, fmt.Sprintf("CONNECT needs host:port, not %q", r.Host))
		return
	}
	host = canonicalHost(host)
	if !f.hosts[host] || port != "443" {
		f.refuse(w, r, http.StatusForbidden, f.notServed(r.Host))
		return
	}
	if f.tlsConfig == nil {
		f.refuse(w, r, http.StatusForbidden, "HTTPS is off, so CONNECT cannot be answered: start fakebots with --tls")
		return
	}
	conn, buffered, err := http.NewResponseController(w).Hijack()
	if err != nil {
		f.refuse(w, r, http.StatusMethodNotAllowed, "CONNECT is served over HTTP/1.1 only")
		return
	}
	conn.SetDeadline(time.Time{}) // the HTTPS server sets its own
	if _, err := io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		conn.Close()
		return
	}
	var tunnel net.Conn = conn
	if n := buffered.Reader.Buffered(); n > 0 {
		// The client did not wait for the answer: what it sent is the
		// start of the handshake.
		early, _ := buffered.Reader.Peek(n)
		tunnel = &prefixedConn{Conn: conn, r: io.MultiReader(bytes.NewReader(bytes.Clone(early)), conn)}
	}
	cfg := f.tlsConfig.Clone()
	cfg.GetCertificate = func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
		if hello.ServerName == "" {
			return f.certificate(host) // a client that sends no SNI still asked for host
		}
		return f.certificate(hello.ServerName)
	}
	f.log.Debug("proxy tunnel", "host", r.Host, "client", r.RemoteAddr)
	f.tunnels.push(tls.Server(tunnel, cfg))
}

// servesAbsolute reports whether an absolute-URI request (a proxy request
// for plain http://) is for an emulated host or for this listener itself.
func (f *Front) servesAbsolute(r *http.Request) bool {
	host, port := r.URL.Hostname(), r.URL.Port()
	if f.hosts[canonicalHost(host)] {
		return true
	}
	local, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr)
	if !ok {
		return false
	}
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[r.URL.Scheme]
	}
	ip := net.ParseIP(host)
	self := strings.EqualFold(host, "localhost") || (ip != nil && (ip.IsLoopback() || ip.Equal(local.IP)))
	return self && port == strconv.Itoa(local.Port)
}

// certificate is the one shown to a client that asked for name: the
// emulated hosts have their own, every other name gets the listener's.
func (f *Front) certificate(name string) (*tls.Certificate, error) {
	if f.cfg.Certificate != nil {
		return f.cfg.Certificate, nil
	}
	if name = canonicalHost(name); f.hosts[name] {
		return f.cfg.CA.Leaf(name)
	}
	return f.cfg.CA.Leaf(f.localNames...)
}

func (f *Front) serveCA(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, r.Method+" is not allowed on "+CAPath)
	case f.cfg.CA != nil:
		w.Header().Set("Content-Type", "application/x-pem-file")
		w.Header().Set("Content-Length", strconv.Itoa(len(f.cfg.CA.certPEM)))
		w.Write(f.cfg.CA.certPEM)
	case f.cfg.Certificate != nil:
		writeError(w, http.StatusNotFound, "no local CA: HTTPS is served with the certificate fakebots was given")
	default:
		writeError(w, http.StatusNotFound, "no local CA: HTTPS is off (start fakebots with --tls)")
	}
}

func (f *Front) notServed(target string) string {
	hosts := make([]string, 0, len(f.cfg.Hosts))
	for _, h := range f.cfg.Hosts {
		hosts = append(hosts, canonicalHost(h))
	}
	return fmt.Sprintf("fakebots does not connect to %s: as a proxy it serves only %s (port 443 for CONNECT)", target, strings.Join(hosts, ", "))
}

// refuse answers a proxy request fakebots will not serve, and logs it.
func (f *Front) refuse(w http.ResponseWriter, r *http.Request, status int, reason string) {
	f.log.Warn("proxy request refused", "method", r.Method, "target", r.Host, "client", r.RemoteAddr, "status", status, "reason", reason)
	writeError(w, status, reason)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	body, _ := json.Marshal(map[string]string{"error": msg})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// canonicalHost is a host name as the certificates and the routing know
// it: lower case, without the root's trailing dot.
func canonicalHost(h string) string { return strings.TrimSuffix(strings.ToLower(h), ".") }
