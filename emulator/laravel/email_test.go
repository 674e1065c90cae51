package laravel_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/laravel"
)

// TestValidEmailAgreesWithRFCValidation pins the email rule on addresses
// whose verdict was read from egulias/email-validator's RFCValidation as
// the installed Laravel 8 runs it.
func TestValidEmailAgreesWithRFCValidation(t *testing.T) {
	tests := []struct {
		email string
		valid bool
	}{
		// The letters and digits at the ends of their ranges, in both parts.
		{"a@b", true}, {"z@b", true}, {"A@b", true}, {"Z@b", true}, {"0@b", true}, {"9@b", true},
		{"b@a", true}, {"b@z", true}, {"b@A", true}, {"b@Z", true}, {"b@0", true}, {"b@9", true},
		// atext specials are local-part characters, not domain ones.
		{"`@b", true}, {"{@b", true}, {"/@b", true}, {"a-b@c", true}, {"a_b@c", true},
		{"[@b", false}, {":@b", false},
		{"b@`", false}, {"b@{", false}, {"b@[", false}, {"b@/", false}, {"b@:", false}, {"b@a_b", false},
		// Non-ASCII letters pass; symbols and control or format characters are invalid tokens.
		{"ж@b", true}, {"b@ж", true}, {"b@é.com", true}, {"\u00a0@b", true}, {"a\u0301@b", true},
		{"€@b", false}, {"b@€", false}, {"©@b", false}, {"\u0080@b", false}, {"b@\u0080", false},
		{"\u007f@b", false}, {"b@\u007f", false}, {"a\u200b@b", false}, {"b@a\u200b", false},
		{"\u0378@b", false}, {"\ue000@b", false},
		{"\xff@b", false}, {"a@b\xff", false},
		// Dots separate non-empty atoms and labels.
		{"a.b@c", true}, {"a..b@c", false}, {".a@c", false}, {"a.@c", false},
		{"a@b..c", false}, {"a@b.", false}, {"a@.b", false},
		// A label may not start or end the domain with "-".
		{"a@b-c", true}, {"a@-b", false}, {"a@b-", false}, {"a@b.c-", false}, {"a@b-.c", false},
		// One "@", the last, with text on both sides.
		{"a@", false}, {"@b", false}, {"@@b", false}, {"b@@", false}, {"a", false}, {"a@b@c", false},
		// Quoted local parts: any text but a bare quote or a control character.
		{`""@b`, true}, {`"a"@b`, true}, {`"a b"@b`, true}, {`"a@b"@c`, true}, {`"ж"@b`, true},
		{`"a\"b"@b`, true}, {`"a\\b"@c`, true}, {`"\a"@b`, true}, {"\"a\\\x00\"@b", true}, {`"\ж"@b`, true},
		{`"@b`, false}, {`"a\"@b`, false}, {`"a"b"@b`, false}, {`"x\`, false},
		{"\"a\rb\"@b", false}, {"\"a\nb\"@b", false}, {"\"a\x00b\"@b", false}, {"\"a\x01b\"@b", false},
		{"\"a\x1fb\"@b", false}, {"\"a\tb\"@b", false}, {"\"a\x7fb\"@b", false},
		{`"€"@b`, false}, {"\"\u0080\"@b", false}, {`"\€"@b`, false},
		// The character after a non-ASCII one is read too.
		{`"жa"@b`, true}, {"\"ж\x01\"@b", false}, {`"ж""@b`, false},
		// Bracketed IP literals.
		{"a@[1.2.3.4]", true}, {"a@[IPv6:::1]", true}, {"x@[IPv6:1::]", true},
		{"a@[1.2.3.4", false}, {"a@1.2.3.4]", false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.valid, laravel.ValidEmail(tt.email), "%q", tt.email)
	}
}
