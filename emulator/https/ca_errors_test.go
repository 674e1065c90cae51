package https_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
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
