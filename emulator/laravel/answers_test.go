package laravel_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/php"
)

// recordedAnswer is one line of testdata/validate/answers.jsonl: rules,
// the input as JSON, and the errors Laravel 8's Validator gave for them
// with the emulator's message table, as [attribute, [messages]] pairs in
// order. testdata/validate/record.php wrote the file.
type recordedAnswer struct {
	Rules  [][2]string       `json:"rules"`
	Input  json.RawMessage   `json:"input"`
	Errors []json.RawMessage `json:"errors"`
}

// TestValidateGivesLaravelsRecordedAnswers replays validations whose
// errors were recorded from the real Validator: boundaries of the size
// rules on numbers, text, arrays and booleans; boolean, in, json, email and
// url on every kind of value; required_if's comparisons with booleans,
// null and numbers; required_with/without(_all); wildcard expansion and
// its dependent parameters; sometimes, nullable and bail; Str::snake's
// reading of attribute names in messages; and placeholders (":input",
// ":Attribute", ":max"...) that an attribute's own name puts into its
// message, which the replacements after it then fill.
func TestValidateGivesLaravelsRecordedAnswers(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "validate", "answers.jsonl"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		var a recordedAnswer
		require.NoError(t, json.Unmarshal(sc.Bytes(), &a), "line %d", n)
		line := sc.Text()
		t.Run(fmt.Sprintf("line %d", n), func(t *testing.T) {
			var raw []map[string]string
			for _, r := range a.Rules {
				raw = append(raw, map[string]string{r[0]: r[1]})
			}
			rules, err := laravel.ParseRules(raw)
			require.NoError(t, err)
			in, err := php.DecodeJSON(string(a.Input), php.JSONDepth)
			require.NoError(t, err)
			input, ok := in.(*php.Array)
			require.True(t, ok)

			var want []string
			for _, e := range a.Errors {
				var pair [2]any
				require.NoError(t, json.Unmarshal(e, &pair))
				b, err := json.Marshal(pair)
				require.NoError(t, err)
				want = append(want, string(b))
			}
			var got []string
			for _, f := range laravel.ValidateData(rules, input) {
				b, err := json.Marshal([2]any{f.Key, f.Value})
				require.NoError(t, err)
				got = append(got, string(b))
			}
			require.Equal(t, want, got, line)
		})
	}
	require.NoError(t, sc.Err())
	require.Equal(t, 896, n, "every recorded answer replayed")
}
