package specs

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// Keys OpenAPI 3.0 allows in a parameter and in a schema (besides x-…).
var (
	parameterKeys = words("name in description required deprecated allowEmptyValue style explode allowReserved schema example examples content $ref")
	schemaKeys    = words(`title multipleOf maximum exclusiveMaximum minimum exclusiveMinimum maxLength minLength pattern
		maxItems minItems uniqueItems maxProperties minProperties required enum type allOf oneOf anyOf not items
		properties additionalProperties description format default nullable discriminator readOnly writeOnly xml
		externalDocs example deprecated $ref`)
)

func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.Fields(s) {
		out[w] = true
	}
	return out
}

// TestNoStrayKeys catches a flow-style description with a comma in it
// ({description: Page size, at most 500.}), which YAML splits into a
// shorter description and a stray key: every parameter and schema may hold
// only the keys OpenAPI defines.
func TestNoStrayKeys(t *testing.T) {
	names, err := fs.Glob(files, "*.yaml")
	require.NoError(t, err)
	for _, name := range names {
		raw, err := files.ReadFile(name)
		require.NoError(t, err)
		var doc yaml.Node
		require.NoError(t, yaml.Unmarshal(raw, &doc), name)
		var stray []string
		checkKeys(&doc, "", &stray)
		assert.Empty(t, stray, "%s: keys OpenAPI does not define (a comma in a flow-style description?)", name)
	}
}

func TestStrayKeyIsCaught(t *testing.T) {
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte("parameters:\n  count: {name: count, in: query, schema: {type: integer}, description: Page size, at most 500.}\n"), &doc))
	var stray []string
	checkKeys(&doc, "", &stray)
	require.Equal(t, []string{`line 2: "at most 500." in a parameter`}, stray)
}

// checkKeys walks n, which sits under the key parent, and notes the keys
// of parameters and schemas that OpenAPI does not define. Example values
// are data, not checked.
func checkKeys(n *yaml.Node, parent string, stray *[]string) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			checkKeys(c, parent, stray)
		}
	case yaml.MappingNode:
		allowed, what := kindOf(n, parent)
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			if allowed != nil && !allowed[key.Value] && !strings.HasPrefix(key.Value, "x-") && key.Value != "<<" {
				*stray = append(*stray, fmt.Sprintf("line %d: %q in a %s", key.Line, key.Value, what))
			}
			switch key.Value {
			case "example", "examples", "default", "enum", "x-examples", "securitySchemes":
				continue
			}
			if what == "schema" && key.Value == "properties" {
				for j := 1; j < len(value.Content); j += 2 {
					checkKeys(value.Content[j], "schema", stray)
				}
				continue
			}
			if key.Value == "schemas" { // components: name → schema
				for j := 1; j < len(value.Content); j += 2 {
					checkKeys(value.Content[j], "schema", stray)
				}
				continue
			}
			checkKeys(value, key.Value, stray)
		}
	}
}

// kindOf tells a parameter (it has name and in) or a schema (under a key
// that holds one) from anything else, which is not checked.
func kindOf(n *yaml.Node, parent string) (map[string]bool, string) {
	has := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		has[n.Content[i].Value] = true
	}
	switch {
	case has["name"] && has["in"]:
		return parameterKeys, "parameter"
	case parent == "schema" || parent == "items" || parent == "additionalProperties" || parent == "not" ||
		parent == "allOf" || parent == "oneOf" || parent == "anyOf":
		return schemaKeys, "schema"
	}
	return nil, ""
}
