package laravel

import (
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/php"
	"github.com/fakebots/fakebots/emulator/platform"
)

// Token finds the api_token as Laravel's token guard does, in order: the
// query string, the request input (form or JSON body), a Bearer token, the
// password of HTTP Basic auth. A value PHP calls empty() ("", "0", null,
// an array) is passed over.
func Token(r *platform.Request, in Input) string {
	for _, bag := range []*php.Array{in.Query, in.All} {
		if t := bag.Field("api_token"); isScalarOrNull(t) && !php.Empty(t) {
			return php.ToString(t)
		}
	}
	auth := r.HTTP.Header.Get("Authorization")
	if len(auth) > 7 && strings.EqualFold(auth[:7], "bearer ") {
		return strings.TrimSpace(auth[7:])
	}
	if len(auth) > 6 && strings.EqualFold(auth[:6], "basic ") {
		if raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(auth[6:])); err == nil {
			if _, pass, ok := strings.Cut(string(raw), ":"); ok {
				return pass
			}
		}
	}
	return ""
}

// ExpectsJSON is Laravel's Request::expectsJson(): an XMLHttpRequest that
// accepts anything, or a client whose first Accept type is JSON.
func ExpectsJSON(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	first := strings.TrimSpace(strings.Split(accept, ",")[0])
	wantsJSON := strings.Contains(first, "/json") || strings.Contains(first, "+json")
	acceptsAny := accept == "" || strings.Contains(accept, "*/*") || strings.TrimSpace(accept) == "*"
	return (r.Header.Get("X-Requested-With") == "XMLHttpRequest" && acceptsAny) || wantsJSON
}

// JSON renders body with PHP's json_encode(JSON_UNESCAPED_UNICODE) and the
// headers Laravel's JsonResponse carries.
func JSON(status int, body any) platform.Response {
	out, err := jsonx.PHP(body)
	if err != nil {
		return ServerError()
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-cache, private")
	return platform.Response{Status: status, Header: h, Body: out}
}

// Message renders Laravel's {"message": "..."} exception body.
func Message(status int, msg string) platform.Response {
	return JSON(status, jsonx.Object{{Key: "message", Value: msg}})
}

// ServerError is Laravel's body for an unexpected exception with debug off.
func ServerError() platform.Response {
	return platform.Response{
		Status: http.StatusInternalServerError,
		Header: http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"no-cache, private"}},
		Body:   []byte(`{"message":"Server Error"}`),
	}
}

// ValidationFailed is the Laravel 5.5–8 422 body. An attribute or message
// that is not UTF-8 (a key the client sent) makes json_encode fail, and
// JsonResponse's exception is the 500 of the exception handler.
func ValidationFailed(errs jsonx.Object) platform.Response {
	for _, f := range errs {
		if !utf8.ValidString(f.Key) {
			return ServerError()
		}
		if msgs, ok := f.Value.([]string); ok {
			for _, m := range msgs {
				if !utf8.ValidString(m) {
					return ServerError()
				}
			}
		}
	}
	return JSON(http.StatusUnprocessableEntity, jsonx.Object{
		{Key: "message", Value: "The given data was invalid."},
		{Key: "errors", Value: errs},
	})
}

// Redirect is Symfony's RedirectResponse, which Laravel sends to a guest
// that does not expect JSON.
func Redirect(location string) platform.Response {
	esc := html.EscapeString(location)
	body := fmt.Sprintf(`<!DOCTYPE html>
<html>
    <head>
        <meta charset="UTF-8" />
        <meta http-equiv="refresh" content="0;url='%s'" />

        <title>Redirecting to %s</title>
    </head>
    <body>
        Redirecting to <a href="%s">%s</a>.
    </body>
</html>`, esc, esc, esc, esc)
	h := http.Header{}
	h.Set("Content-Type", "text/html; charset=UTF-8")
	h.Set("Cache-Control", "no-cache, private")
	h.Set("Location", location)
	return platform.Response{Status: http.StatusFound, Header: h, Body: []byte(body)}
}

// MethodNotAllowed is the 405 message of Laravel 5.8+; a GET route also
// answers HEAD, and Laravel lists it.
func MethodNotAllowed(method string, allowed []string) platform.Response {
	var list []string
	for _, m := range allowed {
		list = append(list, m)
		if m == http.MethodGet {
			list = append(list, http.MethodHead)
		}
	}
	msg := fmt.Sprintf("The %s method is not supported for this route. Supported methods: %s.", method, strings.Join(list, ", "))
	resp := Message(http.StatusMethodNotAllowed, msg)
	resp.Header.Set("Allow", strings.Join(list, ", "))
	return resp
}

// ThrottleHeaders adds ThrottleRequests' headers for the limit that
// reports: X-RateLimit-Limit and -Remaining always, Retry-After and
// X-RateLimit-Reset when refused.
func ThrottleHeaders(h http.Header, limit, remaining int, retryAfter int, resetUnix int64) {
	// Laravel spells these names in mixed case; set them verbatim rather than canonicalised.
	h["X-RateLimit-Limit"] = []string{strconv.Itoa(limit)}
	h["X-RateLimit-Remaining"] = []string{strconv.Itoa(remaining)}
	if retryAfter > 0 {
		h["Retry-After"] = []string{strconv.Itoa(retryAfter)}
		h["X-RateLimit-Reset"] = []string{strconv.FormatInt(resetUnix, 10)}
	}
}
