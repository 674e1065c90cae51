package https_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/https"
)

func parsePEM(t *testing.T, raw []byte) *x509.Certificate {
	t.Helper()
	block, rest := pem.Decode(raw)
	require.NotNil(t, block)
	require.Empty(t, rest)
	require.Equal(t, "CERTIFICATE", block.Type)
	cert, err := x509.ParseCertificate(block.Bytes)
	require.NoError(t, err)
	return cert
}

func TestCAConstraints(t *testing.T) {
	ca, err := https.NewCA()
	require.NoError(t, err)
	cert := parsePEM(t, ca.CertPEM())
	require.True(t, cert.BasicConstraintsValid)
	require.True(t, cert.IsCA)
	require.True(t, cert.MaxPathLenZero, "it signs server certificates only, no intermediate CAs")
	require.Zero(t, cert.MaxPathLen)
	require.Equal(t, x509.KeyUsageCertSign, cert.KeyUsage)
	require.NoError(t, cert.CheckSignatureFrom(cert), "self-signed")
	require.Equal(t, "fakebots local CA", cert.Subject.CommonName)
	require.Equal(t, 10*365*24*time.Hour+time.Hour, cert.NotAfter.Sub(cert.NotBefore))
	require.WithinDuration(t, time.Now().Add(-time.Hour), cert.NotBefore, time.Minute)
	require.Empty(t, ca.Path(), "in memory")
}

func TestLeafCertificates(t *testing.T) {
	ca, err := https.NewCA()
	require.NoError(t, err)
	c, err := ca.Leaf("app.cleverapp.pro")
	require.NoError(t, err)
	leaf := c.Leaf
	require.Equal(t, []string{"app.cleverapp.pro"}, leaf.DNSNames)
	require.Empty(t, leaf.IPAddresses)
	require.Empty(t, leaf.Subject.CommonName, "names are in the SANs, not the CN")
	require.False(t, leaf.IsCA)
	require.Equal(t, x509.KeyUsageDigitalSignature, leaf.KeyUsage)
	require.Equal(t, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, leaf.ExtKeyUsage)
	require.Equal(t, 397*24*time.Hour, leaf.NotAfter.Sub(leaf.NotBefore), "within what every client accepts")
	require.Len(t, c.Certificate, 1, "the root is not sent")
	_, err = leaf.Verify(x509.VerifyOptions{DNSName: "app.cleverapp.pro", Roots: ca.Pool()})
	require.NoError(t, err)
	_, err = leaf.Verify(x509.VerifyOptions{DNSName: "app.onebot.tech", Roots: ca.Pool()})
	require.Error(t, err)

	again, err := ca.Leaf("app.cleverapp.pro")
	require.NoError(t, err)
	require.Same(t, c, again, "issued once")

	local, err := ca.Leaf("localhost", "127.0.0.1", "::1")
	require.NoError(t, err)
	require.Equal(t, []string{"localhost"}, local.Leaf.DNSNames)
	require.Len(t, local.Leaf.IPAddresses, 2)
	_, err = local.Leaf.Verify(x509.VerifyOptions{DNSName: "127.0.0.1", Roots: ca.Pool()})
	require.NoError(t, err)
}

// TestCAKeptInADirectory: the CA is created once, with its key readable by
// the owner only, and loaded unchanged afterwards.
func TestCAKeptInADirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fakebots", "tls")
	ca, err := https.LoadOrCreateCA(dir)
	require.NoError(t, err)
	certFile := filepath.Join(dir, https.CertFile)
	require.Equal(t, certFile, ca.Path())
	onDisk, err := os.ReadFile(certFile)
	require.NoError(t, err)
	require.Equal(t, ca.CertPEM(), onDisk)
	if runtime.GOOS != "windows" {
		for file, mode := range map[string]os.FileMode{https.CertFile: 0o644, https.KeyFile: 0o600} {
			info, err := os.Stat(filepath.Join(dir, file))
			require.NoError(t, err)
			require.Equal(t, mode, info.Mode().Perm(), file)
		}
	}

	again, err := https.LoadOrCreateCA(dir)
	require.NoError(t, err)
	require.Equal(t, ca.CertPEM(), again.CertPEM())
	leaf, err := again.Leaf("api.bothelp.io")
	require.NoError(t, err)
	_, err = leaf.Leaf.Verify(x509.VerifyOptions{DNSName: "api.bothelp.io", Roots: ca.Pool()})
	require.NoError(t, err, "a client that trusted the CA before trusts it after")

	// The certificate file follows the key file, whatever happened to it.
	require.NoError(t, os.WriteFile(certFile, []byte("edited"), 0o644))
	_, err = https.LoadOrCreateCA(dir)
	require.NoError(t, err)
	onDisk, err = os.ReadFile(certFile)
	require.NoError(t, err)
	require.Equal(t, ca.CertPEM(), onDisk)
	require.NoError(t, os.Remove(certFile))
	_, err = https.LoadOrCreateCA(dir)
	require.NoError(t, err)
	require.FileExists(t, certFile)
	requireFiles(t, dir, https.CertFile, https.KeyFile)
}

