package laravel_test

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/jsonx"
	"github.com/fakebots/fakebots/emulator/laravel"
	"github.com/fakebots/fakebots/emulator/platform"
)

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func TestToken(t *testing.T) {
	tests := []struct {
		name  string
		query string
		input platform.Input
		auth  string
		want  string
	}{
		{"query", "api_token=q", nil, "", "q"},
		{"query beats body, bearer and basic", "api_token=q", platform.Input{"api_token": "b"}, "Bearer h", "q"},
		{"query beats basic", "api_token=q", nil, basic("u", "p"), "q"},
		{"body", "", platform.Input{"api_token": "b"}, "", "b"},
		{"body beats bearer", "", platform.Input{"api_token": "b"}, "Bearer h", "b"},
		{"numeric body token", "", platform.Input{"api_token": float64(123)}, "", "123"},
		{"empty query falls through", "api_token=", platform.Input{"api_token": "b"}, "", "b"},
		{"empty body falls through", "", platform.Input{"api_token": ""}, "Bearer h", "h"},
		{"bearer", "", nil, "Bearer h", "h"},
		{"bearer, any case", "", nil, "bEaReR h", "h"},
		{"bearer, spaces trimmed", "", nil, "Bearer   h  ", "h"},
		{"bearer without a token", "", nil, "Bearer ", ""},
		{"basic password", "", nil, basic("user", "secret"), "secret"},
		{"basic password with a colon", "", nil, basic("user", "se:cret"), "se:cret"},
		{"basic, any case", "", nil, "basic " + base64.StdEncoding.EncodeToString([]byte("u:p")), "p"},
		{"basic without a colon", "", nil, "Basic " + base64.StdEncoding.EncodeToString([]byte("nocolon")), ""},
		{"basic, bad base64", "", nil, "Basic !!!", ""},
		{"other scheme", "", nil, "Token abc", ""},
		{"nothing", "", nil, "", ""},
		{"other query keys ignored", "token=x&apiToken=y", platform.Input{"token": "z"}, "", ""},
		{"query token trimmed by TrimStrings", "api_token=+q+", nil, "", "q"},
		{"a token of \"0\" is empty() and passed over", "api_token=0", platform.Input{"api_token": "b"}, "", "b"},
		{"an array token is passed over", "api_token[]=q", nil, "Bearer h", "h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/api/v1/me?"+tt.query, nil)
			if tt.auth != "" {
				r.Header.Set("Authorization", tt.auth)
			}
			body, err := json.Marshal(tt.input)
			require.NoError(t, err)
			in, err := laravel.ReadInput(http.MethodPost, "application/json", tt.query, body)
			require.NoError(t, err)
			require.Equal(t, tt.want, laravel.Token(&platform.Request{HTTP: r}, in))
		})
	}
}

func TestExpectsJSON(t *testing.T) {
	tests := []struct {
		name   string
		accept string
		xhr    bool
		want   bool
	}{
		{"JSON first", "application/json", false, true},
		{"JSON with parameters", "application/json; charset=utf-8", false, true},
		{"JSON first of several", "application/json, text/html", false, true},
		{"structured JSON type", "application/vnd.api+json", false, true},
		{"HTML first", "text/html, application/json", false, false},
		{"HTML", "text/html", false, false},
		{"anything, no XHR", "*/*", false, false},
		{"nothing, no XHR", "", false, false},
		{"XHR accepting nothing in particular", "", true, true},
		{"XHR accepting anything", "*/*", true, true},
		{"XHR accepting a bare star", "*", true, true},
		{"XHR wanting HTML only", "text/html", true, false},
		{"XHR wanting JSON", "application/json", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.accept != "" {
				r.Header.Set("Accept", tt.accept)
			}
			if tt.xhr {
				r.Header.Set("X-Requested-With", "XMLHttpRequest")
			}
			require.Equal(t, tt.want, laravel.ExpectsJSON(r))
		})
	}

	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("X-Requested-With", "fetch")
	require.False(t, laravel.ExpectsJSON(r), "only XMLHttpRequest counts")
}

