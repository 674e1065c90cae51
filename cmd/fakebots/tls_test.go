package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/https"
)

// served is a fakebots started in-process as the command starts it.
type served struct {
	banner string
	main   string // host:port of the main listener
	https  string // host:port of the HTTPS listener, "" without one
	caFile string // the CA file the banner names, "" without one
}

// serveFor starts `fakebots serve args...` (on free ports unless args say
// otherwise) and stops it, cleanly, at the end of the test.
func serveFor(t *testing.T, args ...string) served {
	t.Helper()
	c, err := parseServeFlags(append([]string{"--addr", "127.0.0.1:0", "--tls-addr", "127.0.0.1:0", "--log-level", "error"}, args...), io.Discard)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	out := &signalWriter{ready: make(chan struct{})}
	done := make(chan error, 1)
	go func() { done <- listenAndServe(ctx, c, discardLogger(), out) }()
	select {
	case <-out.ready:
	case err := <-done:
		cancel()
		t.Fatalf("fakebots stopped: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("no banner")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err, "a clean shutdown")
		case <-time.After(15 * time.Second):
			t.Error("fakebots did not stop")
		}
	})
	s := served{banner: out.String()}
	find := func(pattern string) string {
		if m := regexp.MustCompile(pattern).FindStringSubmatch(s.banner); m != nil {
			return m[1]
		}
		return ""
	}
	s.main = find(`listening on http://(\S+)`)
	s.https = find(`HTTPS on https://(\S+)`)
	s.caFile = find(`Trust the CA (\S+)`)
	return s
}

// get fetches a URL with a client and returns the status and body.
func get(t *testing.T, c *http.Client, target string) (int, string) {
	t.Helper()
	resp, err := c.Get(target)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

// trusting is a client that trusts only the CA in caPEM and, like a
// hosts-file entry, reaches every host at addr.
func trusting(t *testing.T, caPEM []byte, addr string) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(caPEM))
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		},
	}}
}

func TestTLSFlagsAndEnvironment(t *testing.T) {
	c, err := parseServeFlags(nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, tlsSettings{addr: "127.0.0.1:8443"}, c.tls, "off by default")

	t.Setenv("FAKEBOTS_TLS", "1")
	t.Setenv("FAKEBOTS_TLS_ADDR", "0.0.0.0:443")
	t.Setenv("FAKEBOTS_TLS_DIR", "/var/lib/fakebots/tls")
	t.Setenv("FAKEBOTS_TLS_CERT", "env.pem")
	t.Setenv("FAKEBOTS_TLS_KEY", "env-key.pem")
	c, err = parseServeFlags([]string{"--tls-addr", "127.0.0.1:9443", "--tls-cert", "cert.pem", "--tls-key", "key.pem"}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, tlsSettings{on: true, addr: "127.0.0.1:9443", dir: "/var/lib/fakebots/tls", cert: "cert.pem", key: "key.pem"}, c.tls,
		"the variables set what the command line does not")

	t.Setenv("FAKEBOTS_TLS_KEY", "")
	_, err = parseServeFlags(nil, io.Discard)
	require.EqualError(t, err, "--tls-cert and --tls-key go together")
	t.Setenv("FAKEBOTS_TLS", "maybe")
	_, err = parseServeFlags(nil, io.Discard)
	require.ErrorContains(t, err, "FAKEBOTS_TLS")
}

func TestCADirectory(t *testing.T) {
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config) // os.UserConfigDir on Linux and BSD
	t.Setenv("HOME", config)
	userDir, err := os.UserConfigDir()
	require.NoError(t, err)
	for _, tc := range []struct {
		settings tlsSettings
		db, want string
	}{
		{tlsSettings{dir: "/srv/ca"}, "/data/state.db", "/srv/ca"},
		{tlsSettings{}, "/data/state.db", "/data/fakebots-tls"},
		{tlsSettings{}, "state.db", "fakebots-tls"},
		{tlsSettings{}, "", filepath.Join(userDir, "fakebots", "tls")},
	} {
		dir, err := tc.settings.caDir(tc.db)
		require.NoError(t, err)
		require.Equal(t, tc.want, dir)
	}
}

// TestTLSKeepsTheCAWithTheDatabase: with --db the CA lives beside the
// database, and a restarted fakebots serves the same CA, so a client that
// trusted it before still does.
func TestTLSKeepsTheCAWithTheDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "state.db")
	var first []byte
	for run := range 2 {
		t.Run([]string{"first start", "restart"}[run], func(t *testing.T) {
			s := serveFor(t, "--tls", "--db", db)
			require.Equal(t, filepath.Join(dir, "fakebots-tls", https.CertFile), s.caFile)
			require.Contains(t, s.banner, "(also at http://"+s.main+https.CAPath+")")
			onDisk, err := os.ReadFile(s.caFile)
			require.NoError(t, err)
			status, served := get(t, http.DefaultClient, "http://"+s.main+https.CAPath)
			require.Equal(t, http.StatusOK, status)
			require.Equal(t, string(onDisk), served)
			if first == nil {
				first = onDisk
			}
			require.Equal(t, string(first), served, "the same CA after a restart")

			status, body := get(t, trusting(t, first, s.https), "https://app.onebot.tech/api/v1/getMe?api_token=demo-onebot-token")
			require.Equal(t, http.StatusOK, status, body)
		})
	}
}

