// Package schematest compiles the project's JSON Schemas (fixtures,
// scenarios) for tests that check documents against them.
package schematest

import (
	"bytes"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"
)

// Compile compiles the schema doc, known by name in its own $refs.
func Compile(t testing.TB, name string, doc []byte) *jsonschema.Schema {
	t.Helper()
	parsed, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource(name, parsed))
	s, err := c.Compile(name)
	require.NoError(t, err)
	return s
}
