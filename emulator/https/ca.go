// Package https puts HTTPS in front of the emulator, so that clients which
// hard-code the platforms' https:// URLs reach it unmodified: a local
// certificate authority issues a certificate per emulated host, an HTTPS
// listener serves them by SNI, and a forward proxy (HTTPS_PROXY) terminates
// CONNECT tunnels to emulated hosts with the same authority. It never
// connects anywhere itself: proxy requests for any other host are refused.
package https

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Files of a CA kept on disk by LoadOrCreateCA.
const (
	// CertFile is the CA certificate (PEM) that clients trust.
	CertFile = "ca.pem"
	// KeyFile holds the CA's private key and certificate (PEM), readable by
	// the owner only.
	KeyFile = "ca-key.pem"
)

const (
	caValidity = 10 * 365 * 24 * time.Hour
	// leafValidity is within what every client accepts for a server
	// certificate (Apple's and browsers' limit is 398 days).
	leafValidity = 397 * 24 * time.Hour
	// backdate lets clients whose clock is a little behind accept a
	// certificate issued just now.
	backdate = time.Hour
	// renewBefore is how long before it expires a cached leaf is replaced.
	renewBefore = 24 * time.Hour
)

// ErrNotCA is returned by NewCAFromKeyPair for a certificate that cannot
// sign others.
var ErrNotCA = errors.New("not a CA certificate")

// CA is a certificate authority that issues server certificates on demand.
// It is safe for concurrent use.
type CA struct {
	cert    *x509.Certificate
	certPEM []byte
	key     crypto.Signer
	chain   [][]byte // certificates sent after every leaf: the intermediates of a CA a user brings
	path    string   // the certificate's file, "" for a CA in memory
	now     func() time.Time

	mu     sync.Mutex
	leaves map[string]*tls.Certificate
}

// NewCA creates a CA in memory, for Go tests.
func NewCA() (*CA, error) {
	raw, err := generateCA(time.Now())
	if err != nil {
		return nil, err
	}
	return parseCA(raw)
}

// LoadOrCreateCA loads the CA kept in dir, creating it (and dir) on first
// use: KeyFile (0600) holds the key and the certificate, CertFile (0644)
// the certificate alone. Processes starting together on a fresh directory
// all end up with the same CA.
func LoadOrCreateCA(dir string) (*CA, error) {
	keyFile := filepath.Join(dir, KeyFile)
	raw, err := os.ReadFile(keyFile)
	if errors.Is(err, fs.ErrNotExist) {
		raw, err = createCA(dir, keyFile)
	}
	if err != nil {
		return nil, err
	}
	ca, err := parseCA(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyFile, err)
	}
	ca.path = filepath.Join(dir, CertFile)
	if err := writeIfChanged(ca.path, ca.certPEM, 0o644); err != nil {
		return nil, err
	}
	return ca, nil
}

// NewCAFromKeyPair makes a CA of a certificate and key a user brings (an
// existing development CA, say). It fails with ErrNotCA for a certificate
// that cannot sign others, and with an error for a key that is not the
// certificate's.
func NewCAFromKeyPair(pair tls.Certificate) (*CA, error) {
	if len(pair.Certificate) == 0 {
		return nil, errors.New("no certificate")
	}
	cert := pair.Leaf
	if cert == nil {
		var err error
		if cert, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return nil, err
		}
	}
	if !cert.IsCA || (cert.KeyUsage != 0 && cert.KeyUsage&x509.KeyUsageCertSign == 0) {
		return nil, ErrNotCA
	}
	key, ok := pair.PrivateKey.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("a %T key cannot sign", pair.PrivateKey)
	}
	if pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(cert.PublicKey) {
		return nil, errors.New("the private key does not match the CA certificate")
	}
	ca := &CA{
		cert:    cert,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}),
		key:     key,
		now:     time.Now,
		leaves:  map[string]*tls.Certificate{},
	}
	for _, der := range pair.Certificate {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, err
		}
		if !selfSigned(c) {
			ca.chain = append(ca.chain, der)
		}
	}
	if now := ca.now(); now.After(cert.NotAfter) {
		return nil, fmt.Errorf("the CA expired on %s", cert.NotAfter.Format(time.DateOnly))
	}
	return ca, nil
}

// CertPEM is the CA certificate, PEM-encoded: what clients trust.
func (ca *CA) CertPEM() []byte { return bytes.Clone(ca.certPEM) }

// Path is the file holding the CA certificate, "" for a CA in memory.
func (ca *CA) Path() string { return ca.path }

// Pool is a certificate pool holding only this CA, for a client that
// trusts nothing else.
func (ca *CA) Pool() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	return pool
}

// Leaf returns a server certificate for names (DNS names or IP addresses)
// signed by the CA: issued on first use, then reused until a day before it
// expires.
func (ca *CA) Leaf(names ...string) (*tls.Certificate, error) {
	id := strings.Join(names, " ")
	ca.mu.Lock()
	defer ca.mu.Unlock()
	now := ca.now()
	if c := ca.leaves[id]; c != nil && now.Before(c.Leaf.NotAfter.Add(-renewBefore)) {
		return c, nil
	}
	c, err := ca.issue(now, names)
	if err != nil {
		return nil, err
	}
	ca.leaves[id] = c
	return c, nil
}

func (ca *CA) issue(now time.Time, names []string) (*tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, err
	}
	notBefore := now.Add(-backdate)
	notAfter := notBefore.Add(leafValidity)
	if notAfter.After(ca.cert.NotAfter) {
		notAfter = ca.cert.NotAfter // a leaf never outlives its CA
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{Organization: []string{"fakebots"}},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, name := range names {
		if ip := net.ParseIP(name); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, name)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &tls.Certificate{Certificate: append([][]byte{der}, ca.chain...), PrivateKey: key, Leaf: leaf}, nil
}

// generateCA makes a new CA: its key and certificate, PEM-encoded in one
// file's contents. The certificate may sign server certificates only
// (MaxPathLen 0: no intermediate CAs).
func generateCA(now time.Time) ([]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := serialNumber()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "fakebots local CA", Organization: []string{"fakebots"}},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(caValidity),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return append(
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...), nil
}

// parseCA reads a key file's contents: a private key and a CA certificate.
func parseCA(raw []byte) (*CA, error) {
	pair, err := tls.X509KeyPair(raw, raw)
	if err != nil {
		return nil, err
	}
	return NewCAFromKeyPair(pair)
}

// createCA creates a CA in keyFile, unless another process does so first,
// and returns the file's contents.
func createCA(dir, keyFile string) ([]byte, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	raw, err := generateCA(time.Now())
	if err != nil {
		return nil, err
	}
	tmp, err := writeTemp(dir, raw, 0o600)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	// A hard link publishes the whole file at once and fails when the name
	// exists: when several processes create a CA together, the first one
	// wins and every process loads that one.
	if err := os.Link(tmp, keyFile); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("create the CA in %s: %w", dir, err)
	}
	return os.ReadFile(keyFile)
}

// writeIfChanged replaces path with data atomically, unless it holds data
// already.
func writeIfChanged(path string, data []byte, perm os.FileMode) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	tmp, err := writeTemp(filepath.Dir(path), data, perm)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// writeTemp writes data to a new file in dir with perm, synced to disk, and
// returns its name.
func writeTemp(dir string, data []byte, perm os.FileMode) (string, error) {
	f, err := os.CreateTemp(dir, ".fakebots-*.tmp")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

func serialNumber() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
}

func selfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignatureFrom(c) == nil
}
