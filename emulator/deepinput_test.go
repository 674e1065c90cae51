package emulator_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

// deepKeyTimeout is the generous bound on one answer to a hostile input
// (the target is well under a second): a walk that follows the input's
// depth would take far longer, or never answer.
const deepKeyTimeout = 5 * time.Second

// allocFactor bounds the bytes allocated while answering, as a multiple of
// the request's size: reading the body, decoding it and journaling it.
const allocFactor = 12

// TestDeepInputIsBoundedOnEveryPlatform sends keys nested millions of
// levels deep (a form key a[x][x]…[x] and a JSON document, each ~8 MB,
// under the body cap, and a 900 KB query): every platform answers as it
// would to PHP's or its own bounds, in bounded time and memory. The cases
// run in a child process: a regression to unbounded recursion is a fatal
// stack overflow, which must fail this test, not end the test binary.
func TestDeepInputIsBoundedOnEveryPlatform(t *testing.T) {
	if os.Getenv("FAKEBOTS_DEEP_INPUT_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDeepInputIsBoundedOnEveryPlatform$", "-test.v")
		cmd.Env = append(os.Environ(), "FAKEBOTS_DEEP_INPUT_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			fatal := ""
			if i := bytes.Index(out, []byte("fatal error:")); i >= 0 {
				fatal, _, _ = strings.Cut(string(out[i:]), "\n")
			}
			t.Fatalf("the deep-input cases failed or crashed: %v %s\n%s", err, fatal, lastBytes(out, 4000))
		}
		require.Contains(t, string(out), "--- PASS: TestDeepInputIsBoundedOnEveryPlatform")
		return
	}

	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithRateLimits(false)))
	ca := f.Tenant.CleverApp
	sb := f.Salebot
	bhToken := f.BotHelp.Token(t)
	form, jsonType := "application/x-www-form-urlencoded", "application/json"

	const millions, hundreds = 2_700_000, 300_000 // levels: ~8 MB and ~900 KB
	deepForm := func(levels int) string { return "a" + strings.Repeat("[x]", levels) + "=1" }
	deepJSON := func(levels int) string {
		return `"a":` + strings.Repeat("[", levels) + strings.Repeat("]", levels)
	}
	unauthenticated := `{"message":"Unauthenticated."}`
	missingContact := `{"message":"No query results for model [App\\Contact] 999999999"}`
	emptyInput := `{"message":"The given data was invalid.","errors":{"contact_id":["Поле contact id обязательно для заполнения, когда messenger \/ bot id \/ contact external id не указано."],"text":["Поле text обязательно для заполнения, когда ни одно из image \/ file не указано."],"image":["Поле image обязательно для заполнения, когда ни одно из text \/ file не указано."],"file":["Поле file обязательно для заполнения, когда ни одно из text \/ image не указано."],"messenger":["Поле messenger обязательно для заполнения, когда contact id не указано."],"bot_id":["Поле bot id обязательно для заполнения, когда contact id не указано."],"contact_external_id":["Поле contact external id обязательно для заполнения, когда contact id не указано."]}}`
	tooDeepKey := `{"status":"fail","message":"Request too complex: a key nested deeper than 64 levels"}`
	tooDeepJSON := `{"status":"fail","message":"Request too complex: JSON nested deeper than 511 levels"}`
	jsonDecode := `{"success":false,"error":{"code":"VALIDATION_ERROR","message":"json_decode error"}}`

	for _, levels := range []int{millions, hundreds} {
		cases := []struct {
			name, method, url, contentType, body string
			status                               int
			want                                 string
		}{
			{"CleverApp form without a token: PHP drops the key, the guard refuses", "POST", ca.BaseURL + "/sendMessage", form, deepForm(levels), 401, unauthenticated},
			{"Onebot form without a token", "POST", f.Tenant.Onebot.BaseURL + "/sendMessage", form, deepForm(levels), 401, unauthenticated},
			{"CleverApp form: the deep key is dropped, the rest read", "POST", ca.BaseURL + "/sendMessage?api_token=" + ca.APIToken, form,
				"contact_id=999999999&text=hi&" + deepForm(levels), 404, missingContact},
			{"CleverApp JSON past json_decode's depth is an empty input", "POST", ca.BaseURL + "/sendMessage?api_token=" + ca.APIToken, jsonType,
				`{"contact_id":999999999,"text":"hi",` + deepJSON(levels) + `}`, 422, emptyInput},
			{"Salebot form", "POST", sb.BaseURL + "/message", form, "client_id=1&message=hi&" + deepForm(levels), 400, tooDeepKey},
			{"Salebot JSON", "POST", sb.BaseURL + "/message", jsonType, `{"client_id":1,"message":"hi",` + deepJSON(levels) + `}`, 400, tooDeepJSON},
			{"BotHelp JSON", "POST", "/bothelp/v1/subscribers/1/messages", jsonType, `{` + deepJSON(levels) + `}`, 400, jsonDecode},
		}
		if levels == millions {
			wide := `{"contact_id":1,"a":[` + strings.Repeat("[],", 2_500_000) + `[]]}`
			cases = append(cases, struct {
				name, method, url, contentType, body string
				status                               int
				want                                 string
			}{"CleverApp JSON of millions of values is too large", "POST", ca.BaseURL + "/sendMessage?api_token=" + ca.APIToken, jsonType, wide, 413, `{"message":""}`})
		}
		if levels == hundreds {
			query := deepForm(levels)
			cases = append(cases, []struct {
				name, method, url, contentType, body string
				status                               int
				want                                 string
			}{
				{"CleverApp 900 KB query", "GET", ca.BaseURL + "/getMe?api_token=" + ca.APIToken + "&" + query, "", "", 200, ""},
				{"Salebot 900 KB query", "GET", sb.BaseURL + "/get_clients?" + query, "", "", 400, tooDeepKey},
			}...)
		}
		for _, tc := range cases {
			t.Run(tc.name+" ("+itoa(int64(levels))+" levels)", func(t *testing.T) {
				headers := []string{"X-Requested-With", xhr, "Authorization", "Bearer " + bhToken}
				if tc.contentType != "" {
					headers = append(headers, "Content-Type", tc.contentType)
				}
				size := len(tc.url) + len(tc.body)
				status, body, allocated := timedRequest(t, f.URL, tc.method, tc.url, tc.body, headers)
				require.Equal(t, tc.status, status, lastBytes(body, 500))
				if tc.want != "" {
					require.Equal(t, tc.want, string(body))
				}
				t.Logf("allocated %.1f × the request", float64(allocated)/float64(size))
				require.LessOrEqual(t, allocated, uint64(allocFactor*size), "allocated %d bytes for a %d-byte request", allocated, size)
			})
		}
	}
}

// timedRequest sends one request within deepKeyTimeout and reports the
// bytes allocated in the process meanwhile.
func timedRequest(t *testing.T, base, method, url, body string, headers []string) (int, []byte, uint64) {
	t.Helper()
	if strings.HasPrefix(url, "/") {
		url = base + url
	}
	ctx, cancel := context.WithTimeout(context.Background(), deepKeyTimeout)
	defer cancel()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, reader)
	require.NoError(t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err, "no answer within %s", deepKeyTimeout)
	defer resp.Body.Close()
	var out bytes.Buffer
	_, err = io.Copy(&out, resp.Body)
	require.NoError(t, err)
	runtime.ReadMemStats(&after)
	return resp.StatusCode, out.Bytes(), after.TotalAlloc - before.TotalAlloc
}

func lastBytes(b []byte, n int) string {
	if len(b) > n {
		return "…" + string(b[len(b)-n:])
	}
	return string(b)
}
