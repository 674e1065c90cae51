package https_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/https"
)

// rig is an emulator with the demo tenant behind a Front: the main
// listener (plain HTTP, the proxy) and an HTTPS listener.
type rig struct {
	e        *emulator.Emulator
	front    *https.Front
	ca       *https.CA
	main     *httptest.Server
	tlsAddr  string
	logs     *syncBuffer
	demo     map[string]json.RawMessage
	proxyURL *url.URL
}

// demo is the emulator every rig fronts: made once, as it is most of a
// rig's cost. Tests only read its demo tenant (and take BotHelp tokens).
var demo *emulator.Emulator

func TestMain(m *testing.M) {
	var err error
	demo, err = emulator.New(emulator.WithSeed("demo"), emulator.WithTick(0), emulator.WithRateLimits(false))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	demo.Close()
	os.Exit(code)
}

// newRig starts a rig; cfg.Hosts and cfg.Log are filled in, and cfg.CA is
// a fresh CA unless cfg names a CA or a certificate.
func newRig(t *testing.T, cfg https.Config) *rig {
	t.Helper()
	e := demo
	var err error
	r := &rig{e: e, logs: &syncBuffer{}}
	if cfg.CA == nil && cfg.Certificate == nil {
		cfg.CA, err = https.NewCA()
		require.NoError(t, err)
	}
	r.ca = cfg.CA
	cfg.Hosts = e.Hosts()
	cfg.Log = slog.New(slog.NewTextHandler(r.logs, nil))
	r.front = https.New(e, cfg)
	t.Cleanup(func() { r.front.Close() })
	r.main = httptest.NewServer(r.front)
	t.Cleanup(r.main.Close)
	r.proxyURL, err = url.Parse(r.main.URL)
	require.NoError(t, err)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	r.tlsAddr = ln.Addr().String()
	go r.front.ServeTLS(ln)

	info, err := e.TenantInfo(context.Background(), e.SeedTenantID())
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(info, &r.demo))
	return r
}

// viaListener is a client that trusts only the rig's CA and reaches every
// host at the HTTPS listener, as a hosts-file entry would make it.
func (r *rig) viaListener() *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	return noRedirects(&http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: r.ca.Pool()},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, r.tlsAddr)
		},
	})
}

// viaProxy is a client that trusts only the rig's CA and goes through the
// main listener as HTTPS_PROXY (and HTTP_PROXY).
func (r *rig) viaProxy() *http.Client {
	return noRedirects(&http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: r.ca.Pool()},
		Proxy:           http.ProxyURL(r.proxyURL),
	})
}

// noRedirects makes a client that returns redirects rather than following
// them, so that tests see the Location.
func noRedirects(t *http.Transport) *http.Client {
	return &http.Client{
		Transport:     t,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// call is a request the demo tenant makes on one of a platform's real
// hosts, answered 200 by the emulator.
func (r *rig) call(t *testing.T, c *http.Client, platform, host string) answer {
	t.Helper()
	var creds struct {
		APIToken     string `json:"api_token"`
		APIKey       string `json:"api_key"`
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	require.NoError(t, json.Unmarshal(r.demo[platform], &creds))
	base := "https://" + host
	switch {
	case platform == "cleverapp" || platform == "onebot":
		return do(t, c, "GET", base+"/api/v1/getMe?api_token="+creds.APIToken, "", "X-Requested-With", "XMLHttpRequest")
	case platform == "salebot":
		return do(t, c, "GET", base+"/api/"+creds.APIKey+"/connected_channels", "")
	case platform == "bothelp" && strings.HasPrefix(host, "oauth."):
		return do(t, c, "POST", base+"/oauth2/token", url.Values{
			"grant_type": {"client_credentials"}, "client_id": {creds.ClientID}, "client_secret": {creds.ClientSecret},
		}.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	case platform == "bothelp":
		return do(t, c, "GET", base+"/v1/bots/", "", "Authorization", "Bearer "+r.bothelpToken(t))
	}
	t.Fatalf("no demo call for %s on %s", platform, host)
	return answer{}
}

// bothelpToken is an access token of the demo tenant.
func (r *rig) bothelpToken(t *testing.T) string {
	t.Helper()
	var creds struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	require.NoError(t, json.Unmarshal(r.demo["bothelp"], &creds))
	a := do(t, r.main.Client(), "POST", r.main.URL+"/bothelp/oauth2/token", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {creds.ClientID}, "client_secret": {creds.ClientSecret},
	}.Encode(), "Content-Type", "application/x-www-form-urlencoded")
	require.Equal(t, http.StatusOK, a.status, a.body)
	var token struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.Unmarshal([]byte(a.body), &token))
	return token.AccessToken
}

// answer is a finished exchange.
type answer struct {
	status int
	header http.Header
	body   string
	proto  string
	tls    *tls.ConnectionState
}

// do sends a request and reads the whole answer; headers come in name,
// value pairs.
func do(t *testing.T, c *http.Client, method, target, body string, headers ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	require.NoError(t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{status: resp.StatusCode, header: resp.Header, body: string(raw), proto: resp.Proto, tls: resp.TLS}
}

// syncBuffer collects log lines written from many goroutines.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{} // closed and replaced at every write
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.written != nil {
		close(b.written)
		b.written = nil
	}
	return b.buf.Write(p)
}

// waitFor waits until the logs hold want, failing the test after a few
// seconds.
func (b *syncBuffer) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		b.mu.Lock()
		if strings.Contains(b.buf.String(), want) {
			b.mu.Unlock()
			return
		}
		if b.written == nil {
			b.written = make(chan struct{})
		}
		written := b.written
		b.mu.Unlock()
		select {
		case <-written:
		case <-deadline:
			t.Fatalf("the logs never said %q:\n%s", want, b.String())
		}
	}
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// rawConnect opens a connection to the main listener and sends a CONNECT
// request line for target, returning the connection and the answer.
func (r *rig) rawConnect(t *testing.T, target string) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", r.proxyURL.Host, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	require.NoError(t, conn.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = io.WriteString(conn, "CONNECT "+target+" HTTP/1.1\r\nHost: "+target+"\r\n\r\n")
	require.NoError(t, err)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodConnect})
	require.NoError(t, err)
	return conn, br, resp
}

func readAll(t *testing.T, rd io.Reader) string {
	t.Helper()
	raw, err := io.ReadAll(rd)
	require.NoError(t, err)
	return string(raw)
}
