package laravel_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/platform"
)

// TestValidatePlainRulesDeclaredAfterAWildcardReplaceItsRules pins
// ValidationRuleParser::explodeRules' foreach: it walks the rules as
// declared, so a plain attribute declared after a wildcard that expanded
// onto it gets its own rules only, while one declared before keeps the
// wildcard's rules merged after its own (Laravel 8's answers).
func TestValidatePlainRulesDeclaredAfterAWildcardReplaceItsRules(t *testing.T) {
	in := platform.Input{"items": []any{float64(9), float64(9)}}

	after := laravel.Validate(rules(t, "items.*", "integer|max:3", "items.1", "string"), in)
	require.Equal(t, jsonx.Object{
		{Key: "items.1", Value: []string{"Поле items.1 должно быть строкой."}},
		{Key: "items.0", Value: []string{"Поле items.0 не может быть более 3."}},
	}, after)

	first := laravel.Validate(rules(t, "items.*", "integer|max:3", "items.0", "string"), in)
	require.Equal(t, jsonx.Object{
		{Key: "items.0", Value: []string{"Поле items.0 должно быть строкой."}},
		{Key: "items.1", Value: []string{"Поле items.1 не может быть более 3."}},
	}, first, "the expansions after the one left alone still get the rules")

	before := laravel.Validate(rules(t, "items.1", "string", "items.*", "integer|max:3"), in)
	require.Equal(t, jsonx.Object{
		{Key: "items.1", Value: []string{"Поле items.1 должно быть строкой.", "Поле items.1 не может быть более 3."}},
		{Key: "items.0", Value: []string{"Поле items.0 не может быть более 3."}},
	}, before)
}

// TestValidateDependentRulesReadEscapedDotsAsKeys pins "\." in the other
// fields of required_if, required_with, required_without and
// required_without_all: a dot inside a key, not a step into an array
// (Laravel 8's answers; its messages name the field through a random
// placeholder, so only which fields fail is compared).
func TestValidateDependentRulesReadEscapedDotsAsKeys(t *testing.T) {
	literal := map[string]any{"o.p": float64(1)}
	nested := map[string]any{"o": map[string]any{"p": float64(1)}}
	tests := []struct {
		rule       string
		in         map[string]any
		wantFailed bool
	}{
		{`required_if:o\.p,1`, literal, true},
		{`required_if:o\.p,1`, nested, false},
		{`required_with:o\.p`, literal, true},
		{`required_with:o\.p`, nested, false},
		{`required_without:o\.p`, literal, false},
		{`required_without:o\.p`, nested, true},
		{`required_without_all:o\.p,q`, literal, false},
		{`required_without_all:o\.p,q`, nested, true},
	}
	for _, tt := range tests {
		got := laravel.Validate(rules(t, "x", tt.rule), platform.Input(tt.in))
		var failed []string
		for _, f := range got {
			failed = append(failed, f.Key)
		}
		if tt.wantFailed {
			require.Equal(t, []string{"x"}, failed, "%s %v", tt.rule, tt.in)
		} else {
			require.Empty(t, failed, "%s %v", tt.rule, tt.in)
		}
	}
}
