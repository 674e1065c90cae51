package control

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"github.com/gorilla/mux"
)

// The router that matches control calls is the same for every API with the
// same routes, and building one compiles a regular expression per route:
// most of the cost of a new emulator, which every Go test pays. So each API
// declares its routes with its own handlers, and APIs that declare the same
// routes share one router, built once per process, whose routes call the
// handler of the API serving the request.

// routeDecl is a route as the router matches it.
type routeDecl struct {
	method, path string
	prefix       bool // path is a prefix (the dashboard's files)
}

// mount routes method + path (under Prefix already) to h.
func (a *API) mount(method, path string, h http.Handler) {
	a.decls = append(a.decls, routeDecl{method: method, path: path})
	a.handlers = append(a.handlers, h)
}

// mountPrefix routes method + every path under prefix to h.
func (a *API) mountPrefix(method, prefix string, h http.Handler) {
	a.decls = append(a.decls, routeDecl{method: method, path: prefix, prefix: true})
	a.handlers = append(a.handlers, h)
}

// routers holds the shared routers, by their routes.
var routers sync.Map // key of the declarations → func() *mux.Router

// sharedRouter gives the router of decls, built at its first use: a
// program that serves the platforms before its first control call (the
// command's start-up) builds it later.
func sharedRouter(decls []routeDecl) func() *mux.Router {
	var key strings.Builder
	for _, d := range decls {
		key.WriteString(d.method)
		if d.prefix {
			key.WriteString(" prefix")
		}
		key.WriteString(" " + d.path + "\n")
	}
	build, _ := routers.LoadOrStore(key.String(), sync.OnceValue(func() *mux.Router { return buildRouter(decls) }))
	return build.(func() *mux.Router)
}

func buildRouter(decls []routeDecl) *mux.Router {
	r := mux.NewRouter()
	for i, d := range decls {
		route := r.NewRoute()
		if d.prefix {
			route.PathPrefix(d.path)
		} else {
			route.Path(d.path)
		}
		route.Methods(d.method).Handler(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			req.Context().Value(apiKey{}).(*API).handlers[i].ServeHTTP(w, req)
		}))
	}
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusNotFound, errorBody("no control endpoint at "+r.URL.Path))
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusMethodNotAllowed, errorBody(r.Method+" is not allowed on "+r.URL.Path))
	})
	return r
}

// apiKey carries, in a request's context, the API that serves it.
type apiKey struct{}

// ServeHTTP answers a call under Prefix.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.router().ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), apiKey{}, a)))
}
