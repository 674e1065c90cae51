// Package ui is the dashboard: a page of plain JavaScript modules and CSS,
// embedded in the binary and served under /__fakebots/ui/. It holds no
// data: it reads and drives the emulator through the documented control API
// like any other client, so its files are served to anyone.
//
// Every view has a URL of its own (/__fakebots/ui/tenants/{id}/{platform},
// …): any path that is not one of the files gets the page, whose script
// reads the path.
package ui

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
)

//go:embed assets
var assets embed.FS

// asset is one file, ready to serve.
type asset struct {
	body, gzipped []byte
	contentType   string
	etag          string
}

// Handler serves the dashboard: paths are relative to its mount point
// (the caller strips /__fakebots/ui/). Files are under assets/; every
// other path is the page.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		files, err := loaded()
		if err != nil {
			panic(err) // the embedded files are part of the binary: a failure is a build defect
		}
		name := "index.html"
		if strings.HasPrefix(r.URL.Path, "assets/") {
			name = strings.TrimPrefix(r.URL.Path, "assets/")
		}
		a, ok := files[name]
		if !ok {
			http.Error(w, "no dashboard file "+r.URL.Path, http.StatusNotFound)
			return
		}
		serve(w, r, a)
	})
}

// policy keeps the page to its own origin: no script, style, font or image
// from anywhere else, so a demo works offline and leaks nothing.
const policy = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func serve(w http.ResponseWriter, r *http.Request, a asset) {
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", "no-cache") // revalidate: the ETag changes with every build that changes the file
	h.Set("ETag", a.etag)
	h.Set("Content-Security-Policy", policy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Add("Vary", "Accept-Encoding")
	if r.Header.Get("If-None-Match") == a.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		h.Set("Content-Encoding", "gzip")
		body = a.gzipped
	}
	w.Write(body)
}

// Files are the dashboard's files (index.html, assets' contents).
func Files() fs.FS {
	root, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // "assets" is a fixed, embedded directory
	}
	return root
}

// loaded is every embedded file with its type, tag and gzip form, read
// and compressed once per process at the first request for one: an
// emulator (one per Go test, often) costs nothing for a dashboard no one
// opens.
var loaded = sync.OnceValues(load)

func load() (map[string]asset, error) {
	root := Files()
	files := map[string]asset{}
	err := fs.WalkDir(root, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(root, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(body)
		if err := zw.Close(); err != nil {
			return err
		}
		files[name] = asset{body: body, gzipped: gz.Bytes(), contentType: contentType(name), etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
	return files, err
}

func contentType(name string) string {
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// Sizes reports the bytes of every file as served plainly and gzipped.
func Sizes() (plain, gzipped int, err error) {
	files, err := loaded()
	for _, a := range files {
		plain += len(a.body)
		gzipped += len(a.gzipped)
	}
	return plain, gzipped, err
}
