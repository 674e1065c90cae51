package scenario_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/fakebots/fakebots/emulator/scenario"
	"github.com/fakebots/fakebots/internal/schematest"
	"github.com/fakebots/fakebots/scenarios"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	return schematest.Compile(t, "scenario.json", scenarios.Schema)
}

// schemaAccepts validates a YAML document against the JSON Schema.
func schemaAccepts(t *testing.T, s *jsonschema.Schema, raw []byte) error {
	t.Helper()
	var doc any
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	return s.Validate(jsonValue(doc))
}

// jsonValue gives YAML's decoded values the types the validator expects.
func jsonValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonValue(e)
		}
	case []any:
		for i, e := range x {
			x[i] = jsonValue(e)
		}
	case int:
		return float64(x)
	}
	return v
}

// exampleFiles are the shipped scenarios plus the test scenarios that
// should load.
func exampleFiles(t *testing.T) []string {
	files, err := scenario.Files([]string{"../../scenarios", "testdata/valid"})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 6)
	return files
}

func TestSchemaAndLoaderAgreeOnExamples(t *testing.T) {
	s := compileSchema(t)
	for _, file := range exampleFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			require.NoError(t, err)
			_, loadErr := scenario.Parse(file, raw)
			require.NoError(t, loadErr)
			require.NoError(t, schemaAccepts(t, s, raw))
		})
	}
}

func TestSchemaAndLoaderAgreeOnMistakes(t *testing.T) {
	s := compileSchema(t)
	base := "version: 1\nname: x\ntenant: demo\nsteps:\n"
	for name, steps := range map[string]string{
		"unknown top key":       "  - clock: {freeze: true}\nextra: 1\n",
		"unknown step key":      "  - clock: {freeze: true}\n    oops: 1\n",
		"two kinds":             "  - clock: {freeze: true}\n    fault: {platform: salebot, status: 500}\n",
		"no kind":               "  - name: nothing\n",
		"unknown platform":      "  - call: {platform: vk, method: GET, path: /x}\n",
		"operation and path":    "  - call: {platform: salebot, operation: message, method: GET, path: /x}\n",
		"neither":               "  - call: {platform: salebot}\n",
		"bad duration":          "  - clock: {advance: soon}\n",
		"two clock actions":     "  - clock: {freeze: true, advance: 1s}\n",
		"fault without effect":  "  - fault: {platform: salebot}\n",
		"user without action":   "  - user: {platform: salebot, id: \"1\"}\n",
		"user writes no id":     "  - user: {platform: salebot, writes: hi}\n",
		"expect on clock":       "  - clock: {freeze: true}\n    expect: {status: 200}\n",
		"bad wait clock":        "  - expect_calls: {platform: salebot, clock: moon}\n",
		"state without source":  "  - expect_state: {body: {}}\n",
		"negative times":        "  - expect_calls: {platform: salebot, times: -1}\n",
		"webhook without url":   "  - webhook: {platform: salebot}\n",
		"capture on fault":      "  - fault: {platform: salebot, status: 500}\n    capture: {x: body}\n",
		"exhaust without call":  "  - exhaust: {max: 3}\n",
		"encoding other":        "  - call: {platform: salebot, method: GET, path: /x, encoding: xml}\n",
		"rate limits no switch": "  - rate_limits: {}\n",
		"received misspelt":     "  - expect_received: {reqest: {path: /x}}\n",
		"received two counts":   "  - expect_received: {times: 1, at_least: 1}\n",
		"calls two counts":      "  - expect_calls: {platform: salebot, at_least: 1, at_most: 2}\n",
	} {
		t.Run(name, func(t *testing.T) {
			raw := []byte(base + steps)
			_, loadErr := scenario.Parse("x.yaml", raw)
			require.Error(t, loadErr, "the loader accepted it")
			require.Error(t, schemaAccepts(t, s, raw), "the schema accepted it")
		})
	}
	for name, doc := range map[string]string{
		"no version": "name: x\nsteps:\n  - clock: {freeze: true}\n",
		"version 2":  "version: 2\nname: x\nsteps:\n  - clock: {freeze: true}\n",
		"no steps":   "version: 1\nname: x\nsteps: []\n",
		"tenant key": "version: 1\nname: x\ntenant: {fixtures: demo}\nsteps:\n  - clock: {freeze: true}\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, loadErr := scenario.Parse("x.yaml", []byte(doc))
			require.Error(t, loadErr, "the loader accepted it")
			require.Error(t, schemaAccepts(t, s, []byte(doc)), "the schema accepted it")
		})
	}
}

func TestSchemaServed(t *testing.T) {
	rec := httptestGet(scenario.SchemaHandler(), "/__fakebots/schemas/scenario.json")
	require.Equal(t, 200, rec.Code)
	require.Equal(t, "application/schema+json", rec.Header().Get("Content-Type"))
	require.True(t, strings.Contains(rec.Body.String(), `"$schema": "https://json-schema.org/draft/2020-12/schema"`))
}