// TestWithoutTLSNothingIsWritten: plain fakebots creates no CA, refuses
// CONNECT and says how to get HTTPS.
func TestWithoutTLSNothingIsWritten(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	s := serveFor(t, "--seed", "none")
	require.NotContains(t, s.banner, "HTTPS")
	require.Empty(t, s.https)

	status, body := get(t, http.DefaultClient, "http://"+s.main+https.CAPath)
	require.Equal(t, http.StatusNotFound, status)
	require.JSONEq(t, `{"error":"no local CA: HTTPS is off (start fakebots with --tls)"}`, body)
	proxy := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: http.ProxyURL(&url.URL{Scheme: "http", Host: s.main})}}
	_, err := proxy.Get("https://app.cleverapp.pro/api/v1/getMe")
	require.ErrorContains(t, err, "Forbidden")
	entries, err := os.ReadDir(home)
	require.NoError(t, err)
	require.Empty(t, entries, "nothing written to the user's directories")
}

// TestTLSProxyOnly: an empty --tls-addr keeps the proxy route and the CA
// without an HTTPS listener.
func TestTLSProxyOnly(t *testing.T) {
	s := serveFor(t, "--tls", "--tls-addr", "", "--tls-dir", t.TempDir(), "--seed", "demo")
	require.Empty(t, s.https)
	require.Contains(t, s.banner, "HTTPS_PROXY=http://"+s.main)
	ca, err := os.ReadFile(s.caFile)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(ca))
	proxy := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		Proxy:           http.ProxyURL(&url.URL{Scheme: "http", Host: s.main}),
		TLSClientConfig: &tls.Config{RootCAs: pool},
	}}
	status, body := get(t, proxy, "https://chatter.zmservice.ru/api/d3f31dabef80ddeb73d43938b4ef8bb0/connected_channels")
	require.Equal(t, http.StatusOK, status, body)
}

// TestTLSWithAGivenCertificate: --tls-cert/--tls-key with a CA certificate
// issue per-host certificates from it; with any other certificate that
// certificate is served for every name and there is no CA to fetch.
func TestTLSWithAGivenCertificate(t *testing.T) {
	caDir := t.TempDir()
	theirs, err := https.LoadOrCreateCA(caDir)
	require.NoError(t, err)
	caCert, caKey := filepath.Join(caDir, https.CertFile), filepath.Join(caDir, https.KeyFile)

	t.Run("a CA", func(t *testing.T) {
		s := serveFor(t, "--tls", "--tls-cert", caCert, "--tls-key", caKey)
		require.Equal(t, caCert, s.caFile)
		status, body := get(t, http.DefaultClient, "http://"+s.main+https.CAPath)
		require.Equal(t, http.StatusOK, status)
		require.Equal(t, string(theirs.CertPEM()), body)
		status, body = get(t, trusting(t, theirs.CertPEM(), s.https), "https://app.cleverapp.pro/api/v1/getMe?api_token=demo-cleverapp-token")
		require.Equal(t, http.StatusOK, status, body)
	})

	t.Run("a server certificate", func(t *testing.T) {
		leaf, err := theirs.Leaf("fakebots.internal")
		require.NoError(t, err)
		dir := t.TempDir()
		certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
		writePEM(t, certFile, "CERTIFICATE", leaf.Certificate[0])
		key, err := x509.MarshalPKCS8PrivateKey(leaf.PrivateKey)
		require.NoError(t, err)
		writePEM(t, keyFile, "PRIVATE KEY", key)

		s := serveFor(t, "--tls", "--tls-cert", certFile, "--tls-key", keyFile)
		require.Contains(t, s.banner, "HTTPS certificate: "+certFile)
		status, body := get(t, http.DefaultClient, "http://"+s.main+https.CAPath)
		require.Equal(t, http.StatusNotFound, status)
		require.JSONEq(t, `{"error":"no local CA: HTTPS is served with the certificate fakebots was given"}`, body)
		status, body = get(t, trusting(t, theirs.CertPEM(), s.https), "https://fakebots.internal/__fakebots/health")
		require.Equal(t, http.StatusOK, status, body)
	})

	t.Run("a broken pair", func(t *testing.T) {
		c, err := parseServeFlags([]string{"--tls", "--tls-cert", caCert, "--tls-key", caCert}, io.Discard)
		require.NoError(t, err)
		require.ErrorContains(t, listenAndServe(context.Background(), c, discardLogger(), io.Discard), "--tls-cert")
	})
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600))
}
