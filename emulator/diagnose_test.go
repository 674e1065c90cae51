package emulator_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator"
	"github.com/fakebots/fakebots/emulator/fakebotstest"
)

func TestHintNamesTheClosestOperation(t *testing.T) {
	f := fakebotstest.New(t)
	r := f.Do(t, http.MethodPost, "/cleverapp/api/v1/sendMesage?api_token="+f.Tenant.CleverApp.APIToken, `{}`, "X-Requested-With", xhr)
	require.Equal(t, http.StatusNotFound, r.Status)
	require.JSONEq(t, `{"message":""}`, string(r.Body), "the body stays Laravel's own")
	require.Equal(t, "no cleverapp operation at POST /api/v1/sendMesage; closest: sendMessage (POST /api/v1/sendMessage)", r.Header.Get(emulator.HintHeader))

	r = f.Do(t, http.MethodGet, "/salebot/api/"+salebotKey(t, f.Tenant)+"/get_client", nil)
	require.Equal(t, "no salebot operation at GET /api/{key}/get_client; closest: get_clients (GET /api/{api_key}/get_clients)",
		strings.Replace(r.Header.Get(emulator.HintHeader), salebotKey(t, f.Tenant), "{key}", 1))

	r = f.Do(t, http.MethodPost, "/cleverapp/api/v1/getMe?api_token="+f.Tenant.CleverApp.APIToken, nil, "X-Requested-With", xhr)
	require.Equal(t, http.StatusMethodNotAllowed, r.Status)
	require.Equal(t, "POST is not allowed on /api/v1/getMe (allowed: GET); closest: getMe (GET /api/v1/getMe)", r.Header.Get(emulator.HintHeader))
}

func TestHintNamesTheRefusedParameters(t *testing.T) {
	f := fakebotstest.New(t)
	r := f.Do(t, http.MethodPost, "/cleverapp/api/v1/sendMessage?api_token="+f.Tenant.CleverApp.APIToken, `{}`, "X-Requested-With", xhr, "Content-Type", "application/json")
	require.Equal(t, http.StatusUnprocessableEntity, r.Status)
	require.Equal(t, "sendMessage refused its parameters: contact_id, text, image, file, messenger, bot_id, contact_external_id", r.Header.Get(emulator.HintHeader))

	ok := f.Do(t, http.MethodGet, "/cleverapp/api/v1/getMe?api_token="+f.Tenant.CleverApp.APIToken, nil, "X-Requested-With", xhr)
	require.Equal(t, http.StatusOK, ok.Status)
	require.Empty(t, ok.Header.Get(emulator.HintHeader), "answers that reached a handler carry no hint")
}

func TestHintsOff(t *testing.T) {
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithHints(false)))
	r := f.Do(t, http.MethodPost, "/cleverapp/api/v1/sendMesage", nil)
	require.Equal(t, http.StatusNotFound, r.Status)
	require.NotContains(t, r.Header, emulator.HintHeader)
}

