package spec

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/specs"
)

// TestYAMLToJSONLoadsAsKinLoadsYAML: every document fakebots loads comes
// out of kin-openapi the same from the converted JSON as from its YAML.
func TestYAMLToJSONLoadsAsKinLoadsYAML(t *testing.T) {
	docs := map[string][]byte{"control": specs.Control}
	for _, name := range []string{"cleverapp", "onebot", "salebot", "bothelp"} {
		raw, err := Served(name)
		require.NoError(t, err)
		docs[name] = raw
	}
	shop, err := os.ReadFile("testdata/shop.yaml")
	require.NoError(t, err)
	docs["shop"] = shop
	for name, raw := range docs {
		t.Run(name, func(t *testing.T) {
			want, err := openapi3.NewLoader().LoadFromData(raw)
			require.NoError(t, err)
			js, err := yamlToJSON(raw)
			require.NoError(t, err)
			got, err := openapi3.NewLoader().LoadFromData(js)
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	}
}

func TestYAMLToJSON(t *testing.T) {
	tests := []struct{ name, yaml, json string }{
		{"scalars", "s: text\nq: '12'\ni: 12\nneg: -3\nhex: 0x1F\nlead: 007\nplus: +5\nf: 1.5\ne: 1e3\nb: true\nB: True\nn: ~\nempty:\nts: 2024-01-02\n",
			`{"s":"text","q":"12","i":12,"neg":-3,"hex":31,"lead":7,"plus":5,"f":1.5,"e":1000,"b":true,"B":true,"n":null,"empty":null,"ts":"2024-01-02"}`},
		{"keys", "200: ok\n1.5: f\ntrue: b\n\"x\": s\n", `{"200":"ok","1.5":"f","true":"b","x":"s"}`},
		{"strings", "a: \"quote \\\" back \\\\ tab \\t nl \\n ctl \\x01 sep \\u2028 ё\"\n", `{"a":"quote \" back \\ tab \t nl \n ctl \u0001 sep \u2028 ё"}`},
		{"separators then escapes", "a: \"\\u2029\\\"\\u2028\\n\"\n", `{"a":"\u2029\"\u2028\n"}`},
		{"block", "a: |\n  one\n  two\n", `{"a":"one\ntwo\n"}`},
		{"alias", "a: &x {k: 1}\nb: *x\nc: [*x]\n", `{"a":{"k":1},"b":{"k":1},"c":[{"k":1}]}`},
		{"merge", "base: &b {k: 1, l: 2}\nm: {<<: *b, l: 3}\n", `{"base":{"k":1,"l":2},"m":{"l":3,"k":1}}`},
		{"merge list: the first map wins", "a: &a {k: 1}\nb: &b {k: 2, l: 2}\nm: {<<: [*a, *b]}\n", `{"a":{"k":1},"b":{"k":2,"l":2},"m":{"k":1,"l":2}}`},
		{"a quoted << is a key", "m: {\"<<\": {k: 1}}\n", `{"m":{"<<":{"k":1}}}`},
		{"merge inline", "m:\n  <<: {k: 1}\n  l: 2\n", `{"m":{"l":2,"k":1}}`},
		{"nested merge", "a: &a {k: 1}\nb: &b {<<: *a, l: 2}\nm: {<<: *b, l: 3}\n", `{"a":{"k":1},"b":{"l":2,"k":1},"m":{"l":3,"k":1}}`},
		{"empty document", "", `null`},
		{"only the first document", "a: 1\n---\nb: 2\n", `{"a":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := yamlToJSON([]byte(tt.yaml))
			require.NoError(t, err)
			require.Equal(t, tt.json, string(got))
			require.True(t, json.Valid(got))
		})
	}
}

func TestYAMLToJSONRejects(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h"} {
		prev := string(rune(name[0] - 1))
		bomb += name + ": &" + name + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
	}
	tests := []struct{ name, yaml, err string }{
		{"not YAML", "a: [", "yaml:"},
		{"duplicate key", "a: 1\nb: 2\na: 3\n", `yaml: line 3: mapping key "a" already defined at line 1`},
		{"merge of a scalar", "a: {<<: 1}\n", "map merge requires map"},
		{"null key", "? ~\n: 1\n", "unsupported map key"},
		{"infinity", "a: .inf\n", "line 1: json: unsupported value: +Inf"},
		{"expansion", bomb, "expands too far"},
		{"an alias inside itself", "a: &a [*a]\n", "expands too far"},
		{"a merge of itself", "a: &a {<<: *a}\n", "expands too far"},
		{"not base64", "a: !!binary not-base64!\n", "invalid base64"},
		{"key not an int", "!!int abc: 1\n", "cannot decode !!str `abc` as a !!int"},
		{"bad key in a merged map", "a: {<<: {? ~ : 1}}\n", "unsupported map key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := yamlToJSON([]byte(tt.yaml))
			require.Error(t, err)
			require.True(t, strings.Contains(err.Error(), tt.err), err.Error())
		})
	}
}
