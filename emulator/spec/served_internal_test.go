package spec

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestServedReportsADocumentThatDoesNotParse: a document whose YAML does
// not parse fails with its name, and so does a white-label of it; a
// white-label of an unknown platform fails as that platform does.
func TestServedReportsADocumentThatDoesNotParse(t *testing.T) {
	files := map[string]string{
		"broken": "x-overlay-of: [",
		"label":  "x-overlay-of: broken\n",
		"lost":   "x-overlay-of: nosuch\n",
	}
	d := &documents{read: func(name string) ([]byte, error) {
		raw, ok := files[name]
		if !ok {
			return nil, fmt.Errorf("no spec for platform %q", name)
		}
		return []byte(raw), nil
	}}
	const broken = "spec broken: yaml: line 1: did not find expected node content"
	for name, want := range map[string]string{"broken": broken, "label": broken, "lost": `no spec for platform "nosuch"`} {
		raw, err := d.served(name)
		require.EqualError(t, err, want, name)
		require.Nil(t, raw, name)
	}
}
