package https_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/https"
)

// TestKeyOfAnotherCertificateIsAnError: a pair whose key does not go with
// its certificate is refused at once, not at every handshake later.
func TestKeyOfAnotherCertificateIsAnError(t *testing.T) {
	now := time.Now()
	_, der := selfSignedCA(t, now, now.Add(time.Hour))
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	_, err = https.NewCAFromKeyPair(tls.Certificate{Certificate: [][]byte{der}, PrivateKey: other})
	require.EqualError(t, err, "the private key does not match the CA certificate")
}

// TestCADirectoryThatCannotBeMadeIsAnError: a CA directory that is a
// dangling link cannot be created, and the error says why.
func TestCADirectoryThatCannotBeMadeIsAnError(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links")
	}
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "tls")
	require.NoError(t, os.Symlink(filepath.Join(tmp, "gone", "tls"), dir))
	_, err := https.LoadOrCreateCA(dir)
	require.EqualError(t, err, "mkdir "+dir+": file exists")
}

// TestCADirectoryUnderAFileIsAnError: the key file cannot even be looked
// for under a regular file.
func TestCADirectoryUnderAFileIsAnError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err := https.LoadOrCreateCA(filepath.Join(file, "sub"))
	require.EqualError(t, err, "open "+filepath.Join(file, "sub", https.KeyFile)+": not a directory")
}

// TestCADirectoryWithoutRoomForFilesIsAnError: where no file can be made
// (a directory of /proc), the CA is not created.
func TestCADirectoryWithoutRoomForFilesIsAnError(t *testing.T) {
	if info, err := os.Stat("/proc/self"); err != nil || !info.IsDir() {
		t.Skip("no /proc")
	}
	_, err := https.LoadOrCreateCA("/proc/self")
	require.ErrorContains(t, err, "open /proc/self/.fakebots-")
	require.ErrorIs(t, err, os.ErrNotExist)
}

// TestCertFileThatCannotBeReplacedIsAnError: a directory where the CA
// certificate goes is an error, and no temporary file is left behind.
func TestCertFileThatCannotBeReplacedIsAnError(t *testing.T) {
	dir := t.TempDir()
	_, err := https.LoadOrCreateCA(dir)
	require.NoError(t, err)
	certFile := filepath.Join(dir, https.CertFile)
	require.NoError(t, os.Remove(certFile))
	require.NoError(t, os.MkdirAll(filepath.Join(certFile, "inside"), 0o755))
	_, err = https.LoadOrCreateCA(dir)
	require.ErrorContains(t, err, "rename ")
	require.ErrorContains(t, err, " "+certFile+": ")
	requireFiles(t, dir, https.CertFile, https.KeyFile)
}

// TestUnchangedCertFileIsLeftAlone: loading a CA whose certificate file is
// right does not rewrite it.
func TestUnchangedCertFileIsLeftAlone(t *testing.T) {
	dir := t.TempDir()
	_, err := https.LoadOrCreateCA(dir)
	require.NoError(t, err)
	certFile := filepath.Join(dir, https.CertFile)
	before, err := os.Stat(certFile)
	require.NoError(t, err)
	_, err = https.LoadOrCreateCA(dir)
	require.NoError(t, err)
	after, err := os.Stat(certFile)
	require.NoError(t, err)
	require.True(t, os.SameFile(before, after), "the same file, not a new one renamed over it")
}

// TestDamagedKeyPairIsAnError: what NewCAFromKeyPair cannot parse or use
// is an error saying so.
func TestDamagedKeyPairIsAnError(t *testing.T) {
	now := time.Now()
	key, der := selfSignedCA(t, now, now.Add(time.Hour))
	junk := []byte("not a certificate")

	_, err := https.NewCAFromKeyPair(tls.Certificate{Certificate: [][]byte{junk}, PrivateKey: key})
	require.ErrorContains(t, err, "x509: malformed certificate")
	_, err = https.NewCAFromKeyPair(tls.Certificate{Certificate: [][]byte{der, junk}, PrivateKey: key})
	require.ErrorContains(t, err, "x509: malformed certificate")
	_, err = https.NewCAFromKeyPair(tls.Certificate{Certificate: [][]byte{der}, PrivateKey: "a key"})
	require.EqualError(t, err, "a string key cannot sign")
	_, err = https.NewCAFromKeyPair(tls.Certificate{})
	require.EqualError(t, err, "no certificate")
}

// TestWhichCertificatesAreCAs: a CA certificate with no key usage at all
// may sign; a certificate that is not a CA may not, whatever its usage.
func TestWhichCertificatesAreCAs(t *testing.T) {
	now := time.Now()
	for _, c := range []struct {
		name     string
		isCA     bool
		keyUsage x509.KeyUsage
		ok       bool
	}{
		{"CA without key usage", true, 0, true},
		{"CA for signatures only", true, x509.KeyUsageDigitalSignature, false},
		{"not a CA, without key usage", false, 0, false},
		{"not a CA, with cert sign", false, x509.KeyUsageCertSign, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			require.NoError(t, err)
			tmpl := caTemplate(now, now.Add(time.Hour), "root")
			tmpl.IsCA, tmpl.KeyUsage = c.isCA, c.keyUsage
			der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
			require.NoError(t, err)
			_, err = https.NewCAFromKeyPair(tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key})
			if c.ok {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, https.ErrNotCA)
			}
		})
	}
}

// TestIntermediateNamedLikeItsRootIsSent: a certificate whose issuer and
// subject read the same but which its root signed is an intermediate, so
// it follows every leaf.
func TestIntermediateNamedLikeItsRootIsSent(t *testing.T) {
	rootDER, interDER, interKey := intermediateCA(t, time.Now(), "root")
	ca, err := https.NewCAFromKeyPair(tls.Certificate{Certificate: [][]byte{interDER, rootDER}, PrivateKey: interKey})
	require.NoError(t, err)
	leaf, err := ca.Leaf("api.bothelp.io")
	require.NoError(t, err)
	require.Equal(t, [][]byte{leaf.Leaf.Raw, interDER}, leaf.Certificate)
}

var errSigner = errors.New("the signing device is unplugged")

// failingSigner is a CA key kept in a device that stops answering.
type failingSigner struct{ crypto.Signer }

func (failingSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errSigner
}

// TestLeafThatCannotBeSignedIsAnError: when the CA's key fails to sign, so
// does Leaf, and nothing is cached.
func TestLeafThatCannotBeSignedIsAnError(t *testing.T) {
	now := time.Now()
	key, der := selfSignedCA(t, now, now.Add(time.Hour))
	ca, err := https.NewCAFromKeyPair(tls.Certificate{Certificate: [][]byte{der}, PrivateKey: failingSigner{key}})
	require.NoError(t, err)
	c, err := ca.Leaf("api.bothelp.io")
	require.ErrorIs(t, err, errSigner)
	require.Nil(t, c)
}
