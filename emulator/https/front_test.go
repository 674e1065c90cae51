package https_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/https"
)

// TestEveryHostOverHTTPS reaches every platform host with a client that
// trusts only the generated CA: at the HTTPS listener by Host and SNI (a
// hosts-file entry), and through the main listener as HTTPS_PROXY.
func TestEveryHostOverHTTPS(t *testing.T) {
	r := newRig(t, https.Config{})
	for _, via := range []struct {
		name   string
		client *http.Client
	}{{"listener", r.viaListener()}, {"proxy", r.viaProxy()}} {
		for _, p := range r.e.Platforms() {
			for _, host := range p.Hosts() {
				t.Run(via.name+"/"+host, func(t *testing.T) {
					a := r.call(t, via.client, p.Name(), host)
					require.Equal(t, http.StatusOK, a.status, a.body)
					require.Equal(t, []string{host}, a.tls.PeerCertificates[0].DNSNames, "a certificate of the host's own")
				})
			}
		}
	}
	require.NotContains(t, r.logs.String(), "refused")
}

func TestHTTP2OverTheListenerAndTheTunnel(t *testing.T) {
	r := newRig(t, https.Config{})
	for name, c := range map[string]*http.Client{"listener": r.viaListener(), "proxy": r.viaProxy()} {
		c.Transport.(*http.Transport).ForceAttemptHTTP2 = true
		a := r.call(t, c, "cleverapp", "app.cleverapp.pro")
		require.Equal(t, http.StatusOK, a.status, name)
		require.Equal(t, "HTTP/2.0", a.proto, name)
	}
}

// TestRedirectsKeepHTTPS: BotHelp's 301 to the slash form points to https
// for a client that came over TLS, so that a client following it keeps its
// Authorization header (Guzzle drops it when the scheme changes).
func TestRedirectsKeepHTTPS(t *testing.T) {
	r := newRig(t, https.Config{})
	auth := "Bearer " + r.bothelpToken(t)
	for name, c := range map[string]*http.Client{"listener": r.viaListener(), "proxy": r.viaProxy()} {
		a := do(t, c, "GET", "https://api.bothelp.io/v1/bots?x=1", "", "Authorization", auth)
		require.Equal(t, http.StatusMovedPermanently, a.status, name)
		require.Equal(t, "https://api.bothelp.io/v1/bots/?x=1", a.header.Get("Location"), name)

		following := *c
		following.CheckRedirect = nil
		a = do(t, &following, "GET", "https://api.bothelp.io/v1/bots", "", "Authorization", auth)
		require.Equal(t, http.StatusOK, a.status, "%s: %s", name, a.body)
	}
	prefix := "https://" + r.tlsAddr + "/bothelp"
	a := do(t, r.viaListener(), "GET", prefix+"/v1/funnels", "", "Authorization", auth)
	require.Equal(t, http.StatusMovedPermanently, a.status)
	require.Equal(t, prefix+"/v1/funnels/", a.header.Get("Location"), "the prefix form over HTTPS")
}

// TestPrefixFormOverHTTPS: the listener's own names have a certificate, so
// https://127.0.0.1:port/{platform}/... and https://localhost:port/... work.
func TestPrefixFormOverHTTPS(t *testing.T) {
	r := newRig(t, https.Config{})
	c := noRedirects(&http.Transport{TLSClientConfig: &tls.Config{RootCAs: r.ca.Pool()}})
	_, port, err := net.SplitHostPort(r.tlsAddr)
	require.NoError(t, err)
	for _, host := range []string{"127.0.0.1", "localhost"} {
		a := do(t, c, "GET", "https://"+host+":"+port+"/cleverapp/api/v1/getMe?api_token=demo-cleverapp-token", "", "X-Requested-With", "XMLHttpRequest")
		require.Equal(t, http.StatusOK, a.status, a.body)
	}
	a := do(t, c, "GET", "https://127.0.0.1:"+port+https.CAPath, "")
	require.Equal(t, http.StatusOK, a.status)
	require.Equal(t, string(r.ca.CertPEM()), a.body)
}