func TestUnmatchedRequests(t *testing.T) {
	f := fakebotstest.New(t)
	token := f.Tenant.CleverApp.APIToken
	f.Do(t, http.MethodGet, "/cleverapp/api/v1/getMe?api_token="+token, nil, "X-Requested-With", xhr)                          // matched
	f.Do(t, http.MethodPost, "/cleverapp/api/v1/sendMessage?api_token="+token, `{}`, "X-Requested-With", xhr)                  // matched, refused
	f.Do(t, http.MethodPost, "/t/"+f.Tenant.ID+"/cleverapp/api/v1/sendMesage?api_token="+token, `{}`, "X-Requested-With", xhr) // no operation
	r := f.Do(t, http.MethodGet, "/clevrapp/api/v1/getMe", nil)                                                                // no platform
	require.Equal(t, "no emulated platform at /clevrapp/api/v1/getMe; closest: cleverapp (/cleverapp/...)", r.Header.Get(emulator.HintHeader))
	f.Do(t, http.MethodGet, "/t/nobody/cleverapp/api/v1/getMe", nil) // no tenant

	var page struct {
		Data []struct {
			Platform string `json:"platform"`
			Miss     struct {
				Reason, Closest, Expected, Detail string
			} `json:"miss"`
			Request struct{ Path string } `json:"request"`
		} `json:"data"`
		NextBefore *int64 `json:"next_before"`
	}
	f.Do(t, http.MethodGet, "/__fakebots/requests/unmatched", nil).JSON(t, &page)
	require.Len(t, page.Data, 3)
	require.Equal(t, "no_tenant", page.Data[0].Miss.Reason)
	require.Equal(t, "no tenant nobody", page.Data[0].Miss.Detail)
	require.Equal(t, "no_platform", page.Data[1].Miss.Reason)
	require.Equal(t, "cleverapp", page.Data[1].Miss.Closest)
	require.Equal(t, "/clevrapp/api/v1/getMe", page.Data[1].Request.Path)
	require.Equal(t, "no_operation", page.Data[2].Miss.Reason)
	require.Equal(t, "cleverapp", page.Data[2].Platform)
	require.Equal(t, "sendMessage", page.Data[2].Miss.Closest)
	require.Equal(t, "POST /api/v1/sendMessage", page.Data[2].Miss.Expected)
	require.Nil(t, page.NextBefore)

	f.Do(t, http.MethodGet, "/__fakebots/tenants/"+f.Tenant.ID+"/requests/unmatched", nil).JSON(t, &page)
	require.Len(t, page.Data, 1, "the tenant's own: the call through its base URL")
	require.Equal(t, "sendMessage", page.Data[0].Miss.Closest)
}

// syncBuffer is a log destination safe for the emulator's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// lines are the lines written, none when nothing was.
func (s *syncBuffer) lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() == 0 {
		return nil
	}
	return strings.Split(strings.TrimSpace(s.b.String()), "\n")
}

func TestOneLogLinePerRequest(t *testing.T) {
	var out syncBuffer
	log := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{
		Level:       slog.LevelInfo,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr { return dropVolatile(a) },
	}))
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithLogger(log)))
	f.Do(t, http.MethodGet, "/cleverapp/api/v1/getMe?api_token="+f.Tenant.CleverApp.APIToken, nil, "X-Requested-With", xhr)
	f.Do(t, http.MethodPost, "/cleverapp/api/v1/sendMesage", nil, "X-Requested-With", xhr)
	f.Do(t, http.MethodGet, "/clevrapp/api/v1/getMe", nil)
	lines := out.lines()
	require.Len(t, lines, 3)
	require.JSONEq(t, `{"level":"INFO","msg":"request","method":"GET","path":"/cleverapp/api/v1/getMe","tenant":"`+f.Tenant.ID+`","platform":"cleverapp","operation":"getMe","status":200}`, lines[0])
	require.JSONEq(t, `{"level":"INFO","msg":"request","method":"POST","path":"/cleverapp/api/v1/sendMesage","tenant":"","platform":"cleverapp","operation":"","status":404,"miss":"no_operation","hint":"no cleverapp operation at POST /api/v1/sendMesage; closest: sendMessage (POST /api/v1/sendMessage)"}`, lines[1])
	require.JSONEq(t, `{"level":"INFO","msg":"request","method":"GET","path":"/clevrapp/api/v1/getMe","tenant":"","platform":"","operation":"","status":404,"miss":"no_platform","hint":"no emulated platform at /clevrapp/api/v1/getMe; closest: cleverapp (/cleverapp/...)"}`, lines[2])
}

func TestBodiesAreLoggedAtDebug(t *testing.T) {
	var out syncBuffer
	log := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{
		Level:       slog.LevelDebug,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr { return dropVolatile(a) },
	}))
	f := fakebotstest.New(t, fakebotstest.WithEmulatorOptions(emulator.WithLogger(log)))
	f.Do(t, http.MethodPost, "/cleverapp/api/v1/sendMessage?api_token="+f.Tenant.CleverApp.APIToken, `{"text":"hi"}`, "X-Requested-With", xhr)
	lines := out.lines()
	require.Len(t, lines, 1)
	require.Contains(t, lines[0], `"request_body":"{\"text\":\"hi\"}"`)
	require.Contains(t, lines[0], `"response_body":"{\"message\":\"The given data was invalid.\"`)
}

