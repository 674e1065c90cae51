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

	before := laravel.Validate(rules(t, "items.1", "string", "items.*", "integer|max:3"), in)
	require.Equal(t, jsonx.Object{
		{Key: "items.1", Value: []string{"Поле items.1 должно быть строкой.", "Поле items.1 не может быть более 3."}},
		{Key: "items.0", Value: []string{"Поле items.0 не может быть более 3."}},
	}, before)
}
