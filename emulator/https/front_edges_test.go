package https_test

import (
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/https"
)

// TestTunnelCertificateFollowsTheClientsName: in a tunnel, a client that
// sends no server name gets the certificate of the host it asked the
// proxy for; one that sends a name gets that name's certificate.
func TestTunnelCertificateFollowsTheClientsName(t *testing.T) {
	r := newRig(t, https.Config{})
	for serverName, want := range map[string][]string{"": {"app.cleverapp.pro"}, "localhost": {"localhost"}} {
		conn, _, resp := r.rawConnect(t, "app.cleverapp.pro:443")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		client := tls.Client(conn, &tls.Config{ServerName: serverName, InsecureSkipVerify: true})
		require.NoError(t, client.Handshake(), serverName)
		require.Equal(t, want, client.ConnectionState().PeerCertificates[0].DNSNames, serverName)
	}
}

// TestTunnelsAreLoggedAtDebugLevel: every tunnel opened is a debug line
// naming its host and client.
func TestTunnelsAreLoggedAtDebugLevel(t *testing.T) {
	r := newRig(t, https.Config{})
	logs := &syncBuffer{}
	front := https.New(r.e, https.Config{Hosts: r.e.Hosts(), CA: r.ca, Log: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	t.Cleanup(func() { front.Close() })
	srv := httptest.NewServer(front)
	t.Cleanup(srv.Close)
	r.main, r.proxyURL.Host = srv, strings.TrimPrefix(srv.URL, "http://")

	conn, _, resp := r.rawConnect(t, "app.cleverapp.pro:443")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	logs.waitFor(t, `level=DEBUG msg="proxy tunnel" host=app.cleverapp.pro:443 client=`+conn.LocalAddr().String()+"\n")
}

// TestConnectOverAConnectionThatCannotBeTakenOver: where the connection
// cannot be hijacked (HTTP/2, say), CONNECT gets a 405 saying why.
func TestConnectOverAConnectionThatCannotBeTakenOver(t *testing.T) {
	r := newRig(t, https.Config{})
	w := httptest.NewRecorder()
	r.front.ServeHTTP(w, httptest.NewRequest(http.MethodConnect, "app.cleverapp.pro:443", nil))
	require.Equal(t, http.StatusMethodNotAllowed, w.Code)
	require.Equal(t, "application/json", w.Header().Get("Content-Type"))
	require.JSONEq(t, `{"error":"CONNECT is served over HTTP/1.1 only"}`, w.Body.String())
	require.Contains(t, r.logs.String(), `reason="CONNECT is served over HTTP/1.1 only"`)
}

// TestConnectAfterCloseIsHungUp: once the Front is closed, a tunnel the
// main listener still accepts is closed at once rather than left hanging.
func TestConnectAfterCloseIsHungUp(t *testing.T) {
	r := newRig(t, https.Config{})
	require.NoError(t, r.front.Close())
	_, br, resp := r.rawConnect(t, "app.cleverapp.pro:443")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Empty(t, readAll(t, br))
}

// TestProxyRequestsForTheListenerByAddress: an absolute URI naming the
// listener's port on any loopback address is the listener itself; another
// address with that port is not.
func TestProxyRequestsForTheListenerByAddress(t *testing.T) {
	r := newRig(t, https.Config{})
	_, port, err := net.SplitHostPort(r.proxyURL.Host)
	require.NoError(t, err)
	a := do(t, r.viaProxy(), "GET", "http://127.0.0.2:"+port+"/__fakebots/health", "")
	require.Equal(t, http.StatusOK, a.status, a.body)
	a = do(t, r.viaProxy(), "GET", "http://10.1.2.3:"+port+"/__fakebots/health", "")
	require.Equal(t, http.StatusForbidden, a.status, a.body)
	require.Equal(t, "application/json", a.header.Get("Content-Type"))
}

var errListener = errors.New("the listener would not close")

// stubbornListener accepts nothing and fails to close.
type stubbornListener struct {
	accepting, closed chan struct{}
	acceptOnce        sync.Once
	closeOnce         sync.Once
}

func newStubbornListener() *stubbornListener {
	return &stubbornListener{accepting: make(chan struct{}), closed: make(chan struct{})}
}

func (l *stubbornListener) Accept() (net.Conn, error) {
	l.acceptOnce.Do(func() { close(l.accepting) })
	<-l.closed
	return nil, net.ErrClosed
}

func (l *stubbornListener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return errListener
}

func (l *stubbornListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// TestCloseAndShutdownReportListenerErrors: what closing an HTTPS listener
// fails with is what Close and Shutdown return.
func TestCloseAndShutdownReportListenerErrors(t *testing.T) {
	ca, err := https.NewCA()
	require.NoError(t, err)
	for name, stop := range map[string]func(*https.Front) error{
		"Close":    (*https.Front).Close,
		"Shutdown": func(f *https.Front) error { return f.Shutdown(t.Context()) },
	} {
		front := https.New(http.NotFoundHandler(), https.Config{CA: ca})
		ln := newStubbornListener()
		served := make(chan error, 1)
		go func() { served <- front.ServeTLS(ln) }()
		<-ln.accepting
		require.ErrorIs(t, stop(front), errListener, name)
		require.ErrorIs(t, <-served, http.ErrServerClosed, name)
	}
}

// failingWrites is a listener whose connections cannot be written to, and
// which tells when one is closed.
type failingWrites struct {
	net.Listener
	closed chan struct{}
	once   sync.Once
}

type unwritableConn struct {
	net.Conn
	ln *failingWrites
}

func (l *failingWrites) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &unwritableConn{Conn: c, ln: l}, nil
}

func (c *unwritableConn) Write([]byte) (int, error) { return 0, errors.New("the line is down") }

func (c *unwritableConn) Close() error {
	c.ln.once.Do(func() { close(c.ln.closed) })
	return c.Conn.Close()
}

// TestConnectWhoseAnswerCannotBeSentIsClosed: when the 200 cannot be
// written, the connection is closed, not left open.
func TestConnectWhoseAnswerCannotBeSentIsClosed(t *testing.T) {
	r := newRig(t, https.Config{})
	srv := httptest.NewUnstartedServer(r.front)
	ln := &failingWrites{Listener: srv.Listener, closed: make(chan struct{})}
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)

	conn, err := net.DialTimeout("tcp", srv.Listener.Addr().String(), 5*time.Second)
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = io.WriteString(conn, "CONNECT app.cleverapp.pro:443 HTTP/1.1\r\nHost: app.cleverapp.pro:443\r\n\r\n")
	require.NoError(t, err)
	require.Empty(t, readAll(t, conn), "hung up without an answer")
	<-ln.closed
}