func requireJSONResponse(t *testing.T, resp platform.Response, status int, body string) {
	t.Helper()
	require.Equal(t, status, resp.Status)
	require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	require.Equal(t, "no-cache, private", resp.Header.Get("Cache-Control"))
	require.Equal(t, body, string(resp.Body))
}

func TestJSONResponses(t *testing.T) {
	requireJSONResponse(t, laravel.JSON(200, jsonx.Object{{Key: "url", Value: "https://x/y"}, {Key: "a", Value: "Ж<&>"}}),
		200, `{"url":"https:\/\/x\/y","a":"Ж<&>"}`)
	requireJSONResponse(t, laravel.Message(401, "Unauthenticated."), 401, `{"message":"Unauthenticated."}`)
	requireJSONResponse(t, laravel.Message(404, "Контакт не найден / удалён"), 404, `{"message":"Контакт не найден \/ удалён"}`)
	requireJSONResponse(t, laravel.ServerError(), 500, `{"message":"Server Error"}`)
	requireJSONResponse(t, laravel.JSON(200, math.NaN()), 500, `{"message":"Server Error"}`)
	requireJSONResponse(t, laravel.ValidationFailed(jsonx.Object{
		{Key: "b", Value: []string{"second / first"}},
		{Key: "a", Value: []string{"x", "y"}},
	}), 422, `{"message":"The given data was invalid.","errors":{"b":["second \/ first"],"a":["x","y"]}}`)
}

func TestMethodNotAllowed(t *testing.T) {
	tests := []struct {
		method  string
		allowed []string
		list    string
	}{
		{"POST", []string{"GET"}, "GET, HEAD"},
		{"DELETE", []string{"GET", "POST"}, "GET, HEAD, POST"},
		{"GET", []string{"POST"}, "POST"},
		{"PATCH", []string{"POST", "GET", "PUT"}, "POST, GET, HEAD, PUT"},
		{"GET", []string{"PUT", "DELETE"}, "PUT, DELETE"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.list, func(t *testing.T) {
			resp := laravel.MethodNotAllowed(tt.method, tt.allowed)
			requireJSONResponse(t, resp, 405,
				`{"message":"The `+tt.method+` method is not supported for this route. Supported methods: `+tt.list+`."}`)
			require.Equal(t, tt.list, resp.Header.Get("Allow"))
		})
	}
}

func TestRedirect(t *testing.T) {
	tests := []struct {
		location string
		escaped  string
	}{
		{"https://app.cleverapp.pro/login", "https://app.cleverapp.pro/login"},
		{"https://x/login?a=1&b='2'", "https://x/login?a=1&amp;b=&#39;2&#39;"},
	}
	for _, tt := range tests {
		t.Run(tt.location, func(t *testing.T) {
			resp := laravel.Redirect(tt.location)
			require.Equal(t, http.StatusFound, resp.Status)
			require.Equal(t, tt.location, resp.Header.Get("Location"), "the header is not HTML-escaped")
			require.Equal(t, "text/html; charset=UTF-8", resp.Header.Get("Content-Type"))
			require.Equal(t, "no-cache, private", resp.Header.Get("Cache-Control"))
			e := tt.escaped
			require.Equal(t, `<!DOCTYPE html>
<html>
    <head>
        <meta charset="UTF-8" />
        <meta http-equiv="refresh" content="0;url='`+e+`'" />

        <title>Redirecting to `+e+`</title>
    </head>
    <body>
        Redirecting to <a href="`+e+`">`+e+`</a>.
    </body>
</html>`, string(resp.Body))
		})
	}
}

func TestThrottleHeaders(t *testing.T) {
	h := http.Header{}
	laravel.ThrottleHeaders(h, 60, 59, 0, 0)
	require.Equal(t, http.Header{"X-RateLimit-Limit": {"60"}, "X-RateLimit-Remaining": {"59"}}, h,
		"Laravel's spelling, no Retry-After while allowed")

	h = http.Header{}
	laravel.ThrottleHeaders(h, 2, 0, 1, 1715947201)
	require.Equal(t, http.Header{
		"X-RateLimit-Limit":     {"2"},
		"X-RateLimit-Remaining": {"0"},
		"Retry-After":           {"1"},
		"X-RateLimit-Reset":     {"1715947201"},
	}, h)
}

