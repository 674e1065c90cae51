package laravel_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/platform"
)

// TestValidationFailedIsAServerErrorWhenJSONCannotEncodeIt pins the 500
// that json_encode's failure on text that is not UTF-8 becomes, whether in
// an attribute or in a message, and the 422 otherwise.
func TestValidationFailedIsAServerErrorWhenJSONCannotEncodeIt(t *testing.T) {
	const serverError = `{"message":"Server Error"}`
	requireJSONResponse(t, laravel.ValidationFailed(jsonx.Object{
		{Key: "ok", Value: []string{"fine"}},
		{Key: "a\xff", Value: []string{"fine"}},
	}), 500, serverError)
	requireJSONResponse(t, laravel.ValidationFailed(jsonx.Object{
		{Key: "a", Value: []string{"fine", "bad \xff"}},
	}), 500, serverError)
	requireJSONResponse(t, laravel.ValidationFailed(jsonx.Object{
		{Key: "a", Value: []string{"Поле a обязательно."}},
	}), 422, `{"message":"The given data was invalid.","errors":{"a":["Поле a обязательно."]}}`)
}

// TestPaginatedLastPageWithOneItem pins from and to when the page's first
// item is the last one.
func TestPaginatedLastPageWithOneItem(t *testing.T) {
	out, err := jsonx.PHP(laravel.Paginated([]any{}, "https://x/c", laravel.Page{Number: 3, PerPage: 10}, 21))
	require.NoError(t, err)
	require.Equal(t, `{"data":[],"links":{"first":"https:\/\/x\/c?page=1","last":"https:\/\/x\/c?page=3",`+
		`"prev":"https:\/\/x\/c?page=2","next":null},"meta":{"current_page":3,"from":21,"last_page":3,`+
		`"path":"https:\/\/x\/c","per_page":10,"to":21,"total":21}}`, string(out))
}

// TestURLRuleFailsTextThatIsNotUTF8 pins preg_match's failure on invalid
// UTF-8 under the u flag: no match, even where the bytes would read as
// symbols a host may hold.
func TestURLRuleFailsTextThatIsNotUTF8(t *testing.T) {
	r := rules(t, "x", "url")
	require.Nil(t, laravel.Validate(r, platform.Input{"x": "http://a\u00a9b.com"}))
	require.Equal(t, errs("x", msgURL), laravel.Validate(r, platform.Input{"x": "http://a\xffb.com"}))
}

// TestValidateReadsCollidingKeysInSortedOrder pins the one order a Go map
// input leaves to the emulator: keys that become the same attribute ("a*"
// and the placeholder Laravel puts for its "*") are read sorted, so the
// later one wins every time; the error names the attribute with its "*"
// back, as Laravel's replacePlaceholderInString does.
func TestValidateReadsCollidingKeysInSortedOrder(t *testing.T) {
	r := rules(t, "k", "required", "a__asterisk__", "integer")
	for i := 0; i < 50; i++ {
		got := laravel.Validate(r, platform.Input{"a__asterisk__": "x", "a*": float64(1), "b.c": "y"})
		require.Equal(t, jsonx.Object{
			{Key: "k", Value: []string{"Поле k обязательно для заполнения."}},
			{Key: "a*", Value: []string{"Поле a* должно быть целым числом."}}, // "x" won over 1
		}, got)
	}
}