// dropVolatile leaves out what changes from run to run.
func dropVolatile(a slog.Attr) slog.Attr {
	switch a.Key {
	case slog.TimeKey, "duration_ms", "query":
		return slog.Attr{}
	}
	return a
}

// TestIndexAndRootRedirect: a person who opens the emulator's address lands
// on the dashboard; a client that asks for JSON gets the index.
func TestIndexAndRootRedirect(t *testing.T) {
	s := newServer(t)
	const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	for _, path := range []string{"/", "/__fakebots"} {
		for accept, want := range map[string]string{"": "/__fakebots/ui/", browser: "/__fakebots/ui/", "*/*": "/__fakebots/ui/", "application/json": "/__fakebots/"} {
			r := s.Do(t, http.MethodGet, path, nil, "Accept", accept)
			require.Equal(t, http.StatusFound, r.Status, "%s with Accept %q", path, accept)
			require.Equal(t, want, r.Header.Get("Location"), "%s with Accept %q", path, accept)
		}
	}
	toUI := s.Do(t, http.MethodGet, "/__fakebots/", nil, "Accept", browser)
	require.Equal(t, http.StatusFound, toUI.Status)
	require.Equal(t, "/__fakebots/ui/", toUI.Header.Get("Location"))
	idx := s.Do(t, http.MethodGet, "/__fakebots/", nil)
	require.Equal(t, http.StatusOK, idx.Status)
	require.Contains(t, string(idx.Body), `"openapi":"/__fakebots/openapi.yaml"`)
	require.Contains(t, string(idx.Body), `"unmatched":"/__fakebots/requests/unmatched"`)
	require.Contains(t, string(idx.Body), `"dashboard":"/__fakebots/ui/"`)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Host = "api.bothelp.io"
	s.Emulator.ServeHTTP(rec, req)
	require.NotEqual(t, http.StatusFound, rec.Code, "/ on a platform's host is the platform's")
}

func salebotKey(t *testing.T, tn *fakebotstest.Tenant) string {
	t.Helper()
	var sb struct {
		APIKey string `json:"api_key"`
	}
	require.NoError(t, json.Unmarshal(tn.Raw["salebot"], &sb))
	return sb.APIKey
}

// TestHintNamesTheClosestPlatform: the first segment of the path (after a
// tenant's prefix) is compared with every platform's name; of two as close,
// the one that answers first is named.
func TestHintNamesTheClosestPlatform(t *testing.T) {
	f := fakebotstest.New(t)
	for path, closest := range map[string]string{
		"/clevrapp/api/v1/getMe":                       "cleverapp",
		"/t/" + f.Tenant.ID + "/clevrapp/api/v1/getMe": "cleverapp",
		"/lebot/api/v1/getMe":                          "onebot", // as close to salebot
		"/t/" + f.Tenant.ID + "/salebt/api/k/message":  "salebot",
	} {
		r := f.Do(t, http.MethodGet, path, nil)
		require.Equal(t, http.StatusNotFound, r.Status, path)
		require.Equal(t, "no emulated platform at "+path+"; closest: "+closest+" ("+"/"+closest+"/...)", r.Header.Get(emulator.HintHeader), path)
	}
}

// TestHintIsOneBoundedASCIILine: what a header value should not carry is
// escaped as %XX (the percent sign too, so the hint decodes back), and a
// hint stops once it has reached 512 bytes.
func TestHintIsOneBoundedASCIILine(t *testing.T) {
	f := fakebotstest.New(t)
	hintOf := func(target string) string {
		rec := httptest.NewRecorder()
		f.Emulator.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		require.Equal(t, http.StatusNotFound, rec.Code, target)
		return rec.Header().Get(emulator.HintHeader)
	}
	require.Equal(t, "no emulated platform at /clevrapp/tab%09bell%07del%7Fpercent%25%D0%BA%D0%BE%D1%82/end; closest: cleverapp (/cleverapp/...)",
		hintOf("/clevrapp/tab%09bell%07del%7Fpercent%25кот/end"))

	long := hintOf("/clevrapp/" + strings.Repeat("x", 600))
	require.Equal(t, "no emulated platform at /clevrapp/"+strings.Repeat("x", 512-len("no emulated platform at /clevrapp/")), long)
}