func TestNewPage(t *testing.T) {
	tests := []struct {
		name   string
		number int64
		ok     bool
		want   int
	}{
		{"first", 1, true, 1},
		{"third", 3, true, 3},
		{"zero", 0, true, 1},
		{"negative", -4, true, 1},
		{"not a number", 7, false, 1},
		{"huge", 1 << 40, true, 1 << 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := laravel.NewPage(tt.number, tt.ok, 25)
			require.Equal(t, laravel.Page{Number: tt.want, PerPage: 25}, p)
			require.Equal(t, (tt.want-1)*25, p.Offset())
		})
	}
}

func TestPaginated(t *testing.T) {
	const path = "https://app.cleverapp.pro/api/v1/contacts"
	const link = `https:\/\/app.cleverapp.pro\/api\/v1\/contacts?page=`
	data := []any{"x"}
	tests := []struct {
		name  string
		page  int
		per   int
		total int
		want  string
	}{
		{"first of three", 1, 10, 25,
			`{"data":["x"],"links":{"first":"` + link + `1","last":"` + link + `3","prev":null,"next":"` + link + `2"},` +
				`"meta":{"current_page":1,"from":1,"last_page":3,"path":"https:\/\/app.cleverapp.pro\/api\/v1\/contacts","per_page":10,"to":10,"total":25}}`},
		{"middle", 2, 10, 25,
			`{"data":["x"],"links":{"first":"` + link + `1","last":"` + link + `3","prev":"` + link + `1","next":"` + link + `3"},` +
				`"meta":{"current_page":2,"from":11,"last_page":3,"path":"https:\/\/app.cleverapp.pro\/api\/v1\/contacts","per_page":10,"to":20,"total":25}}`},
		{"last, partly filled", 3, 10, 25,
			`{"data":["x"],"links":{"first":"` + link + `1","last":"` + link + `3","prev":"` + link + `2","next":null},` +
				`"meta":{"current_page":3,"from":21,"last_page":3,"path":"https:\/\/app.cleverapp.pro\/api\/v1\/contacts","per_page":10,"to":25,"total":25}}`},
		{"last, exactly full", 2, 10, 20,
			`{"data":["x"],"links":{"first":"` + link + `1","last":"` + link + `2","prev":"` + link + `1","next":null},` +
				`"meta":{"current_page":2,"from":11,"last_page":2,"path":"https:\/\/app.cleverapp.pro\/api\/v1\/contacts","per_page":10,"to":20,"total":20}}`},
		{"empty", 1, 10, 0,
			`{"data":["x"],"links":{"first":"` + link + `1","last":"` + link + `1","prev":null,"next":null},` +
				`"meta":{"current_page":1,"from":null,"last_page":1,"path":"https:\/\/app.cleverapp.pro\/api\/v1\/contacts","per_page":10,"to":null,"total":0}}`},
		{"beyond the last", 5, 10, 25,
			`{"data":["x"],"links":{"first":"` + link + `1","last":"` + link + `3","prev":"` + link + `4","next":null},` +
				`"meta":{"current_page":5,"from":null,"last_page":3,"path":"https:\/\/app.cleverapp.pro\/api\/v1\/contacts","per_page":10,"to":null,"total":25}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := jsonx.PHP(laravel.Paginated(data, path, laravel.Page{Number: tt.page, PerPage: tt.per}, tt.total))
			require.NoError(t, err)
			require.Equal(t, tt.want, string(out))
		})
	}
}

func TestTime(t *testing.T) {
	msk := time.FixedZone("MSK", 3*3600)
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2024, 5, 17, 15, 4, 5, 999999999, msk), "2024-05-17T12:04:05+00:00"},
		{time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "2024-01-02T03:04:05+00:00"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, laravel.Time(tt.in))
	}
}
