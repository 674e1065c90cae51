package https_test

import (
	"crypto/tls"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/https"
)

// A client that calls the real https:// URL, unchanged, tested against the
// emulator through its proxy: only the transport's proxy and trusted CA
// differ from production (HTTPS_PROXY and SSL_CERT_FILE do the same for a
// client built with http.DefaultTransport).
func Example() {
	e, err := emulator.New(emulator.WithSeed("demo"))
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	ca, err := https.NewCA()
	if err != nil {
		log.Fatal(err)
	}
	front := https.New(e, https.Config{Hosts: e.Hosts(), CA: ca})
	defer front.Close()
	proxy := httptest.NewServer(front)
	defer proxy.Close()

	proxyURL, _ := url.Parse(proxy.URL)
	client := &http.Client{Transport: &http.Transport{
		Proxy:           http.ProxyURL(proxyURL),
		TLSClientConfig: &tls.Config{RootCAs: ca.Pool()},
	}}
	req, _ := http.NewRequest("GET", "https://app.cleverapp.pro/api/v1/getMe?api_token=demo-cleverapp-token", nil)
	req.Header.Set("X-Requested-With", "XMLHttpRequest")
	resp, err := client.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status, resp.TLS.PeerCertificates[0].DNSNames)
	// Output: 200 OK [app.cleverapp.pro]
}