// requireFiles checks that dir holds exactly names: no temporary file left.
func requireFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	require.ElementsMatch(t, names, got)
}

// TestCACreatedOnceByProcessesStartingTogether: emulators started at once
// on a fresh directory (parallel test packages, say) share one CA.
func TestCACreatedOnceByProcessesStartingTogether(t *testing.T) {
	dir := t.TempDir()
	const n = 8
	pems := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ca, err := https.LoadOrCreateCA(dir)
			if err == nil {
				pems[i] = ca.CertPEM()
			}
		}()
	}
	wg.Wait()
	for i := range n {
		require.Equal(t, pems[0], pems[i])
	}
	require.NotEmpty(t, pems[0])
	requireFiles(t, dir, https.CertFile, https.KeyFile)
}

func TestDamagedCAFileIsAnError(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, https.KeyFile)
	require.NoError(t, os.WriteFile(keyFile, []byte("not a key"), 0o600))
	_, err := https.LoadOrCreateCA(dir)
	require.ErrorContains(t, err, keyFile)
	raw, err := os.ReadFile(keyFile)
	require.NoError(t, err)
	require.Equal(t, "not a key", string(raw), "never replaced: clients may trust it")
}

// TestCAFromKeyPair: a CA the user brings issues certificates like the
// generated one; a certificate that cannot sign is not a CA.
func TestCAFromKeyPair(t *testing.T) {
	dir := t.TempDir()
	generated, err := https.LoadOrCreateCA(dir)
	require.NoError(t, err)
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, https.CertFile), filepath.Join(dir, https.KeyFile))
	require.NoError(t, err)
	ca, err := https.NewCAFromKeyPair(pair)
	require.NoError(t, err)
	require.Equal(t, generated.CertPEM(), ca.CertPEM())
	leaf, err := ca.Leaf("chatter.salebot.pro")
	require.NoError(t, err)
	_, err = leaf.Leaf.Verify(x509.VerifyOptions{DNSName: "chatter.salebot.pro", Roots: generated.Pool()})
	require.NoError(t, err)

	_, err = https.NewCAFromKeyPair(*leaf)
	require.ErrorIs(t, err, https.ErrNotCA)
	_, err = https.NewCAFromKeyPair(tls.Certificate{})
	require.Error(t, err)
}

// intermediateCA makes a root valid for an hour from now and an
// intermediate CA it signed, named name.
func intermediateCA(t *testing.T, now time.Time, name string) (rootDER, interDER []byte, interKey *ecdsa.PrivateKey) {
	t.Helper()
	rootKey, rootDER := selfSignedCA(t, now, now.Add(time.Hour))
	root, err := x509.ParseCertificate(rootDER)
	require.NoError(t, err)
	interKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	interDER, err = x509.CreateCertificate(rand.Reader, caTemplate(now, now.Add(time.Hour), name), root, &interKey.PublicKey, rootKey)
	require.NoError(t, err)
	return rootDER, interDER, interKey
}

// TestIntermediateCAFromKeyPair: with an intermediate CA, every leaf is sent
// with the intermediate, so a client trusting only the root verifies it.
func TestIntermediateCAFromKeyPair(t *testing.T) {
	now := time.Now()
	rootDER, interDER, interKey := intermediateCA(t, now, "intermediate")
	ca, err := https.NewCAFromKeyPair(tls.Certificate{Certificate: [][]byte{interDER, rootDER}, PrivateKey: interKey})
	require.NoError(t, err)
	leaf, err := ca.Leaf("oauth.bothelp.io")
	require.NoError(t, err)
	require.Equal(t, [][]byte{leaf.Leaf.Raw, interDER}, leaf.Certificate, "the intermediate follows, the root does not")
	require.True(t, leaf.Leaf.NotAfter.Equal(now.Add(time.Hour).Truncate(time.Second)), "a leaf never outlives its CA")

	intermediates := x509.NewCertPool()
	inter, err := x509.ParseCertificate(interDER)
	require.NoError(t, err)
	intermediates.AddCert(inter)
	root, err := x509.ParseCertificate(rootDER)
	require.NoError(t, err)
	roots := x509.NewCertPool()
	roots.AddCert(root)
	_, err = leaf.Leaf.Verify(x509.VerifyOptions{DNSName: "oauth.bothelp.io", Roots: roots, Intermediates: intermediates})
	require.NoError(t, err)
}

func TestExpiredCAIsAnError(t *testing.T) {
	now := time.Now()
	key, der := selfSignedCA(t, now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	_, err := https.NewCAFromKeyPair(tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key})
	require.ErrorContains(t, err, "the CA expired on "+now.Add(-24*time.Hour).UTC().Format(time.DateOnly))
}

func caTemplate(notBefore, notAfter time.Time, name string) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:          big.NewInt(notBefore.UnixNano()),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
}

func selfSignedCA(t *testing.T, notBefore, notAfter time.Time) (*ecdsa.PrivateKey, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := caTemplate(notBefore, notAfter, "root")
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return key, der
}