func TestCACertificateIsServed(t *testing.T) {
	r := newRig(t, https.Config{})
	a := do(t, r.main.Client(), "GET", r.main.URL+https.CAPath, "")
	require.Equal(t, http.StatusOK, a.status)
	require.Equal(t, "application/x-pem-file", a.header.Get("Content-Type"))
	require.Equal(t, string(r.ca.CertPEM()), a.body)
	require.True(t, strings.HasPrefix(a.body, "-----BEGIN CERTIFICATE-----\n"))

	a = do(t, r.main.Client(), "POST", r.main.URL+https.CAPath, "")
	require.Equal(t, http.StatusMethodNotAllowed, a.status)
	require.Equal(t, "GET, HEAD", a.header.Get("Allow"))
	require.JSONEq(t, `{"error":"POST is not allowed on /__fakebots/ca.pem"}`, a.body)
}

// TestPlainHTTPProxyRequests: absolute-URI requests (HTTP_PROXY) for an
// emulated host or for the listener itself are served.
func TestPlainHTTPProxyRequests(t *testing.T) {
	r := newRig(t, https.Config{})
	c := r.viaProxy()
	a := do(t, c, "GET", "http://app.cleverapp.pro/api/v1/getMe?api_token=demo-cleverapp-token", "", "X-Requested-With", "XMLHttpRequest")
	require.Equal(t, http.StatusOK, a.status, a.body)
	a = do(t, c, "GET", "http://api.bothelp.io/v1/bots", "")
	require.Equal(t, "http://api.bothelp.io/v1/bots/", a.header.Get("Location"), "plain http stays plain")
	a = do(t, c, "GET", r.main.URL+"/__fakebots/health", "")
	require.Equal(t, http.StatusOK, a.status, "a request for the proxy itself")
	require.NotContains(t, r.logs.String(), "refused")
}

// untouchable is a server no request must reach: it counts the
// connections it gets.
func untouchable(t *testing.T) (addr string, conns *atomic.Int32) {
	conns = &atomic.Int32{}
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), conns
}

// TestOtherHostsAreRefused: fakebots never reaches anything but the
// emulator: CONNECT and absolute-URI requests for other hosts get 403 and a
// log line, and nothing is dialled.
func TestOtherHostsAreRefused(t *testing.T) {
	r := newRig(t, https.Config{})
	other, conns := untouchable(t)
	hosts := strings.Join(r.e.Hosts(), ", ")
	for _, target := range []string{other, "example.com:443", "app.cleverapp.pro:80", "app.cleverapp.pro:8443"} {
		_, _, resp := r.rawConnect(t, target)
		require.Equal(t, http.StatusForbidden, resp.StatusCode, target)
		require.JSONEq(t, `{"error":"fakebots does not connect to `+target+`: as a proxy it serves only `+hosts+` (port 443 for CONNECT)"}`, readAll(t, resp.Body))
		require.Contains(t, r.logs.String(), `msg="proxy request refused" method=CONNECT target=`+target+` `)
	}
	a := do(t, r.viaProxy(), "GET", "http://"+other+"/anything", "")
	require.Equal(t, http.StatusForbidden, a.status)
	require.JSONEq(t, `{"error":"fakebots does not connect to `+other+`: as a proxy it serves only `+hosts+` (port 443 for CONNECT)"}`, a.body)
	require.Contains(t, r.logs.String(), `method=GET target=`+other+` `)

	_, err := r.viaProxy().Get("https://" + other + "/")
	require.ErrorContains(t, err, "Forbidden", "a client sees the refusal")
	require.Zero(t, conns.Load(), "nothing was dialled")
}

