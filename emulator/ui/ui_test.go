package ui_test

import (
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fakebots/fakebots/emulator/ui"
)

func get(t *testing.T, h http.Handler, path string, headers ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/"+path, nil)
	req.URL.Path = path // as mounted: the prefix stripped
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

// TestEveryViewIsThePage: any path that is not a file is the page, whose
// script reads the path; files are served with their types.
func TestEveryViewIsThePage(t *testing.T) {
	h := ui.Handler()
	page := get(t, h, "")
	body, _ := io.ReadAll(page.Body)
	for _, view := range []string{"tenants/acme/salebot", "tenants/acme/calls/42", "scenarios/runs/run_1", "login"} {
		r := get(t, h, view)
		require.Equal(t, http.StatusOK, r.StatusCode, view)
		require.Equal(t, "text/html; charset=utf-8", r.Header.Get("Content-Type"))
		again, _ := io.ReadAll(r.Body)
		require.Equal(t, body, again, view)
	}
	require.Contains(t, string(body), `<script type="module" src="/__fakebots/ui/assets/app.js"></script>`)
	require.Equal(t, "no-cache", page.Header.Get("Cache-Control"))
	require.Contains(t, page.Header.Get("Content-Security-Policy"), "default-src 'self'")

	js := get(t, h, "assets/app.js")
	require.Equal(t, http.StatusOK, js.StatusCode)
	require.Regexp(t, `^(text|application)/javascript`, js.Header.Get("Content-Type"))
	css := get(t, h, "assets/style.css")
	require.Equal(t, "text/css; charset=utf-8", css.Header.Get("Content-Type"))
	require.Equal(t, http.StatusNotFound, get(t, h, "assets/missing.js").StatusCode)
}

func TestAssetsRevalidateAndCompress(t *testing.T) {
	h := ui.Handler()
	first := get(t, h, "assets/app.js")
	etag := first.Header.Get("ETag")
	require.Regexp(t, `^"[0-9a-f]{16}"$`, etag)
	require.Equal(t, "no-cache", first.Header.Get("Cache-Control"), "revalidated: the tag changes with the file")
	require.Equal(t, "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
		first.Header.Get("Content-Security-Policy"))
	require.Equal(t, "nosniff", first.Header.Get("X-Content-Type-Options"))
	require.Equal(t, "no-referrer", first.Header.Get("Referrer-Policy"))
	require.Equal(t, "Accept-Encoding", first.Header.Get("Vary"))
	require.Equal(t, http.StatusNotModified, get(t, h, "assets/app.js", "If-None-Match", etag).StatusCode)

	plain, _ := io.ReadAll(first.Body)
	zipped := get(t, h, "assets/app.js", "Accept-Encoding", "gzip, deflate")
	require.Equal(t, "gzip", zipped.Header.Get("Content-Encoding"))
	zr, err := gzip.NewReader(zipped.Body)
	require.NoError(t, err)
	unzipped, err := io.ReadAll(zr)
	require.NoError(t, err)
	require.Equal(t, plain, unzipped)
}

// TestAssetsStayOnTheirOrigin: no file names another origin (a CDN, a web
// font), so a demo works offline and the page makes no request elsewhere.
func TestAssetsStayOnTheirOrigin(t *testing.T) {
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	err := fs.WalkDir(ui.Files(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(ui.Files(), name)
		require.NoError(t, err)
		for _, m := range external.FindAllString(string(body), -1) {
			require.Equal(t, "http://www.w3.org", m, "%s names %s", name, m) // SVG's namespace is a name, never fetched
		}
		return nil
	})
	require.NoError(t, err)
}

// TestAssetsSize keeps the dashboard small: it is a few modules, not a
// framework. The sizes are logged (go test -v -run TestAssetsSize).
func TestAssetsSize(t *testing.T) {
	plain, gzipped, err := ui.Sizes()
	require.NoError(t, err)
	t.Logf("dashboard assets: %d bytes, %d gzipped", plain, gzipped)
	require.Less(t, plain, 200<<10)
}

// TestHandlerCostsNothingUntilOpened: every emulator (one per Go test,
// often) makes a dashboard handler; reading and compressing the assets
// waits for the first request for them, once per process.
func TestHandlerCostsNothingUntilOpened(t *testing.T) {
	allocs := testing.AllocsPerRun(20, func() { ui.Handler() })
	require.LessOrEqual(t, allocs, 2.0, "making a handler reads no asset")
	h := ui.Handler()
	require.Equal(t, http.StatusOK, get(t, h, "").StatusCode)
	allocs = testing.AllocsPerRun(20, func() { ui.Handler() })
	require.LessOrEqual(t, allocs, 2.0)
}
