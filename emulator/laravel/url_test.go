package laravel_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/platform"
)

// TestURLRuleIsLaravel8Pattern pins validateUrl's pattern: a scheme from
// its list and "://" are needed (a scheme-relative or bare host fails), the
// host must parse, PCRE's "$" lets one final newline through. The answers
// are Laravel 8.83's.
func TestURLRuleIsLaravel8Pattern(t *testing.T) {
	tests := []struct {
		url  string
		pass bool
	}{
		{"//example.com", false},
		{"http://[::1", false},
		{"http://example.com", true},
		{"ftp://a", false},
		{"ftp://ab", true},
		{"http://localhost", true},
		{"https://пример.рф/путь?q=1#x", true},
		{"http://a.com\n", true},
		{"http://a.com\n\n", false},
		{"javascript:alert(1)", false},
		{"HTTP://EXAMPLE.COM", true},
		{"http://user:pass@host.com:8080/p", true},
		{"http://1.2.3.4", true},
		{"http://[::1]/", true},
		{"http://a b.com", false},
		{"example.com", false},
		{"http://", false},
		{"http://a.com/%zz", false},
		{"http://a.com/%20", true},
		{"mailto://x@y.z", true},
		{"http://٣.٣.٣.٣", true},
		{"http://a.com/\xff", false},
	}
	r := rules(t, "x", "url")
	for _, tt := range tests {
		got := laravel.Validate(r, platform.Input{"x": tt.url})
		if tt.pass {
			require.Nil(t, got, "%q", tt.url)
		} else {
			require.Equal(t, errs("x", msgURL), got, "%q", tt.url)
		}
	}
}