func TestConnectWithoutTLSIsRefused(t *testing.T) {
	r := newRig(t, https.Config{})
	front := https.New(r.e, https.Config{Hosts: r.e.Hosts()})
	t.Cleanup(func() { front.Close() })
	srv := httptest.NewServer(front)
	t.Cleanup(srv.Close)
	r.main, r.proxyURL.Host = srv, strings.TrimPrefix(srv.URL, "http://")

	_, _, resp := r.rawConnect(t, "app.cleverapp.pro:443")
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
	require.JSONEq(t, `{"error":"HTTPS is off, so CONNECT cannot be answered: start fakebots with --tls"}`, readAll(t, resp.Body))
	a := do(t, srv.Client(), "GET", srv.URL+https.CAPath, "")
	require.Equal(t, http.StatusNotFound, a.status)
	require.JSONEq(t, `{"error":"no local CA: HTTPS is off (start fakebots with --tls)"}`, a.body)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	require.Error(t, front.ServeTLS(ln))
}

// TestBadProxyInput: malformed CONNECTs and tunnels that do not carry TLS
// get an answer or a closed connection, never a hang, and the emulator
// keeps serving.
func TestBadProxyInput(t *testing.T) {
	r := newRig(t, https.Config{})
	_, _, resp := r.rawConnect(t, "app.cleverapp.pro")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.JSONEq(t, `{"error":"CONNECT needs host:port, not \"app.cleverapp.pro\""}`, readAll(t, resp.Body))

	// Plain HTTP inside the tunnel.
	conn, br, resp := r.rawConnect(t, "app.cleverapp.pro:443")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	_, err := io.WriteString(conn, "GET /api/v1/getMe HTTP/1.1\r\nHost: app.cleverapp.pro\r\n\r\n")
	require.NoError(t, err)
	require.Equal(t, "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n", readAll(t, br))

	// Bytes that are no TLS handshake: the tunnel is closed and logged.
	conn, br, _ = r.rawConnect(t, "app.cleverapp.pro:443")
	_, err = conn.Write([]byte("\x00\x01garbage\r\n\r\n"))
	require.NoError(t, err)
	readAll(t, br) // ends: the server closed the tunnel
	r.logs.waitFor(t, "TLS handshake error")

	// A client that does not trust the CA: its refusal is logged for the user to see.
	_, err = (&http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(r.proxyURL)}}).Get("https://app.cleverapp.pro/")
	var unknownAuthority x509.UnknownAuthorityError
	require.ErrorAs(t, err, &unknownAuthority)
	r.logs.waitFor(t, "remote error: tls: bad certificate")

	a := do(t, r.viaProxy(), "GET", "https://app.cleverapp.pro/api/v1/getMe?api_token=demo-cleverapp-token", "", "X-Requested-With", "XMLHttpRequest")
	require.Equal(t, http.StatusOK, a.status, "still serving")
}

// TestHandshakeSentWithTheConnect: a client that sends its TLS handshake
// right behind the CONNECT, without waiting for the 200, is served.
func TestHandshakeSentWithTheConnect(t *testing.T) {
	r := newRig(t, https.Config{})
	raw, err := net.DialTimeout("tcp", r.proxyURL.Host, 5*time.Second)
	require.NoError(t, err)
	defer raw.Close()
	require.NoError(t, raw.SetDeadline(time.Now().Add(10*time.Second)))
	conn := &eagerConn{Conn: raw, connect: "CONNECT app.cleverapp.pro:443 HTTP/1.1\r\nHost: app.cleverapp.pro:443\r\n\r\n"}
	client := tls.Client(conn, &tls.Config{ServerName: "app.cleverapp.pro", RootCAs: r.ca.Pool()})
	require.NoError(t, client.Handshake())
	_, err = io.WriteString(client, "GET /api/v1/getMe?api_token=demo-cleverapp-token HTTP/1.1\r\nHost: app.cleverapp.pro\r\nX-Requested-With: XMLHttpRequest\r\nConnection: close\r\n\r\n")
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(readAll(t, client), "HTTP/1.1 200 OK\r\n"))
}

// eagerConn sends the CONNECT request in the same write as the first TLS
// record, and skips the proxy's answer before the first read.
type eagerConn struct {
	net.Conn
	connect  string
	answered bool
}

func (c *eagerConn) Write(p []byte) (int, error) {
	if c.connect != "" {
		p = append([]byte(c.connect), p...)
		n := len(c.connect)
		c.connect = ""
		written, err := c.Conn.Write(p)
		return max(written-n, 0), err
	}
	return c.Conn.Write(p)
}

func (c *eagerConn) Read(p []byte) (int, error) {
	if !c.answered {
		const ok = "HTTP/1.1 200 Connection established\r\n\r\n"
		buf := make([]byte, len(ok))
		if _, err := io.ReadFull(c.Conn, buf); err != nil {
			return 0, err
		}
		if string(buf) != ok {
			return 0, errors.New("unexpected answer to CONNECT: " + string(buf))
		}
		c.answered = true
	}
	return c.Conn.Read(p)
}

// TestUnknownServerName: a handshake for a name fakebots does not emulate
// gets the listener's own certificate (localhost, 127.0.0.1, ::1), so the
// client refuses it for its name, and nothing is issued for that name.
func TestUnknownServerName(t *testing.T) {
	r := newRig(t, https.Config{})
	_, err := tls.Dial("tcp", r.tlsAddr, &tls.Config{ServerName: "example.com", RootCAs: r.ca.Pool()})
	var wrongName x509.HostnameError
	require.ErrorAs(t, err, &wrongName)

	conn, err := tls.Dial("tcp", r.tlsAddr, &tls.Config{ServerName: "example.com", InsecureSkipVerify: true})
	require.NoError(t, err)
	defer conn.Close()
	cert := conn.ConnectionState().PeerCertificates[0]
	require.Equal(t, []string{"localhost"}, cert.DNSNames)
	require.Equal(t, "[127.0.0.1 ::1]", fmt.Sprint(cert.IPAddresses))
	local, err := r.ca.Leaf("localhost", "127.0.0.1", "::1")
	require.NoError(t, err)
	require.Equal(t, local.Certificate[0], cert.Raw, "the listener's own certificate")
}

// TestBringYourOwnCertificate: a certificate that is not a CA is shown for
// every name, on the listener and in the proxy's tunnels; there is no CA
// to serve.
func TestBringYourOwnCertificate(t *testing.T) {
	theirs, err := https.NewCA()
	require.NoError(t, err)
	given, err := theirs.Leaf("app.cleverapp.pro", "fakebots.internal")
	require.NoError(t, err)
	r := newRig(t, https.Config{Certificate: given})
	r.ca = theirs // the clients trust the CA that signed the given certificate

	for name, c := range map[string]*http.Client{"listener": r.viaListener(), "proxy": r.viaProxy()} {
		a := r.call(t, c, "cleverapp", "app.cleverapp.pro")
		require.Equal(t, http.StatusOK, a.status, name)
		require.Equal(t, given.Certificate[0], a.tls.PeerCertificates[0].Raw, name)
	}
	conn, err := tls.Dial("tcp", r.tlsAddr, &tls.Config{ServerName: "fakebots.internal", RootCAs: theirs.Pool()})
	require.NoError(t, err)
	conn.Close()

	a := do(t, r.main.Client(), "GET", r.main.URL+https.CAPath, "")
	require.Equal(t, http.StatusNotFound, a.status)
	require.JSONEq(t, `{"error":"no local CA: HTTPS is served with the certificate fakebots was given"}`, a.body)
}

// TestLocalNames: more names of the listener (the host a container is
// reached by, say) join the default ones on its certificate.
func TestLocalNames(t *testing.T) {
	r := newRig(t, https.Config{LocalNames: []string{"Fakebots.Internal", "127.0.0.1"}})
	conn, err := tls.Dial("tcp", r.tlsAddr, &tls.Config{ServerName: "fakebots.internal", RootCAs: r.ca.Pool()})
	require.NoError(t, err)
	defer conn.Close()
	cert := conn.ConnectionState().PeerCertificates[0]
	require.Equal(t, []string{"localhost", "fakebots.internal"}, cert.DNSNames)
	require.Equal(t, "[127.0.0.1 ::1]", fmt.Sprint(cert.IPAddresses))
}
